/* perf_load.h: the perf sampler's file (perf.txt, perf-sw.txt; format in
 * source/linux/perf_counters.h) -> counter series per domain: llc_refs,
 * llc_misses, instructions, cycles, task_clock_ns, context_switches, each
 * cumulative, entity xb_counters_domkey(domid, 0). */
#ifndef XB_PERF_LOAD_H
#define XB_PERF_LOAD_H

#include "account/counters.h"

int xb_perf_load(const char *path, const struct xb_timebase *tb,
                 struct xb_counters *c, struct xb_err *err);

#endif
