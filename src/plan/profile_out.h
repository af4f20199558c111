/* profile_out.h: printing VM profiles (table, CSV, JSON); the columns come
 * from the metric table xb_pmetrics. */
#ifndef XB_PROFILE_OUT_H
#define XB_PROFILE_OUT_H

#include <stdio.h>

#include "util/format.h"
#include "plan/method.h"
#include "plan/profile.h"
#include "plan/profiles.h"

/* Returns 0, or 1 when writing failed.  left_out: the VMs the look-back
 * leaves out (in the table and JSON; CSV has no row for them: the command
 * says them on stderr).  It never prints anywhere but out. */
int xb_profile_print(FILE *out, const struct xb_profile *p, size_t n,
                     const char *since_text, enum xb_method method, double t_begin,
                     double t_end, const struct xb_left_out *left_out,
                     size_t nleft_out, enum xb_format f);

#endif
