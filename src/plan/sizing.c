/* sizing.c: needs, the cheapest covering type, finding and risk (sizing.h).
 *
 * Performance risk is xenbench's own scale on AWS's 0-4 range (AWS does not
 * publish its formula): the peak (max sample, no headroom) of each resource
 * against the chosen type's capacity: <= 50 % very low (0), <= 80 % low (1),
 * <= 100 % medium (2), above high (3); a burstable type is at least low, a VM
 * flagged for contention at least medium; no type fits: very high (4).
 */
#include "sizing.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/burst.h"
#include "plan/stats.h"

static const char *const providers[XB_MAX_PROVIDERS] = { "aws", "azure", "gcp" };
static const char *const regions[XB_MAX_PROVIDERS] = { "us-east-1", "eastus",
                                                       "us-central1" };

const char *xb_default_region(const char *provider)
{
    for (int i = 0; i < XB_MAX_PROVIDERS; i++)
        if (strcmp(provider, providers[i]) == 0)
            return regions[i];
    return NULL;
}

const char *xb_finding_name(enum xb_finding f)
{
    static const char *const n[] = { "optimised", "over-provisioned",
                                     "under-provisioned", "no-data" };
    return n[f];
}

const char *xb_reason_name(unsigned bit)
{
    switch (bit) {
    case XB_R_CPU_OVER: return "CPUOverprovisioned";
    case XB_R_CPU_UNDER: return "CPUUnderprovisioned";
    case XB_R_MEM_OVER: return "MemoryOverprovisioned";
    case XB_R_MEM_UNDER: return "MemoryUnderprovisioned";
    case XB_R_CPU_CONTENTION: return "CPUContention";
    default: return "?";
    }
}

const char *xb_basis_name(enum xb_basis b)
{
    static const char *const n[] = { "mflops", "clock", "core" };
    return n[b];
}

const char *xb_risk_name(int risk)
{
    static const char *const n[] = { "VeryLow", "Low", "Medium", "High", "VeryHigh" };
    return risk >= 0 && risk <= 4 ? n[risk] : "?";
}

/* Range of rows of (provider, region) in the merged, sorted catalogue. */
static bool find_block(const struct xb_catalog *c, const char *prov,
                       const char *region, size_t *lo, size_t *hi)
{
    size_t i = 0;
    while (i < c->n && !(strcmp(c->v[i].provider, prov) == 0 &&
                         strcmp(c->v[i].region, region) == 0))
        i++;
    if (i == c->n)
        return false;
    *lo = i;
    while (i < c->n && strcmp(c->v[i].provider, prov) == 0 &&
           strcmp(c->v[i].region, region) == 0)
        i++;
    *hi = i;
    return true;
}

int xb_sizer_init(struct xb_sizer *z, const struct xb_catalog *cat,
                  const struct xb_size_opts *o, struct xb_err *err)
{
    memset(z, 0, sizeof *z);
    z->cat = cat;
    z->o = *o;
    bool all = !o->provider || strcmp(o->provider, "all") == 0;
    for (int i = 0; i < XB_MAX_PROVIDERS; i++) {
        if (!all && strcmp(o->provider, providers[i]) != 0)
            continue;
        const char *region = o->region ? o->region : regions[i];
        size_t lo, hi;
        if (!find_block(cat, providers[i], region, &lo, &hi)) {
            if (!all)
                return xb_err_set(err, -XB_EUSAGE, "the catalogue has no %s types "
                                  "in region %s", providers[i], region);
            continue;       /* "all": the providers that sell in the region */
        }
        snprintf(z->blk[z->nblk].provider, sizeof z->blk[0].provider, "%s",
                 providers[i]);
        snprintf(z->blk[z->nblk].region, sizeof z->blk[0].region, "%s", region);
        z->blk[z->nblk].lo = lo;
        z->blk[z->nblk].hi = hi;
        z->nblk++;
    }
    if (!all && z->nblk == 0)
        return xb_err_set(err, -XB_EUSAGE, "--provider: '%s' is not one of aws, "
                          "azure, gcp, all", o->provider);
    if (z->nblk == 0)
        return xb_err_set(err, -XB_EUSAGE, "the catalogue has no types in region "
                          "%s", o->region ? o->region : "(defaults)");
    return 0;
}

void xb_sizer_free(struct xb_sizer *z)
{
    free(z->buf);
    z->buf = NULL;
    z->bufcap = 0;
}

/* Usable samples of the VM, in time order, as parallel arrays in z->buf:
 * cores, cores x GHz, cores x MFLOPS, length, and a sorting area. */
enum { A_CORES, A_GHZ, A_MFLOPS, A_LEN, A_SORT, A_USE, A_N };

static int gather(struct xb_sizer *z, const struct xb_series *vm, size_t *n,
                  double **a)
{
    if (z->bufcap < vm->n * A_N) {
        double *b = realloc(z->buf, (vm->n * A_N + 1) * sizeof *b);
        if (!b)
            return -ENOMEM;
        z->buf = b;
        z->bufcap = vm->n * A_N + 1;
    }
    for (int k = 0; k < A_N; k++)
        a[k] = z->buf + (size_t)k * vm->n;
    size_t m = 0;
    for (size_t i = 0; i < vm->n; i++) {
        const struct xb_sample *s = &vm->s[i];
        if (!xb_sample_usable(s))
            continue;
        a[A_CORES][m] = s->cpu_cores;
        a[A_GHZ][m] = s->cpu_cores * s->cpu_mhz / 1000.0;
        a[A_MFLOPS][m] = s->cpu_cores * s->host_mflops;
        a[A_LEN][m] = s->len_s;
        m++;
    }
    *n = m;
    return 0;
}

/* Percentile and max of column k (NAN if any value is NAN). */
static void pstat(double **a, int k, size_t n, double p, double *pv, double *mx)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[k][i])) {
            *pv = *mx = NAN;
            return;
        }
        a[A_SORT][i] = a[k][i];
    }
    xb_sort_doubles(a[A_SORT], n);
    *pv = xb_percentile_sorted(a[A_SORT], n, p);
    *mx = xb_percentile_sorted(a[A_SORT], n, 100);
}

/* Percentile over the samples of a metric that has a value (NAN if none). */
static void metric_p(const struct xb_series *vm, double (*get)(const struct xb_sample *),
                     double *sort, double p, double *pv, double *mx)
{
    size_t n = 0;
    for (size_t i = 0; i < vm->n; i++) {
        if (!xb_sample_usable(&vm->s[i]))
            continue;
        double x = get(&vm->s[i]);
        if (!isnan(x))
            sort[n++] = x;
    }
    xb_sort_doubles(sort, n);
    *pv = xb_percentile_sorted(sort, n, p);
    *mx = xb_percentile_sorted(sort, n, 100);
}

/* The profile holds the common percentiles already, over the same usable
 * samples by the same rule: take them instead of sorting again. */
static bool from_profile(const struct xb_stat *st, double p, double *pv, double *mx)
{
    const double ps[] = { 50, 90, 95, 99, 100 };
    const double vs[] = { st->p50, st->p90, st->p95, st->p99, st->max };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        if (p == ps[i]) {
            *pv = vs[i];
            *mx = st->max;
            return true;
        }
    }
    return false;
}

static void metric_stat(const struct xb_profile *prof, int m, double *sort,
                        double p, double *pv, double *mx)
{
    if (!from_profile(&prof->m[m], p, pv, mx))
        metric_p(prof->vm, xb_metrics[m].get, sort, p, pv, mx);
}

/* Percentile of cores x a per-host figure (GHz, MFLOPS): when every usable
 * sample has the same figure k, it is P(cores) x k exactly (a positive
 * constant keeps the order), else sort the products. */
static void scaled_stat(double **a, int col, size_t n, const struct xb_series *vm,
                        bool mflops, double p, const struct xb_need *nd,
                        double *pv, double *mx)
{
    double k = NAN;
    bool same = true;
    for (size_t i = 0; same && i < vm->n; i++) {
        if (!xb_sample_usable(&vm->s[i]))
            continue;
        double x = mflops ? vm->s[i].host_mflops : vm->s[i].cpu_mhz / 1000.0;
        if (isnan(x)) {
            *pv = *mx = NAN;
            return;
        }
        same = isnan(k) || x == k;
        k = x;
    }
    if (same && !isnan(k)) {
        *pv = nd->cpu_p * k;
        *mx = nd->cpu_max * k;
    } else
        pstat(a, col, n, p, pv, mx);
}

static void compute_need(const struct xb_profile *prof, double **a, size_t n,
                         const struct xb_size_opts *o, struct xb_need *nd)
{
    const struct xb_series *vm = prof->vm;
    double h = 1.0 + o->headroom, p = o->percentile;
    if (!from_profile(&prof->m[XB_M_CPU], p, &nd->cpu_p, &nd->cpu_max))
        pstat(a, A_CORES, n, p, &nd->cpu_p, &nd->cpu_max);
    scaled_stat(a, A_GHZ, n, vm, false, p, nd, &nd->ghz_p, &nd->ghz_max);
    scaled_stat(a, A_MFLOPS, n, vm, true, p, nd, &nd->mflops_p, &nd->mflops_max);
    nd->cpu_cores = nd->cpu_p * h;
    nd->host_ghz = nd->host_mflops = NAN;
    for (size_t i = vm->n; i-- > 0;) {
        if (xb_sample_usable(&vm->s[i])) {
            nd->host_ghz = vm->s[i].cpu_mhz / 1000.0;
            nd->host_mflops = vm->s[i].host_mflops;
            break;
        }
    }

    double mp, mx;
    metric_stat(prof, XB_M_MEM, a[A_SORT], p, &mp, &mx);
    nd->mem_from = NULL;
    nd->mem_gib = nd->mem_peak_gib = NAN;
    if (!isnan(mp)) {
        nd->mem_gib = mp / 1024.0 * h;
        nd->mem_peak_gib = mx / 1024.0;
        nd->mem_from = "used";
    } else if (!isnan(prof->mem_alloc_bytes)) {
        /* As-is: the allocation, as Azure Migrate sizes without data. */
        nd->mem_gib = nd->mem_peak_gib = prof->mem_alloc_bytes / 1073741824.0;
        nd->mem_from = "allocation";
    }
    metric_stat(prof, XB_M_DISK_RD, a[A_SORT], p, &mp, &mx);
    double wp, wx;
    metric_stat(prof, XB_M_DISK_WR, a[A_SORT], p, &wp, &wx);
    /* Read and write share the type's throughput limit: the sum of their
     * percentiles (never below the percentile of the sum). */
    nd->disk_mbps = (mp + wp) * h;
    nd->disk_peak_mbps = mx + wx;
    metric_stat(prof, XB_M_DISK_IOPS, a[A_SORT], p, &mp, &mx);
    nd->disk_iops = mp * h;
    nd->disk_peak_iops = mx;
    metric_stat(prof, XB_M_NET, a[A_SORT], p, &mp, &mx);
    nd->net_gbps = mp * 8e-3 * h;       /* MB/s -> Gbit/s */
    nd->net_peak_gbps = mx * 8e-3;
}

/* How a type counts host cores: basis and the type's unit in the basis. */
static enum xb_basis basis_of(const struct xb_need *nd, const struct xb_cat_row *t,
                              double *per_vcpu, double *need_p, double *need_max,
                              int *col)
{
    if (!isnan(nd->mflops_p) && !isnan(t->mflops_per_vcpu) && t->mflops_per_vcpu > 0) {
        *per_vcpu = t->mflops_per_vcpu;
        *need_p = nd->mflops_p;
        *need_max = nd->mflops_max;
        *col = A_MFLOPS;
        return XB_BASIS_MFLOPS;
    }
    if (!isnan(nd->ghz_p) && !isnan(t->clock_ghz) && t->clock_ghz > 0) {
        *per_vcpu = t->clock_ghz;
        *need_p = nd->ghz_p;
        *need_max = nd->ghz_max;
        *col = A_GHZ;
        return XB_BASIS_CLOCK;
    }
    *per_vcpu = 1.0;
    *need_p = nd->cpu_p;
    *need_max = nd->cpu_max;
    *col = A_CORES;
    return XB_BASIS_CORE;
}

static bool covers(double cap, double need)
{
    return isnan(need) || isnan(cap) || cap >= need - 1e-9;
}

static int band(double peak, double cap)
{
    if (isnan(peak) || isnan(cap) || cap <= 0)
        return 0;
    double r = peak / cap;
    return r <= 0.5 ? 0 : r <= 0.8 ? 1 : r <= 1.0 + 1e-9 ? 2 : 3;
}

static void choose(struct xb_sizer *z, size_t b, const struct xb_profile *prof,
                   const struct xb_need *nd, double **a, size_t n,
                   struct xb_choice *ch)
{
    const struct xb_catalog *c = z->cat;
    double h = 1.0 + z->o.headroom;
    memset(ch, 0, sizeof *ch);
    snprintf(ch->provider, sizeof ch->provider, "%s", z->blk[b].provider);
    snprintf(ch->region, sizeof ch->region, "%s", z->blk[b].region);
    ch->risk = 4;
    for (size_t i = z->blk[b].lo; i < z->blk[b].hi; i++) {
        const struct xb_cat_row *t = &c->v[i];
        if (strcmp(t->arch, "x86_64") != 0)
            continue;
        double unit, np, nmax;
        int col;
        enum xb_basis basis = basis_of(nd, t, &unit, &np, &nmax, &col);
        double vneed = np * h / unit;
        if (!(t->vcpu >= vneed - 1e-9) || !covers(t->mem_gib, nd->mem_gib) ||
            !covers(t->disk_mbps, nd->disk_mbps) ||
            !covers(t->disk_iops, nd->disk_iops) || !covers(t->net_gbps, nd->net_gbps))
            continue;
        double min_bal = 0;
        if (t->category == XB_CAT_BURSTABLE) {
            for (size_t k = 0; k < n; k++)
                a[A_USE][k] = a[col][k] * h / unit;
            if (!xb_burst_fits(t, a[A_USE], a[A_LEN], n, &min_bal))
                continue;
        }
        ch->type = t;
        ch->basis = basis;
        ch->vcpu_need = vneed;
        ch->factor = basis == XB_BASIS_MFLOPS ? nd->host_mflops / unit
                   : basis == XB_BASIS_CLOCK ? nd->host_ghz / unit : 1.0;
        ch->monthly_usd = t->price_hour * XB_HOURS_PER_MONTH;
        ch->min_credits = min_bal;
        int r = band(nmax / unit, t->vcpu);
        r = fmax(r, band(nd->mem_peak_gib, t->mem_gib));
        r = fmax(r, band(nd->disk_peak_mbps, t->disk_mbps));
        r = fmax(r, band(nd->disk_peak_iops, t->disk_iops));
        r = fmax(r, band(nd->net_peak_gbps, t->net_gbps));
        if (t->category == XB_CAT_BURSTABLE && r < 1)
            r = 1;
        if (prof->contention && r < 2)
            r = 2;
        ch->risk = r;
        return;
    }
}

int xb_size_vm(struct xb_sizer *z, const struct xb_profile *p,
               struct xb_vm_plan *out)
{
    memset(out, 0, sizeof *out);
    out->prof = p;
    double *a[A_N];
    size_t n;
    if (gather(z, p->vm, &n, a))
        return -ENOMEM;
    compute_need(p, a, n, &z->o, &out->need);
    if (n == 0 || p->vcpus == 0) {
        out->finding = XB_F_NODATA;
        return 0;
    }
    const struct xb_need *nd = &out->need;
    double alloc = p->vcpus;
    if (nd->cpu_cores > alloc + 1e-9)
        out->reasons |= XB_R_CPU_UNDER;
    else if (nd->cpu_cores <= alloc / 2 + 1e-9)
        out->reasons |= XB_R_CPU_OVER;
    if (nd->mem_from && strcmp(nd->mem_from, "used") == 0 &&
        !isnan(p->mem_alloc_bytes)) {
        double mem_alloc = p->mem_alloc_bytes / 1073741824.0;
        if (nd->mem_gib > mem_alloc + 1e-9)
            out->reasons |= XB_R_MEM_UNDER;
        else if (nd->mem_gib <= mem_alloc / 2 + 1e-9)
            out->reasons |= XB_R_MEM_OVER;
    }
    if (p->contention)
        out->reasons |= XB_R_CPU_CONTENTION;
    /* AWS: under if any resource is, else over if any can be sized down. */
    if (out->reasons & (XB_R_CPU_UNDER | XB_R_MEM_UNDER))
        out->finding = XB_F_UNDER;
    else if (out->reasons & (XB_R_CPU_OVER | XB_R_MEM_OVER))
        out->finding = XB_F_OVER;
    else
        out->finding = XB_F_OPTIMISED;
    for (size_t b = 0; b < z->nblk; b++)
        choose(z, b, p, nd, a, n, &out->choice[out->nchoice++]);
    return 0;
}
