/* rollup.h: windows of one VM rolled up into fixed buckets (5 and 10
 * minutes), the figures the providers' sizing methods start from: AWS
 * Compute Optimizer takes the maximum of each 5-minute interval, Azure
 * Migrate the peak of each 10-minute sample (docs/planning.md).
 *
 * A bucket is [k x period, (k + 1) x period) in seconds since 1970; a
 * window belongs to the bucket its start falls in.  Only usable windows
 * count (xb_sample_usable, model/metric.h).  Per bucket: the number of windows, their total
 * and known length, the allocation of the newest window, and per resource
 * the maximum, the time-weighted mean and, for CPU use and demand, the
 * nearest-rank percentile XB_ROLLUP_PCT of the windows within.  No SQLite
 * here: the store writes what this computes (feed.c, write.c).
 */
#ifndef XB_STORE_ROLLUP_H
#define XB_STORE_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/metric.h"
#include "store/history.h"

#define XB_ROLLUP_PCT 95.0
#define XB_ROLLUP_NPERIODS 2
extern const unsigned xb_rollup_periods[XB_ROLLUP_NPERIODS];   /* 300, 600 */

/* Maximum, time-weighted mean and the percentile within: NAN when no
 * window of the bucket had the figure. */
struct xb_rstat {
    double max, mean, pct;
};

struct xb_rollup_row {
    double t_unix;              /* bucket start */
    unsigned period;            /* seconds */
    unsigned n;                 /* windows */
    double len_s;               /* their total length */
    double covered_s;           /* of it known (len x known_frac) */
    uint32_t vcpus;             /* of the newest window */
    double mem_alloc_bytes;     /* of the newest window that had one, NAN */
    struct xb_rstat cpu, demand;    /* cores running; running + waited */
    double waited_mean, blocked_mean;
    struct xb_rstat m[XB_METRIC_MAX];   /* .pct unused */
};

struct xb_rollup_acc {
    unsigned period;
    bool open;
    double bucket;              /* start of the open bucket */
    struct xb_rollup_row row;   /* sums so far (means divided at the end) */
    double wsum[XB_METRIC_MAX]; /* length of the windows with metric i */
    double cpu_w, dem_w, wait_w, block_w;
    double *cpu_v, *dem_v;      /* the bucket's window values */
    size_t nv, ndv, capv;
};

void xb_rollup_init(struct xb_rollup_acc *a, unsigned period);
/* Add a window.  When it starts a new bucket, the finished one is written
 * to *done and *flushed set.  Returns 0 or -ENOMEM. */
int xb_rollup_add(struct xb_rollup_acc *a, const struct xb_sample *s,
                  struct xb_rollup_row *done, bool *flushed);
/* The open bucket, if any, to *done. */
void xb_rollup_finish(struct xb_rollup_acc *a, struct xb_rollup_row *done,
                      bool *flushed);
void xb_rollup_free(struct xb_rollup_acc *a);

/* Points of the maximum statistic (store.h: XB_POINT_MAX) rolled up to a
 * longer period in memory: 5-minute maxima into 10-minute ones.  Exact: the
 * maximum of maxima and the weighted mean of means are what the stored
 * 10-minute roll-up holds (its percentile within is not).  out is reused.
 * Returns 0 or -ENOMEM. */
struct xb_series;
int xb_points_coarsen(const struct xb_series *in, unsigned period,
                      struct xb_series *out);

#endif
