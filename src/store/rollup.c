/* rollup.c: the bucket arithmetic of rollup.h: sums while a bucket is open,
 * maxima, time-weighted means and the percentile within when it closes.
 * It must not store or know SQL (feed.c, write.c). */
#include "rollup.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/stats.h"
#include "util/grow.h"

const unsigned xb_rollup_periods[XB_ROLLUP_NPERIODS] = { 300, 600 };

static void stat_reset(struct xb_rstat *s)
{
    s->max = s->mean = s->pct = NAN;
}

void xb_rollup_init(struct xb_rollup_acc *a, unsigned period)
{
    memset(a, 0, sizeof *a);
    a->period = period;
}

static void open_bucket(struct xb_rollup_acc *a, double bucket)
{
    struct xb_rollup_row *r = &a->row;
    memset(r, 0, sizeof *r);
    r->t_unix = bucket;
    r->period = a->period;
    r->mem_alloc_bytes = NAN;
    stat_reset(&r->cpu);
    stat_reset(&r->demand);
    r->waited_mean = r->blocked_mean = NAN;
    for (unsigned i = 0; i < XB_METRIC_MAX; i++)
        stat_reset(&r->m[i]);
    memset(a->wsum, 0, sizeof a->wsum);
    a->cpu_w = a->dem_w = a->wait_w = a->block_w = 0;
    a->nv = a->ndv = 0;
    a->bucket = bucket;
    a->open = true;
}

/* max and a weighted sum into s (mean holds the sum until close). */
static void add_value(struct xb_rstat *s, double v, double w, double *wsum)
{
    if (isnan(v))
        return;
    s->max = isnan(s->max) ? v : fmax(s->max, v);
    s->mean = (isnan(s->mean) ? 0 : s->mean) + v * w;
    *wsum += w;
}

static void close_stat(struct xb_rstat *s, double wsum)
{
    if (wsum > 0)
        s->mean /= wsum;
    else
        s->mean = NAN;
}

static void close_bucket(struct xb_rollup_acc *a, struct xb_rollup_row *done)
{
    struct xb_rollup_row *r = &a->row;
    close_stat(&r->cpu, a->cpu_w);
    close_stat(&r->demand, a->dem_w);
    r->waited_mean = a->wait_w > 0 ? r->waited_mean / a->wait_w : NAN;
    r->blocked_mean = a->block_w > 0 ? r->blocked_mean / a->block_w : NAN;
    for (unsigned i = 0; i < xb_nmetrics; i++)
        close_stat(&r->m[i], a->wsum[i]);
    /* Percentile within: the windows' values (CPU always has one). */
    r->cpu.pct = xb_percentile(a->cpu_v, a->nv, XB_ROLLUP_PCT);
    r->demand.pct = xb_percentile(a->dem_v, a->ndv, XB_ROLLUP_PCT);
    *done = *r;
    a->open = false;
}

int xb_rollup_add(struct xb_rollup_acc *a, const struct xb_sample *s,
                  struct xb_rollup_row *done, bool *flushed)
{
    *flushed = false;
    if (!xb_sample_usable(s) || isnan(s->cpu_cores))
        return 0;
    double bucket = floor(s->t_unix / a->period) * a->period;
    if (a->open && bucket != a->bucket) {
        close_bucket(a, done);
        *flushed = true;
    }
    if (!a->open)
        open_bucket(a, bucket);
    size_t cap = a->capv;
    if (xb_grow((void **)&a->cpu_v, &cap, a->nv, sizeof *a->cpu_v, 64) ||
        xb_grow((void **)&a->dem_v, &a->capv, a->nv, sizeof *a->dem_v, 64))
        return -ENOMEM;
    struct xb_rollup_row *r = &a->row;
    double w = s->len_s;
    r->n++;
    r->len_s += w;
    r->covered_s += w * s->known_frac;
    r->vcpus = s->vcpus;
    if (!isnan(s->mem_alloc_bytes))
        r->mem_alloc_bytes = s->mem_alloc_bytes;
    add_value(&r->cpu, s->cpu_cores, w, &a->cpu_w);
    /* Demand only where the source says what was waited: else it is unknown,
     * and a reader takes the use (xb_sample_demand). */
    double dem = isnan(s->demand_cores) && isnan(s->waited_cores) ? NAN
               : xb_sample_demand(s);
    add_value(&r->demand, dem, w, &a->dem_w);
    if (!isnan(s->waited_cores)) {
        r->waited_mean = (isnan(r->waited_mean) ? 0 : r->waited_mean) +
                         s->waited_cores * w;
        a->wait_w += w;
    }
    if (!isnan(s->blocked_cores)) {
        r->blocked_mean = (isnan(r->blocked_mean) ? 0 : r->blocked_mean) +
                          s->blocked_cores * w;
        a->block_w += w;
    }
    for (unsigned i = 0; i < xb_nmetrics; i++)
        add_value(&r->m[i], s->m[i], w, &a->wsum[i]);
    a->cpu_v[a->nv++] = s->cpu_cores;
    if (!isnan(dem))
        a->dem_v[a->ndv++] = dem;
    return 0;
}

void xb_rollup_finish(struct xb_rollup_acc *a, struct xb_rollup_row *done,
                      bool *flushed)
{
    *flushed = a->open;
    if (a->open)
        close_bucket(a, done);
}

void xb_rollup_free(struct xb_rollup_acc *a)
{
    free(a->cpu_v);
    free(a->dem_v);
    a->cpu_v = a->dem_v = NULL;
    a->nv = a->ndv = a->capv = 0;
    a->open = false;
}

/* Running sums of a coarse point (finished by close_point). */
struct coarse {
    double cov, dem, wait, wait_w, block, block_w;
};

static void close_point(struct xb_sample *o, const struct coarse *c)
{
    o->known_frac = o->len_s > 0 ? c->cov / o->len_s : 0;
    o->demand_mean = o->len_s > 0 ? c->dem / o->len_s : NAN;
    o->waited_cores = c->wait_w > 0 ? c->wait / c->wait_w : NAN;
    o->blocked_cores = c->block_w > 0 ? c->block / c->block_w : NAN;
    o->interval_s = o->len_s;
}

static void add_sums(struct coarse *c, const struct xb_sample *p)
{
    c->cov += p->known_frac * p->len_s;
    c->dem += p->demand_mean * p->len_s;
    if (!isnan(p->waited_cores)) {
        c->wait += p->waited_cores * p->len_s;
        c->wait_w += p->len_s;
    }
    if (!isnan(p->blocked_cores)) {
        c->block += p->blocked_cores * p->len_s;
        c->block_w += p->len_s;
    }
}

int xb_points_coarsen(const struct xb_series *in, unsigned period,
                      struct xb_series *out)
{
    out->n = 0;
    snprintf(out->host, sizeof out->host, "%s", in->host);
    snprintf(out->name, sizeof out->name, "%s", in->name);
    out->domid = in->domid;
    struct xb_sample *o = NULL;
    struct coarse c = { 0 };
    for (size_t i = 0; i < in->n; i++) {
        const struct xb_sample *p = &in->s[i];
        double bucket = floor(p->t_unix / period) * period;
        if (o && o->t_unix == bucket) {
            /* The maxima of the maxima (a max series), sums for the means. */
            o->cpu_cores = fmax(o->cpu_cores, p->cpu_cores);
            o->demand_cores = fmax(o->demand_cores, p->demand_cores);
            for (unsigned k = 0; k < XB_METRIC_MAX; k++)
                if (!isnan(p->m[k]))
                    o->m[k] = isnan(o->m[k]) ? p->m[k] : fmax(o->m[k], p->m[k]);
            o->len_s += p->len_s;
            o->vcpus = p->vcpus;
            if (!isnan(p->mem_alloc_bytes))
                o->mem_alloc_bytes = p->mem_alloc_bytes;
            add_sums(&c, p);
            continue;
        }
        if (o)
            close_point(o, &c);
        if (xb_grow((void **)&out->s, &out->cap, out->n, sizeof *out->s, 256))
            return -ENOMEM;
        o = &out->s[out->n++];
        *o = *p;
        o->t_unix = bucket;
        memset(&c, 0, sizeof c);
        add_sums(&c, p);
    }
    if (o)
        close_point(o, &c);
    return 0;
}
