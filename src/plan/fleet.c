/* fleet.c: the plan of every VM of a history (fleet.h).  It owns what is
 * kept of each VM and what is left unplanned.  It must not size (sizing.c)
 * or print (plan_out.c). */
#include "fleet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"
#include "util/grow.h"

struct run_ctx {
    struct xb_sizer *z;
    struct xb_fleet_plan *fp;
    xb_planned_fn fn;
    void *ctx;
    struct xb_err *err;
};

static int add_skipped(struct xb_fleet_plan *fp, const char *line)
{
    if (xb_grow((void **)&fp->skipped, &fp->capskipped, fp->nskipped,
                sizeof *fp->skipped, 16))
        return -ENOMEM;
    if (!(fp->skipped[fp->nskipped] = strdup(line)))
        return -ENOMEM;
    fp->nskipped++;
    return 0;
}

static int on_vm(struct xb_vm_view *v, void *arg)
{
    struct run_ctx *c = arg;
    struct xb_fleet_plan *fp = c->fp;
    struct xb_sizer *z = c->z;
    const struct xb_profile *lead = &v->p[z->blk[0].method];
    char line[512];
    if (lead->id.domid == 0) {
        snprintf(line, sizeof line, "%s on %s: domain 0 (Xen's control domain or the "
                 "host itself) is not planned", lead->id.name, lead->id.host);
        return add_skipped(fp, line) ? xb_err_set(c->err, -ENOMEM, "out of memory") : 0;
    }
    size_t cap = fp->cap;
    if (xb_grow((void **)&fp->vm, &cap, fp->n, sizeof *fp->vm, 64) ||
        xb_grow((void **)&fp->prof, &fp->cap, fp->n, sizeof *fp->prof, 64))
        return xb_err_set(c->err, -ENOMEM, "out of memory");
    const struct xb_profile *by[XB_NMETHODS];
    for (int m = 0; m < XB_NMETHODS; m++)
        by[m] = v->have[m] ? &v->p[m] : NULL;
    struct xb_vm_plan *plan = &fp->vm[fp->n];
    if (xb_size_vm_methods(z, by, plan))
        return xb_err_set(c->err, -ENOMEM, "out of memory");
    int rc = c->fn ? c->fn(v, plan, c->ctx) : 0;
    fp->prof[fp->n] = *lead;
    fp->prof[fp->n].vm = NULL;      /* the points are the walk's */
    fp->n++;
    return rc;
}

int xb_fleet_plan_run(struct xb_sizer *z, const char *db, const struct xb_load_opts *o,
                      xb_planned_fn fn, void *ctx, struct xb_fleet_plan *fp,
                      struct xb_err *err)
{
    memset(fp, 0, sizeof *fp);
    bool wanted[XB_NMETHODS] = { false };
    for (size_t b = 0; b < z->nblk; b++)
        wanted[z->blk[b].method] = true;
    struct run_ctx c = { z, fp, fn, ctx, err };
    /* Each method's profiles compute what this sizer reads, no more. */
    struct xb_profile_want want[XB_NMETHODS];
    for (int m = 0; m < XB_NMETHODS; m++)
        xb_sizer_want(z, (enum xb_method)m, &want[m]);
    struct xb_load_opts lo = *o;
    lo.want = want;
    struct xb_walk w;
    int rc = xb_walk_vms(db, &lo, wanted, on_vm, &c, &w, err);
    fp->t_begin = w.t_begin;
    fp->t_end = w.t_end;
    for (size_t i = 0; i < fp->n; i++)
        fp->vm[i].prof = &fp->prof[i];      /* the array has stopped moving */
    for (size_t i = 0; !rc && i < w.nleft_out; i++) {
        const struct xb_left_out *lo = &w.left_out[i];
        char when[32], line[512];
        xb_utc_text(lo->end_unix, when, sizeof when);
        snprintf(line, sizeof line, "%s on %s: no data in the look-back (its newest "
                 "ends %s): not planned; widen --since", lo->name, lo->host, when);
        if (add_skipped(fp, line))
            rc = xb_err_set(err, -ENOMEM, "out of memory");
        else
            fp->nlookback++;
    }
    xb_walk_free(&w);
    return rc;
}

void xb_fleet_plan_free(struct xb_fleet_plan *fp)
{
    for (size_t i = 0; i < fp->nskipped; i++)
        free(fp->skipped[i]);
    free(fp->skipped);
    free(fp->vm);
    free(fp->prof);
    memset(fp, 0, sizeof *fp);
}
