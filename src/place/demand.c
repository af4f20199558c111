/* demand.c: building the demand matrix from a history (roll-up per window,
 * alignment, fill), VM keys, the CPU basis, and resolving an assignment's
 * names.  It reads histories and hosts; it decides nothing about placement.
 * It must not read the store itself (inputs.c). */
#include "demand.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/profile.h"

const char *const xb_res_name[XB_NRES] = { "cpu", "memory", "disk", "network" };
const char *const xb_res_unit[XB_NRES] = { "cores", "GiB", "MB/s", "Gbit/s" };

int xb_align_parse(const char *s, enum xb_align *a)
{
    static const char *const n[] = { "auto", "time", "start" };
    for (int i = 0; i < 3; i++)
        if (strcmp(s, n[i]) == 0) {
            *a = (enum xb_align)i;
            return 0;
        }
    return -1;
}

void xb_demand_opts_init(struct xb_demand_opts *o)
{
    o->win_s = 300;
    o->from = -INFINITY;
    o->until = INFINITY;
    o->align = XB_ALIGN_AUTO;
    o->fill = XB_FILL_PEAK;
    o->want = XB_RES_ALL;
}

static void dvm_init(struct xb_dvm *v)
{
    memset(v, 0, sizeof *v);
    v->mem_alloc_gib = v->mem_peak_gib = v->ghz = v->mflops = NAN;
    v->waited_pct = v->llc_miss_ps = NAN;
    v->t_first = INFINITY;
    v->t_last = -INFINITY;
    v->cpu_scale = 1;
    v->src = SIZE_MAX;
}

int xb_demand_alloc(struct xb_demand *d, size_t nvm, size_t nwin, double win_s,
                    unsigned mask)
{
    memset(d, 0, sizeof *d);
    d->nvm = nvm;
    d->nwin = nwin;
    d->win_s = win_s;
    d->align = XB_ALIGN_TIME;
    if (nvm && !(d->vm = calloc(nvm, sizeof *d->vm)))
        return -ENOMEM;
    for (size_t v = 0; v < nvm; v++)
        dvm_init(&d->vm[v]);
    for (int r = 0; r < XB_NRES; r++) {
        if (!(mask & XB_RES_BIT(r)) || nvm * nwin == 0)
            continue;
        if (!(d->series[r] = calloc(nvm * nwin, sizeof(float)))) {
            xb_demand_free(d);
            return -ENOMEM;
        }
    }
    return 0;
}

void xb_demand_free(struct xb_demand *d)
{
    free(d->vm);
    for (int r = 0; r < XB_NRES; r++)
        free(d->series[r]);
    memset(d, 0, sizeof *d);
}

/* ---- from a history ---------------------------------------------------- */

static bool in_range(const struct xb_sample *s, const struct xb_demand_opts *o)
{
    return s->t_unix >= o->from && s->t_unix < o->until && xb_sample_usable(s);
}

/* A sample's figure per resource, NAN when not measured. */
static void sample_values(const struct xb_sample *s, double x[XB_NRES])
{
    /* Over the known part of the window already (schema 3); a roll-up
     * point carries its bucket's peak demand. */
    x[XB_RES_CPU] = xb_sample_demand(s);
    x[XB_RES_MEM] = s->m[XB_MET_MEM] / 1073741824.0;
    double rd = s->m[XB_MET_DISK_READ], wr = s->m[XB_MET_DISK_WRITE];
    x[XB_RES_DISK] = isnan(rd) && isnan(wr) ? NAN
                   : ((isnan(rd) ? 0 : rd) + (isnan(wr) ? 0 : wr)) / 1e6;
    double rx = s->m[XB_MET_NET_RX], tx = s->m[XB_MET_NET_TX];
    x[XB_RES_NET] = isnan(rx) && isnan(tx) ? NAN
                  : ((isnan(rx) ? 0 : rx) + (isnan(tx) ? 0 : tx)) * 8 / 1e9;
}

/* Windows [k0, k1] a sample goes to: the one holding its midpoint when it is
 * no longer than a window, else every window it overlaps. */
static void sample_windows(double t, double len, double base, double w, long *k0,
                           long *k1)
{
    if (len <= w) {
        *k0 = *k1 = (long)floor((t + len / 2 - base) / w);
        return;
    }
    *k0 = (long)floor((t - base) / w);
    *k1 = (long)floor((t + len - base) / w - 1e-9);
}

/* Windows without a sample (NAN): before the first and after the last
 * sample the VM shows no demand; a gap between samples takes the larger of
 * the windows on either side for placement (XB_FILL_PEAK: demand carries
 * on through a gap in the monitoring), 0 for the replay. */
static void fill_gaps(float *row, size_t n, enum xb_fill fill)
{
    size_t first = 0, last = n;
    while (first < n && isnan(row[first]))
        first++;
    while (last > first && isnan(row[last - 1]))
        last--;
    for (size_t w = 0; w < first; w++)
        row[w] = 0;
    for (size_t w = last; w < n; w++)
        row[w] = 0;
    for (size_t w = first; w < last; w++) {
        if (!isnan(row[w]))
            continue;
        size_t e = w;
        while (e < last && isnan(row[e]))
            e++;
        /* row[w - 1] and row[e] are known: first and last are */
        float y = fill == XB_FILL_ZERO ? 0.0f
                : row[w - 1] > row[e] ? row[w - 1] : row[e];
        for (size_t k = w; k < e; k++)
            row[k] = y;
        w = e;
    }
}

/* Are the VMs' spans pairwise disjoint (recorded one after another)? */
static bool spans_disjoint(const struct xb_demand *d)
{
    if (d->nvm < 2)
        return false;
    /* Sort a copy of the spans by start, then check neighbours. */
    double (*sp)[2] = malloc(d->nvm * sizeof *sp);
    if (!sp)
        return false;
    for (size_t v = 0; v < d->nvm; v++) {
        sp[v][0] = d->vm[v].t_first;
        sp[v][1] = d->vm[v].t_last;
    }
    for (size_t i = 1; i < d->nvm; i++) {       /* insertion sort: few VMs */
        double a = sp[i][0], b = sp[i][1];
        size_t j = i;
        for (; j > 0 && sp[j - 1][0] > a; j--) {
            sp[j][0] = sp[j - 1][0];
            sp[j][1] = sp[j - 1][1];
        }
        sp[j][0] = a;
        sp[j][1] = b;
    }
    bool disjoint = true;
    for (size_t i = 1; disjoint && i < d->nvm; i++)
        disjoint = sp[i][0] >= sp[i - 1][1] - 1e-6;
    free(sp);
    return disjoint;
}

/* ---- the builder: VMs one at a time, then the windows ---------------- */

/* A sample as the demand needs it. */
struct cpt {
    double t;
    float len;
    float val[XB_NRES];         /* NAN: not measured */
};

struct xb_demand_builder {
    struct xb_demand_opts o;
    struct xb_dvm *vm;
    struct cpt **pts;
    size_t *npts;
    size_t nvm, cap;
    bool have[XB_NRES];
    size_t dom0, nodata;
};

int xb_demand_builder_new(struct xb_demand_builder **out, const struct xb_demand_opts *o,
                          struct xb_err *err)
{
    if (!(o->win_s > 0))
        return xb_err_set(err, -XB_EUSAGE, "--window: not a duration >= 1 ms (300s)");
    struct xb_demand_builder *b = calloc(1, sizeof *b);
    if (!b)
        return xb_err_set(err, -ENOMEM, "out of memory");
    b->o = *o;
    *out = b;
    return 0;
}

void xb_demand_builder_free(struct xb_demand_builder *b)
{
    if (!b)
        return;
    for (size_t v = 0; v < b->nvm; v++)
        free(b->pts[v]);
    free(b->pts);
    free(b->npts);
    free(b->vm);
    free(b);
}

int xb_demand_add_series(struct xb_demand_builder *b, const struct xb_series *s,
                         size_t src, struct xb_err *err)
{
    const struct xb_demand_opts *o = &b->o;
    if (s->domid == 0) {
        b->dom0++;
        return 0;
    }
    if (b->nvm == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct xb_dvm *vm = realloc(b->vm, cap * sizeof *vm);
        if (vm)
            b->vm = vm;
        struct cpt **pts = vm ? realloc(b->pts, cap * sizeof *pts) : NULL;
        if (pts)
            b->pts = pts;
        size_t *np = pts ? realloc(b->npts, cap * sizeof *np) : NULL;
        if (!np)
            return xb_err_set(err, -ENOMEM, "out of memory");
        b->npts = np;
        b->cap = cap;
    }
    struct xb_dvm *v = &b->vm[b->nvm];
    dvm_init(v);
    snprintf(v->host, sizeof v->host, "%s", s->host);
    snprintf(v->name, sizeof v->name, "%s", s->name);
    v->domid = s->domid;
    v->src = src;
    struct cpt *pts = malloc((s->n + 1) * sizeof *pts);
    if (!pts)
        return xb_err_set(err, -ENOMEM, "out of memory");
    double wsum = 0, llc = 0;
    size_t nw = 0, nl = 0, n = 0;
    for (size_t k = 0; k < s->n; k++) {
        const struct xb_sample *x = &s->s[k];
        if (!in_range(x, o))
            continue;
        double val[XB_NRES];
        sample_values(x, val);
        struct cpt *c = &pts[n++];
        c->t = x->t_unix;
        c->len = (float)x->len_s;
        for (int r = 0; r < XB_NRES; r++) {
            c->val[r] = (float)val[r];
            if (!isnan(val[r]))
                v->known[r] = b->have[r] = true;
        }
        if (x->vcpus > v->vcpus)
            v->vcpus = x->vcpus;
        if (!isnan(x->mem_alloc_bytes) &&
            !(x->mem_alloc_bytes / 1073741824.0 <= v->mem_alloc_gib))
            v->mem_alloc_gib = x->mem_alloc_bytes / 1073741824.0;
        if (!isnan(val[XB_RES_MEM]) && !(val[XB_RES_MEM] <= v->mem_peak_gib))
            v->mem_peak_gib = val[XB_RES_MEM];
        if (!isnan(x->cpu_mhz))
            v->ghz = x->cpu_mhz / 1000.0;
        if (!isnan(x->host_mflops))
            v->mflops = x->host_mflops;
        if (x->vcpus > 0 && !isnan(x->waited_cores)) {
            wsum += x->waited_cores / x->vcpus * 100.0;
            nw++;
        }
        if (!isnan(x->m[XB_MET_LLC_MISSES])) {
            llc += x->m[XB_MET_LLC_MISSES];
            nl++;
        }
        if (x->t_unix < v->t_first)
            v->t_first = x->t_unix;
        if (x->t_unix + x->len_s > v->t_last)
            v->t_last = x->t_unix + x->len_s;
    }
    if (n == 0) {
        free(pts);
        b->nodata++;
        return 0;
    }
    v->waited_pct = nw ? wsum / nw : NAN;
    v->llc_miss_ps = nl ? llc / nl : NAN;
    b->pts[b->nvm] = pts;
    b->npts[b->nvm] = n;
    b->nvm++;
    return 0;
}

int xb_demand_finish(struct xb_demand_builder *b, struct xb_demand *d, struct xb_err *err)
{
    const struct xb_demand_opts *o = &b->o;
    memset(d, 0, sizeof *d);
    d->nvm = b->nvm;
    d->dom0_skipped = b->dom0;
    d->nodata_skipped = b->nodata;
    d->vm = b->vm;                  /* taken over */
    b->vm = NULL;
    if (!d->vm && !(d->vm = calloc(1, sizeof *d->vm)))
        return xb_err_set(err, -ENOMEM, "out of memory");
    d->win_s = o->win_s;
    d->align = o->align;
    if (d->align == XB_ALIGN_AUTO)
        d->align = spans_disjoint(d) ? XB_ALIGN_START : XB_ALIGN_TIME;
    double t_min = INFINITY, t_max = -INFINITY;
    size_t nwin = 0;
    for (size_t v = 0; v < d->nvm; v++) {
        if (d->vm[v].t_first < t_min)
            t_min = d->vm[v].t_first;
        if (d->vm[v].t_last > t_max)
            t_max = d->vm[v].t_last;
        size_t n = (size_t)ceil((d->vm[v].t_last - d->vm[v].t_first) / o->win_s - 1e-9);
        if (n > nwin)
            nwin = n;
    }
    if (d->nvm && d->align == XB_ALIGN_TIME) {
        d->t0 = floor(t_min / o->win_s) * o->win_s;
        nwin = (size_t)ceil((t_max - d->t0) / o->win_s - 1e-9);
    }
    if (d->nvm && nwin == 0)
        nwin = 1;
    if ((double)d->nvm * (double)nwin * XB_NRES * sizeof(float) > 64e9) {
        xb_demand_free(d);
        return xb_err_set(err, -XB_EUSAGE, "%zu VMs x %zu windows of %g s is too "
                          "large a demand matrix: take a longer window or a shorter "
                          "range", b->nvm, nwin, o->win_s);
    }
    d->nwin = nwin;
    for (int r = 0; r < XB_NRES; r++) {
        if (!b->have[r] || !(o->want & XB_RES_BIT(r)) || d->nvm * nwin == 0)
            continue;
        if (!(d->series[r] = malloc(d->nvm * nwin * sizeof(float)))) {
            xb_demand_free(d);
            return xb_err_set(err, -ENOMEM, "out of memory");
        }
        for (size_t k = 0; k < d->nvm * nwin; k++)
            d->series[r][k] = NAN;      /* "no sample yet" */
    }
    /* The peak of the samples in each window. */
    for (size_t v = 0; v < d->nvm; v++) {
        struct xb_dvm *dv = &d->vm[v];
        double base = d->align == XB_ALIGN_TIME ? d->t0 : dv->t_first;
        for (size_t k = 0; k < b->npts[v]; k++) {
            const struct cpt *c = &b->pts[v][k];
            long k0, k1;
            sample_windows(c->t, c->len, base, o->win_s, &k0, &k1);
            if (k0 < 0)
                k0 = 0;
            if (k1 >= (long)nwin)
                k1 = (long)nwin - 1;
            for (int r = 0; r < XB_NRES; r++) {
                float *row = xb_demand_row(d, r, v);
                if (!row)
                    continue;
                float y = isnan(c->val[r]) ? 0.0f : c->val[r];
                for (long w = k0; w <= k1; w++)
                    if (isnan(row[w]) || y > row[w])
                        row[w] = y;
            }
        }
        free(b->pts[v]);
        b->pts[v] = NULL;
        /* Windows without a sample: counted, then filled.  The CPU series
         * says which windows had one (every sample has CPU). */
        float *cpu = xb_demand_row(d, XB_RES_CPU, v);
        size_t first = nwin, last = 0;
        for (size_t w = 0; cpu && w < nwin; w++)
            if (!isnan(cpu[w])) {
                dv->nknown++;
                if (first == nwin)
                    first = w;
                last = w + 1;
            }
        if (!cpu)
            dv->nknown = nwin;
        else if (first < nwin) {
            dv->nfilled = (last - first) - dv->nknown;
            dv->nabsent = nwin - (last - first);
        }
        for (int r = 0; r < XB_NRES; r++) {
            float *row = xb_demand_row(d, r, v);
            if (row)
                fill_gaps(row, nwin, o->fill);
        }
    }
    xb_demand_keys(d);
    return 0;
}

int xb_demand_from_history(const struct xb_history *h, const struct xb_demand_opts *o,
                           struct xb_demand *d, struct xb_err *err)
{
    memset(d, 0, sizeof *d);
    struct xb_demand_builder *b = NULL;
    int rc = xb_demand_builder_new(&b, o, err);
    for (size_t i = 0; !rc && i < h->n; i++)
        rc = xb_demand_add_series(b, &h->vm[i], i, err);
    if (!rc)
        rc = xb_demand_finish(b, d, err);
    xb_demand_builder_free(b);
    return rc;
}

/* ---- names ------------------------------------------------------------- */

void xb_demand_keys(struct xb_demand *d)
{
    for (size_t v = 0; v < d->nvm; v++) {
        bool unique = true;
        for (size_t u = 0; unique && u < d->nvm; u++)
            unique = u == v || strcmp(d->vm[u].name, d->vm[v].name) != 0;
        if (unique || !d->vm[v].host[0])
            snprintf(d->vm[v].key, sizeof d->vm[v].key, "%s", d->vm[v].name);
        else
            snprintf(d->vm[v].key, sizeof d->vm[v].key, "%s/%s", d->vm[v].host,
                     d->vm[v].name);
    }
}

long xb_demand_find(const struct xb_demand *d, const char *name)
{
    long hit = -1;
    for (size_t v = 0; v < d->nvm; v++)
        if (strcmp(d->vm[v].key, name) == 0)
            return (long)v;
    for (size_t v = 0; v < d->nvm; v++) {
        const struct xb_dvm *x = &d->vm[v];
        size_t hl = strlen(x->host);
        bool full = x->host[0] && strncmp(name, x->host, hl) == 0 && name[hl] == '/' &&
                    strcmp(name + hl + 1, x->name) == 0;
        if (full)
            return (long)v;
        if (strcmp(name, x->name) == 0)
            hit = hit == -1 ? (long)v : -2;
    }
    return hit;
}

int xb_assignment_resolve(const struct xb_assignment *a, const struct xb_demand *d,
                          const struct xb_hosts *hs, long *host_of, bool *outside,
                          struct xb_err *err)
{
    for (size_t v = 0; v < d->nvm; v++) {
        host_of[v] = -1;
        if (outside)
            outside[v] = false;
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct xb_assign_row *r = &a->v[i];
        long v = xb_demand_find(d, r->vm);
        if (v == -2)
            return xb_err_set(err, -XB_EINPUT, "%s: line %u: vm '%s' names VMs on "
                              "several hosts: write HOST/NAME", a->path, r->line,
                              r->vm);
        if (v < 0)
            return xb_err_set(err, -XB_EINPUT, "%s: line %u: vm '%s' has no samples "
                              "in the history range", a->path, r->line, r->vm);
        if (host_of[v] != -1 || (outside && outside[v]))
            return xb_err_set(err, -XB_EINPUT, "%s: line %u: vm '%s' is assigned "
                              "twice (as %s)", a->path, r->line, r->vm,
                              d->vm[v].key);
        long h = xb_hosts_find(hs, r->host);
        if (h < 0 && !outside)
            return xb_err_set(err, -XB_EINPUT, "%s: line %u: host '%s' is not in "
                              "the hosts file", a->path, r->line, r->host);
        if (h < 0)
            outside[v] = true;  /* listed, on a host outside the file */
        else
            host_of[v] = h;
    }
    return 0;
}

/* ---- CPU basis --------------------------------------------------------- */

const char *xb_cpu_basis_name(enum xb_cpu_basis b)
{
    static const char *const n[] = { "core", "clock", "mflops" };
    return n[b];
}

const char *xb_cpu_unit(enum xb_cpu_basis b)
{
    static const char *const n[] = { "cores", "GHz", "MFLOPS" };
    return n[b];
}

double xb_host_core_units(const struct xb_host *h, enum xb_cpu_basis b)
{
    return b == XB_CPU_MFLOPS ? h->mflops_per_core : b == XB_CPU_CLOCK ? h->ghz : 1.0;
}

void xb_host_capacity(const struct xb_host *h, enum xb_cpu_basis b, double cap[XB_NRES])
{
    cap[XB_RES_CPU] = xb_host_pcpus(h) * xb_host_core_units(h, b);
    cap[XB_RES_MEM] = h->mem_gib;
    cap[XB_RES_DISK] = h->disk_mbps;
    cap[XB_RES_NET] = h->net_gbps;
}

int xb_demand_normalise(struct xb_demand *d, const struct xb_hosts *hs,
                        struct xb_err *err)
{
    if (d->normalised)
        return xb_err_set(err, -EINVAL, "the demand is normalised already (once per "
                          "demand)");
    bool mflops = true, clock = true;
    for (size_t v = 0; v < d->nvm; v++) {
        mflops = mflops && d->vm[v].mflops > 0;
        clock = clock && d->vm[v].ghz > 0;
    }
    for (size_t i = 0; i < hs->n; i++) {
        mflops = mflops && hs->v[i].mflops_per_core > 0;
        clock = clock && hs->v[i].ghz > 0;
    }
    d->basis = mflops ? XB_CPU_MFLOPS : clock ? XB_CPU_CLOCK : XB_CPU_CORE;
    for (size_t v = 0; v < d->nvm; v++) {
        struct xb_dvm *x = &d->vm[v];
        x->cpu_scale = d->basis == XB_CPU_MFLOPS ? x->mflops
                     : d->basis == XB_CPU_CLOCK ? x->ghz : 1.0;
        float *row = xb_demand_row(d, XB_RES_CPU, v);
        if (row && x->cpu_scale != 1.0)
            for (size_t w = 0; w < d->nwin; w++)
                row[w] = (float)(row[w] * x->cpu_scale);
    }
    d->normalised = true;
    return 0;
}
