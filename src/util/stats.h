/* stats.h: order statistics: nearest-rank percentiles for profiles and
 * sizing, and the median and range of repeated measurements (`overhead`,
 * the bench/ scripts). */
#ifndef XB_UTIL_STATS_H
#define XB_UTIL_STATS_H

#include <stddef.h>

/* Nearest-rank percentile, the way Azure Migrate describes it (sort the
 * points ascending, take the one at that rank): the value at rank
 * ceil(p/100 * n), 1-based.  p = 100 is the maximum.  Sorts v in place.
 * NAN for n = 0. */
double xb_percentile(double *v, size_t n, double p);

/* The same by selection, O(n): reorders v, sorts only around the rank. */
double xb_percentile_select(double *v, size_t n, double p);

/* Several nearest-rank percentiles of v at once, by selection (no full
 * sort): out[i] for p[i], p ascending for speed (any order is right).
 * Reorders v (one percentile near the top: found in one pass, v as is). */
void xb_percentiles(double *v, size_t n, const double *p, size_t k, double *out);

/* The same on a sorted array, without touching it. */
double xb_percentile_sorted(const double *v, size_t n, double p);

void xb_sort_doubles(double *v, size_t n);

struct xb_spread {
    double median, min, max;
};

/* Median (mean of the two middle values for an even count), min and max of
 * v[0..n-1]; v is not changed.  n == 0 gives zeros.  Returns 0 or -ENOMEM. */
int xb_spread_of(const double *v, size_t n, struct xb_spread *out);

#endif
