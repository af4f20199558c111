/* profiles.c: the VM-by-VM walk of a history (see profiles.h).  It owns
 * the order of loading: one query per VM and period, both statistics of a
 * period from one read; the statistics are profile.c's.  It must not know
 * SQL (store/). */
#include "profiles.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/rollup.h"
#include "store/store.h"
#include "util/grow.h"

const char *xb_db_path(const char *opt)
{
    const char *env = getenv("XENBENCH_DB");
    return opt ? opt : env && *env ? env : "xenbench.db";
}

static int add_left_out(struct xb_walk *w, const struct xb_vm_ref *r)
{
    if (xb_grow((void **)&w->left_out, &w->capleft, w->nleft_out,
                sizeof *w->left_out, 16))
        return -ENOMEM;
    struct xb_left_out *e = &w->left_out[w->nleft_out++];
    snprintf(e->host, sizeof e->host, "%s", r->host);
    snprintf(e->name, sizeof e->name, "%s", r->name);
    e->end_unix = r->end_unix;
    return 0;
}

int xb_walk_vms(const char *db, const struct xb_load_opts *o,
                const bool wanted[XB_NMETHODS], xb_vm_fn fn, void *ctx,
                struct xb_walk *w, struct xb_err *err)
{
    memset(w, 0, sizeof *w);
    struct xb_store *s;
    int rc = xb_store_open(&s, db, XB_STORE_READ, err);
    if (rc)
        return rc;
    double newest = NAN;
    struct xb_vm_ref *refs = NULL;
    size_t nrefs = 0;
    rc = xb_store_data_end(s, &newest, err);
    if (!rc && isnan(newest))
        rc = xb_err_set(err, -XB_EINPUT, "%s: no samples stored: import runs first "
                        "(xenbench import RUNDIR...)", db);
    if (!rc)
        rc = xb_store_vm_refs(s, &refs, &nrefs, err);
    w->t_end = isnan(o->until_unix) ? newest : o->until_unix;
    w->t_begin = o->lookback_s > 0 ? w->t_end - o->lookback_s : -INFINITY;
    /* An open look-back starts at the oldest point found (below). */
    double oldest = INFINITY;
    struct xb_vm_view v;
    memset(&v, 0, sizeof v);
    /* A maximum of a longer period comes from a finer maximum read anyway
     * (the 10-minute peaks from the 5-minute maxima): one read less. */
    int from[XB_NMETHODS];
    for (int m = 0; m < XB_NMETHODS; m++) {
        from[m] = -1;
        const struct xb_method_def *d = &xb_methods[m];
        for (int k = 0; wanted[m] && k < XB_NMETHODS; k++) {
            const struct xb_method_def *e = &xb_methods[k];
            if (k != m && wanted[k] && d->stat == XB_POINT_MAX &&
                e->stat == XB_POINT_MAX && e->period && d->period > e->period &&
                d->period % e->period == 0)
                from[m] = k;
        }
    }
    for (size_t i = 0; !rc && i < nrefs; i++) {
        bool any = false;
        memset(v.have, 0, sizeof v.have);
        for (int m = 0; !rc && m < XB_NMETHODS; m++) {
            if (!wanted[m] || from[m] >= 0)
                continue;
            const struct xb_method_def *d = &xb_methods[m];
            /* A period's two statistics come from one read: the other
             * method of the same period takes its series from this one. */
            int twin = -1;
            for (int k = 0; k < m; k++)
                if (wanted[k] && xb_methods[k].period == d->period && d->period)
                    twin = k;
            if (twin >= 0)
                continue;
            int other = -1;
            for (int k = m + 1; k < XB_NMETHODS; k++)
                if (wanted[k] && xb_methods[k].period == d->period && d->period)
                    other = k;
            struct xb_series *mx = NULL, *mn = NULL;
            *(d->stat == XB_POINT_MAX ? &mx : &mn) = &v.s[m];
            if (other >= 0)
                *(xb_methods[other].stat == XB_POINT_MAX ? &mx : &mn) = &v.s[other];
            rc = xb_store_vm_points(s, &refs[i], o->lookback_s > 0 ? w->t_begin : -1e300,
                                    w->t_end, d->period, mx, mn, err);
            v.have[m] = true;
            if (other >= 0)
                v.have[other] = true;
        }
        for (int m = 0; !rc && m < XB_NMETHODS; m++) {
            if (from[m] < 0)
                continue;
            if (xb_points_coarsen(&v.s[from[m]], xb_methods[m].period, &v.s[m]))
                rc = xb_err_set(err, -ENOMEM, "out of memory");
            v.have[m] = true;
        }
        for (int m = 0; !rc && m < XB_NMETHODS; m++) {
            if (v.have[m] && v.s[m].n) {
                any = true;
                oldest = fmin(oldest, v.s[m].s[0].t_unix);
            }
        }
        if (!rc && !any) {
            if (add_left_out(w, &refs[i]))
                rc = xb_err_set(err, -ENOMEM, "out of memory");
            continue;
        }
        double t0 = o->lookback_s > 0 ? w->t_begin : -INFINITY;
        for (int m = 0; !rc && m < XB_NMETHODS; m++) {
            if (!v.have[m])
                continue;
            /* An open look-back: from this VM's first point, its span is
             * its own (coverage does not depend on the look-back). */
            double b = isinf(t0) ? (v.s[m].n ? v.s[m].s[0].t_unix : w->t_end) : t0;
            if (xb_profile_build_for(&v.s[m], b, w->t_end, o->min_coverage_s,
                                     o->want ? &o->want[m] : NULL, &v.p[m]))
                rc = xb_err_set(err, -ENOMEM, "out of memory");
        }
        if (!rc) {
            w->vms++;
            rc = fn(&v, ctx);
        }
    }
    if (isinf(w->t_begin))
        w->t_begin = isinf(oldest) ? w->t_end : oldest;
    for (int m = 0; m < XB_NMETHODS; m++)
        free(v.s[m].s);
    free(refs);
    xb_store_close(s);
    return rc;
}

void xb_walk_free(struct xb_walk *w)
{
    free(w->left_out);
    memset(w, 0, sizeof *w);
}

struct collect {
    enum xb_method m;
    const char *const *names;
    size_t nnames;
    struct xb_profile *p;
    size_t n, cap;
};

static int collect_one(struct xb_vm_view *v, void *arg)
{
    struct collect *c = arg;
    const struct xb_profile *p = &v->p[c->m];
    bool want = c->nnames == 0;
    for (size_t k = 0; !want && k < c->nnames; k++)
        want = strcmp(c->names[k], p->id.name) == 0;
    if (!want)
        return 0;
    if (xb_grow((void **)&c->p, &c->cap, c->n, sizeof *c->p, 64))
        return -ENOMEM;
    c->p[c->n] = *p;
    c->p[c->n].vm = NULL;
    c->n++;
    return 0;
}

int xb_collect_profiles(const char *db, const struct xb_load_opts *o, enum xb_method m,
                        const char *const *names, size_t nnames,
                        struct xb_profile **out, size_t *n, struct xb_walk *w,
                        struct xb_err *err)
{
    bool wanted[XB_NMETHODS] = { false };
    wanted[m] = true;
    struct collect c = { .m = m, .names = names, .nnames = nnames };
    int rc = xb_walk_vms(db, o, wanted, collect_one, &c, w, err);
    if (rc == -ENOMEM)
        rc = xb_err_set(err, -ENOMEM, "out of memory");
    if (rc) {
        free(c.p);
        return rc;
    }
    *out = c.p;
    *n = c.n;
    return 0;
}
