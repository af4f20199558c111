/* method.h: the sizing methods the providers publish, as xenbench follows
 * them (docs/planning.md quotes each source):
 *
 *  - aws: AWS Compute Optimizer takes the maximum of each 5-minute
 *    interval, then a percentile of those maxima over the look-back; its
 *    defaults are P99.5 with 20 % CPU headroom (API
 *    UtilizationPreference; look-back DAYS_14).
 *  - azure: Azure Migrate rolls its samples up to one point per 10 minutes,
 *    the peak, sorts the points and takes a percentile (default 95), times
 *    a comfort factor (default 1.3).
 *  - gcp: Google's machine-type recommender reads the last 8 days of Cloud
 *    Monitoring's CPU and memory utilisation, whose points are per-minute
 *    means; it publishes neither the statistic nor the percentile: xenbench
 *    takes the 5-minute mean (its finest roll-up) at P95 with 30 %.
 *  - raw: the recorded windows themselves (the 5-minute means where no
 *    finer windows were kept), P95 with 30 %.
 * Each provider is planned by its own method unless --method names one for
 * all; --percentile and --headroom override a method's defaults.
 */
#ifndef XB_PLAN_METHOD_H
#define XB_PLAN_METHOD_H

#include "store/store.h"

enum xb_method { XB_METHOD_AWS, XB_METHOD_AZURE, XB_METHOD_GCP, XB_METHOD_RAW,
                 XB_NMETHODS };

struct xb_method_def {
    const char *name;
    unsigned period;            /* roll-up seconds; 0: the windows */
    enum xb_point_stat stat;
    double percentile, headroom;    /* published defaults */
    const char *what;           /* one line for the output */
};

extern const struct xb_method_def xb_methods[XB_NMETHODS];

/* "aws", "azure", "gcp", "raw" -> 0, else -1. */
int xb_method_parse(const char *s, enum xb_method *m);
/* The method a provider publishes ("aws" -> XB_METHOD_AWS). */
enum xb_method xb_method_of_provider(const char *provider);

#endif
