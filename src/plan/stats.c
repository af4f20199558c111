/* stats.c: nearest-rank percentiles (see stats.h). */
#include "stats.h"

#include <math.h>

/* Quicksort (median of three, the smaller side first) with insertion sort
 * below 24 elements: profiles sort many short arrays, where qsort()'s
 * comparator calls cost more than the sorting.  The values are never NAN. */
static void insertion(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

void xb_sort_doubles(double *v, size_t n)
{
    while (n > 24) {
        size_t m = n / 2;
        if (v[m] < v[0])
            swap(&v[m], &v[0]);
        if (v[n - 1] < v[0])
            swap(&v[n - 1], &v[0]);
        if (v[n - 1] < v[m])
            swap(&v[n - 1], &v[m]);
        double pivot = v[m];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap(&v[i], &v[j]);
            i++;
            j--;
        }
        size_t left = j + 1;        /* [0, j] <= pivot <= [j + 1, n) */
        if (left < n - left) {
            xb_sort_doubles(v, left);
            v += left;
            n -= left;
        } else {
            xb_sort_doubles(v + left, n - left);
            n = left;
        }
    }
    insertion(v, n);
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
