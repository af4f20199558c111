/* profile.h: a VM's profile over the look-back: order statistics of every
 * resource, data coverage and its confidence stars, burstiness, and the
 * contention signal (waited %).
 *
 * One table of metrics (xb_metrics) drives the statistics and every output
 * format, sysstat-style: adding a resource is one entry.
 */
#ifndef XB_PROFILE_H
#define XB_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/history.h"

enum xb_metric_id {
    XB_M_CPU,           /* cores used */
    XB_M_CPU_PCT,       /* % of the allocated vCPUs */
    XB_M_WAITED,        /* waited, % of vCPU time */
    XB_M_BLOCKED,       /* blocked, % of vCPU time */
    XB_M_MEM,           /* memory in use, MiB */
    XB_M_DISK_RD,       /* MB/s */
    XB_M_DISK_WR,       /* MB/s */
    XB_M_DISK_IOPS,     /* read + write requests/s */
    XB_M_NET,           /* rx + tx MB/s */
    XB_M_LLC_MISS,      /* % of last-level cache references that miss */
    XB_NMETRICS
};

struct xb_metric {
    const char *name;   /* column/key name */
    const char *label;  /* table label */
    const char *unit;
    double (*get)(const struct xb_sample *s);   /* NAN when not measured */
};

extern const struct xb_metric xb_metrics[XB_NMETRICS];

struct xb_stat {
    size_t n;           /* samples with a value */
    double p50, p90, p95, p99, max, mean;
};

/* A VM whose mean waited time is at least this % of its vCPU time is flagged:
 * its measured use understates its need. */
#define XB_WAITED_FLAG_PCT 5.0

struct xb_profile {
    const struct xb_series *vm;
    size_t used;            /* usable samples (full window, mostly known) */
    double covered_s;       /* measured time within the look-back */
    double lookback_s;
    double coverage_pct;
    int stars;              /* 1..5, Azure Migrate's bands */
    unsigned vcpus;         /* allocation: vCPUs of the newest sample */
    double mem_alloc_bytes; /* newest known, NAN */
    struct xb_stat m[XB_NMETRICS];
    double burstiness;      /* cpu max / mean, NAN when the mean is 0 */
    bool contention;        /* m[XB_M_WAITED].mean >= XB_WAITED_FLAG_PCT */
};

/* A sample counts for statistics when its window is at least half the run's
 * interval and at least half of its vCPU time is known. */
bool xb_sample_usable(const struct xb_sample *s);

/* Azure Migrate's confidence bands: 0-20 % 1 star ... 81-100 % 5 stars. */
int xb_stars(double coverage_pct);

/* Profile of one VM over [t_begin, t_end].  Returns 0 or -ENOMEM. */
int xb_profile_build(const struct xb_series *vm, double t_begin, double t_end,
                     struct xb_profile *p);

/* The look-back actually covered by a history: [t_begin, t_end], where an
 * open start (no --since) is the oldest sample. */
void xb_history_span(const struct xb_history *h, double *t_begin, double *t_end);

#endif
