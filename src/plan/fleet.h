/* fleet.h: planning every VM of a history: walk it VM by VM with the
 * points of each method the sizer's providers need (plan/profiles.h), size
 * each VM by its providers' methods, keep the plans and the profiles they
 * were made from (without their points), and say which VMs are not planned
 * (domain 0, and VMs the look-back leaves out).  `plan` prints the result;
 * the validation bench and placement build on it.
 */
#ifndef XB_PLAN_FLEET_H
#define XB_PLAN_FLEET_H

#include <stddef.h>

#include "plan/profiles.h"
#include "plan/sizing.h"
#include "util/err.h"

/* Called for each VM after it is sized, with its points still there (the
 * validation bench reads them); may be NULL. */
typedef int (*xb_planned_fn)(const struct xb_vm_view *v, const struct xb_vm_plan *p,
                             void *ctx);

struct xb_fleet_plan {
    struct xb_vm_plan *vm;      /* the planned VMs, in (host, name) order */
    struct xb_profile *prof;    /* vm[i].prof (points cleared) */
    size_t n, cap;
    char **skipped;             /* "NAME on HOST: why", malloc'ed */
    size_t nskipped, capskipped;
    size_t nlookback;           /* of them: VMs with no data in the look-back */
    double t_begin, t_end;      /* the look-back used */
};

int xb_fleet_plan_run(struct xb_sizer *z, const char *db, const struct xb_load_opts *o,
                      xb_planned_fn fn, void *ctx, struct xb_fleet_plan *fp,
                      struct xb_err *err);
void xb_fleet_plan_free(struct xb_fleet_plan *fp);

#endif
