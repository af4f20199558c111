/* cache_table.h: the per-domain cache table of `report` (LLC references and
 * misses per second and the miss ratio, from the perf sampler's series), or
 * n/a with the reason where the host has no hardware counters. */
#ifndef XB_CACHE_TABLE_H
#define XB_CACHE_TABLE_H

#include <stdio.h>

#include "account/engine.h"
#include "pipeline/pipeline.h"

/* na_reason: why the recorder had no cache counters (the manifest's reason),
 * or NULL when it had them.  Prints nothing for a run that has neither
 * counters nor a reason (e.g. a Xen trace). */
void xb_cache_table_print(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info, const char *na_reason);

#endif
