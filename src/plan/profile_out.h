/* profile_out.h: printing VM profiles (table, CSV, JSON); the columns come
 * from the metric table xb_metrics. */
#ifndef XB_PROFILE_OUT_H
#define XB_PROFILE_OUT_H

#include <stdio.h>

#include "plan/out_util.h"
#include "plan/profile.h"

/* Returns 0, or 1 when writing failed. */
int xb_profile_print(FILE *out, const struct xb_profile *p, size_t n,
                     const char *since_text, double t_begin, double t_end,
                     enum xb_format f);

#endif
