/* sizing.c: needs, the cheapest covering type, finding and risk (sizing.h).
 *
 * Performance risk is xenbench's own scale on AWS's 0-4 range (AWS does not
 * publish its formula): the peak (max sample, no headroom) of each resource
 * against the chosen type's capacity: <= 50 % very low (0), <= 80 % low (1),
 * <= 100 % medium (2), above high (3); a burstable type is at least low, a VM
 * flagged for contention at least medium; no type fits: very high (4).
 * It must not read the store, nor print.
 */
#include "sizing.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/burst.h"
#include "catalog/rules.h"
#include "util/stats.h"

const char *const xb_providers[XB_MAX_PROVIDERS] = { "aws", "azure", "gcp" };
static const char *const regions[XB_MAX_PROVIDERS] = { "us-east-1", "eastus",
                                                       "us-central1" };

static int provider_index(const char *name, size_t len)
{
    for (int i = 0; i < XB_MAX_PROVIDERS; i++)
        if (strlen(xb_providers[i]) == len && strncmp(name, xb_providers[i], len) == 0)
            return i;
    return -1;
}

const char *xb_default_region(const char *provider)
{
    int i = provider_index(provider, strlen(provider));
    return i < 0 ? NULL : regions[i];
}

int xb_size_opts_regions(struct xb_size_opts *o, const char *spec,
                         struct xb_err *err)
{
    if (!strchr(spec, '=')) {
        if (!*spec)
            return xb_err_set(err, -XB_EUSAGE, "--region: empty");
        o->region = spec;
        return 0;
    }
    /* "aws=us-east-1,azure=eastus" */
    const char *p = spec;
    while (*p) {
        const char *eq = strchr(p, '='), *end = p + strcspn(p, ",");
        int i = eq && eq < end ? provider_index(p, (size_t)(eq - p)) : -1;
        size_t vlen = i >= 0 ? (size_t)(end - eq - 1) : 0;
        if (i < 0 || vlen == 0 || vlen >= sizeof o->region_of[0])
            return xb_err_set(err, -XB_EUSAGE, "--region: '%.*s' is not "
                              "PROVIDER=REGION (aws, azure, gcp)", (int)(end - p), p);
        memcpy(o->region_of[i], eq + 1, vlen);
        o->region_of[i][vlen] = '\0';
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Bits of a comma-separated list of names (names[i] sets bit i). */
static int mask_of(const char *spec, const char *const *names, size_t n,
                   unsigned *mask)
{
    unsigned m = 0;
    const char *p = spec;
    do {
        size_t len = strcspn(p, ","), i = 0;
        while (i < n && !(strlen(names[i]) == len && strncmp(p, names[i], len) == 0))
            i++;
        if (i == n)
            return -1;
        m |= 1u << i;
        p += len;
    } while (*p++ == ',');
    *mask = m;
    return 0;
}

int xb_arch_mask_parse(const char *spec, unsigned *mask)
{
    static const char *const names[] = { "x86_64", "arm64" };
    return mask_of(spec, names, 2, mask);
}

int xb_category_mask_parse(const char *spec, unsigned *mask)
{
    if (strcmp(spec, "all") == 0) {
        *mask = (1u << XB_NCATEGORY) - 1;
        return 0;
    }
    const char *names[XB_NCATEGORY];
    for (int i = 0; i < XB_NCATEGORY; i++)
        names[i] = xb_category_name((enum xb_category)i);
    return mask_of(spec, names, XB_NCATEGORY, mask);
}

const char *xb_finding_name(enum xb_finding f)
{
    static const char *const n[] = { "optimised", "over-provisioned",
                                     "under-provisioned", "insufficient-data" };
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
    case XB_R_SHORT_HISTORY: return "InsufficientHistory";
    case XB_R_MEM_UNKNOWN: return "MemoryUnknown";
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

static int cmp_candidate(const void *pa, const void *pb)
{
    const struct xb_candidate *a = pa, *b = pb;
    int d = (a->price_hour > b->price_hour) - (a->price_hour < b->price_hour);
    if (!d)
        d = (a->t->vcpu > b->t->vcpu) - (a->t->vcpu < b->t->vcpu);
    if (!d)
        d = (a->t->mem_gib > b->t->mem_gib) - (a->t->mem_gib < b->t->mem_gib);
    if (!d)
        d = strcmp(a->t->type, b->t->type);
    return d;
}

static bool arch_wanted(const struct xb_cat_row *t, unsigned mask)
{
    unsigned bit = strcmp(t->arch, "arm64") == 0 ? XB_ARCH_ARM64 : XB_ARCH_X86_64;
    return (mask ? mask : XB_ARCH_X86_64) & bit;
}

/* The candidates of block b: rows lo..hi filtered and priced, sorted. */
static int fill_block(struct xb_sizer *z, size_t b, size_t lo, size_t hi)
{
    const struct xb_size_opts *o = &z->o;
    unsigned cats = o->category_mask ? o->category_mask : XB_CATEGORIES_DEFAULT;
    struct xb_candidate *c = malloc((hi - lo + 1) * sizeof *c);
    if (!c)
        return -ENOMEM;
    size_t n = 0;
    for (size_t i = lo; i < hi; i++) {
        const struct xb_cat_row *t = &z->cat->v[i];
        if (!arch_wanted(t, o->arch_mask) || !(cats & (1u << t->category)))
            continue;
        const char *from;
        double price = xb_price_of(t, o->pricing, o->commitments, &from);
        if (isnan(price)) {
            z->blk[b].unpriced++;
            continue;
        }
        c[n++] = (struct xb_candidate){ t, price, from };
    }
    qsort(c, n, sizeof *c, cmp_candidate);
    z->blk[b].c = c;
    z->blk[b].n = n;
    z->blk[b].rows = hi - lo;
    return 0;
}

int xb_sizer_init(struct xb_sizer *z, const struct xb_catalog *cat,
                  const struct xb_size_opts *o, struct xb_err *err)
{
    memset(z, 0, sizeof *z);
    z->cat = cat;
    z->o = *o;
    bool all = !o->provider || strcmp(o->provider, "all") == 0;
    for (int i = 0; i < XB_MAX_PROVIDERS; i++) {
        if (!all && strcmp(o->provider, xb_providers[i]) != 0)
            continue;
        const char *region = o->region_of[i][0] ? o->region_of[i]
                           : o->region ? o->region : regions[i];
        size_t lo, hi;
        if (!find_block(cat, xb_providers[i], region, &lo, &hi)) {
            if (!all || o->region_of[i][0]) {
                xb_sizer_free(z);
                return xb_err_set(err, -XB_EUSAGE, "the catalogue has no %s types "
                                  "in region %s", xb_providers[i], region);
            }
            /* "all": the providers that sell in the region */
            snprintf(z->left_out[z->nleft_out++], sizeof z->left_out[0],
                     "%s: no types in region %s", xb_providers[i], region);
            continue;
        }
        size_t b = z->nblk;
        snprintf(z->blk[b].provider, sizeof z->blk[0].provider, "%s", xb_providers[i]);
        z->blk[b].method = o->method_forced ? o->method
                                            : xb_method_of_provider(xb_providers[i]);
        snprintf(z->blk[b].region, sizeof z->blk[0].region, "%s", region);
        if (fill_block(z, b, lo, hi)) {
            xb_sizer_free(z);
            return xb_err_set(err, -ENOMEM, "out of memory");
        }
        z->nblk++;
        if (z->blk[b].n == 0) {
            /* No candidate: the pricing has no published figure for this
             * provider (or every type is of another architecture/category). */
            snprintf(z->left_out[z->nleft_out++], sizeof z->left_out[0],
                     "%s: %s", xb_providers[i], z->blk[b].unpriced
                     ? "no published price for this commitment term in the "
                       "catalogue or rules/commitments.csv: left out"
                     : "no type of the asked architectures and categories in the "
                       "region: left out");
            free(z->blk[b].c);
            z->nblk--;
        }
    }
    if (!all && z->nblk == 0 && z->nleft_out == 0) {
        xb_sizer_free(z);
        return xb_err_set(err, -XB_EUSAGE, "--provider: '%s' is not one of aws, "
                          "azure, gcp, all", o->provider);
    }
    if (z->nblk == 0) {
        int rc = xb_err_set(err, -XB_EUSAGE, "no provider left to plan with: %s",
                            z->nleft_out ? z->left_out[0] : "no types in the regions");
        xb_sizer_free(z);
        return rc;
    }
    return 0;
}

void xb_sizer_free(struct xb_sizer *z)
{
    for (size_t b = 0; b < z->nblk; b++)
        free(z->blk[b].c);
    z->nblk = 0;
    free(z->buf);
    z->buf = NULL;
    z->bufcap = 0;
}

/* Usable samples of the VM, in time order, as parallel arrays in z->buf:
 * cores, cores x GHz, cores x MFLOPS, length, and a sorting area. */
/* Per usable point: the CPU wanted (demand: running + waited, the method's
 * statistic of it) in host cores, x host GHz, x host MFLOPS; its length;
 * the mean demand (for credits) and the point's host GHz and MFLOPS. */
enum { A_CORES, A_GHZ, A_MFLOPS, A_LEN, A_SORT, A_USE, A_MEAN, A_FGHZ, A_FMF, A_N };

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
        double d = xb_sample_demand(s);
        a[A_CORES][m] = d;
        a[A_FGHZ][m] = s->cpu_mhz / 1000.0;
        a[A_FMF][m] = s->host_mflops;
        a[A_GHZ][m] = d * a[A_FGHZ][m];
        a[A_MFLOPS][m] = d * s->host_mflops;
        a[A_LEN][m] = s->len_s;
        a[A_MEAN][m] = xb_sample_demand_mean(s);
        m++;
    }
    *n = m;
    return 0;
}

/* Percentile and max of column k (NAN if any value is NAN). */
static void pstat(double **a, int k, size_t n, double p, double *pv, double *mx)
{
    double top = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[k][i])) {
            *pv = *mx = NAN;
            return;
        }
        a[A_SORT][i] = a[k][i];
        top = a[k][i] > top ? a[k][i] : top;
    }
    xb_percentiles(a[A_SORT], n, &p, 1, pv);
    *mx = n ? top : NAN;
}

/* Percentile over the samples of a metric that has a value (NAN if none). */
static void metric_p(const struct xb_series *vm, double (*get)(const struct xb_sample *),
                     double *sort, double p, double *pv, double *mx)
{
    size_t n = 0;
    double top = -INFINITY;
    for (size_t i = 0; i < vm->n; i++) {
        if (!xb_sample_usable(&vm->s[i]))
            continue;
        double x = get(&vm->s[i]);
        if (!isnan(x)) {
            sort[n++] = x;
            top = x > top ? x : top;
        }
    }
    xb_percentiles(sort, n, &p, 1, pv);
    *mx = n ? top : NAN;
}

/* The profile holds the common percentiles (or the one asked) already, over
 * the same usable samples by the same rule: take them instead of selecting
 * again. */
static bool from_profile(const struct xb_stat *st, double p, double *pv, double *mx)
{
    if (p == st->at_p) {
        *pv = st->at;
        *mx = st->max;
        return true;
    }
    const double ps[] = { 50, 90, 95, 99 };
    const double vs[] = { st->p50, st->p90, st->p95, st->p99 };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        if (st->ranks && p == ps[i]) {
            *pv = vs[i];
            *mx = st->max;
            return true;
        }
    }
    if (p == 100) {
        *pv = *mx = st->max;
        return true;
    }
    return false;
}

/* A percentile the profile always has when it has its ranks.  Of another,
 * the CPU need is unknown if any usable point's is (pstat), while the
 * profile's leaves such points out: taken from it only when there is none. */
static bool common_p(double p)
{
    return p == 50 || p == 90 || p == 95 || p == 99 || p == 100;
}

static void metric_stat(const struct xb_profile *prof, int m, double *sort,
                        double p, double *pv, double *mx)
{
    if (!from_profile(&prof->m[m], p, pv, mx))
        metric_p(prof->vm, xb_pmetrics[m].get, sort, p, pv, mx);
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
                         double p, double headroom, struct xb_need *nd)
{
    const struct xb_series *vm = prof->vm;
    double h = 1.0 + headroom;
    /* The CPU the VM wanted, not only what it got: a starved VM is not
     * sized on its starved figure. */
    const struct xb_stat *d = &prof->m[XB_PM_DEMAND];
    if (!((common_p(p) || d->n == n) && from_profile(d, p, &nd->cpu_p, &nd->cpu_max)))
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

    /* Memory: what the guest uses (never a host-side resident size), else
     * the allocation as it is, never above it; else unknown, and the VM is
     * not priced (a type chosen without memory would be a guess). */
    double mp, mx;
    metric_stat(prof, XB_PM_MEM_GUEST, a[A_SORT], p, &mp, &mx);
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
    metric_stat(prof, XB_PM_DISK_RD, a[A_SORT], p, &mp, &mx);
    double wp, wx;
    metric_stat(prof, XB_PM_DISK_WR, a[A_SORT], p, &wp, &wx);
    /* Read and write share the type's throughput limit: the sum of their
     * percentiles (never below the percentile of the sum). */
    nd->disk_mbps = (mp + wp) * h;
    nd->disk_peak_mbps = mx + wx;
    metric_stat(prof, XB_PM_DISK_IOPS, a[A_SORT], p, &mp, &mx);
    nd->disk_iops = mp * h;
    nd->disk_peak_iops = mx;
    metric_stat(prof, XB_PM_NET, a[A_SORT], p, &mp, &mx);
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

/* A need against a type's sustained figure; where only an "up to" figure is
 * published, that one bounds it (a need above even the burst cannot be
 * met). */
static bool covers_sustained(double sustained, double burst, double need)
{
    return covers(isnan(sustained) ? burst : sustained, need);
}

/* What a peak is held against: the "up to" figure where published. */
static double peak_cap(double sustained, double burst)
{
    return isnan(burst) ? sustained : burst;
}

static int band(double peak, double cap)
{
    if (isnan(peak) || isnan(cap) || cap <= 0)
        return 0;
    double r = peak / cap;
    return r <= 0.5 ? 0 : r <= 0.8 ? 1 : r <= 1.0 + 1e-9 ? 2 : 3;
}

static void choose(struct xb_sizer *z, size_t b, const struct xb_profile *prof,
                   const struct xb_need *nd, double **a, size_t n, double headroom,
                   struct xb_choice *ch)
{
    double h = 1.0 + headroom;
    snprintf(ch->provider, sizeof ch->provider, "%s", z->blk[b].provider);
    snprintf(ch->region, sizeof ch->region, "%s", z->blk[b].region);
    ch->risk = 4;
    for (size_t i = 0; i < z->blk[b].n; i++) {
        const struct xb_candidate *cd = &z->blk[b].c[i];
        const struct xb_cat_row *t = cd->t;
        double unit, np, nmax;
        int col;
        enum xb_basis basis = basis_of(nd, t, &unit, &np, &nmax, &col);
        double vneed = np * h / unit;
        if (!(t->vcpu >= vneed - 1e-9) || !covers(t->mem_gib, nd->mem_gib) ||
            !covers_sustained(t->disk_mbps, t->disk_burst_mbps, nd->disk_mbps) ||
            !covers_sustained(t->disk_iops, t->disk_burst_iops, nd->disk_iops) ||
            !covers_sustained(t->net_gbps, t->net_burst_gbps, nd->net_gbps))
            continue;
        double min_bal = 0;
        if (t->category == XB_CAT_BURSTABLE) {
            /* Credits are spent by the mean use of each point, whatever
             * statistic the method sizes on. */
            const double *f = col == A_GHZ ? a[A_FGHZ] : col == A_MFLOPS ? a[A_FMF] : NULL;
            for (size_t k = 0; k < n; k++)
                a[A_USE][k] = a[A_MEAN][k] * (f ? f[k] : 1.0) * h / unit;
            if (!xb_burst_fits(t, a[A_USE], a[A_LEN], n, &min_bal))
                continue;
        }
        ch->type = t;
        ch->price_hour = cd->price_hour;
        ch->price_from = cd->price_from;
        ch->basis = basis;
        ch->vcpu_need = vneed;
        ch->factor = basis == XB_BASIS_MFLOPS ? nd->host_mflops / unit
                   : basis == XB_BASIS_CLOCK ? nd->host_ghz / unit : 1.0;
        ch->monthly_usd = cd->price_hour * XB_HOURS_PER_MONTH;
        ch->min_credits = min_bal;
        int r = band(nmax / unit, t->vcpu);
        r = fmax(r, band(nd->mem_peak_gib, t->mem_gib));
        r = fmax(r, band(nd->disk_peak_mbps, peak_cap(t->disk_mbps, t->disk_burst_mbps)));
        r = fmax(r, band(nd->disk_peak_iops, peak_cap(t->disk_iops, t->disk_burst_iops)));
        r = fmax(r, band(nd->net_peak_gbps, peak_cap(t->net_gbps, t->net_burst_gbps)));
        if (t->category == XB_CAT_BURSTABLE && r < 1)
            r = 1;
        if (prof->contention && r < 2)
            r = 2;
        ch->risk = r;
        return;
    }
}

/* The percentile and headroom a block sizes with: the user's, else its
 * method's published defaults. */
static void method_params(const struct xb_sizer *z, enum xb_method m, double *p,
                          double *h)
{
    *p = isnan(z->o.percentile) ? xb_methods[m].percentile : z->o.percentile;
    *h = isnan(z->o.headroom) ? xb_methods[m].headroom : z->o.headroom;
}

void xb_sizer_want(const struct xb_sizer *z, enum xb_method m,
                   struct xb_profile_want *w)
{
    double p, h;
    method_params(z, m, &p, &h);
    *w = (struct xb_profile_want){
        .at = 1u << XB_PM_DEMAND | 1u << XB_PM_MEM_GUEST | 1u << XB_PM_DISK_RD |
              1u << XB_PM_DISK_WR | 1u << XB_PM_DISK_IOPS | 1u << XB_PM_NET,
        .at_p = p };
}

int xb_size_vm_methods(struct xb_sizer *z, const struct xb_profile *const *by_method,
                       struct xb_vm_plan *out)
{
    memset(out, 0, sizeof *out);
    const struct xb_profile *first = by_method[z->blk[0].method];
    out->prof = first;
    if (!first)
        return -EINVAL;
    double *a[A_N];
    size_t n = 0;
    out->need.cpu_cores = -1;
    for (size_t b = 0; b < z->nblk; b++) {
        const struct xb_profile *p = by_method[z->blk[b].method];
        struct xb_choice *ch = &out->choice[out->nchoice++];
        memset(ch, 0, sizeof *ch);
        snprintf(ch->provider, sizeof ch->provider, "%s", z->blk[b].provider);
        snprintf(ch->region, sizeof ch->region, "%s", z->blk[b].region);
        ch->method = z->blk[b].method;
        ch->risk = 4;
        if (!p)
            continue;
        method_params(z, ch->method, &ch->percentile, &ch->headroom);
        if (gather(z, p->vm, &n, a))
            return -ENOMEM;
        compute_need(p, a, n, ch->percentile, ch->headroom, &ch->need);
        /* The VM's need: the highest any method gives (a finding holds for
         * every provider planned). */
        if (ch->need.cpu_cores > out->need.cpu_cores || isnan(out->need.cpu_cores))
            out->need = ch->need;
        bool nodata = n == 0 || p->vcpus == 0 || p->insufficient || !ch->need.mem_from;
        if (!nodata)
            choose(z, b, p, &ch->need, a, n, ch->headroom, ch);
    }
    const struct xb_profile *p = first;
    const struct xb_need *nd = &out->need;
    if (p->insufficient || n == 0 || p->vcpus == 0)
        out->reasons |= XB_R_SHORT_HISTORY;
    if (!nd->mem_from)
        out->reasons |= XB_R_MEM_UNKNOWN;
    if (out->reasons) {
        out->finding = XB_F_NODATA;
        return 0;
    }
    double alloc = p->vcpus;
    if (nd->cpu_cores > alloc + 1e-9)
        out->reasons |= XB_R_CPU_UNDER;
    else if (nd->cpu_cores <= alloc / 2 + 1e-9 && !p->contention)
        out->reasons |= XB_R_CPU_OVER;  /* never on a starved figure */
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
    return 0;
}

int xb_size_vm(struct xb_sizer *z, const struct xb_profile *p,
               struct xb_vm_plan *out)
{
    const struct xb_profile *by[XB_NMETHODS];
    for (int m = 0; m < XB_NMETHODS; m++)
        by[m] = p;
    return xb_size_vm_methods(z, by, out);
}
