/* stats.h: order statistics of repeated measurements (median and range),
 * the noise-robust summary used by `overhead` and the bench/ scripts. */
#ifndef XB_STATS_H
#define XB_STATS_H

#include <stddef.h>

struct xb_spread {
    double median, min, max;
};

/* Median (mean of the two middle values for an even count), min and max of
 * v[0..n-1]; v is not changed.  n == 0 gives zeros.  Returns 0 or -ENOMEM. */
int xb_spread_of(const double *v, size_t n, struct xb_spread *out);

#endif
