/* stats.c: nearest-rank percentiles (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void xb_sort_doubles(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
}

double xb_percentile_sorted(const double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    /* The small tolerance keeps 0.95 * 20 = 19 from rounding up to rank 20. */
    double rank = ceil(p / 100.0 * (double)n - 1e-9);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return v[i < n ? i : n - 1];
}

double xb_percentile(double *v, size_t n, double p)
{
    xb_sort_doubles(v, n);
    return xb_percentile_sorted(v, n, p);
}
