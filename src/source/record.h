/* record.h: what `xenbench record` asks of a source (Linux or Xen).
 *
 * The command (src/cmd/record.c) parses options, installs SIGINT/SIGTERM
 * handlers that set xb_record_stop, and calls one source's recorder.  A
 * recorder creates the run folder, writes each source's raw output into it
 * unaltered, samples counters every interval, and writes manifest.json
 * atomically at the start (state "recording") and again at the stop (state
 * "complete"), so a folder cut short by a crash or a full disk stays readable.
 */
#ifndef XB_RECORD_H
#define XB_RECORD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct xb_record_opts {
    const char *outdir;        /* -o RUNDIR (created; must not exist or be empty) */
    uint64_t duration_ns;      /* -d; 0: until SIGINT/SIGTERM */
    uint64_t interval_ns;      /* -i; counter sampling interval, default 1 s */
    const char *domains;       /* --domains libvirt|qemu|cgroup|process|auto */
    const char *match;         /* --match REGEX on comm (process), or NULL */
    const char *source;        /* --source xen|linux|auto */
    bool use_xentrace;         /* --use-xentrace: Debian's xentrace captures */
    unsigned buffer_kb;        /* --buffer-kb: trace buffer per CPU, 0 default */
    bool quiet;                /* no progress lines on stderr */
};

/* Set (to the signal number) by the command's SIGINT/SIGTERM handler;
 * recorders poll it and stop cleanly. */
extern volatile sig_atomic_t xb_record_stop;

/* Each returns 0, or a negative code with err set (XB_EINPUT-style codes:
 * see util/err.h).  What was written before an error stays readable. */
int xb_record_linux(const struct xb_record_opts *o, struct xb_err *err);
int xb_record_xen(const struct xb_record_opts *o, struct xb_err *err);

/* True when this host is a Xen dom0 (/proc/xen/capabilities says control_d). */
bool xb_xen_is_dom0(void);

#endif
