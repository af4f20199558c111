/* presenter.h: what the pipeline hands a presenter: the facts of a run
 * (struct xb_run_info), each finished window, and the end; and the options
 * that choose a run's input.  Presenters (present/, store/import.c, top)
 * include this, not the pipeline that drives them. */
#ifndef XB_PIPELINE_PRESENTER_H
#define XB_PIPELINE_PRESENTER_H

#include <stdbool.h>
#include <stdint.h>

#include "account/counters.h"
#include "account/engine.h"
#include "model/names.h"
#include "util/notes.h"

/* The live capture of this Linux host (`top`). */
struct xb_live_opts {
    const char *domains;       /* --domains mode */
    const char *match;         /* --match regex or NULL */
    bool require;              /* no domain found is an error */
    unsigned buffer_kb;        /* trace buffer per CPU, 0 default */
};

struct xb_input_opts {
    const char *path;          /* xentrace file or run folder; NULL: live */
    const struct xb_live_opts *live;  /* with path NULL: capture this host */
    uint64_t tsc_hz;           /* 0: take it from the run folder */
    uint64_t interval_ns;      /* 0: the whole recording is one window */
    const char *names_file;    /* `xl list` text, or NULL */
    const char *start_utc;     /* --start: ISO 8601 UTC of time 0, overriding
                                * the run's (NULL: the run's, if any) */
    bool strict;               /* a cut-short file is an error */
    const struct xb_notes *notes;   /* warnings go here; the command prints */
};

struct xb_run_info {
    const char *source;        /* "xen" or "linux" */
    const char *input;         /* what was given: a file, a run folder, "live" */
    const char *trace_file;    /* Xen: the xentrace file read; else NULL */
    uint64_t tsc_hz;
    const char *clock_from;    /* where the clock facts came from: "--tsc-hz",
                                * the manifest's path, "live" */
    unsigned npcpu;
    uint64_t records;          /* records walked */
    uint64_t repaired;         /* Linux: untraced switches the decoder put back */
    uint64_t implied_wakeups;  /* Linux: wake-ups taken from a switch-in */
    const uint64_t *lost;      /* [npcpu] records the hypervisor dropped */
    const uint64_t *lost_notices;
    uint64_t first_tsc, last_tsc;
    uint64_t span_ns;
    uint64_t t0_mono_ns;       /* live: CLOCK_MONOTONIC ns of time 0, else 0 */
    const char *warning;       /* file cut short, or NULL */
    const struct xb_names *names;
    /* From the run folder's manifest, NULL/0 when absent (a bare file). */
    const char *host;          /* host name */
    const char *cpu_model;
    double cpu_mhz;            /* nominal clock of the host's cores */
    const char *start_utc;     /* ISO 8601 UTC of time 0 (the manifest's
                                * start_utc, --start, or top's start) */
    const char *start_from;    /* where it came from, for the footer */
    double start_unix;         /* the same in seconds since 1970, NAN when
                                * unknown: presenters add a window's start */
    const char *run_id;        /* manifest "run_id": unique per recording */
    /* Sampled counters (disk, network, memory...) on the windows' clock,
     * or NULL when the run has none.  See account/counters.h. */
    const struct xb_counters *counters;
    const char *missing;       /* sources absent at record time, with why */
    const char *cache_na;      /* why the cache counters are missing, or NULL */
    /* Linux: vm[domid] is 1 for a VM domain (libvirt, QEMU: its "CPU n/..."
     * threads are its vCPUs); NULL: none (and on Xen every vCPU is one). */
    const unsigned char *vm;
    unsigned nvm;
    /* Filled before end(): what the run could not know or had to infer
     * (docs/metrics.md, "Uncertainty"). */
    struct xb_engine_stats stats;
    /* true: the input is finished windows (record --aggregate), which keep
     * no counts: stats and repairs are not known, and are not printed as 0 */
    bool no_stats;
    struct xb_run_repairs {    /* Linux: switches the kernel did not trace */
        uint64_t bounded, bounded_ns, unbounded, unbounded_ns;
        uint64_t implied_wakeups, reused_tids;
    } repairs;
};

struct xb_presenter {
    int (*begin)(const struct xb_run_info *info, void *ctx);
    int (*window)(const struct xb_window *w, const struct xb_run_info *info,
                  void *ctx);
    int (*end)(const struct xb_run_info *info, void *ctx);
};

/* Read off a run by every presenter (presenter.c).  Whether the source is
 * Linux; whether a Linux domain is a VM (libvirt, QEMU) rather than a
 * process or cgroup; a domain's blocked ns on column col, as every presenter shows it:
 * on Xen all its vCPUs'; on Linux those of the threads that count as its
 * vCPUs (xb_window_dom_blocked; docs/metrics.md). */
bool xb_run_linux(const struct xb_run_info *info);
bool xb_run_dom_is_vm(const struct xb_run_info *info, uint32_t domid);
uint64_t xb_run_dom_blocked(const struct xb_run_info *info, const struct xb_window *w,
                            const struct xb_domain_acc *d, unsigned col);

#endif
