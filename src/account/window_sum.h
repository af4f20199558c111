/* window_sum.h: keep finished windows past their callback and add several
 * up (top's "last 10 s" view over 1 s windows). */
#ifndef XB_WINDOW_SUM_H
#define XB_WINDOW_SUM_H

#include "account/engine.h"

/* A deep copy of w, or NULL when out of memory. */
struct xb_window *xb_window_dup(const struct xb_window *w);
/* The sum of n windows of the same pCPU count, spanning the first's start to
 * the last's end (domains and vCPUs matched by id), or NULL. */
struct xb_window *xb_window_sum(struct xb_window *const *w, unsigned n);
void xb_window_free(struct xb_window *w);

#endif
