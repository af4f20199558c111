/* counters.c: sampled counter series and their rates over windows.  It owns
 * the series and their interpolation; it must not know which source or file
 * a sample came from, nor how a figure is printed. */
#include "counters.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sample {
    uint64_t t;
    double v;      /* cumulative: made monotonic across resets */
};

struct series {
    char *entity, *metric;
    enum xb_series_kind kind;
    struct sample *s;
    size_t n, cap;
    double offset; /* added to raw values after a reset */
    double last_raw;
};

struct xb_counters {
    struct series *v;
    size_t n, cap;
};

struct xb_counters *xb_counters_new(void)
{
    return calloc(1, sizeof(struct xb_counters));
}

void xb_counters_free(struct xb_counters *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].entity);
        free(c->v[i].metric);
        free(c->v[i].s);
    }
    free(c->v);
    free(c);
}

static struct series *find(const struct xb_counters *c, const char *entity,
                           const char *metric)
{
    /* Linear search from the end: samples of one interval come together. */
    for (size_t i = c->n; i-- > 0;)
        if (strcmp(c->v[i].metric, metric) == 0 &&
            strcmp(c->v[i].entity, entity) == 0)
            return &c->v[i];
    return NULL;
}

int xb_counters_add(struct xb_counters *c, const char *entity, const char *metric,
                    enum xb_series_kind kind, uint64_t t_ns, double value)
{
    struct series *s = find(c, entity, metric);
    if (!s) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 16;
            struct series *v = realloc(c->v, cap * sizeof *v);
            if (!v)
                return -ENOMEM;
            c->v = v;
            c->cap = cap;
        }
        s = &c->v[c->n];
        memset(s, 0, sizeof *s);
        s->entity = strdup(entity);
        s->metric = strdup(metric);
        s->kind = kind;
        if (!s->entity || !s->metric) {
            free(s->entity);
            free(s->metric);
            return -ENOMEM;
        }
        c->n++;
    }
    if (s->n && t_ns < s->s[s->n - 1].t)
        return 0;                           /* out of order: ignored */
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        struct sample *v = realloc(s->s, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        s->s = v;
        s->cap = cap;
    }
    double v = value;
    if (kind == XB_CUMULATIVE) {
        if (s->n && value < s->last_raw)
            s->offset += s->last_raw;       /* reset: continue from the top */
        s->last_raw = value;
        v = value + s->offset;
    }
    if (s->n && t_ns == s->s[s->n - 1].t) {
        /* two samples at one time (those taken before time 0 all map to
         * 0, e.g. before a ring run's kept span): the later one stands */
        s->s[s->n - 1].v = v;
        return 0;
    }
    s->s[s->n++] = (struct sample){ t_ns, v };
    return 0;
}

/* Value at t by linear interpolation; t within [first, last]. */
static double at(const struct series *s, uint64_t t)
{
    size_t lo = 0, hi = s->n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->s[mid].t <= t)
            lo = mid;
        else
            hi = mid;
    }
    const struct sample *a = &s->s[lo], *b = &s->s[hi];
    if (t <= a->t || b->t == a->t)
        return a->v;
    if (t >= b->t)
        return b->v;
    return a->v + (b->v - a->v) * (double)(t - a->t) / (double)(b->t - a->t);
}

void xb_counters_rebase(struct xb_counters *c, uint64_t from)
{
    for (size_t i = 0; c && i < c->n; i++) {
        struct series *s = &c->v[i];
        size_t k = 0;                /* the first sample at or after from */
        while (k < s->n && s->s[k].t < from)
            k++;
        size_t keep = k;             /* samples from keep on stay */
        if (k > 0 && k < s->n && s->kind == XB_CUMULATIVE && s->s[k].t > from) {
            /* the value at from, between the samples either side of it */
            s->s[k - 1].v = at(s, from);
            s->s[k - 1].t = from;
            keep = k - 1;
        } else if (k > 0 && s->kind == XB_GAUGE) {
            s->s[k - 1].t = from;    /* the reading just before: in force at from */
            keep = k - 1;
        }
        memmove(s->s, s->s + keep, (s->n - keep) * sizeof *s->s);
        s->n -= keep;
        for (size_t j = 0; j < s->n; j++)
            s->s[j].t -= from;
    }
}

bool xb_counters_rate(const struct xb_counters *c, const char *entity,
                      const char *metric, uint64_t t0, uint64_t t1, double *out)
{
    const struct series *s = find(c, entity, metric);
    if (!s || s->n == 0 || t1 <= t0)
        return false;
    uint64_t first = s->s[0].t, last = s->s[s->n - 1].t;
    if (s->kind == XB_GAUGE) {
        /* Mean of the samples in the window, else the one just before. */
        double sum = 0;
        size_t k = 0;
        const struct sample *before = NULL;
        for (size_t i = 0; i < s->n; i++) {
            if (s->s[i].t < t0)
                before = &s->s[i];
            else if (s->s[i].t < t1) {
                sum += s->s[i].v;
                k++;
            }
        }
        /* No sample inside: the one just before, if it is at most a
         * sampling step old (a domain whose processes ended has none). */
        uint64_t step = s->n > 1 ? (last - first) / (s->n - 1) : 0;
        if (k)
            *out = sum / (double)k;
        else if (before && t0 <= before->t + step)
            *out = before->v;
        else
            return false;
        return true;
    }
    if (s->n < 2)
        return false;
    /* Cover the window with samples; allow the ends to be off by half a
     * sampling step (the first sample is taken at the recording's start, the
     * last at its stop, each a little late). */
    uint64_t step = (last - first) / (s->n - 1);
    if (t0 + step / 2 < first || t1 > last + step / 2)
        return false;
    uint64_t a = t0 < first ? first : t0, b = t1 > last ? last : t1;
    if (b <= a)
        return false;
    *out = (at(s, b) - at(s, a)) * 1e9 / (double)(b - a);
    return true;
}

bool xb_counters_has(const struct xb_counters *c, const char *entity,
                     const char *metric)
{
    return find(c, entity, metric) != NULL;
}

int xb_counters_each_entity(const struct xb_counters *c, const char *prefix,
                            int (*fn)(const char *entity, void *ctx), void *ctx)
{
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < c->n; i++) {
        const char *e = c->v[i].entity;
        if (strncmp(e, prefix, plen) != 0)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(c->v[j].entity, e) == 0;
        if (seen)
            continue;
        int rc = fn(e, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

int xb_counters_each_series(const struct xb_counters *c,
                            int (*fn)(const char *entity, const char *metric,
                                      enum xb_series_kind kind, void *ctx),
                            void *ctx)
{
    for (size_t i = 0; c && i < c->n; i++) {
        int rc = fn(c->v[i].entity, c->v[i].metric, c->v[i].kind, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

unsigned xb_counters_metrics(const struct xb_counters *c, const char *entity,
                             uint64_t t0, uint64_t t1, double v[XB_METRIC_MAX])
{
    unsigned n = 0;
    for (unsigned i = 0; i < XB_METRIC_MAX; i++)
        v[i] = NAN;
    for (unsigned i = 0; c && i < xb_nmetrics; i++) {
        double x;
        if (xb_counters_rate(c, entity, xb_metrics[i].counter, t0, t1, &x)) {
            v[i] = x;
            n++;
        }
    }
    return n;
}

void xb_counters_domkey(char *buf, size_t len, uint32_t domid, uint32_t instance)
{
    snprintf(buf, len, "dom:%u.%u", domid, instance);
}

uint64_t xb_timebase_ns(const struct xb_timebase *tb, uint64_t t)
{
    if (t <= tb->t0 || tb->hz == 0)
        return 0;
    unsigned __int128 d = (unsigned __int128)(t - tb->t0) * 1000000000u;
    return (uint64_t)(d / tb->hz);
}

void xb_counters_cpukey(char *buf, size_t len, unsigned cpu)
{
    snprintf(buf, len, "cpu:%u", cpu);
}
