/* record.h: what `xenbench record` asks of a source, and the one recording
 * loop over it.
 *
 * A source fills struct xb_recorder_ops (htop's platform shape): open
 * (check what it needs, find the domains), prepare (its files in the run
 * folder), start, wait, read raw (move the captured trace into the folder),
 * sample (counters, new domains), stop, describe (its manifest keys:
 * domains, trace, counters), close.  xb_record() owns the order and the
 * clock of every recording: the output-folder rule, the run id and host
 * facts (source/runfolder.h), the manifest at the start (state "recording")
 * and at the stop ("complete", "complete (stopped by signal)" or "failed"
 * with "error"), the duration, the interval, SIGINT/SIGTERM, the last
 * reading taken while the trace still runs, and the notes to the command.
 * Sources: source/linux (tracefs, procfs, perf; with libvirt's discovery
 * and domstats sampler, source/libvirt, when the domains are libvirt
 * guests) and source/xen.  What was written before an error stays
 * readable.
 */
#ifndef XB_RECORD_H
#define XB_RECORD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "util/err.h"
#include "util/notes.h"

/* Bounds of the options (checked by the commands, stated in --help): a
 * sample a second is the finest `top` and `record` take, and a trace buffer
 * of 256 MiB per CPU holds minutes of events between two 100 ms reads. */
#define XB_RECORD_INTERVAL_MIN_S 0.1
#define XB_RECORD_INTERVAL_MAX_S 3600.0
#define XB_RECORD_DURATION_MIN_S 0.1
#define XB_RECORD_DURATION_MAX_S (366 * 86400.0)
#define XB_BUFFER_KB_MIN 4
#define XB_BUFFER_KB_MAX 262144

struct xb_record_opts {
    const char *outdir;        /* -o RUNDIR (created, or a folder without a
                                * recording in it) */
    uint64_t duration_ns;      /* -d; 0: until SIGINT/SIGTERM */
    uint64_t interval_ns;      /* -i; counter sampling interval, default 1 s */
    const char *domains;       /* --domains libvirt|qemu|cgroup|process|auto */
    const char *match;         /* --match REGEX on comm (process), or NULL */
    const char *source;        /* --source xen|linux|auto */
    bool use_xentrace;         /* --use-xentrace: Debian's xentrace captures */
    unsigned buffer_kb;        /* --buffer-kb: trace buffer per CPU, 0 default */
    bool require;              /* --require (or --match): no domain is an error */
    uint64_t max_size_bytes;   /* --max-size: a raw recording stops when its
                                * trace reaches this (0: no bound) */
    bool ring;                 /* --ring: with max_size_bytes, keep recording
                                * and keep the newest pages within it */
    /* Called about every 100 ms while recording, and once with done set
     * before the recorder's own last line (NULL: none). */
    void (*progress)(uint64_t elapsed_ns, uint64_t total_ns, bool done, void *ctx);
    void *progress_ctx;
    const struct xb_notes *notes;   /* progress and warnings: the command prints */
    const void *source_opts;   /* one source's own options, its own type
                                * (pipeline/aggregate.h), or NULL */
};

struct xb_runfolder;

struct xb_recorder_ops {
    const char *name;               /* the manifest's "source" */
    uint64_t read_period_ns;        /* read_raw at most this often (0: each wake) */
    /* Check what the source needs and find the domains; nothing is written
     * yet, so a refused recording leaves no folder.  May set f->cpu_count,
     * f->cpu_mhz. */
    int (*open)(void **state, const struct xb_record_opts *o,
                struct xb_runfolder *f, struct xb_err *err);
    /* The folder exists: create the source's files. */
    int (*prepare)(void *state, struct xb_err *err);
    /* Start capturing (f->t0_mono_ns is set). */
    int (*start)(void *state, struct xb_err *err);
    /* Sleep until until_ns (CLOCK_MONOTONIC), or less when the source has
     * data to move; a signal may end it early. */
    int (*wait)(void *state, uint64_t until_ns, struct xb_err *err);
    /* Move what was captured into the run folder; final: after stop, all.
     * XB_RECORD_FULL: the trace reached o->max_size_bytes (without
     * o->ring); the recording then stops as complete. */
    int (*read_raw)(void *state, bool final, struct xb_err *err);
    /* One counter reading (and a look for new domains or threads). */
    int (*sample)(void *state, struct xb_err *err);
    /* Stop capturing (also after a failure: it must be safe then). */
    int (*stop)(void *state, struct xb_err *err);
    /* The source's manifest keys into obj (domains, trace, counters,
     * sources_missing, ...); returns 0 or -ENOMEM. */
    int (*describe)(void *state, json_t *obj);
    /* What the run holds, for the last progress line ("" for nothing). */
    void (*summary)(void *state, char *buf, size_t len);
    void (*close)(void *state);
};

#define XB_RECORD_FULL 1

extern const struct xb_recorder_ops xb_recorder_linux;
extern const struct xb_recorder_ops xb_recorder_xen;

/* Record with source src into o->outdir.  Returns 0, or a negative code
 * with err set (XB_EINPUT-style codes: see util/err.h). */
int xb_record(const struct xb_recorder_ops *src, const struct xb_record_opts *o,
              struct xb_err *err);

/* Set (to the signal number) by the command's SIGINT/SIGTERM handler;
 * recorders poll it and stop cleanly. */
extern volatile sig_atomic_t xb_record_stop;

/* 0 when dir can become a run folder (absent, or a folder without
 * manifest.json); else -XB_EUSAGE with err saying it holds a recording.
 * What `record` checks before it starts, and `bench` before its loads
 * (xb_runfolder_check). */
int xb_record_check_outdir(const char *dir, struct xb_err *err);

/* True when this host is a Xen dom0 (/proc/xen/capabilities says control_d). */
bool xb_xen_is_dom0(void);

#endif
