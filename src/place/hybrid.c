/* hybrid.c: the keep-or-move decision (hybrid.h).  Prices VMs with plan's
 * sizing (src/plan/) and packs the VMs kept with the packer; owns only the
 * search over which VMs to move.  It must not print. */
#include "hybrid.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/profile.h"

void xb_hybrid_free(struct xb_hybrid *hy)
{
    free(hy->vm);
    memset(hy, 0, sizeof *hy);
}

int xb_hybrid_price(const struct xb_history *h, const struct xb_demand *d,
                    struct xb_sizer *z, double t_from, double t_until,
                    struct xb_hybrid *out, struct xb_err *err)
{
    memset(out, 0, sizeof *out);
    if (z->nblk != 1)
        return xb_err_set(err, -XB_EUSAGE, "--cloud takes one provider");
    snprintf(out->provider, sizeof out->provider, "%s", z->blk[0].provider);
    snprintf(out->region, sizeof out->region, "%s", z->blk[0].region);
    out->nvm = d->nvm;
    if (!(out->vm = calloc(d->nvm + 1, sizeof *out->vm)))
        return xb_err_set(err, -ENOMEM, "out of memory");
    for (size_t v = 0; v < d->nvm; v++) {
        struct xb_hybrid_vm *x = &out->vm[v];
        x->cloud_usd = NAN;
        size_t src = d->vm[v].src;
        if (src >= h->n)
            continue;
        const struct xb_series *s = &h->vm[src];
        /* the profile over the samples the demand used */
        double b = isfinite(t_from) ? t_from : -1e300;
        double e = isfinite(t_until) ? t_until : 1e300;
        if (s->n) {
            if (b < s->s[0].t_unix)
                b = s->s[0].t_unix;
            double last = s->s[s->n - 1].t_unix + s->s[s->n - 1].len_s;
            if (e > last)
                e = last;
        }
        struct xb_profile p;
        struct xb_vm_plan vp;
        if (xb_profile_build(s, b, e, 0, &p) || xb_size_vm(z, &p, &vp))
            return xb_err_set(err, -ENOMEM, "out of memory");
        if (vp.nchoice && vp.choice[0].type) {
            snprintf(x->type, sizeof x->type, "%s", vp.choice[0].type->type);
            x->cloud_usd = vp.choice[0].monthly_usd;
        } else
            out->no_type++;
    }
    return 0;
}

/* Each VM's share of its host's monthly cost in a placement. */
static void shares(const struct xb_pack_in *in, const struct xb_placement *pl,
                   double *share)
{
    const struct xb_demand *d = in->d;
    size_t H = in->hs->n;
    double *tot = calloc(H + 1, sizeof *tot), *wt = calloc(d->nvm + 1, sizeof *wt);
    if (!tot || !wt) {
        free(tot);
        free(wt);
        return;
    }
    for (size_t v = 0; v < d->nvm; v++) {
        share[v] = 0;
        long h = pl->vm[v].host;
        if (h < 0)
            continue;
        const struct xb_host_place *hp = &pl->host[h];
        const float *row = xb_demand_row(d, XB_RES_CPU, v);
        double pk = 0;
        for (size_t t = 0; row && t < d->nwin; t++)
            if (row[t] > pk)
                pk = row[t];
        double w = hp->cap[XB_RES_CPU] > 0 ? pk / hp->cap[XB_RES_CPU] : 0;
        double mem = !isnan(d->vm[v].mem_alloc_gib) ? d->vm[v].mem_alloc_gib
                   : !isnan(d->vm[v].mem_peak_gib) ? d->vm[v].mem_peak_gib : 0;
        if (hp->cap[XB_RES_MEM] > 0 && mem / hp->cap[XB_RES_MEM] > w)
            w = mem / hp->cap[XB_RES_MEM];
        wt[v] = w > 1e-12 ? w : 1e-12;
        tot[h] += wt[v];
    }
    for (size_t v = 0; v < d->nvm; v++) {
        long h = pl->vm[v].host;
        if (h >= 0 && tot[h] > 0)
            share[v] = in->hs->v[h].monthly_usd * wt[v] / tot[h];
    }
    free(tot);
    free(wt);
}

static const double *rank_key;

static int cmp_rank(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (rank_key[x] != rank_key[y])
        return rank_key[x] < rank_key[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

struct eval {
    size_t k;
    bool ok;                /* packed, within --max-hosts */
    unsigned hosts;
    double owned, cloud;
};

/* Pack with the first k of the ranking in the cloud. */
static int eval_prefix(const struct xb_pack_in *base, const size_t *rank, size_t k,
                       const struct xb_hybrid *hy, unsigned max_hosts, bool *excl,
                       struct xb_placement *pl, struct eval *e, struct xb_err *err)
{
    const struct xb_demand *d = base->d;
    for (size_t v = 0; v < d->nvm; v++)
        excl[v] = base->exclude && base->exclude[v];
    double cloud = 0;
    for (size_t i = 0; i < k; i++) {
        excl[rank[i]] = true;
        cloud += hy->vm[rank[i]].cloud_usd;
    }
    struct xb_pack_in in = *base;
    in.exclude = excl;
    int rc = xb_pack(&in, pl, err);
    if (rc)
        return rc;
    e->k = k;
    e->hosts = (unsigned)(pl->used + pl->standby);
    e->owned = pl->cost_usd;
    e->cloud = cloud;
    e->ok = pl->unplaced == 0 && (max_hosts == 0 || e->hosts <= max_hosts);
    return 0;
}

int xb_hybrid_decide(const struct xb_pack_in *in, unsigned max_hosts,
                     struct xb_hybrid *hy, struct xb_placement *plan,
                     struct xb_err *err)
{
    const struct xb_demand *d = in->d;
    memset(plan, 0, sizeof *plan);
    for (size_t h = 0; h < in->hs->n; h++)
        if (isnan(in->hs->v[h].monthly_usd))
            return xb_err_set(err, -XB_EINPUT, "--cloud: host %s has no "
                              "monthly_cost_usd in the hosts file (line %u): the "
                              "decision weighs owned against cloud cost",
                              in->hs->v[h].name, in->hs->v[h].line);
    size_t V = d->nvm;
    size_t *rank = malloc((V + 1) * sizeof *rank);
    double *share = calloc(V + 1, sizeof *share), *key = calloc(V + 1, sizeof *key);
    bool *excl = calloc(V + 1, sizeof *excl);
    struct eval *ev = NULL;
    size_t nev = 0;
    int rc = 0;
    if (!rank || !share || !key || !excl) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto done;
    }
    /* Everything owned first. */
    struct xb_placement all;
    rc = xb_pack(in, &all, err);
    if (rc)
        goto done;
    shares(in, &all, share);
    hy->all_owned_hosts = (unsigned)(all.used + all.standby);
    hy->all_owned_usd = all.cost_usd;
    hy->today_usd = all.today_usd;
    for (size_t v = 0; v < V; v++)
        hy->vm[v].owned_usd = share[v];
    xb_placement_free(&all);
    size_t n = 0;
    for (size_t v = 0; v < V; v++) {
        if (in->exclude && in->exclude[v])
            continue;
        if (isnan(hy->vm[v].cloud_usd))
            continue;           /* no type covers it: it stays */
        key[v] = hy->vm[v].cloud_usd / (share[v] > 1e-9 ? share[v] : 1e-9);
        rank[n++] = v;
    }
    rank_key = key;
    qsort(rank, n, sizeof *rank, cmp_rank);
    /* Prefixes on a grid, then finer around the best. */
    if (!(ev = calloc(n + 2, sizeof *ev))) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto done;
    }
    bool *seen = calloc(n + 2, sizeof *seen);
    if (!seen) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto done;
    }
    size_t step = n / 32 ? n / 32 : 1;
    long best = -1;
    for (int round = 0; round < 2 && !rc; round++) {
        size_t lo = 0, hi = n;
        if (round == 1) {
            if (step == 1)
                break;
            size_t bk = best >= 0 ? ev[best].k : n;
            lo = bk > step ? bk - step : 0;
            hi = bk + step < n ? bk + step : n;
            step = step / 8 ? step / 8 : 1;
        }
        for (size_t k = lo; k <= hi && !rc; k += step) {
            if (seen[k])
                continue;
            seen[k] = true;
            struct xb_placement pl;
            rc = eval_prefix(in, rank, k, hy, max_hosts, excl, &pl, &ev[nev], err);
            xb_placement_free(&pl);
            if (rc)
                break;
            double tot = ev[nev].owned + ev[nev].cloud;
            if (ev[nev].ok && (best < 0 || tot < ev[best].owned + ev[best].cloud - 1e-9))
                best = (long)nev;
            nev++;
            if (k == hi)
                break;
            if (k + step > hi && k < hi)
                k = hi - step;      /* always try the end of the range */
        }
    }
    free(seen);
    hy->steps = (unsigned)nev;
    if (rc)
        goto done;
    if (best < 0) {
        rc = xb_err_set(err, -XB_EINPUT, "--max-hosts %u: even with all %zu VMs that "
                        "a %s type covers in the cloud, the rest needs more owned "
                        "hosts", max_hosts, n, hy->provider);
        goto done;
    }
    /* The chosen plan again, kept for the output. */
    struct eval e;
    rc = eval_prefix(in, rank, ev[best].k, hy, max_hosts, excl, plan, &e, err);
    if (rc)
        goto done;
    hy->moved = ev[best].k;
    hy->hosts = e.hosts;
    hy->owned_usd = e.owned;
    hy->cloud_usd = e.cloud;
    for (size_t i = 0; i < ev[best].k; i++)
        hy->vm[rank[i]].to_cloud = true;
    /* Owned shares in the chosen plan for the VMs kept. */
    shares(in, plan, share);
    for (size_t v = 0; v < V; v++)
        if (!hy->vm[v].to_cloud && plan->vm[v].host >= 0)
            hy->vm[v].owned_usd = share[v];
done:
    free(rank);
    free(share);
    free(key);
    free(excl);
    free(ev);
    return rc;
}
