/* run.h: one run of `xenbench bench`: the scenario's loads in their cgroups,
 * recorded by the Linux recorder in this process, stopped, and the scenario
 * copied into the run folder (scenario.scn) with the loads' logs. */
#ifndef XB_BENCH_RUN_H
#define XB_BENCH_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "workload/scenario.h"
#include "util/err.h"
#include "util/notes.h"

struct xb_bench_opts {
    const char *cmd;             /* "bench" or "demo": names its progress lines */
    const char *outdir;          /* the run folder (must hold no recording) */
    const struct xb_notes *notes;    /* progress and warnings: the command prints */
    /* The recorder's progress (see source/record.h), or NULL. */
    void (*progress)(uint64_t elapsed_ns, uint64_t total_ns, bool done, void *ctx);
    void *progress_ctx;
};

/* The run folder is checked before any load starts.  Stops early, cleanly,
 * when xb_record_stop is set (SIGINT/SIGTERM); the cgroups are removed on
 * every path.  Returns 0 or a negative code. */
int xb_bench_run(const struct xb_scenario *s, const struct xb_bench_opts *o,
                 struct xb_err *err);

#endif
