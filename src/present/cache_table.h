/* cache_table.h: the per-domain cache table of `report` (LLC references and
 * misses per second and the miss ratio, from the perf sampler's series), or
 * n/a with the reason where the host has no hardware counters. */
#ifndef XB_CACHE_TABLE_H
#define XB_CACHE_TABLE_H

#include <stdio.h>

#include "account/engine.h"
#include "pipeline/presenter.h"

/* The domains idx[0..n-1] of w (NULL: every domain but idle, in the
 * window's order).  Prints nothing for a run without counters. */
void xb_cache_table_print(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info, const unsigned *idx,
                          unsigned n);

#endif
