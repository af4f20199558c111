/* replay.c: the what-if replay model (replay.h).  Owns the per-host,
 * per-window arithmetic; reads a normalised demand and a placement, prints
 * nothing.  It must not read the store (inputs.c). */
#include "replay.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/stats.h"

/* Fraction of its runnable time a vCPU waits when k others are runnable. */
static double wait_share(size_t k, double c)
{
    double run = c / (double)(k + 1);
    return run >= 1 ? 0 : 1 - run;
}

/* Q = the count distribution without one member of probability r, from P
 * (n + 1 entries) to Q (n entries); the stable direction for r. */
static void leave_one_out(const double *P, size_t n, double r, double *Q)
{
    if (n == 0)
        return;
    if (r <= 0.5) {
        double q = 1 - r;
        Q[0] = P[0] / q;
        for (size_t j = 1; j < n; j++)
            Q[j] = (P[j] - r * Q[j - 1]) / q;
    } else {
        double q = 1 - r;
        Q[n - 1] = P[n] / r;
        for (size_t j = n - 1; j > 0; j--)
            Q[j - 1] = (P[j] - q * Q[j]) / r;
    }
    for (size_t j = 0; j < n; j++)
        Q[j] = Q[j] < 0 ? 0 : Q[j] > 1 ? 1 : Q[j];
}

int xb_replay_pool_waits(const double *r, size_t n, double c, double *waited)
{
    size_t full = 0, nf = 0;
    for (size_t i = 0; i < n; i++) {
        waited[i] = 0;
        if (r[i] >= 1 - 1e-9)
            full++;
        else if (r[i] > 1e-9)
            nf++;
    }
    if ((double)(full + nf) <= c + 1e-9)
        return 0;                           /* never more runnable than pCPUs */
    double *P = calloc(nf + 2, sizeof *P), *Q = calloc(nf + 2, sizeof *Q);
    if (!P || !Q) {
        free(P);
        free(Q);
        return -ENOMEM;
    }
    /* Distribution of how many fractional vCPUs are runnable. */
    P[0] = 1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double x = r[i];
        if (x >= 1 - 1e-9 || x <= 1e-9)
            continue;
        m++;
        for (size_t j = m; j > 0; j--)
            P[j] = P[j] * (1 - x) + P[j - 1] * x;
        P[0] *= 1 - x;
    }
    double e_full = 0;
    if (full)
        for (size_t j = 0; j <= nf; j++)
            e_full += P[j] * wait_share(j + full - 1, c);
    for (size_t i = 0; i < n; i++) {
        double x = r[i];
        if (x >= 1 - 1e-9) {
            waited[i] = e_full;
            continue;
        }
        if (x <= 1e-9)
            continue;
        leave_one_out(P, nf, x, Q);
        double e = 0;
        for (size_t j = 0; j < nf; j++)
            e += Q[j] * wait_share(j + full, c);
        waited[i] = x * e;
    }
    free(P);
    free(Q);
    return 0;
}

static const double *order_r;

static int cmp_r_desc(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (order_r[x] != order_r[y])
        return order_r[x] > order_r[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The vCPUs i with core[i] == q share c pCPUs as one pool: each one's
 * wait times share is added to waited[i].  sub, sw, idx: n scratch each. */
static int core_waits(const double *r, size_t n, const size_t *core, size_t q, double c,
                      double share, double *sub, double *sw, size_t *idx, double *waited)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (core[i] == q) {
            idx[m] = i;
            sub[m++] = r[i];
        }
    int rc = xb_replay_pool_waits(sub, m, c, sw);
    for (size_t j = 0; !rc && j < m; j++)
        waited[idx[j]] += sw[j] * share;
    return rc;
}

/* A saturated host: each core shares among the vCPUs the balancer left on
 * it, largest first to the least loaded core.  vCPUs of (nearly) the same
 * demand take turns at each place of that order, as the balancer moves
 * them, and each one's wait is the mean over the turns.
 * With F vCPUs runnable all the time, 0 < F < C, the wake-up path's
 * picture holds in turn with that one: a core whose vCPU never sleeps
 * never goes idle, so a waking vCPU is put on another core and pulled by
 * those when they idle; the F run alone, the others share the C - F cores
 * as one pool.  Each holds half the time (measured on Linux's CFS by
 * replay_truth.py's mix3 and mix4; docs/planning.md, replay rule 5). */
static int partition_waits(const double *r, size_t n, size_t c, double *waited)
{
    enum { TIE_TURNS_MAX = 12 };
    size_t *ord = malloc((n + 1) * sizeof *ord), *seq = malloc((n + 1) * sizeof *seq);
    size_t *grp = malloc((n + 1) * sizeof *grp), *core = malloc((n + 1) * sizeof *core);
    double *load = calloc(c + 1, sizeof *load), *sub = malloc((n + 1) * sizeof *sub);
    double *sw = malloc((n + 1) * sizeof *sw);
    size_t *idx = malloc((n + 1) * sizeof *idx);
    int rc = 0;
    if (!ord || !seq || !grp || !core || !load || !sub || !sw || !idx) {
        rc = -ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ord[i] = i;
        waited[i] = 0;
    }
    order_r = r;
    qsort(ord, n, sizeof *ord, cmp_r_desc);
    /* groups of ties: grp[k] = start of k's group in ord */
    size_t turns = 1;
    for (size_t k = 0, g = 0; k < n; k++) {
        if (r[ord[k]] < r[ord[g]] - 0.02)
            g = k;
        grp[k] = g;
    }
    for (size_t k = 0; k < n;) {
        size_t e = k;
        while (e < n && grp[e] == k)
            e++;
        if (e - k > turns)
            turns = e - k;
        k = e;
    }
    if (turns > TIE_TURNS_MAX)
        turns = TIE_TURNS_MAX;
    for (size_t t = 0; t < turns; t++) {
        /* each group rotated by t */
        for (size_t k = 0; k < n;) {
            size_t e = k;
            while (e < n && grp[e] == k)
                e++;
            for (size_t j = k; j < e; j++)
                seq[j] = ord[k + (j - k + t) % (e - k)];
            k = e;
        }
        for (size_t q = 0; q < c; q++)
            load[q] = 0;
        for (size_t j = 0; j < n; j++) {
            size_t best = 0;
            for (size_t q = 1; q < c; q++)
                if (load[q] < load[best] - 1e-12)
                    best = q;
            core[seq[j]] = best;
            load[best] += r[seq[j]];
        }
        for (size_t q = 0; q < c; q++)
            if ((rc = core_waits(r, n, core, q, 1, 1 / (double)turns, sub, sw, idx, waited)))
                goto done;
    }
    size_t full = 0;
    for (size_t i = 0; i < n; i++)
        full += r[i] >= 1 - 1e-9;
    if (full > 0 && full < c) {
        for (size_t i = 0; i < n; i++) {
            waited[i] /= 2;
            core[i] = r[i] >= 1 - 1e-9;     /* 1: alone; 0: the pool */
        }
        rc = core_waits(r, n, core, 0, (double)(c - full), 0.5, sub, sw, idx, waited);
    }
done:
    free(ord);
    free(seq);
    free(grp);
    free(core);
    free(load);
    free(sub);
    free(sw);
    free(idx);
    return rc;
}

int xb_replay_waits(const double *r, size_t n, double c, double *waited)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += r[i];
    if (c <= 1 + 1e-9 || sum < c - 1e-9 || (double)n <= c + 1e-9)
        return xb_replay_pool_waits(r, n, c, waited);
    return partition_waits(r, n, (size_t)(c + 0.5), waited);
}

void xb_replay_free(struct xb_replay *r)
{
    if (r->vm)
        for (size_t v = 0; v < r->nvm; v++)
            free(r->vm[v].waited);
    if (r->host)
        for (size_t h = 0; h < r->nhost; h++) {
            free(r->host[h].util);
            free(r->host[h].waited);
            free(r->host[h].mem);
        }
    free(r->vm);
    free(r->host);
    memset(r, 0, sizeof *r);
}

int xb_replay_run(const struct xb_demand *d, const struct xb_hosts *hs,
                  const long *host_of, double target, struct xb_replay *out,
                  struct xb_err *err)
{
    memset(out, 0, sizeof *out);
    if (!d->normalised)
        return xb_err_set(err, -EINVAL, "the demand is not normalised for the hosts");
    size_t V = d->nvm, H = hs->n, T = d->nwin;
    out->nvm = V;
    out->nhost = H;
    out->nwin = T;
    out->win_s = d->win_s;
    out->t0 = d->t0;
    out->align = d->align;
    out->target = target;
    out->vm = calloc(V + 1, sizeof *out->vm);
    out->host = calloc(H + 1, sizeof *out->host);
    size_t *first = malloc((H + 2) * sizeof *first), *members = malloc((V + 1) * sizeof *members);
    size_t cap = V * 2 + 64;
    double *r = malloc(cap * sizeof *r), *w = malloc(cap * sizeof *w);
    size_t *owner = malloc(cap * sizeof *owner);
    double *sel = malloc((T + 1) * sizeof *sel);
    int rc = 0;
    if (!out->vm || !out->host || !first || !members || !r || !w || !owner || !sel) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto done;
    }
    /* VMs grouped by host. */
    for (size_t h = 0; h <= H; h++)
        first[h] = 0;
    for (size_t v = 0; v < V; v++) {
        out->vm[v].host = host_of[v];
        if (host_of[v] >= 0)
            first[host_of[v] + 1]++;
        else
            out->unplaced++;
    }
    for (size_t h = 0; h < H; h++)
        first[h + 1] += first[h];
    {
        size_t *fill = calloc(H + 1, sizeof *fill);
        if (!fill) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto done;
        }
        for (size_t v = 0; v < V; v++)
            if (host_of[v] >= 0)
                members[first[host_of[v]] + fill[host_of[v]]++] = v;
        free(fill);
    }
    const float *cpu = d->series[XB_RES_CPU];
    for (size_t v = 0; v < V; v++)
        if (host_of[v] >= 0 && !(out->vm[v].waited = calloc(T + 1, sizeof(float)))) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto done;
        }
    for (size_t h = 0; h < H; h++) {
        struct xb_replay_host *rh = &out->host[h];
        const struct xb_host *x = &hs->v[h];
        rh->nvm = first[h + 1] - first[h];
        rh->pcpus = xb_host_pcpus(x);
        if (rh->nvm == 0)
            continue;
        double unit = xb_host_core_units(x, d->basis);
        if (!(rh->util = calloc(T + 1, sizeof(float))) ||
            !(rh->waited = calloc(T + 1, sizeof(float))) ||
            (d->series[XB_RES_MEM] && !(rh->mem = calloc(T + 1, sizeof(float))))) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto done;
        }
        out->host_windows += T;
        double usum = 0;
        for (size_t t = 0; t < T; t++) {
            size_t n = 0;
            double dem = 0, mem = 0;
            for (size_t i = first[h]; i < first[h + 1]; i++) {
                size_t v = members[i];
                double R = cpu ? cpu[v * T + t] / unit : 0;
                unsigned vc = d->vm[v].vcpus;
                if (vc && R > vc)
                    R = vc;             /* a VM runs on its vCPUs at most */
                dem += R;
                out->vm[v].demand_mean += R;
                while (R > 1e-9) {
                    if (n == cap) {
                        size_t c2 = cap * 2;
                        double *r2 = realloc(r, c2 * sizeof *r2);
                        if (r2)
                            r = r2;
                        double *w2 = r2 ? realloc(w, c2 * sizeof *w2) : NULL;
                        if (w2)
                            w = w2;
                        size_t *o2 = w2 ? realloc(owner, c2 * sizeof *o2) : NULL;
                        if (!o2) {
                            rc = xb_err_set(err, -ENOMEM, "out of memory");
                            goto done;
                        }
                        owner = o2;
                        cap = c2;
                    }
                    double part = R >= 1 ? 1 : R;
                    r[n] = part;
                    owner[n] = v;
                    n++;
                    R -= part;
                }
                if (rh->mem)
                    mem += d->series[XB_RES_MEM][v * T + t];
            }
            if (xb_replay_waits(r, n, rh->pcpus, w)) {
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                goto done;
            }
            double wsum = 0;
            for (size_t i = 0; i < n; i++) {
                struct xb_replay_vm *rv = &out->vm[owner[i]];
                rv->waited[t] += (float)(w[i] * 100);
                rv->cpu_pct += (r[i] - w[i]) * 100;
                wsum += w[i];
            }
            double u = dem / rh->pcpus;
            rh->util[t] = (float)u;
            rh->waited[t] = (float)wsum;
            usum += u;
            rh->over_target += u > target * (1 + 1e-9);
            rh->over_cap += u > 1 + 1e-9;
            if (rh->mem) {
                rh->mem[t] = (float)(mem / x->mem_gib);
                rh->mem_over += mem > x->mem_gib * (1 + 1e-9);
            }
            if (u > rh->util_max)
                rh->util_max = u;
            sel[t] = u;
        }
        rh->util_mean = T ? usum / T : 0;
        rh->util_p95 = xb_percentile_select(sel, T, 95);
        out->over_target += rh->over_target;
        out->over_cap += rh->over_cap;
        out->mem_over += rh->mem_over;
    }
    for (size_t v = 0; v < V; v++) {
        struct xb_replay_vm *rv = &out->vm[v];
        if (rv->host < 0 || T == 0)
            continue;
        double s = 0, mx = 0;
        for (size_t t = 0; t < T; t++) {
            s += rv->waited[t];
            if (rv->waited[t] > mx)
                mx = rv->waited[t];
        }
        rv->waited_pct = s / T;
        rv->waited_pct_max = mx;
        rv->cpu_pct /= T;
        rv->demand_mean /= T;
    }
done:
    free(first);
    free(members);
    free(r);
    free(w);
    free(owner);
    free(sel);
    if (rc)
        xb_replay_free(out);
    return rc;
}
