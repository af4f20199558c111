/* stats.c: nearest-rank percentiles, median and range (see stats.h).  It
 * must not know what the numbers are. */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Hoare partition of v[0..n) around the median of three: afterwards
 * [0, j] <= pivot <= [j + 1, n); returns j. */
static size_t partition(double *v, size_t n)
{
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
            return j;
        swap(&v[i], &v[j]);
        i++;
        j--;
    }
}

void xb_sort_doubles(double *v, size_t n)
{
    while (n > 24) {
        size_t left = partition(v, n) + 1;
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

static size_t rank_index(size_t n, double p)
{
    double rank = ceil(p / 100.0 * (double)n - 1e-9);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return i < n ? i : n - 1;
}

/* Hoare's selection: v[k] becomes the k-th smallest, smaller ones before
 * it, larger after. */
static void select_k(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 24) {      /* partition() needs room to make progress */
        size_t j = lo + partition(v + lo, hi - lo + 1);
        if (k <= j)
            hi = j;
        else
            lo = j + 1;
    }
    if (hi > lo)
        insertion(v + lo, hi - lo + 1);
}

double xb_percentile_select(double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    size_t k = rank_index(n, p);
    select_k(v, n, k);
    return v[k];
}

/* A rank this close to the top is found by one pass keeping the largest
 * values in a min-heap: a comparison per value, rarely a branch missed,
 * where a partition misses about every other one. */
#define TOP_MAX 64

static void sift_down(double *h, size_t k, size_t i)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= k)
            return;
        if (c + 1 < k && h[c + 1] < h[c])
            c++;
        if (!(h[c] < h[i]))
            return;
        swap(&h[c], &h[i]);
        i = c;
    }
}

/* The value of rank r (0-based, ascending) of v[0..n), n - r <= TOP_MAX:
 * the (n - r)-th largest, the same value a selection finds. */
static double near_top(const double *v, size_t n, size_t r)
{
    size_t k = n - r;
    double h[TOP_MAX];
    for (size_t i = 0; i < k; i++)
        h[i] = v[i];
    for (size_t i = k / 2; i-- > 0;)
        sift_down(h, k, i);
    for (size_t i = k; i < n; i++) {
        if (v[i] > h[0]) {
            h[0] = v[i];
            sift_down(h, k, 0);
        }
    }
    return h[0];
}

void xb_percentiles(double *v, size_t n, const double *p, size_t k, double *out)
{
    size_t from = 0;
    for (size_t i = 0; i < k; i++) {
        if (n == 0) {
            out[i] = NAN;
            continue;
        }
        size_t r = rank_index(n, p[i]);
        if (k == 1 && n - r <= TOP_MAX) {
            out[i] = near_top(v, n, r);
            continue;
        }
        if (r >= from) {    /* p ascending: select within the part above */
            select_k(v + from, n - from, r - from);
            from = r;
        } else
            select_k(v, from + 1, r);
        out[i] = v[r];
    }
}

double xb_percentile(double *v, size_t n, double p)
{
    xb_sort_doubles(v, n);
    return xb_percentile_sorted(v, n, p);
}

int xb_spread_of(const double *v, size_t n, struct xb_spread *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return 0;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return -ENOMEM;
    memcpy(s, v, n * sizeof *s);
    xb_sort_doubles(s, n);
    out->min = s[0];
    out->max = s[n - 1];
    out->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    free(s);
    return 0;
}
