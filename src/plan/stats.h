/* stats.h: the order statistics every profile and sizing figure uses. */
#ifndef XB_STATS_H
#define XB_STATS_H

#include <stddef.h>

/* Nearest-rank percentile, the way Azure Migrate describes it (sort the
 * points ascending, take the one at that rank): the value at rank
 * ceil(p/100 * n), 1-based.  p = 100 is the maximum.  Sorts v in place.
 * NAN for n = 0. */
double xb_percentile(double *v, size_t n, double p);

/* The same on a sorted array, without touching it. */
double xb_percentile_sorted(const double *v, size_t n, double p);

void xb_sort_doubles(double *v, size_t n);

#endif
