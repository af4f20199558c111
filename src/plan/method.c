/* method.c: the table of sizing methods (method.h).  It owns what each
 * provider's method reads and its published defaults.  It must not compute
 * a statistic (profile.c) or size (sizing.c). */
#include "method.h"

#include <string.h>

const struct xb_method_def xb_methods[XB_NMETHODS] = {
    [XB_METHOD_AWS] = { "aws", 300, XB_POINT_MAX, 99.5, 0.20,
        "maximum of each 5 minutes, P99.5 + 20 % (AWS Compute Optimizer)" },
    [XB_METHOD_AZURE] = { "azure", 600, XB_POINT_MAX, 95, 0.30,
        "peak of each 10 minutes, P95 x 1.3 (Azure Migrate)" },
    [XB_METHOD_GCP] = { "gcp", 300, XB_POINT_MEAN, 95, 0.30,
        "mean of each 5 minutes, P95 + 30 % (GCP publishes no statistic)" },
    [XB_METHOD_RAW] = { "raw", 0, XB_POINT_MEAN, 95, 0.30,
        "the recorded windows, P95 + 30 %" },
};

int xb_method_parse(const char *s, enum xb_method *m)
{
    for (int i = 0; i < XB_NMETHODS; i++) {
        if (strcmp(s, xb_methods[i].name) == 0) {
            *m = (enum xb_method)i;
            return 0;
        }
    }
    return -1;
}

enum xb_method xb_method_of_provider(const char *provider)
{
    enum xb_method m;
    return xb_method_parse(provider, &m) == 0 && m != XB_METHOD_RAW ? m
                                                                    : XB_METHOD_RAW;
}
