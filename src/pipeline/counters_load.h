/* counters_load.h: every counters file of a run folder -> one series set. */
#ifndef XB_COUNTERS_LOAD_H
#define XB_COUNTERS_LOAD_H

#include <stddef.h>

#include "account/counters.h"
#include "pipeline/rundir.h"

/* *out is NULL when the run lists no counters file.  An unknown format or a
 * bad file is an error naming the file (and line); damage a loader can skip
 * (procfs.txt's) is said in warning ("" if none). */
int xb_counters_load_all(const struct xb_manifest *m, const struct xb_timebase *tb,
                         struct xb_counters **out, char *warning, size_t wlen,
                         struct xb_err *err);

#endif
