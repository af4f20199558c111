/* runfolder.h: the run folder as every recorder writes it (the source-
 * neutral part; docs/run-folder.md).
 *
 * It owns the output-folder rule (a new folder, or an existing one that
 * holds no recording: no manifest.json), the run id (random; without
 * randomness, this boot's id and CLOCK_MONOTONIC, which never repeat), the
 * host facts (uname, /proc/cpuinfo read once), the recording's times, and
 * the one manifest schema: "format": "xenbench-run", "version",
 * "source", "state", "error" and the common facts, then the source's own
 * keys.  It must not know what a source records.
 */
#ifndef XB_SOURCE_RUNFOLDER_H
#define XB_SOURCE_RUNFOLDER_H

#include <jansson.h>
#include <stdint.h>

#include "util/err.h"

/* What every run folder's manifest says, in this version. */
#define XB_RUNFOLDER_FORMAT "xenbench-run"
#define XB_RUNFOLDER_VERSION 1

struct xb_runfolder {
    char dir[4096];
    char run_id[64];
    char host[256], kernel[256], cpu_model[256];
    double cpu_mhz;             /* /proc/cpuinfo's first "cpu MHz" (a source
                                 * may set its own: Xen's TSC rate), 0 */
    unsigned cpu_count;         /* CPUs the recording covers (the source's) */
    uint64_t interval_ns, duration_ns;
    uint64_t t0_mono_ns, t_stop_mono_ns;    /* 0 while unknown */
    char start_utc[40], stop_utc[40];
};

/* The output-folder rule, checked without making anything: 0 when dir can
 * become a run folder, else -XB_EUSAGE saying it holds a recording. */
int xb_runfolder_check(const char *dir, struct xb_err *err);
/* The run id and the host facts, once per recording. */
void xb_runfolder_init(struct xb_runfolder *f, const char *dir);
/* Make the folder (or take the existing one the rule allows). */
int xb_runfolder_create(struct xb_runfolder *f, struct xb_err *err);
/* DIR/name into buf. */
void xb_runfolder_path(const struct xb_runfolder *f, const char *name, char *buf,
                       size_t len);
/* manifest.json, atomically: the common keys, state, the source's keys
 * (copied from src, which the caller keeps), and error when not NULL. */
int xb_runfolder_manifest(const struct xb_runfolder *f, const char *source,
                          const char *state, const json_t *src, const char *error,
                          struct xb_err *err);

#endif
