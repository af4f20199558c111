/* inputs.c: reading the inputs `place` and `simulate` share (inputs.h): the
 * store's samples of a time range, the hosts file, the assignment, the
 * anti-affinity groups; then the demand matrix, normalised for the hosts.
 * It must not decide a placement. */
#include "inputs.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan/profiles.h"
#include "store/store.h"
#include "util/grow.h"
#include "util/parse.h"

int xb_place_time(const char *s, const char *opt, double t_end, double *t,
                  struct xb_err *err)
{
    double age;
    if (s[0] == '-' && !xb_parse_lookback(s + 1, &age) && age > 0) {
        *t = t_end - age;
        return 0;
    }
    if (!xb_parse_utc(s, t))
        return 0;
    return xb_err_set(err, -XB_EUSAGE, "%s: '%s' is not a time (2013-07-23T22:00:00Z, "
                      "or -7d for 7 days before the newest sample)", opt, s);
}

void xb_place_inputs_free(struct xb_place_inputs *in)
{
    xb_history_free(&in->h);
    xb_hosts_free(&in->hs);
    xb_demand_free(&in->d);
    xb_assignment_free(&in->a);
    xb_groups_free(&in->g);
    free(in->current);
    free(in->outside);
    free(in->refs);
    memset(in, 0, sizeof *in);
}

/* The roll-up a window of win_s seconds is read from: the 10- or 5-minute
 * maxima when it is a whole number of them (the peak of a window is the peak
 * of its buckets), else the windows themselves (0: raw, with the 5-minute
 * means where the raw windows were not kept). */
static unsigned rollup_period(double win_s)
{
    for (unsigned p = 600; p >= 300; p -= 300)
        if (win_s >= p && fabs(win_s / p - round(win_s / p)) < 1e-9)
            return p;
    return 0;
}

/* The store VM by VM (memory: one VM's points and the demand matrix), into
 * the demand builder; the series kept in in->h only for src->keep_series. */
static int read_demand(struct xb_store *s, const struct xb_place_src *src,
                       struct xb_place_inputs *in, struct xb_err *err)
{
    double newest;
    int rc = xb_store_data_end(s, &newest, err);
    if (rc)
        return rc;
    in->t_end = isnan(newest) ? 0 : newest;
    if (src->from && (rc = xb_place_time(src->from, "--from", in->t_end, &in->t_from,
                                         err)))
        return rc;
    if (src->until && (rc = xb_place_time(src->until, "--until", in->t_end,
                                          &in->t_until, err)))
        return rc;
    if (in->t_from >= in->t_until)
        return xb_err_set(err, -XB_EUSAGE, "--from is not before --until");
    struct xb_demand_opts o = src->dopt;
    o.from = in->t_from;
    o.until = in->t_until;
    struct xb_demand_builder *b = NULL;
    struct xb_series v = { 0 };
    if (!(rc = xb_demand_builder_new(&b, &o, err)) && !isnan(newest))
        rc = xb_store_vm_refs(s, &in->refs, &in->nrefs, err);
    const struct xb_vm_ref *refs = in->refs;
    size_t nrefs = in->nrefs;
    unsigned period = rollup_period(o.win_s);
    double t0 = isinf(in->t_from) ? -1e300 : in->t_from;
    double t1 = isinf(in->t_until) ? 1e300 : in->t_until;
    for (size_t i = 0; !rc && i < nrefs; i++) {
        rc = xb_store_vm_points(s, &refs[i], t0, t1, period, &v, NULL, err);
        if (rc || v.n == 0)
            continue;
        size_t at = i;
        if (src->keep_series) {
            if (xb_grow((void **)&in->h.vm, &in->h.cap, in->h.n, sizeof *in->h.vm, 16)) {
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                break;
            }
            at = in->h.n;
            in->h.vm[in->h.n++] = v;
        }
        rc = xb_demand_add_series(b, src->keep_series ? &in->h.vm[at] : &v, at, err);
        if (src->keep_series)
            memset(&v, 0, sizeof v);     /* the history has its points now */
    }
    free(v.s);
    in->h.t_begin = in->t_from;
    in->h.t_end = in->t_end;
    if (!rc)
        rc = xb_demand_finish(b, &in->d, err);
    xb_demand_builder_free(b);
    return rc;
}

/* Whether the store holds a VM of that name (NAME or HOST/NAME). */
static bool stored(const struct xb_place_inputs *in, const char *name)
{
    for (size_t i = 0; i < in->nrefs; i++) {
        const struct xb_vm_ref *r = &in->refs[i];
        size_t hl = strlen(r->host);
        if (strcmp(name, r->name) == 0 ||
            (strncmp(name, r->host, hl) == 0 && name[hl] == '/' &&
             strcmp(name + hl + 1, r->name) == 0))
            return true;
    }
    return false;
}

/* The assignment rows of VMs that are stored but have no samples in the
 * range (a plan replayed on a later week where some VM was down): dropped,
 * their count returned.  A name the store does not know stays, for
 * xb_assignment_resolve to refuse. */
static size_t drop_absent(struct xb_place_inputs *in)
{
    struct xb_assignment *a = &in->a;
    size_t kept = 0, dropped = 0;
    for (size_t i = 0; i < a->n; i++) {
        struct xb_assign_row *r = &a->v[i];
        if (xb_demand_find(&in->d, r->vm) == -1 && stored(in, r->vm)) {
            free(r->vm);
            free(r->host);
            dropped++;
            continue;
        }
        a->v[kept++] = *r;
    }
    a->n = kept;
    return dropped;
}

int xb_place_inputs_load(const struct xb_place_src *src, struct xb_place_inputs *in,
                         struct xb_err *err)
{
    memset(in, 0, sizeof *in);
    in->t_from = -INFINITY;
    in->t_until = INFINITY;
    int rc = xb_hosts_load(src->hosts, &in->hs, err);
    if (rc)
        return rc;
    const char *db = xb_db_path(src->db);
    struct xb_store *s;
    if ((rc = xb_store_open(&s, db, XB_STORE_READ, err)))
        return rc;
    rc = read_demand(s, src, in, err);
    xb_store_close(s);
    if (rc)
        return rc;
    if ((rc = xb_demand_normalise(&in->d, &in->hs, err)))
        return rc;
    if (src->assignment) {
        if ((rc = xb_assignment_load(src->assignment, &in->a, err)))
            return rc;
        if (src->absent_ok)
            in->absent = drop_absent(in);
        in->current = malloc((in->d.nvm + 1) * sizeof *in->current);
        in->outside = calloc(in->d.nvm + 1, sizeof *in->outside);
        if (!in->current || !in->outside)
            return xb_err_set(err, -ENOMEM, "out of memory");
        rc = xb_assignment_resolve(&in->a, &in->d, &in->hs, in->current,
                                   src->outside_ok ? in->outside : NULL, err);
        if (rc)
            return rc;
    }
    if (src->groups && (rc = xb_groups_load(src->groups, &in->d, &in->g, err)))
        return rc;
    return 0;
}
