/* pipeline.h: input -> decode -> engine -> presenter, shared by commands.
 *
 * A command chooses the input (a xentrace file or a run folder) and a
 * presenter; the pipeline opens the input, resolves the TSC rate and domain
 * names, feeds every record to the engine and hands each finished window to
 * the presenter, then the footer facts.
 */
#ifndef XB_PIPELINE_H
#define XB_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "account/counters.h"
#include "account/engine.h"
#include "model/names.h"
#include "util/err.h"

struct xb_input_opts {
    const char *path;          /* xentrace file or run folder */
    uint64_t tsc_hz;           /* 0: take it from the run folder */
    uint64_t interval_ns;      /* 0: the whole recording is one window */
    const char *names_file;    /* `xl list` text, or NULL */
    bool strict;               /* a cut-short file is an error */
};

struct xb_run_info {
    const char *source;        /* "xen" or "linux" */
    const char *trace_path;
    uint64_t tsc_hz;
    const char *tsc_hz_from;   /* "--tsc-hz" or the manifest's path */
    unsigned npcpu;
    uint64_t records;          /* records walked */
    const uint64_t *lost;      /* [npcpu] records the hypervisor dropped */
    const uint64_t *lost_notices;
    uint64_t first_tsc, last_tsc;
    uint64_t span_ns;
    const char *warning;       /* file cut short, or NULL */
    const struct xb_names *names;
    /* From the run folder's manifest, NULL/0 when absent (a bare file). */
    const char *host;          /* host name */
    const char *cpu_model;
    double cpu_mhz;            /* nominal clock of the host's cores */
    const char *start_utc;     /* ISO 8601 start of the recording */
    const char *run_id;        /* manifest "run_id": unique per recording */
    /* Sampled counters (disk, network, memory...) on the windows' clock,
     * or NULL when the run has none.  See account/counters.h. */
    const struct xb_counters *counters;
    const char *missing;       /* sources absent at record time, with why */
    const char *cache_na;      /* why the cache counters are missing, or NULL */
};

struct xb_presenter {
    int (*begin)(const struct xb_run_info *info, void *ctx);
    int (*window)(const struct xb_window *w, const struct xb_run_info *info,
                  void *ctx);
    int (*end)(const struct xb_run_info *info, void *ctx);
};

/* The engine's window callback of a run (used inside src/pipeline/): hands
 * each window to the presenter with the run's facts. */
struct xb_pipeline_ctx {
    const struct xb_presenter *p;
    void *ctx;
    struct xb_run_info *info;
};
int xb_pipeline_on_window(const struct xb_window *w, void *c);

/* Warnings (a cut-short file) go to stderr.  Returns 0 or an error code. */
int xb_pipeline_run(const struct xb_input_opts *o, const struct xb_presenter *p,
                    void *ctx, struct xb_err *err);

#endif
