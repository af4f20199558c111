/* pack.c: the packer (pack.h): per-host load series, the fit test, first-fit
 * decreasing, local search, fewest moves from today's assignment, spare
 * hosts, pinning advice, the lower bound and the from-scratch verifier.
 *
 * It owns placement decisions only: it reads a normalised demand matrix and
 * the hosts, and writes a struct xb_placement; it prints nothing.
 *
 * Speed: a host keeps, per checked series, its summed load per window, the
 * maximum per block of 64 windows and overall, and how many windows are
 * above target.  A VM fits a series at once when the two peaks add up under
 * target; else only the blocks whose maxima add up above it are scanned.
 * It must not read the store or the files (inputs.c, hosts.c).
 */
#include "pack.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/csvread.h"
#include "util/stats.h"

#define BLK 32
#define EPS 1e-9

void xb_pack_opts_init(struct xb_pack_opts *o)
{
    o->target = 0.85;
    o->allow_frac = 0;
    o->mem_overcommit = 1.0;
    o->spare = 0;
    o->max_moves = -1;
    o->hot_pct = 90;
    o->contended_pct = 5;
    o->cache_heavy_ps = 1e7;
    o->peaks_only = false;
    o->max_passes = 50;
    o->search_s = 20;
}

/* ---- anti-affinity groups ---------------------------------------------- */

int xb_groups_add(struct xb_groups *g, const char *name, const size_t *vm, size_t n)
{
    char **nm = realloc(g->name, (g->n + 1) * sizeof *nm);
    if (!nm)
        return -ENOMEM;
    g->name = nm;
    size_t *fi = realloc(g->first, (g->n + 1) * sizeof *fi);
    if (!fi)
        return -ENOMEM;
    g->first = fi;
    size_t *co = realloc(g->count, (g->n + 1) * sizeof *co);
    if (!co)
        return -ENOMEM;
    g->count = co;
    size_t *mb = realloc(g->member, (g->nmember + n + 1) * sizeof *mb);
    if (!mb)
        return -ENOMEM;
    g->member = mb;
    if (!(g->name[g->n] = strdup(name)))
        return -ENOMEM;
    g->first[g->n] = g->nmember;
    g->count[g->n] = n;
    memcpy(g->member + g->nmember, vm, n * sizeof *vm);
    g->nmember += n;
    g->n++;
    return 0;
}

void xb_groups_free(struct xb_groups *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->name[i]);
    free(g->name);
    free(g->first);
    free(g->count);
    free(g->member);
    memset(g, 0, sizeof *g);
}

struct group_row {
    char *group;
    size_t vm;
    unsigned line;
};

struct groups_loader {
    struct xb_csv_col cols[2];
    const struct xb_demand *d;
    struct group_row *row;
    size_t n, cap;
    struct xb_err *err;
};

static int on_group(const struct xb_csv_row *row, void *ctx)
{
    struct groups_loader *L = ctx;
    if (row->line == 1)
        return xb_csv_map(row, L->cols, 2, L->err);
    const char *g = xb_csv_get(row, &L->cols[0]), *vm = xb_csv_get(row, &L->cols[1]);
    if (!*g || !*vm)
        return xb_err_set(L->err, -XB_EINPUT, "%s: line %u: %s: empty", row->path,
                          row->line, *g ? "vm" : "group");
    long v = xb_demand_find(L->d, vm);
    if (v == -2)
        return xb_err_set(L->err, -XB_EINPUT, "%s: line %u: vm '%s' names VMs on "
                          "several hosts: write HOST/NAME", row->path, row->line, vm);
    if (v < 0)
        return xb_err_set(L->err, -XB_EINPUT, "%s: line %u: vm '%s' has no samples "
                          "in the history range", row->path, row->line, vm);
    for (size_t i = 0; i < L->n; i++)
        if (L->row[i].vm == (size_t)v && strcmp(L->row[i].group, g) == 0)
            return xb_err_set(L->err, -XB_EINPUT, "%s: line %u: vm '%s' is in group "
                              "'%s' twice (line %u)", row->path, row->line, vm, g,
                              L->row[i].line);
    if (L->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 32;
        struct group_row *r = realloc(L->row, cap * sizeof *r);
        if (!r)
            return xb_err_set(L->err, -ENOMEM, "out of memory");
        L->row = r;
        L->cap = cap;
    }
    if (!(L->row[L->n].group = strdup(g)))
        return xb_err_set(L->err, -ENOMEM, "out of memory");
    L->row[L->n].vm = (size_t)v;
    L->row[L->n].line = row->line;
    L->n++;
    return 0;
}

int xb_groups_load(const char *path, const struct xb_demand *d, struct xb_groups *g,
                   struct xb_err *err)
{
    memset(g, 0, sizeof *g);
    struct groups_loader L = {
        .cols = { { "group", true, 0 }, { "vm", true, 0 } }, .d = d, .err = err,
    };
    int rc = xb_csv_read(path, on_group, &L, err);
    size_t *vm = malloc((L.n + 1) * sizeof *vm);
    bool *done = calloc(L.n + 1, sizeof *done);
    if (!rc && (!vm || !done))
        rc = xb_err_set(err, -ENOMEM, "out of memory");
    /* Groups in the order they first appear. */
    for (size_t i = 0; !rc && i < L.n; i++) {
        if (done[i])
            continue;
        size_t n = 0;
        for (size_t k = i; k < L.n; k++) {
            if (!done[k] && strcmp(L.row[k].group, L.row[i].group) == 0) {
                vm[n++] = L.row[k].vm;
                done[k] = true;
            }
        }
        if (xb_groups_add(g, L.row[i].group, vm, n))
            rc = xb_err_set(err, -ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < L.n; i++)
        free(L.row[i].group);
    free(L.row);
    free(vm);
    free(done);
    if (rc)
        xb_groups_free(g);
    return rc;
}

/* ---- the packer's state ------------------------------------------------ */

struct slot {
    enum xb_res r;
    size_t allowed;         /* windows allowed above target */
};

struct pk {
    const struct xb_pack_in *in;
    const struct xb_demand *d;
    size_t V, H, T, S, NB;
    struct slot slot[XB_NRES];
    /* per host x slot */
    double *load;           /* [(h * S + s) * T + t] */
    double *bmax;           /* [(h * S + s) * NB + b] */
    double *peak, *sumpk;   /* [h * S + s] */
    size_t *viol;
    double *tgt, *hard;
    /* per VM x slot */
    float *vbmax;           /* [(v * S + s) * NB + b] */
    float *vpeak;           /* [v * S + s] */
    /* per VM */
    double *vmem, *size;
    unsigned *vhot, *vcpus, *vcls;
    size_t *vg_first, *vg_n, *vg;   /* the groups of each VM */
    long *host_of;
    /* per host */
    double *hmem, *hmemcap;
    unsigned *hhot, *hcores, *hpcpus;
    size_t *hn;
    unsigned *hcls[2];
    uint16_t *gcount;       /* [g * H + h] */
    bool *open, *standby;
    long *olist;            /* open hosts, in the order they were opened */
    size_t nopen;
    unsigned clscap[2];
    size_t expect_hosts;    /* the lower bound, spares left out */
    /* scratch */
    double *tmp;
    long *cand;
    size_t *vlist;
    struct timespec t_start;
};

static double elapsed_s(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static inline const float *vrow(const struct pk *p, size_t v, size_t s)
{
    return p->d->series[p->slot[s].r] + v * p->T;
}

static inline double *hload(const struct pk *p, long h, size_t s)
{
    return p->load + ((size_t)h * p->S + s) * p->T;
}

static inline double *hbmax(const struct pk *p, long h, size_t s)
{
    return p->bmax + ((size_t)h * p->S + s) * p->NB;
}

static void pk_free(struct pk *p)
{
    free(p->load); free(p->bmax); free(p->peak); free(p->sumpk); free(p->viol);
    free(p->tgt); free(p->hard); free(p->vbmax); free(p->vpeak);
    free(p->vmem); free(p->size); free(p->vhot); free(p->vcpus); free(p->vcls);
    free(p->vg_first); free(p->vg_n); free(p->vg); free(p->host_of);
    free(p->hmem); free(p->hmemcap); free(p->hhot); free(p->hcores); free(p->hpcpus);
    free(p->hn); free(p->hcls[0]); free(p->hcls[1]); free(p->gcount);
    free(p->open); free(p->standby); free(p->olist); free(p->tmp); free(p->cand);
    free(p->vlist);
    memset(p, 0, sizeof *p);
}

/* Hot vCPUs: the VM's median CPU (in its own cores) carried by as few
 * vCPUs as possible, each at hot_pct or more: vCPUs busy in most windows,
 * not the bursts (the series check takes those). */
static unsigned hot_vcpus(const struct pk *p, size_t v, double *buf)
{
    const struct xb_dvm *x = &p->d->vm[v];
    const float *row = xb_demand_row(p->d, XB_RES_CPU, v);
    if (!row || x->vcpus == 0 || p->T == 0)
        return 0;
    for (size_t t = 0; t < p->T; t++)
        buf[t] = row[t] / x->cpu_scale;
    double p50 = xb_percentile_select(buf, p->T, 50);
    double n = floor(p50 / (p->in->o.hot_pct / 100.0) + 1e-9);
    if (n < 0)
        n = 0;
    return n > x->vcpus ? x->vcpus : (unsigned)n;
}

static int pk_init(struct pk *p, const struct xb_pack_in *in, struct xb_err *err)
{
    memset(p, 0, sizeof *p);
    clock_gettime(CLOCK_MONOTONIC, &p->t_start);
    p->in = in;
    p->d = in->d;
    const struct xb_demand *d = in->d;
    const struct xb_pack_opts *o = &in->o;
    p->V = d->nvm;
    p->H = in->hs->n;
    p->T = d->nwin ? d->nwin : 1;
    p->NB = (p->T + BLK - 1) / BLK;
    size_t V = p->V, H = p->H;
    /* Memory reservations, and whether memory in use needs its own check. */
    if (!(p->vmem = calloc(V + 1, sizeof *p->vmem)))
        return xb_err_set(err, -ENOMEM, "out of memory");
    bool mem_series = false;
    for (size_t v = 0; v < V; v++) {
        const struct xb_dvm *x = &d->vm[v];
        p->vmem[v] = !isnan(x->mem_alloc_gib) ? x->mem_alloc_gib
                   : !isnan(x->mem_peak_gib) ? x->mem_peak_gib : 0;
        if (!isnan(x->mem_peak_gib) && x->mem_peak_gib > p->vmem[v] + EPS)
            mem_series = true;     /* in use above its allocation */
    }
    if (o->mem_overcommit > 1 + EPS)
        mem_series = true;
    for (int r = 0; r < XB_NRES; r++) {
        if (!d->series[r])
            continue;
        bool limited = r == XB_RES_CPU;
        for (size_t h = 0; !limited && h < H; h++) {
            double cap[XB_NRES];
            xb_host_capacity(&in->hs->v[h], d->basis, cap);
            limited = !isnan(cap[r]);
        }
        if (r == XB_RES_MEM)
            limited = limited && mem_series;
        if (!limited)
            continue;
        p->slot[p->S].r = r;
        p->slot[p->S].allowed = r == XB_RES_MEM ? 0
                              : (size_t)floor(o->allow_frac * (double)p->T + EPS);
        p->S++;
    }
    size_t S = p->S ? p->S : 1, T = p->T, NB = p->NB;
    p->load = calloc(H * S * T + 1, sizeof *p->load);
    p->bmax = calloc(H * S * NB + 1, sizeof *p->bmax);
    p->peak = calloc(H * S + 1, sizeof *p->peak);
    p->sumpk = calloc(H * S + 1, sizeof *p->sumpk);
    p->viol = calloc(H * S + 1, sizeof *p->viol);
    p->tgt = calloc(H * S + 1, sizeof *p->tgt);
    p->hard = calloc(H * S + 1, sizeof *p->hard);
    p->vbmax = calloc(V * S * NB + 1, sizeof *p->vbmax);
    p->vpeak = calloc(V * S + 1, sizeof *p->vpeak);
    p->size = calloc(V + 1, sizeof *p->size);
    p->vhot = calloc(V + 1, sizeof *p->vhot);
    p->vcpus = calloc(V + 1, sizeof *p->vcpus);
    p->vcls = calloc(V + 1, sizeof *p->vcls);
    p->vg_first = calloc(V + 1, sizeof *p->vg_first);
    p->vg_n = calloc(V + 1, sizeof *p->vg_n);
    p->host_of = malloc((V + 1) * sizeof *p->host_of);
    p->hmem = calloc(H + 1, sizeof *p->hmem);
    p->hmemcap = calloc(H + 1, sizeof *p->hmemcap);
    p->hhot = calloc(H + 1, sizeof *p->hhot);
    p->hcores = calloc(H + 1, sizeof *p->hcores);
    p->hpcpus = calloc(H + 1, sizeof *p->hpcpus);
    p->hn = calloc(H + 1, sizeof *p->hn);
    p->hcls[0] = calloc(H + 1, sizeof *p->hcls[0]);
    p->hcls[1] = calloc(H + 1, sizeof *p->hcls[1]);
    p->open = calloc(H + 1, sizeof *p->open);
    p->standby = calloc(H + 1, sizeof *p->standby);
    p->olist = calloc(H + 1, sizeof *p->olist);
    p->tmp = calloc(T + 1, sizeof *p->tmp);
    p->cand = calloc(H + 1, sizeof *p->cand);
    p->vlist = calloc(V + 1, sizeof *p->vlist);
    if (!p->load || !p->bmax || !p->peak || !p->sumpk || !p->viol || !p->tgt ||
        !p->hard || !p->vbmax || !p->vpeak || !p->size || !p->vhot || !p->vcpus ||
        !p->vcls || !p->vg_first || !p->vg_n || !p->host_of || !p->hmem ||
        !p->hmemcap || !p->hhot || !p->hcores || !p->hpcpus || !p->hn ||
        !p->hcls[0] || !p->hcls[1] || !p->open || !p->standby || !p->olist ||
        !p->tmp || !p->cand || !p->vlist)
        return xb_err_set(err, -ENOMEM, "out of memory (%zu VMs x %zu hosts x %zu "
                          "windows)", V, H, T);
    /* Hosts. */
    for (size_t h = 0; h < H; h++) {
        const struct xb_host *x = &in->hs->v[h];
        double cap[XB_NRES];
        xb_host_capacity(x, d->basis, cap);
        p->hmemcap[h] = x->mem_gib * o->mem_overcommit;
        p->hcores[h] = xb_host_cores(x);
        p->hpcpus[h] = xb_host_pcpus(x);
        for (size_t s = 0; s < p->S; s++) {
            enum xb_res r = p->slot[s].r;
            double c = isnan(cap[r]) ? INFINITY : cap[r];
            p->hard[h * S + s] = c;
            p->tgt[h * S + s] = r == XB_RES_MEM ? c : c * o->target;
        }
    }
    /* VMs: peaks, block maxima, hot vCPUs, classes, sizes. */
    double ref_tgt[XB_NRES] = { 0 }, ref_mem = 0, ref_cores = 0;
    for (size_t h = 0; h < H; h++) {
        for (size_t s = 0; s < p->S; s++)
            if (isfinite(p->tgt[h * S + s]) && p->tgt[h * S + s] > ref_tgt[s])
                ref_tgt[s] = p->tgt[h * S + s];
        if (p->hmemcap[h] > ref_mem)
            ref_mem = p->hmemcap[h];
        if (p->hcores[h] > ref_cores)
            ref_cores = p->hcores[h];
    }
    for (size_t v = 0; v < V; v++) {
        const struct xb_dvm *x = &d->vm[v];
        p->vcpus[v] = x->vcpus;
        p->vhot[v] = hot_vcpus(p, v, p->tmp);
        if (!isnan(x->waited_pct) && x->waited_pct >= o->contended_pct)
            p->vcls[v] |= XB_CLASS_CONTENDED;
        if (!isnan(x->llc_miss_ps) && x->llc_miss_ps >= o->cache_heavy_ps)
            p->vcls[v] |= XB_CLASS_CACHE;
        double size = 0;
        for (size_t s = 0; s < p->S; s++) {
            const float *row = vrow(p, v, s);
            float *bm = p->vbmax + (v * S + s) * NB, pk = 0;
            for (size_t b = 0; b < NB; b++) {
                float m = 0;
                size_t hi = (b + 1) * BLK < T ? (b + 1) * BLK : T;
                for (size_t t = b * BLK; t < hi; t++)
                    if (row[t] > m)
                        m = row[t];
                bm[b] = m;
                if (m > pk)
                    pk = m;
            }
            p->vpeak[v * S + s] = pk;
            if (ref_tgt[s] > 0 && pk / ref_tgt[s] > size)
                size = pk / ref_tgt[s];
        }
        if (ref_mem > 0 && p->vmem[v] / ref_mem > size)
            size = p->vmem[v] / ref_mem;
        if (ref_cores > 0 && p->vhot[v] / ref_cores > size)
            size = p->vhot[v] / ref_cores;
        p->size[v] = size;

    }
    /* Groups of each VM. */
    const struct xb_groups *g = in->groups;
    if (g && g->n) {
        if ((double)g->n * (double)H > 2e8)
            return xb_err_set(err, -XB_EUSAGE, "%zu anti-affinity groups x %zu hosts "
                              "is too many", g->n, H);
        if (!(p->gcount = calloc(g->n * H, sizeof *p->gcount)) ||
            !(p->vg = calloc(g->nmember + 1, sizeof *p->vg)))
            return xb_err_set(err, -ENOMEM, "out of memory");
        for (size_t i = 0; i < g->nmember; i++)
            p->vg_n[g->member[i]]++;
        size_t off = 0;
        for (size_t v = 0; v < V; v++) {
            p->vg_first[v] = off;
            off += p->vg_n[v];
            p->vg_n[v] = 0;
        }
        for (size_t k = 0; k < g->n; k++)
            for (size_t i = 0; i < g->count[k]; i++) {
                size_t v = g->member[g->first[k] + i];
                p->vg[p->vg_first[v] + p->vg_n[v]++] = k;
            }
    }
    for (size_t v = 0; v < V; v++)
        p->host_of[v] = -1;
    return 0;
}

/* ---- load bookkeeping -------------------------------------------------- */

static void host_recompute(struct pk *p, long h, size_t s)
{
    const double *ld = hload(p, h, s);
    double *bm = hbmax(p, h, s), tg = p->tgt[(size_t)h * p->S + s], pk = 0;
    size_t viol = 0;
    for (size_t b = 0; b < p->NB; b++) {
        size_t hi = (b + 1) * BLK < p->T ? (b + 1) * BLK : p->T;
        double m = 0;
        for (size_t t = b * BLK; t < hi; t++) {
            if (ld[t] > m)
                m = ld[t];
            viol += ld[t] > tg * (1 + EPS);
        }
        bm[b] = m;
        if (m > pk)
            pk = m;
    }
    p->peak[(size_t)h * p->S + s] = pk;
    p->viol[(size_t)h * p->S + s] = viol;
}

static void open_host(struct pk *p, long h)
{
    if (!p->open[h]) {
        p->open[h] = true;
        p->olist[p->nopen++] = h;
    }
}

static void close_host(struct pk *p, long h)
{
    if (!p->open[h])
        return;
    p->open[h] = false;
    size_t k = 0;
    for (size_t i = 0; i < p->nopen; i++)
        if (p->olist[i] != h)
            p->olist[k++] = p->olist[i];
    p->nopen = k;
}

static void add_vm(struct pk *p, size_t v, long h)
{
    size_t S = p->S;
    for (size_t s = 0; s < S; s++) {
        const float *row = vrow(p, v, s);
        double *ld = hload(p, h, s);
        for (size_t t = 0; t < p->T; t++)
            ld[t] += row[t];
        host_recompute(p, h, s);
        p->sumpk[(size_t)h * S + s] += p->vpeak[v * S + s];
    }
    p->hmem[h] += p->vmem[v];
    p->hhot[h] += p->vhot[v];
    p->hn[h]++;
    for (int c = 0; c < 2; c++)
        if (p->vcls[v] & (1u << c))
            p->hcls[c][h]++;
    for (size_t i = 0; i < p->vg_n[v]; i++)
        p->gcount[p->vg[p->vg_first[v] + i] * p->H + (size_t)h]++;
    p->host_of[v] = h;
    open_host(p, h);
}

static void remove_vm(struct pk *p, size_t v)
{
    long h = p->host_of[v];
    if (h < 0)
        return;
    size_t S = p->S;
    p->hn[h]--;
    for (size_t s = 0; s < S; s++) {
        double *ld = hload(p, h, s);
        if (p->hn[h] == 0)
            memset(ld, 0, p->T * sizeof *ld);   /* no drift on an empty host */
        else {
            const float *row = vrow(p, v, s);
            for (size_t t = 0; t < p->T; t++)
                ld[t] -= row[t];
        }
        host_recompute(p, h, s);
        p->sumpk[(size_t)h * S + s] -= p->vpeak[v * S + s];
    }
    p->hmem[h] -= p->vmem[v];
    p->hhot[h] -= p->vhot[v];
    if (p->hn[h] == 0) {
        p->hmem[h] = 0;
        for (size_t s = 0; s < S; s++)
            p->sumpk[(size_t)h * S + s] = 0;
    }
    for (int c = 0; c < 2; c++)
        if (p->vcls[v] & (1u << c))
            p->hcls[c][h]--;
    for (size_t i = 0; i < p->vg_n[v]; i++)
        p->gcount[p->vg[p->vg_first[v] + i] * p->H + (size_t)h]--;
    p->host_of[v] = -1;
}

static void reset_all(struct pk *p)
{
    for (size_t v = 0; v < p->V; v++)
        if (p->host_of[v] >= 0)
            remove_vm(p, v);
    for (size_t h = 0; h < p->H; h++)
        p->open[h] = p->standby[h] = false;
    p->nopen = 0;
}

/* ---- the fit test ------------------------------------------------------ */

static bool series_fits(const struct pk *p, size_t v, long h, size_t s)
{
    size_t hs = (size_t)h * p->S + s;
    double tg = p->tgt[hs] * (1 + EPS), hd = p->hard[hs] * (1 + EPS);
    if (p->in->o.peaks_only)
        return p->sumpk[hs] + p->vpeak[v * p->S + s] <= tg;
    if (p->peak[hs] + p->vpeak[v * p->S + s] <= tg)
        return true;
    const double *ld = hload(p, h, s), *bm = hbmax(p, h, s);
    const float *row = vrow(p, v, s), *vb = p->vbmax + (v * p->S + s) * p->NB;
    size_t viol = 0, allowed = p->slot[s].allowed;
    for (size_t b = 0; b < p->NB; b++) {
        if (bm[b] + vb[b] <= tg)
            continue;
        size_t hi = (b + 1) * BLK < p->T ? (b + 1) * BLK : p->T;
        for (size_t t = b * BLK; t < hi; t++) {
            double x = ld[t] + row[t];
            if (x > tg) {
                if (x > hd || ++viol > allowed)
                    return false;
            }
        }
    }
    return true;
}

/* spread: keep contended and cache-heavy VMs within their even share. */
static bool fits(const struct pk *p, size_t v, long h, bool spread)
{
    if (p->vcpus[v] > p->hpcpus[h])
        return false;
    if (p->hmem[h] + p->vmem[v] > p->hmemcap[h] * (1 + EPS) + EPS)
        return false;
    if (p->hhot[h] + p->vhot[v] > p->hcores[h])
        return false;
    for (size_t i = 0; i < p->vg_n[v]; i++)
        if (p->gcount[p->vg[p->vg_first[v] + i] * p->H + (size_t)h])
            return false;
    if (spread)
        for (int c = 0; c < 2; c++)
            if ((p->vcls[v] & (1u << c)) && p->hcls[c][h] >= p->clscap[c])
                return false;
    for (size_t s = 0; s < p->S; s++)
        if (!series_fits(p, v, h, s))
            return false;
    return true;
}

/* How full a host is: its largest utilisation of any constrained thing. */
static double fill_of(const struct pk *p, long h)
{
    double f = 0;
    for (size_t s = 0; s < p->S; s++) {
        size_t hs = (size_t)h * p->S + s;
        double u = p->in->o.peaks_only ? p->sumpk[hs] : p->peak[hs];
        if (isfinite(p->tgt[hs]) && p->tgt[hs] > 0 && u / p->tgt[hs] > f)
            f = u / p->tgt[hs];
    }
    if (p->hmemcap[h] > 0 && p->hmem[h] / p->hmemcap[h] > f)
        f = p->hmem[h] / p->hmemcap[h];
    if (p->hcores[h] && (double)p->hhot[h] / p->hcores[h] > f)
        f = (double)p->hhot[h] / p->hcores[h];
    return f;
}

/* Why a VM does not fit on an empty host h (for messages). */
static void explain(const struct pk *p, size_t v, long h, char *buf, size_t len)
{
    const struct xb_host *x = &p->in->hs->v[h];
    const struct xb_dvm *m = &p->d->vm[v];
    if (p->vcpus[v] > p->hpcpus[h]) {
        snprintf(buf, len, "%u vCPUs > %u pCPUs of %s", p->vcpus[v], p->hpcpus[h],
                 x->name);
        return;
    }
    if (p->vmem[v] > p->hmemcap[h] * (1 + EPS) + EPS) {
        snprintf(buf, len, "memory %.1f GiB %s > %.1f GiB x %.2f of %s", p->vmem[v],
                 isnan(m->mem_alloc_gib) ? "in use" : "allocated", x->mem_gib,
                 p->in->o.mem_overcommit, x->name);
        return;
    }
    if (p->vhot[v] > p->hcores[h]) {
        snprintf(buf, len, "%u hot vCPUs > %u cores of %s", p->vhot[v], p->hcores[h],
                 x->name);
        return;
    }
    for (size_t s = 0; s < p->S; s++) {
        size_t hs = (size_t)h * p->S + s;
        enum xb_res r = p->slot[s].r;
        double pk = p->vpeak[v * p->S + s];
        if (pk > p->tgt[hs] * (1 + EPS)) {
            const char *unit = r == XB_RES_CPU ? xb_cpu_unit(p->d->basis) : xb_res_unit[r];
            snprintf(buf, len, "%s peak %.2f %s > %.2f %s (%.0f %% of %s)",
                     xb_res_name[r], pk, unit, p->tgt[hs], unit,
                     r == XB_RES_MEM ? 100 : p->in->o.target * 100, x->name);
            return;
        }
    }
    snprintf(buf, len, "does not fit on %s", x->name);
}

/* The host a VM fits on first: open hosts in opening order, else the next
 * closed, non-standby host of the pool (opened).  -1: none. */
static long new_host(struct pk *p, size_t v)
{
    for (size_t h = 0; h < p->H; h++)
        if (!p->open[h] && !p->standby[h] && fits(p, v, (long)h, false))
            return (long)h;
    return -1;
}

/* A contended or cache-heavy VM goes first where its class is under its
 * share; while fewer hosts are open than the lower bound (they will be
 * opened anyway), to a new host before exceeding it. */
static long first_fit(struct pk *p, size_t v, bool allow_new)
{
    if (p->vcls[v]) {
        for (size_t i = 0; i < p->nopen; i++)
            if (fits(p, v, p->olist[i], true))
                return p->olist[i];
        if (allow_new && p->nopen < p->expect_hosts) {
            long h = new_host(p, v);
            if (h >= 0)
                return h;
        }
    }
    for (size_t i = 0; i < p->nopen; i++)
        if (fits(p, v, p->olist[i], false))
            return p->olist[i];
    return allow_new ? new_host(p, v) : -1;
}

static const double *rank_val;

static int cmp_rank_asc(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    if (rank_val[x] != rank_val[y])
        return rank_val[x] < rank_val[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* ---- first-fit decreasing ---------------------------------------------- */

static const struct pk *sort_pk;

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    double sx = sort_pk->size[x], sy = sort_pk->size[y];
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void sort_by_size(const struct pk *p, size_t *v, size_t n)
{
    sort_pk = p;
    qsort(v, n, sizeof *v, cmp_size);
}

static bool to_place(const struct pk *p, size_t v)
{
    return !(p->in->exclude && p->in->exclude[v]);
}

/* Place every VM that has no host yet; returns how many found none. */
static size_t ffd(struct pk *p)
{
    size_t n = 0, miss = 0;
    for (size_t v = 0; v < p->V; v++)
        if (to_place(p, v) && p->host_of[v] < 0)
            p->vlist[n++] = v;
    sort_by_size(p, p->vlist, n);
    for (size_t i = 0; i < n; i++) {
        size_t v = p->vlist[i];
        long h = first_fit(p, v, true);
        if (h < 0)
            miss++;
        else
            add_vm(p, v, h);
    }
    return miss;
}

/* ---- local search ------------------------------------------------------ */

static const struct pk *fill_pk;
static double *fill_val;

static int cmp_fill_desc(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    if (fill_val[x] != fill_val[y])
        return fill_val[x] > fill_val[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

static bool moved_from_today(const struct pk *p, size_t v, long h)
{
    const long *cur = p->in->current;
    return cur && (cur[v] >= 0 || (p->in->on_outside && p->in->on_outside[v])) &&
           h != cur[v];
}

static size_t count_moves(const struct pk *p)
{
    size_t m = 0;
    for (size_t v = 0; v < p->V; v++)
        if (p->host_of[v] >= 0 && moved_from_today(p, v, p->host_of[v]))
            m++;
    return m;
}

/* Move every VM of h to the other open hosts (fullest first).  moves: the
 * running count of moves from today, limit -1 for none.  On failure nothing
 * changes. */
static bool try_empty(struct pk *p, long h, const long *order, size_t norder,
                      size_t *moves, long limit)
{
    size_t n = 0;
    for (size_t v = 0; v < p->V; v++)
        if (p->host_of[v] == h)
            p->vlist[n++] = v;
    sort_by_size(p, p->vlist, n);
    long *dest = malloc((n + 1) * sizeof *dest);
    if (!dest)
        return false;
    size_t m = *moves, done = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        size_t v = p->vlist[i];
        bool was = moved_from_today(p, v, h);
        remove_vm(p, v);
        long to = -1;
        for (int pass = p->vcls[v] ? 0 : 1; to < 0 && pass < 2; pass++)
            for (size_t k = 0; k < norder; k++) {
                long c = order[k];
                if (c != h && p->open[c] && fits(p, v, c, pass == 0)) {
                    to = c;
                    break;
                }
            }
        if (to >= 0) {
            bool now = moved_from_today(p, v, to);
            size_t m2 = m - was + now;
            if (limit >= 0 && m2 > (size_t)limit)
                to = -1;
            else
                m = m2;
        }
        if (to < 0) {
            add_vm(p, v, h);
            ok = false;
            break;
        }
        add_vm(p, v, to);
        dest[i] = to;
        done = i + 1;
    }
    if (!ok) {
        for (size_t i = 0; i < done; i++) {
            remove_vm(p, p->vlist[i]);
            add_vm(p, p->vlist[i], h);
        }
        free(dest);
        return false;
    }
    free(dest);
    close_host(p, h);
    *moves = m;
    return true;
}

/* Empty the emptiest hosts into the others while that succeeds. */
static void local_search(struct pk *p, long limit, struct xb_placement *out)
{
    const struct xb_pack_opts *o = &p->in->o;
    double *fv = malloc((p->H + 1) * sizeof *fv);
    long *order = malloc((p->H + 1) * sizeof *order);
    if (!fv || !order) {
        free(fv);
        free(order);
        return;
    }
    size_t moves = count_moves(p);
    for (unsigned pass = 0; pass < o->max_passes; pass++) {
        size_t n = p->nopen;
        for (size_t i = 0; i < n; i++) {
            order[i] = p->olist[i];
            fv[order[i]] = fill_of(p, order[i]);
        }
        fill_pk = p;
        fill_val = fv;
        qsort(order, n, sizeof *order, cmp_fill_desc);     /* fullest first */
        bool better = false;
        for (size_t i = n; i-- > 0;) {                       /* emptiest first */
            long h = order[i];
            if (!p->open[h])
                continue;
            if (elapsed_s(&p->t_start) > o->search_s) {
                out->search_cut = true;
                break;
            }
            if (try_empty(p, h, order, n, &moves, limit))
                better = true;
        }
        out->passes = pass + 1;
        if (!better || out->search_cut)
            break;
    }
    free(fv);
    free(order);
}

/* ---- balanced repack into a given number of hosts ---------------------- */

/* The largest fill of h (each series' peak against target, memory, hot
 * vCPUs) if v joined it; series by their block maxima (an upper bound). */
static double fill_with(const struct pk *p, size_t v, long h)
{
    double f = 0;
    for (size_t s = 0; s < p->S; s++) {
        size_t hs = (size_t)h * p->S + s;
        if (!isfinite(p->tgt[hs]) || p->tgt[hs] <= 0)
            continue;
        double m;
        if (p->in->o.peaks_only)
            m = p->sumpk[hs] + p->vpeak[v * p->S + s];
        else {
            const double *bm = hbmax(p, h, s);
            const float *vb = p->vbmax + (v * p->S + s) * p->NB;
            m = 0;
            for (size_t b = 0; b < p->NB; b++)
                if (bm[b] + vb[b] > m)
                    m = bm[b] + vb[b];
        }
        if (m / p->tgt[hs] > f)
            f = m / p->tgt[hs];
    }
    if (p->hmemcap[h] > 0 && (p->hmem[h] + p->vmem[v]) / p->hmemcap[h] > f)
        f = (p->hmem[h] + p->vmem[v]) / p->hmemcap[h];
    if (p->hcores[h] && (double)(p->hhot[h] + p->vhot[v]) / p->hcores[h] > f)
        f = (double)(p->hhot[h] + p->vhot[v]) / p->hcores[h];
    return f;
}

/* The exact peak of series s of h with v added, against target. */
static double exact_fill(const struct pk *p, size_t v, long h, size_t s)
{
    size_t hs = (size_t)h * p->S + s;
    if (!isfinite(p->tgt[hs]) || p->tgt[hs] <= 0)
        return 0;
    if (p->in->o.peaks_only)
        return (p->sumpk[hs] + p->vpeak[v * p->S + s]) / p->tgt[hs];
    const double *ld = hload(p, h, s);
    const float *row = vrow(p, v, s);
    double m = 0;
    for (size_t t = 0; t < p->T; t++)
        if (ld[t] + row[t] > m)
            m = ld[t] + row[t];
    return m / p->tgt[hs];
}

/* v fits on none of the open hosts: make room on one of the few least full
 * (order[0..k)) by moving a VM placed there (of placed[0..np)) to another
 * host, first fit.  true when v is placed. */
static bool swap_in(struct pk *p, size_t v, const long *order, size_t k,
                    const size_t *placed, size_t np)
{
    enum { HOSTS = 6 };
    for (size_t j = 0; j < k && j < HOSTS; j++) {
        long h = order[j];
        for (size_t i = 0; i < np; i++) {
            size_t u = placed[i];
            if (p->host_of[u] != h)
                continue;
            remove_vm(p, u);
            if (!fits(p, v, h, false)) {
                add_vm(p, u, h);
                continue;
            }
            add_vm(p, v, h);
            for (size_t m = 0; m < p->nopen; m++) {
                long g = p->olist[m];
                if (g != h && fits(p, u, g, false)) {
                    add_vm(p, u, g);
                    return true;
                }
            }
            remove_vm(p, v);
            add_vm(p, u, h);
        }
    }
    return false;
}

/* Every VM, largest first, to the host it leaves least full (of n hosts,
 * the first n of the pool): the loads even out, so that each host's peak
 * follows the fleet's.  false when some VM fits on none of them. */
static bool balanced(struct pk *p, size_t n, double *val, long *order)
{
    reset_all(p);
    size_t got = 0;
    for (size_t h = 0; h < p->H && got < n; h++) {
        if (p->standby[h])
            continue;
        open_host(p, (long)h);
        got++;
    }
    size_t nv = 0;
    for (size_t v = 0; v < p->V; v++)
        if (to_place(p, v))
            p->vlist[nv++] = v;
    sort_by_size(p, p->vlist, nv);
    size_t *list = malloc((nv + 1) * sizeof *list);
    if (!list)
        return false;
    memcpy(list, p->vlist, nv * sizeof *list);
    bool ok = true;
    enum { REFINE = 6 };    /* candidates taken by their exact fill */
    for (size_t i = 0; ok && i < nv; i++) {
        size_t v = list[i];
        size_t k = 0;
        for (size_t j = 0; j < p->nopen; j++) {
            long h = p->olist[j];
            val[h] = fill_with(p, v, h);
            if (p->vcls[v])
                for (int c = 0; c < 2; c++)
                    if ((p->vcls[v] & (1u << c)) && p->hcls[c][h] >= p->clscap[c])
                        val[h] += 1;    /* over its class's share: last */
            order[k++] = h;
        }
        rank_val = val;
        qsort(order, k, sizeof *order, cmp_rank_asc);
        /* the few best by the bound, taken by their exact fill */
        long best = -1;
        double bestf = INFINITY;
        size_t tried = 0;
        for (size_t j = 0; j < k && tried < REFINE; j++) {
            long h = order[j];
            if (!fits(p, v, h, false))
                continue;
            tried++;
            double f = val[h];
            if (!p->in->o.peaks_only && p->S) {
                f = 0;
                for (size_t s = 0; s < p->S; s++) {
                    double e = exact_fill(p, v, h, s);
                    f = e > f ? e : f;
                }
                size_t hs = (size_t)h;
                double mf = p->hmemcap[hs] > 0 ? (p->hmem[hs] + p->vmem[v]) /
                            p->hmemcap[hs] : 0;
                f = mf > f ? mf : f;
                if (val[h] >= 1)
                    f += 1;
            }
            if (f < bestf) {
                bestf = f;
                best = h;
            }
        }
        if (best < 0)
            ok = swap_in(p, v, order, k, list, i);
        else
            add_vm(p, v, best);
    }
    free(list);
    return ok;
}

/* Fewer hosts than first-fit found, by balanced repacks: the smallest host
 * count (down to the lower bound) that the balanced repack fits into. */
static void rebalance(struct pk *p, unsigned lb, struct xb_placement *out)
{
    size_t have = p->nopen;
    unsigned spare = p->in->o.spare;
    size_t lo = lb > spare ? lb - spare : 1;
    if (have <= lo || p->V == 0)
        return;
    long *keep = malloc((p->V + 1) * sizeof *keep);
    double *val = malloc((p->H + 1) * sizeof *val);
    long *order = malloc((p->H + 1) * sizeof *order);
    if (!keep || !val || !order) {
        free(keep);
        free(val);
        free(order);
        return;
    }
    memcpy(keep, p->host_of, p->V * sizeof *keep);
    size_t best = have;
    /* the bound first (often right), then bisect (lo, best) */
    size_t hi = have - 1;
    size_t tries = 0;
    while (lo <= hi && tries < 12) {
        size_t mid = tries == 0 ? lo : lo + (hi - lo) / 2;
        tries++;
        if (elapsed_s(&p->t_start) > p->in->o.search_s) {
            out->search_cut = true;
            break;
        }
        if (balanced(p, mid, val, order)) {
            best = mid;
            memcpy(keep, p->host_of, p->V * sizeof *keep);
            if (mid == 0)
                break;
            hi = mid - 1;
        } else
            lo = mid + 1;
    }
    out->rebalance_tries = (unsigned)tries;
    reset_all(p);
    for (size_t v = 0; v < p->V; v++)
        if (keep[v] >= 0)
            add_vm(p, v, keep[v]);
    (void)best;
    free(keep);
    free(val);
    free(order);
}

/* ---- validity of a host as it stands ----------------------------------- */

static bool host_valid(const struct pk *p, long h)
{
    if (p->hmem[h] > p->hmemcap[h] * (1 + EPS) + EPS || p->hhot[h] > p->hcores[h])
        return false;
    for (size_t s = 0; s < p->S; s++) {
        size_t hs = (size_t)h * p->S + s;
        if (p->viol[hs] > p->slot[s].allowed ||
            p->peak[hs] > p->hard[hs] * (1 + EPS))
            return false;
        if (p->in->o.peaks_only && p->sumpk[hs] > p->tgt[hs] * (1 + EPS))
            return false;
    }
    if (p->gcount)
        for (size_t g = 0; g < p->in->groups->n; g++)
            if (p->gcount[g * p->H + (size_t)h] > 1)
                return false;
    for (size_t v = 0; v < p->V; v++)
        if (p->host_of[v] == h && p->vcpus[v] > p->hpcpus[h])
            return false;
    return true;
}

/* ---- spare hosts ------------------------------------------------------- */

/* Could the others (and standby hosts) take h's VMs?  Leaves no trace. */
static bool evacuates(struct pk *p, long h)
{
    size_t n = 0;
    for (size_t v = 0; v < p->V; v++)
        if (p->host_of[v] == h)
            p->vlist[n++] = v;
    if (n == 0)
        return true;
    sort_by_size(p, p->vlist, n);
    size_t *mine = malloc(n * sizeof *mine);
    long *to = malloc(n * sizeof *to);
    if (!mine || !to) {
        free(mine);
        free(to);
        return false;
    }
    memcpy(mine, p->vlist, n * sizeof *mine);
    size_t done = 0;
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        remove_vm(p, mine[i]);
    for (size_t i = 0; ok && i < n; i++) {
        long dst = -1;
        for (size_t c = 0; dst < 0 && c < p->H; c++)
            if ((long)c != h && (p->open[c] || p->standby[c]) &&
                fits(p, mine[i], (long)c, false))
                dst = (long)c;
        if (dst < 0) {
            ok = false;
            break;
        }
        bool was_open = p->open[dst];
        add_vm(p, mine[i], dst);
        if (!was_open)
            close_host(p, dst);     /* a standby host stays standby */
        to[i] = dst;
        done = i + 1;
    }
    for (size_t i = 0; i < done; i++)
        remove_vm(p, mine[i]);
    for (size_t i = 0; i < n; i++)
        add_vm(p, mine[i], h);
    (void)to;
    free(mine);
    free(to);
    return ok;
}

/* Does host a have at least what host b has, in everything? */
static bool dominates(const struct pk *p, long a, long b)
{
    if (p->hmemcap[a] < p->hmemcap[b] || p->hcores[a] < p->hcores[b] ||
        p->hpcpus[a] < p->hpcpus[b])
        return false;
    for (size_t s = 0; s < p->S; s++)
        if (p->tgt[(size_t)a * p->S + s] < p->tgt[(size_t)b * p->S + s] ||
            p->hard[(size_t)a * p->S + s] < p->hard[(size_t)b * p->S + s])
            return false;
    return true;
}

static int add_note(struct xb_placement *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int add_note(struct xb_placement *out, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **n = realloc(out->note, (out->nnote + 1) * sizeof *n);
    if (!n)
        return -ENOMEM;
    out->note = n;
    if (!(n[out->nnote] = strdup(buf)))
        return -ENOMEM;
    out->nnote++;
    return 0;
}

static int make_spares(struct pk *p, struct xb_placement *out, struct xb_err *err)
{
    unsigned spare = p->in->o.spare;
    if (spare == 0 || p->nopen == 0)
        return 0;
    if (spare == 1) {
        size_t nfail = 0;
        long first_fail = -1;
        for (size_t i = 0; i < p->nopen; i++)
            if (!evacuates(p, p->olist[i])) {
                if (first_fail < 0)
                    first_fail = p->olist[i];
                nfail++;
            }
        if (nfail == 0) {
            out->survives = true;
            return add_note(out, "--spare 1: the loss of any one of the %zu hosts is "
                            "absorbed by the room left on the others (checked host "
                            "by host)", p->nopen) ? xb_err_set(err, -ENOMEM,
                            "out of memory") : 0;
        }
        for (size_t h = 0; h < p->H; h++) {
            if (p->open[h] || p->standby[h])
                continue;
            p->standby[h] = true;
            bool all = true;
            for (size_t i = 0; all && i < p->nopen; i++)
                all = evacuates(p, p->olist[i]);
            if (all) {
                out->survives = true;
                return add_note(out, "--spare 1: %zu of the %zu hosts could not be "
                                "absorbed by the others (first %s); host %s stands "
                                "by empty, and then the loss of any one host is "
                                "absorbed (checked host by host)", nfail, p->nopen,
                                p->in->hs->v[first_fail].name, p->in->hs->v[h].name)
                       ? xb_err_set(err, -ENOMEM, "out of memory") : 0;
            }
            p->standby[h] = false;
        }
        return xb_err_set(err, -XB_EINPUT, "--spare 1: the loss of host %s cannot be "
                          "absorbed by the other hosts, and no host of the pool is "
                          "left to stand by (the pool has %zu hosts, %zu in use)",
                          p->in->hs->v[first_fail].name, p->H, p->nopen);
    }
    unsigned got = 0;
    for (size_t h = 0; got < spare && h < p->H; h++) {
        if (p->open[h] || p->standby[h])
            continue;
        bool big = true;
        for (size_t i = 0; big && i < p->nopen; i++)
            big = dominates(p, (long)h, p->olist[i]);
        if (big) {
            p->standby[h] = true;
            got++;
        }
    }
    if (got < spare)
        return xb_err_set(err, -XB_EINPUT, "--spare %u: only %u host(s) of the pool "
                          "are left that are at least as large as every host in use "
                          "(the pool has %zu hosts, %zu in use)", spare, got, p->H,
                          p->nopen);
    out->survives = true;
    return add_note(out, "--spare %u: %u empty hosts stand by, each at least as "
                    "large as any host in use: the VMs of any %u lost hosts move "
                    "to them whole", spare, spare, spare)
           ? xb_err_set(err, -ENOMEM, "out of memory") : 0;
}

/* ---- lower bound ------------------------------------------------------- */

static int cmp_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

/* Each host's usable capacity of series s for the bound: capacity x
 * target, or capacity alone when windows may exceed the target. */
static void slot_caps(const struct pk *p, size_t s, double *caps)
{
    bool hardcap = p->slot[s].allowed > 0;
    for (size_t h = 0; h < p->H; h++)
        caps[h] = hardcap ? p->hard[h * p->S + s] : p->tgt[h * p->S + s];
}

/* Fewest hosts whose largest capacities add up to need. */
static unsigned hosts_for(double need, double *caps, size_t H)
{
    if (need <= EPS)
        return 0;
    qsort(caps, H, sizeof *caps, cmp_double_desc);
    double sum = 0;
    for (size_t i = 0; i < H; i++) {
        sum += caps[i];
        if (sum >= need * (1 - 1e-9))
            return (unsigned)(i + 1);
    }
    return (unsigned)H + 1;     /* more than the pool */
}

static unsigned lower_bound(const struct pk *p, char *by, size_t len)
{
    size_t H = p->H, T = p->T, S = p->S;
    double *caps = malloc((H + 1) * sizeof *caps), *tot = calloc(T + 1, sizeof *tot);
    unsigned best = 0;
    if (by && len)
        snprintf(by, len, "nothing to place");
    if (!caps || !tot) {
        free(caps);
        free(tot);
        return 0;
    }
    for (size_t s = 0; s < S; s++) {
        memset(tot, 0, T * sizeof *tot);
        for (size_t v = 0; v < p->V; v++) {
            if (!to_place(p, v))
                continue;
            const float *row = vrow(p, v, s);
            for (size_t t = 0; t < T; t++)
                tot[t] += row[t];
        }
        double mx = 0;
        for (size_t t = 0; t < T; t++)
            if (tot[t] > mx)
                mx = tot[t];
        bool hardcap = p->slot[s].allowed > 0;
        slot_caps(p, s, caps);
        unsigned n = hosts_for(mx, caps, H);
        if (n > best) {
            best = n;
            enum xb_res r = p->slot[s].r;
            if (by)
                snprintf(by, len, "%s: peak of the summed series %.1f %s / %s",
                         xb_res_name[r], mx,
                         r == XB_RES_CPU ? xb_cpu_unit(p->d->basis) : xb_res_unit[r],
                         r == XB_RES_MEM || hardcap ? "capacity" : "capacity x target");
        }
    }
    double mem = 0, hot = 0;
    size_t biggest = 0, gi = 0;
    for (size_t v = 0; v < p->V; v++)
        if (to_place(p, v)) {
            mem += p->vmem[v];
            hot += p->vhot[v];
        }
    for (size_t h = 0; h < H; h++)
        caps[h] = p->hmemcap[h];
    unsigned n = hosts_for(mem, caps, H);
    if (n > best) {
        best = n;
        if (by)
            snprintf(by, len, "memory: %.1f GiB of allocations / memory x "
                     "overcommit %.2f", mem, p->in->o.mem_overcommit);
    }
    for (size_t h = 0; h < H; h++)
        caps[h] = p->hcores[h];
    n = hosts_for(hot, caps, H);
    if (n > best) {
        best = n;
        if (by)
            snprintf(by, len, "cores: %.0f hot vCPUs / cores per host", hot);
    }
    if (p->in->groups)
        for (size_t g = 0; g < p->in->groups->n; g++)
            if (p->in->groups->count[g] > biggest) {
                biggest = p->in->groups->count[g];
                gi = g;
            }
    if (biggest > best) {
        best = (unsigned)biggest;
        if (by)
            snprintf(by, len, "anti-affinity: group %s has %zu VMs",
                     p->in->groups->name[gi], biggest);
    }
    /* VMs with more than half the largest host's memory never share a host
     * with each other; the VMs too large for the room any of those hosts
     * has left must go elsewhere: those hosts plus the bound of the others
     * (each series, and memory). */
    double mcap = 0;
    for (size_t h = 0; h < H; h++)
        if (p->hmemcap[h] > mcap)
            mcap = p->hmemcap[h];
    size_t nbig = 0;
    double room = 0;
    for (size_t v = 0; v < p->V; v++)
        if (to_place(p, v) && p->vmem[v] > mcap / 2 + EPS) {
            nbig++;
            if (mcap - p->vmem[v] > room)
                room = mcap - p->vmem[v];
        }
    if (nbig && nbig < H) {
        unsigned rest = 0;
        const char *what = "memory";
        for (size_t s = 0; s <= S; s++) {
            memset(tot, 0, T * sizeof *tot);
            double need = 0;
            for (size_t v = 0; v < p->V; v++) {
                if (!to_place(p, v) || p->vmem[v] <= room + EPS)
                    continue;
                if (p->vmem[v] > mcap / 2 + EPS)
                    continue;           /* a big one itself */
                if (s == S)
                    need += p->vmem[v];
                else {
                    const float *row = vrow(p, v, s);
                    for (size_t t = 0; t < T; t++)
                        tot[t] += row[t];
                }
            }
            if (s < S) {
                for (size_t t = 0; t < T; t++)
                    if (tot[t] > need)
                        need = tot[t];
                slot_caps(p, s, caps);
            } else
                for (size_t h = 0; h < H; h++)
                    caps[h] = p->hmemcap[h];
            unsigned n = hosts_for(need, caps, H);
            if (n > rest) {
                rest = n;
                what = s < S ? xb_res_name[p->slot[s].r] : "memory";
            }
        }
        if (nbig + rest > best) {
            best = (unsigned)(nbig + rest);
            if (by)
                snprintf(by, len, "%zu VMs with over half a host's memory, each "
                         "alone, + %u hosts for the %s of the VMs that do not fit "
                         "beside them", nbig, rest, what);
        }
    }
    free(caps);
    free(tot);
    if (best > 0 && p->in->o.spare) {
        best += p->in->o.spare;
        if (by) {
            size_t l = strlen(by);
            snprintf(by + l, len > l ? len - l : 0, ", + %u spare", p->in->o.spare);
        }
    }
    return best;
}

/* ---- results ----------------------------------------------------------- */

/* Hot vCPUs get cores of their own: each VM on the socket with the most
 * free cores, split across sockets only when it must be. */
static void pin_advice(const struct pk *p, long h, struct xb_placement *out)
{
    const struct xb_host *x = &p->in->hs->v[h];
    unsigned S = x->sockets, C = x->cores_per_socket;
    unsigned *next = calloc(S, sizeof *next);
    size_t n = 0;
    if (!next)
        return;
    for (size_t v = 0; v < p->V; v++)
        if (p->host_of[v] == h && p->vhot[v])
            p->vlist[n++] = v;
    /* most hot vCPUs first */
    for (size_t i = 1; i < n; i++) {
        size_t a = p->vlist[i], j = i;
        for (; j > 0 && p->vhot[p->vlist[j - 1]] < p->vhot[a]; j--)
            p->vlist[j] = p->vlist[j - 1];
        p->vlist[j] = a;
    }
    for (size_t i = 0; i < n; i++) {
        size_t v = p->vlist[i];
        unsigned want = p->vhot[v];
        char *b = out->vm[v].pin;
        size_t len = sizeof out->vm[v].pin, used = 0;
        b[0] = '\0';
        while (want > 0) {
            unsigned best = 0;
            for (unsigned s = 1; s < S; s++)
                if (C - next[s] > C - next[best])
                    best = s;
            unsigned freec = C - next[best];
            if (freec == 0)
                break;
            unsigned take = want < freec ? want : freec;
            int w;
            if (take == 1)
                w = snprintf(b + used, len - used, "%ss%u:c%u", used ? "," : "", best,
                             next[best]);
            else
                w = snprintf(b + used, len - used, "%ss%u:c%u-%u", used ? "," : "",
                             best, next[best], next[best] + take - 1);
            if (w > 0 && (size_t)w < len - used)
                used += (size_t)w;
            next[best] += take;
            want -= take;
        }
    }
    free(next);
}

static int fill_result(struct pk *p, struct xb_placement *out)
{
    size_t T = p->T;
    double *sum = malloc((T + 1) * sizeof *sum), *sel = malloc((T + 1) * sizeof *sel);
    if (!sum || !sel) {
        free(sum);
        free(sel);
        return -ENOMEM;
    }
    const long *cur = p->in->current;
    for (size_t v = 0; v < p->V; v++) {
        struct xb_vm_place *m = &out->vm[v];
        m->hot = p->vhot[v];
        m->cls = p->vcls[v];
        if (!to_place(p, v)) {
            m->host = -2;
            out->excluded++;
            continue;
        }
        m->host = p->host_of[v];
        m->is_new = !cur || (cur[v] < 0 && !(p->in->on_outside && p->in->on_outside[v]));
        if (m->host < 0) {
            out->unplaced++;
            if (!m->why[0])
                snprintf(m->why, sizeof m->why, "no room left: all %zu hosts of the "
                         "pool are in use%s", p->H,
                         p->in->o.spare ? " or standing by" : "");
            continue;
        }
        m->moved = moved_from_today(p, v, m->host);
        out->moves += m->moved;
        out->placed_new += m->is_new;
    }
    out->cost_usd = 0;
    for (size_t h = 0; h < p->H; h++) {
        struct xb_host_place *hp = &out->host[h];
        const struct xb_host *x = &p->in->hs->v[h];
        xb_host_capacity(x, p->d->basis, hp->cap);
        hp->nvm = p->hn[h];
        hp->used = p->hn[h] > 0;
        hp->standby = p->standby[h];
        hp->mem_alloc_gib = p->hmem[h];
        hp->hot = p->hhot[h];
        hp->cores = p->hcores[h];
        out->used += hp->used;
        out->standby += hp->standby;
        if (hp->used || hp->standby)
            out->cost_usd += x->monthly_usd;    /* NAN spreads: unknown */
        for (int r = 0; r < XB_NRES; r++)
            hp->p95[r] = hp->max[r] = NAN;
        if (!hp->used)
            continue;
        pin_advice(p, (long)h, out);
        for (int r = 0; r < XB_NRES; r++) {
            if (!p->d->series[r])
                continue;
            memset(sum, 0, T * sizeof *sum);
            for (size_t v = 0; v < p->V; v++) {
                if (p->host_of[v] != (long)h)
                    continue;
                const float *row = xb_demand_row(p->d, r, v);
                for (size_t t = 0; t < T; t++)
                    sum[t] += row[t];
            }
            double mx = 0;
            for (size_t t = 0; t < T; t++)
                if (sum[t] > mx)
                    mx = sum[t];
            memcpy(sel, sum, T * sizeof *sel);
            hp->p95[r] = xb_percentile_select(sel, T, 95);
            hp->max[r] = mx;
        }
        /* windows above target in any checked series */
        for (size_t t = 0; t < T; t++) {
            bool over = false;
            for (size_t s = 0; !over && s < p->S; s++)
                over = hload(p, (long)h, s)[t] > p->tgt[h * p->S + s] * (1 + EPS);
            hp->over_target += over;
        }
    }
    if (cur) {
        out->today_usd = 0;
        bool *today = calloc(p->H + 1, sizeof *today);
        if (!today) {
            free(sum);
            free(sel);
            return -ENOMEM;
        }
        for (size_t v = 0; v < p->V; v++)
            if (cur[v] >= 0)
                today[cur[v]] = true;
        for (size_t h = 0; h < p->H; h++) {
            out->host[h].was_used = today[h];
            if (today[h]) {
                out->was_used++;
                out->today_usd += p->in->hs->v[h].monthly_usd;
                out->freed += !out->host[h].used;
            }
        }
        free(today);
    } else
        out->today_usd = NAN;
    free(sum);
    free(sel);
    return 0;
}

/* ---- strategies -------------------------------------------------------- */

/* From scratch: FFD, local search. */
static void repack(struct pk *p, struct xb_placement *out)
{
    reset_all(p);
    ffd(p);
    out->ffd_hosts = p->nopen;
    rebalance(p, out->lower_bound, out);
    local_search(p, -1, out);
}

/* Today's hosts first: offload what breaks a rule, place the rest, then
 * empty hosts while moves allow.  Returns the moves needed just to offload. */
static size_t from_today(struct pk *p, long limit, struct xb_placement *out)
{
    reset_all(p);
    const long *cur = p->in->current;
    for (size_t v = 0; v < p->V; v++)
        if (to_place(p, v) && cur[v] >= 0)
            add_vm(p, v, cur[v]);
    size_t offload = 0;
    size_t *list = malloc((p->V + 1) * sizeof *list);
    if (!list)
        return SIZE_MAX;
    for (size_t i = 0; i < p->nopen; i++) {
        long h = p->olist[i];
        if (host_valid(p, h))
            continue;
        size_t n = 0;
        for (size_t v = 0; v < p->V; v++)
            if (p->host_of[v] == h)
                list[n++] = v;
        sort_by_size(p, list, n);
        /* Offload the largest until the host keeps every rule. */
        for (size_t k = 0; k < n && !host_valid(p, h); k++) {
            remove_vm(p, list[k]);
            offload++;
        }
    }
    free(list);
    ffd(p);
    if (limit < 0 || (size_t)limit > count_moves(p))
        local_search(p, limit, out);
    return offload;
}

/* Relabel hosts of identical make so that most VMs stay where they are. */
static bool same_make(const struct xb_host *a, const struct xb_host *b)
{
    return a->sockets == b->sockets && a->cores_per_socket == b->cores_per_socket &&
           a->threads_per_core == b->threads_per_core && a->mem_gib == b->mem_gib &&
           (a->ghz == b->ghz || (isnan(a->ghz) && isnan(b->ghz))) &&
           (a->mflops_per_core == b->mflops_per_core ||
            (isnan(a->mflops_per_core) && isnan(b->mflops_per_core))) &&
           (a->disk_mbps == b->disk_mbps || (isnan(a->disk_mbps) && isnan(b->disk_mbps))) &&
           (a->net_gbps == b->net_gbps || (isnan(a->net_gbps) && isnan(b->net_gbps))) &&
           (a->monthly_usd == b->monthly_usd ||
            (isnan(a->monthly_usd) && isnan(b->monthly_usd)));
}

struct pair {
    long from, to;
    size_t n;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return x->to < y->to ? -1 : x->to > y->to;
}

static int relabel(struct pk *p)
{
    const long *cur = p->in->current;
    const struct xb_hosts *hs = p->in->hs;
    size_t H = p->H, np = 0;
    struct pair *pr = malloc((p->V + 1) * sizeof *pr);
    long *map = malloc((H + 1) * sizeof *map);
    bool *taken = calloc(H + 1, sizeof *taken);
    long *host_of = malloc((p->V + 1) * sizeof *host_of);
    if (!pr || !map || !taken || !host_of) {
        free(pr); free(map); free(taken); free(host_of);
        return -ENOMEM;
    }
    for (size_t v = 0; v < p->V; v++) {
        long b = p->host_of[v];
        if (b < 0 || cur[v] < 0 || !same_make(&hs->v[b], &hs->v[cur[v]]))
            continue;
        size_t k = 0;
        for (; k < np && !(pr[k].from == b && pr[k].to == cur[v]); k++)
            ;
        if (k == np) {
            if (np > 4096)
                continue;       /* enough to relabel well; keeps this O(V) */
            pr[np++] = (struct pair){ b, cur[v], 0 };
        }
        pr[k].n++;
    }
    qsort(pr, np, sizeof *pr, cmp_pair);
    for (size_t h = 0; h < H; h++)
        map[h] = -1;
    for (size_t k = 0; k < np; k++)
        if (map[pr[k].from] < 0 && !taken[pr[k].to]) {
            map[pr[k].from] = pr[k].to;
            taken[pr[k].to] = true;
        }
    /* Bins not matched keep their host when free, else any free one of the
     * same make that holds nothing. */
    for (size_t b = 0; b < H; b++) {
        if (!p->open[b] || map[b] >= 0)
            continue;
        if (!taken[b]) {
            map[b] = (long)b;
            taken[b] = true;
            continue;
        }
        for (size_t h = 0; h < H; h++)
            if (!taken[h] && same_make(&hs->v[b], &hs->v[h]) && !p->open[h]) {
                map[b] = (long)h;
                taken[h] = true;
                break;
            }
        if (map[b] < 0)
            for (size_t h = 0; h < H; h++)
                if (!taken[h] && same_make(&hs->v[b], &hs->v[h])) {
                    map[b] = (long)h;
                    taken[h] = true;
                    break;
                }
    }
    for (size_t v = 0; v < p->V; v++)
        host_of[v] = p->host_of[v] >= 0 ? map[p->host_of[v]] : -1;
    reset_all(p);
    for (size_t v = 0; v < p->V; v++)
        if (host_of[v] >= 0)
            add_vm(p, v, host_of[v]);
    free(pr); free(map); free(taken); free(host_of);
    return 0;
}

/* ---- the entry point --------------------------------------------------- */

int xb_pack(const struct xb_pack_in *in, struct xb_placement *out, struct xb_err *err)
{
    memset(out, 0, sizeof *out);
    const struct xb_demand *d = in->d;
    if (!d->normalised)
        return xb_err_set(err, -EINVAL, "the demand is not normalised for the hosts");
    const struct xb_pack_opts *o = &in->o;
    if (!(o->target > 0 && o->target <= 1) || !(o->allow_frac >= 0 && o->allow_frac < 1) ||
        !(o->mem_overcommit > 0))
        return xb_err_set(err, -XB_EUSAGE, "packing options out of range: target %g "
                          "(0, 1], allow %g [0, 1), memory over-commit %g > 0",
                          o->target, o->allow_frac, o->mem_overcommit);
    out->nvm = d->nvm;
    out->nhost = in->hs->n;
    out->nwin = d->nwin;
    out->basis = d->basis;
    out->today_usd = NAN;
    out->vm = calloc(d->nvm + 1, sizeof *out->vm);
    out->host = calloc(in->hs->n + 1, sizeof *out->host);
    if (!out->vm || !out->host)
        return xb_err_set(err, -ENOMEM, "out of memory");
    struct pk p;
    int rc = pk_init(&p, in, err);
    if (rc) {
        pk_free(&p);
        return rc;
    }
    size_t nplace = 0;
    for (size_t v = 0; v < p.V; v++)
        nplace += to_place(&p, v);
    /* Impossible constraints first: groups larger than the pool, VMs larger
     * than every host. */
    if (in->groups)
        for (size_t g = 0; g < in->groups->n; g++)
            if (in->groups->count[g] > p.H) {
                rc = xb_err_set(err, -XB_EINPUT, "anti-affinity group '%s' has %zu "
                                "VMs but the pool has only %zu hosts: they cannot "
                                "all be apart", in->groups->name[g],
                                in->groups->count[g], p.H);
                goto done;
            }
    size_t nbig = 0;
    long first_big = -1;
    for (size_t v = 0; v < p.V; v++) {
        if (!to_place(&p, v))
            continue;
        bool any = false;
        for (size_t h = 0; !any && h < p.H; h++)
            any = p.vcpus[v] <= p.hpcpus[h] && fits(&p, v, (long)h, false);
        if (!any) {
            nbig++;
            if (first_big < 0)
                first_big = (long)v;
        }
    }
    if (nbig) {
        long hb = 0;
        for (size_t h = 1; h < p.H; h++)
            if (p.hmemcap[h] > p.hmemcap[hb])
                hb = (long)h;
        char why[200];
        explain(&p, (size_t)first_big, hb, why, sizeof why);
        rc = xb_err_set(err, -XB_EINPUT, "%zu VM%s larger than every host: %s: %s",
                        nbig, nbig == 1 ? " is" : "s are", d->vm[first_big].key, why);
        goto done;
    }
    out->lower_bound = lower_bound(&p, out->bound_by, sizeof out->bound_by);
    for (int c = 0; c < 2; c++) {
        size_t n = 0;
        for (size_t v = 0; v < p.V; v++)
            n += to_place(&p, v) && (p.vcls[v] & (1u << c));
        unsigned hosts = out->lower_bound > o->spare ? out->lower_bound - o->spare : 1;
        p.expect_hosts = hosts;
        p.clscap[c] = (unsigned)((n + hosts - 1) / hosts);
        if (n && add_note(out, "%zu %s VM%s spread: at most %u per host where that "
                          "costs no host", n, c == 0 ? "contended" : "cache-heavy",
                          n == 1 ? "" : "s", p.clscap[c])) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto done;
        }
    }
    if (nplace == 0) {
        if (add_note(out, "nothing to place: %s", d->nvm ? "every VM is left out "
                     "(to a cloud)" : "no VM has samples in the range")) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto done;
        }
    } else if (!in->current) {
        repack(&p, out);
    } else {
        long limit = o->max_moves;
        /* A: from today's assignment. */
        size_t offload = from_today(&p, limit, out);
        size_t used_a = p.nopen, moves_a = count_moves(&p);
        long *best = malloc((p.V + 1) * sizeof *best);
        if (!best) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto done;
        }
        bool a_ok = limit < 0 || moves_a <= (size_t)limit;
        memcpy(best, p.host_of, p.V * sizeof *best);
        /* B: from scratch, relabelled onto today's hosts. */
        struct xb_placement tmp = { .lower_bound = out->lower_bound };
        repack(&p, &tmp);
        if (relabel(&p)) {
            free(best);
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto done;
        }
        size_t used_b = p.nopen, moves_b = count_moves(&p);
        bool b_ok = limit < 0 || moves_b <= (size_t)limit;
        bool take_b = b_ok && (!a_ok || used_b < used_a ||
                               (used_b == used_a && moves_b < moves_a));
        if (take_b) {
            out->passes = tmp.passes;
            out->search_cut = tmp.search_cut;
            out->ffd_hosts = tmp.ffd_hosts;
            out->rebalance_tries = tmp.rebalance_tries;
        } else {
            if (!a_ok) {
                free(best);
                rc = xb_err_set(err, -XB_EINPUT, "--max-moves %ld: %zu moves are "
                                "needed just to bring today's hosts within the rules "
                                "(%zu VMs must leave their hosts)", limit,
                                moves_a > offload ? moves_a : offload, offload);
                goto done;
            }
            reset_all(&p);
            for (size_t v = 0; v < p.V; v++)
                if (best[v] >= 0)
                    add_vm(&p, v, best[v]);
        }
        free(best);
        rc = add_note(out, "from today's assignment: %zu hosts with %zu moves; "
                      "repacked: %zu hosts with %zu moves%s; took the %s", used_a,
                      moves_a, used_b, moves_b, b_ok ? "" : " (over --max-moves)",
                      take_b ? "repacked" : "first") ?
             xb_err_set(err, -ENOMEM, "out of memory") : 0;
        if (rc)
            goto done;
    }
    rc = make_spares(&p, out, err);
    if (rc)
        goto done;
    if (fill_result(&p, out)) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto done;
    }
    if (out->lower_bound)
        out->gap_pct = 100.0 * ((double)(out->used + out->standby) - out->lower_bound) /
                       out->lower_bound;
done:
    pk_free(&p);
    return rc;
}

void xb_placement_free(struct xb_placement *p)
{
    for (size_t i = 0; i < p->nnote; i++)
        free(p->note[i]);
    free(p->note);
    free(p->vm);
    free(p->host);
    memset(p, 0, sizeof *p);
}

unsigned xb_pack_lower_bound(const struct xb_pack_in *in, char *bound_by, size_t len)
{
    struct pk p;
    struct xb_err err = { 0 };
    unsigned lb = 0;
    if (!pk_init(&p, in, &err))
        lb = lower_bound(&p, bound_by, len);
    pk_free(&p);
    return lb;
}

/* ---- the verifier ------------------------------------------------------ */

int xb_pack_verify(const struct xb_pack_in *in, const long *host_of, struct xb_err *err)
{
    const struct xb_demand *d = in->d;
    const struct xb_hosts *hs = in->hs;
    const struct xb_pack_opts *o = &in->o;
    size_t T = d->nwin;
    double *sum = malloc((T + 1) * sizeof *sum);
    if (!sum)
        return xb_err_set(err, -ENOMEM, "out of memory");
    int rc = 0;
    for (size_t h = 0; !rc && h < hs->n; h++) {
        const struct xb_host *x = &hs->v[h];
        double alloc = 0;
        unsigned hot = 0;
        struct pk tmp = { .in = in, .d = d, .T = T };
        double cap[XB_NRES];
        xb_host_capacity(x, d->basis, cap);
        for (size_t v = 0; v < d->nvm; v++) {
            if (host_of[v] != (long)h)
                continue;
            const struct xb_dvm *m = &d->vm[v];
            alloc += !isnan(m->mem_alloc_gib) ? m->mem_alloc_gib
                   : !isnan(m->mem_peak_gib) ? m->mem_peak_gib : 0;
            hot += hot_vcpus(&tmp, v, sum);
            if (m->vcpus > xb_host_pcpus(x))
                rc = xb_err_set(err, -XB_EINPUT, "host %s: vm %s has %u vCPUs > %u "
                                "pCPUs", x->name, m->key, m->vcpus, xb_host_pcpus(x));
        }
        if (!rc && alloc > x->mem_gib * o->mem_overcommit * (1 + 1e-9) + 1e-9)
            rc = xb_err_set(err, -XB_EINPUT, "host %s: memory allocated %.3f GiB > "
                            "%.3f GiB x %.2f", x->name, alloc, x->mem_gib,
                            o->mem_overcommit);
        if (!rc && hot > xb_host_cores(x))
            rc = xb_err_set(err, -XB_EINPUT, "host %s: %u hot vCPUs > %u cores",
                            x->name, hot, xb_host_cores(x));
        for (int r = 0; !rc && r < XB_NRES; r++) {
            if (!d->series[r] || isnan(cap[r]))
                continue;
            memset(sum, 0, T * sizeof *sum);
            for (size_t v = 0; v < d->nvm; v++)
                if (host_of[v] == (long)h) {
                    const float *row = xb_demand_row(d, r, v);
                    for (size_t t = 0; t < T; t++)
                        sum[t] += row[t];
                }
            double tg = r == XB_RES_MEM ? cap[r] : cap[r] * o->target;
            size_t over = 0, allowed = r == XB_RES_MEM ? 0
                                     : (size_t)floor(o->allow_frac * (double)T + EPS);
            for (size_t t = 0; !rc && t < T; t++) {
                if (sum[t] > cap[r] * (1 + 1e-6))
                    rc = xb_err_set(err, -XB_EINPUT, "host %s: %s %.3f > capacity %.3f "
                                    "in window %zu", x->name, xb_res_name[r], sum[t],
                                    cap[r], t);
                over += sum[t] > tg * (1 + 1e-6);
            }
            if (!rc && over > allowed)
                rc = xb_err_set(err, -XB_EINPUT, "host %s: %s above %.0f %% of capacity "
                                "in %zu windows (%zu allowed)", x->name, xb_res_name[r],
                                r == XB_RES_MEM ? 100 : o->target * 100, over, allowed);
        }
    }
    if (!rc && in->groups)
        for (size_t g = 0; !rc && g < in->groups->n; g++)
            for (size_t i = 0; !rc && i < in->groups->count[g]; i++)
                for (size_t k = i + 1; !rc && k < in->groups->count[g]; k++) {
                    size_t a = in->groups->member[in->groups->first[g] + i];
                    size_t b = in->groups->member[in->groups->first[g] + k];
                    if (host_of[a] >= 0 && host_of[a] == host_of[b])
                        rc = xb_err_set(err, -XB_EINPUT, "anti-affinity group %s: %s "
                                        "and %s share host %s", in->groups->name[g],
                                        d->vm[a].key, d->vm[b].key,
                                        hs->v[host_of[a]].name);
                }
    free(sum);
    return rc;
}
