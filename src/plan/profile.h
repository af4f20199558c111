/* profile.h: a VM's profile over the look-back: order statistics of every
 * resource over the points of a method (plan/method.h: roll-up buckets or
 * windows), data coverage, the data minimum, its confidence stars,
 * burstiness, and the contention signal (waited %).
 *
 * Coverage and confidence do not depend on the look-back the user picks:
 * they are relative to the VM's own span in it (first to last point), or
 * to the data minimum when that is longer, so that 10 s of data is not
 * "100 %".  Confidence counts every resource Azure Migrate's rating counts
 * (CPU, memory, disk, network): each one's measured time over that span,
 * averaged.  Below the data minimum (AWS Compute Optimizer: 30 hours) a VM
 * has insufficient data and is not priced.
 *
 * The figures are model/metric.h's xb_pmetrics, made of the per-domain
 * metric table; they drive the statistics and every output format.
 */
#ifndef XB_PROFILE_H
#define XB_PROFILE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/metric.h"
#include "store/history.h"

struct xb_stat {
    size_t n;           /* samples with a value */
    double p50, p90, p95, p99, max, mean;
    bool ranks;         /* p50..p99 computed (else NAN: a profile for sizing) */
    double at_p, at;    /* the percentile asked (xb_profile_want.at_p), NAN */
};

/* What a profile computes, in one pass over the points: the count, mean and
 * maximum of the metrics in `ranks` or `at` (bit 1u << metric) and of
 * XB_PROFILE_ALWAYS (CPU for burstiness, waited for contention); the common
 * percentiles p50..p99 of those in `ranks`, and the percentile at_p (NAN:
 * none) of those in `at`.  A metric in none of them has n = 0 and NAN
 * statistics.  `profile` asks for every rank; `plan` for what its sizer
 * reads (xb_sizer_want), much less to extract and select. */
struct xb_profile_want {
    uint32_t ranks, at;
    double at_p;
};
#define XB_PROFILE_ALWAYS (1u << XB_PM_CPU | 1u << XB_PM_WAITED)
#define XB_PROFILE_WANT_ALL ((struct xb_profile_want){ \
    (1u << XB_NPMETRICS) - 1, 0, NAN })

/* A VM whose mean waited time is at least this % of its vCPU time is flagged:
 * its measured use understates its need. */
#define XB_WAITED_FLAG_PCT 5.0

/* The default data minimum: AWS Compute Optimizer's 30 hours. */
#define XB_MIN_COVERAGE_S (30 * 3600.0)

enum xb_resource { XB_RESOURCE_CPU, XB_RESOURCE_MEM, XB_RESOURCE_DISK, XB_RESOURCE_NET, XB_NRESOURCES };
extern const char *const xb_resource_names[XB_NRESOURCES];

/* Who a profile is of: kept when the points are gone. */
struct xb_vm_id {
    char host[128];
    char name[96];
    uint32_t domid;
    size_t points;
};

struct xb_profile {
    const struct xb_series *vm;     /* the points: valid while they are */
    struct xb_vm_id id;
    size_t used;            /* usable points (mostly known) */
    double covered_s;       /* measured CPU time within the look-back */
    double span_s;          /* first to last point within the look-back */
    double lookback_s;
    double reference_s;     /* max(span_s, the data minimum) */
    double coverage_pct;    /* covered_s / reference_s */
    double resource_pct[XB_NRESOURCES];  /* each resource's measured time */
    double confidence_pct;  /* their mean */
    int stars;              /* 1..5, Azure Migrate's bands on confidence */
    bool insufficient;      /* covered_s below the data minimum */
    unsigned vcpus;         /* allocation: vCPUs of the newest sample */
    double mem_alloc_bytes; /* newest known, NAN */
    struct xb_stat m[XB_NPMETRICS];
    double burstiness;      /* cpu max / mean, NAN when the mean is 0 */
    bool contention;        /* m[XB_PM_WAITED].mean >= XB_WAITED_FLAG_PCT */
};

/* Azure Migrate's confidence bands: 0-20 % 1 star ... 81-100 % 5 stars. */
int xb_stars(double coverage_pct);

/* Profile of one VM over [t_begin, t_end] with a data minimum of
 * min_coverage_s seconds, every statistic.  Returns 0 or -ENOMEM. */
int xb_profile_build(const struct xb_series *vm, double t_begin, double t_end,
                     double min_coverage_s, struct xb_profile *p);
/* The same with the statistics of `want` (NULL: every one). */
int xb_profile_build_for(const struct xb_series *vm, double t_begin, double t_end,
                         double min_coverage_s, const struct xb_profile_want *want,
                         struct xb_profile *p);

/* The look-back actually covered by a history: [t_begin, t_end], where an
 * open start (no --since) is the oldest sample. */
void xb_history_span(const struct xb_history *h, double *t_begin, double *t_end);

#endif
