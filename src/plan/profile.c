/* profile.c: per-VM statistics over the look-back (see profile.h), of the
 * figures model/metric.c defines; it owns the statistics, not the figures.
 * It must not read the store. */
#include "profile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/stats.h"

int xb_stars(double pct)
{
    return pct <= 20 ? 1 : pct <= 40 ? 2 : pct <= 60 ? 3 : pct <= 80 ? 4 : 5;
}

void xb_history_span(const struct xb_history *h, double *t_begin, double *t_end)
{
    *t_end = h->t_end;
    *t_begin = h->t_begin;
    if (isinf(*t_begin)) {
        *t_begin = h->t_end;
        for (size_t i = 0; i < h->n; i++)
            if (h->vm[i].n && h->vm[i].s[0].t_unix < *t_begin)
                *t_begin = h->vm[i].s[0].t_unix;
    }
}

const char *const xb_resource_names[XB_NRESOURCES] = { "cpu", "memory", "disk",
                                                        "network" };

/* Which resources a point measures. */
static void measured(const struct xb_sample *s, bool *has)
{
    has[XB_RESOURCE_CPU] = !isnan(s->cpu_cores);
    has[XB_RESOURCE_MEM] = !isnan(s->m[XB_MET_MEM_GUEST]);
    has[XB_RESOURCE_DISK] = !isnan(s->m[XB_MET_DISK_READ]) || !isnan(s->m[XB_MET_DISK_WRITE]);
    has[XB_RESOURCE_NET] = !isnan(s->m[XB_MET_NET_RX]) || !isnan(s->m[XB_MET_NET_TX]);
}

/* fmin and fmax, inlined (the library calls cost more than the loop). */
static inline double min_of(double a, double b)
{
    return isnan(a) ? b : b < a ? b : a;
}

static inline double max_of(double a, double b)
{
    return isnan(a) ? b : b > a ? b : a;
}

/* A usable point's metrics in cols: counted, summed, their maximum kept and
 * their values in column m of v (stride values each), p->m[m].n of them. */
static inline void add_point(const struct xb_sample *s, uint32_t cols, double *v,
                             size_t stride, struct xb_profile *p, double *sum)
{
    for (int m = 0; m < XB_NPMETRICS; m++) {
        if (!(cols & (1u << m)))
            continue;
        double x = xb_pmetrics[m].get(s);
        if (isnan(x))
            continue;
        struct xb_stat *st = &p->m[m];
        v[(size_t)m * stride + st->n] = x;
        st->n++;
        sum[m] += x;
        if (x > st->max)
            st->max = x;
    }
}

static void order_stats(double *v, const struct xb_profile_want *w, int m,
                        struct xb_stat *st)
{
    bool ranks = w->ranks & (1u << m), at = !isnan(w->at_p) && (w->at & (1u << m));
    double ps[6], q[6];
    size_t k = 0;
    if (ranks) {
        static const double common[] = { 50, 90, 95, 99 };
        for (size_t i = 0; i < 4; i++)
            ps[k++] = common[i];
    }
    size_t at_k = k;
    if (at) {   /* kept ascending: each selection within the part above */
        while (at_k > 0 && ps[at_k - 1] > w->at_p) {
            ps[at_k] = ps[at_k - 1];
            at_k--;
        }
        ps[at_k] = w->at_p;
        k++;
    }
    xb_percentiles(v, st->n, ps, k, q);
    st->ranks = ranks;
    if (ranks) {
        size_t j = 0;
        double *out[] = { &st->p50, &st->p90, &st->p95, &st->p99 };
        for (size_t i = 0; i < k; i++)
            if (!(at && i == at_k))
                *out[j++] = q[i];
    }
    if (at) {
        st->at_p = w->at_p;
        st->at = q[at_k];
    }
}

int xb_profile_build_for(const struct xb_series *vm, double t_begin, double t_end,
                         double min_coverage_s, const struct xb_profile_want *want,
                         struct xb_profile *p)
{
    const struct xb_profile_want all = XB_PROFILE_WANT_ALL,
                                 *w = want ? want : &all;
    *p = (struct xb_profile){ .vm = vm, .mem_alloc_bytes = NAN,
                              .burstiness = NAN };
    snprintf(p->id.host, sizeof p->id.host, "%s", vm->host);
    snprintf(p->id.name, sizeof p->id.name, "%s", vm->name);
    p->id.domid = vm->domid;
    p->id.points = vm->n;
    uint32_t cols = w->ranks | (isnan(w->at_p) ? 0 : w->at) | XB_PROFILE_ALWAYS;
    double *v = malloc((vm->n ? vm->n : 1) * XB_NPMETRICS * sizeof *v);
    if (!v)
        return -ENOMEM;
    p->lookback_s = t_end - t_begin;
    double first = INFINITY, last = -INFINITY, res_s[XB_NRESOURCES] = { 0 };
    double msum[XB_NPMETRICS];
    for (int m = 0; m < XB_NPMETRICS; m++) {
        p->m[m].max = -INFINITY;
        msum[m] = 0;
    }
    /* One pass: coverage, and the metrics' figures of the usable points. */
    for (size_t i = 0; i < vm->n; i++) {
        const struct xb_sample *s = &vm->s[i];
        bool usable = xb_sample_usable(s);
        double a = max_of(s->t_unix, t_begin), b = min_of(s->t_unix + s->len_s, t_end);
        if (b > a) {
            bool has[XB_NRESOURCES];
            measured(s, has);
            if (usable)
                for (int r = 0; r < XB_NRESOURCES; r++)
                    res_s[r] += has[r] ? (b - a) * s->known_frac : 0;
            first = min_of(first, a);
            last = max_of(last, b);
        }
        if (usable)
            add_point(s, cols, v, vm->n, p, msum);
        p->used += usable;
        if (!isnan(s->mem_alloc_bytes))
            p->mem_alloc_bytes = s->mem_alloc_bytes;
    }
    if (vm->n)
        p->vcpus = vm->s[vm->n - 1].vcpus;
    p->span_s = last > first ? last - first : 0;
    p->reference_s = fmax(p->span_s, min_coverage_s);
    /* Overlapping runs (two recordings dated from the fixed epoch) can
     * measure more than the span: capped. */
    p->covered_s = fmin(res_s[XB_RESOURCE_CPU], p->span_s);
    p->insufficient = p->covered_s < min_coverage_s || p->covered_s <= 0;
    double sum = 0;
    for (int r = 0; r < XB_NRESOURCES; r++) {
        p->resource_pct[r] = p->reference_s > 0
            ? fmin(100.0, 100.0 * res_s[r] / p->reference_s) : 0;
        sum += p->resource_pct[r];
    }
    p->coverage_pct = p->resource_pct[XB_RESOURCE_CPU];
    p->confidence_pct = sum / XB_NRESOURCES;
    p->stars = xb_stars(p->confidence_pct);

    for (int m = 0; m < XB_NPMETRICS; m++) {
        struct xb_stat *st = &p->m[m];
        st->p50 = st->p90 = st->p95 = st->p99 = st->at_p = st->at = NAN;
        if (st->n == 0)
            st->max = NAN;
        st->mean = st->n ? msum[m] / (double)st->n : NAN;
        order_stats(v + (size_t)m * vm->n, w, m, st);
    }
    free(v);
    const struct xb_stat *cpu = &p->m[XB_PM_CPU];
    if (cpu->n && cpu->mean > 0)
        p->burstiness = cpu->max / cpu->mean;
    p->contention = p->m[XB_PM_WAITED].n &&
                    p->m[XB_PM_WAITED].mean >= XB_WAITED_FLAG_PCT;
    return 0;
}

int xb_profile_build(const struct xb_series *vm, double t_begin, double t_end,
                     double min_coverage_s, struct xb_profile *p)
{
    return xb_profile_build_for(vm, t_begin, t_end, min_coverage_s, NULL, p);
}
