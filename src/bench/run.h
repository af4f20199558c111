/* run.h: one run of `xenbench bench`: the scenario's loads in their cgroups,
 * recorded by the Linux recorder in this process, stopped, and the scenario
 * copied into the run folder (scenario.scn) with the loads' logs. */
#ifndef XB_BENCH_RUN_H
#define XB_BENCH_RUN_H

#include <stdbool.h>

#include "bench/scenario.h"
#include "util/err.h"

/* Stops early, cleanly, when xb_record_stop is set (SIGINT/SIGTERM); the
 * cgroups are removed on every path.  Returns 0 or a negative code. */
int xb_bench_run(const struct xb_scenario *s, const char *outdir, bool quiet,
                 struct xb_err *err);

#endif
