/* plan_out.h: printing a plan as a table, CSV or JSON, with totals per
 * provider and the notes that state every assumption made. */
#ifndef XB_PLAN_OUT_H
#define XB_PLAN_OUT_H

#include <stdio.h>

#include "catalog/catalog.h"
#include "util/format.h"
#include "plan/sizing.h"

struct xb_plan_report {
    const struct xb_sizer *z;
    const char *since_text;       /* "14d" or "all" */
    double t_begin, t_end;        /* the look-back */
    const struct xb_vm_plan *vm;  /* the planned VMs */
    size_t n;
    const char *const *skipped;   /* VMs not planned, with why, or NULL */
    size_t nskipped;
    size_t nlookback;             /* of them: VMs with no data in the look-back,
                                   * counted in every provider's total */
    double min_coverage_s;        /* the data minimum */
};

/* Returns 0, or 1 when writing failed. */
int xb_plan_print(FILE *out, const struct xb_plan_report *r, enum xb_format f);

#endif
