/* ring.c: window summaries and the ring that keeps the last of them (see
 * ring.h).  The figures come from xb_window_dom_sum and xb_present_dom_metrics,
 * the sums every presenter prints, so the dashboard shows report's numbers.
 * It must not keep a pointer into a window past its callback. */
#include "ring.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "account/window.h"
#include "present/present.h"

static const enum xb_state ws_state[XB_WS_N] = {
    [XB_WS_CPU] = XB_RUNNING, [XB_WS_WAITED] = XB_RUNNABLE,
    [XB_WS_BLOCKED] = XB_BLOCKED, [XB_WS_UNKNOWN] = XB_UNKNOWN,
};

void xb_wsum_free(struct xb_wsum *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->ndom; i++)
        free(s->d[i].ns);
    free(s->d);
    free(s);
}

struct xb_wsum *xb_wsum_make(const struct xb_window *w, const struct xb_run_info *info)
{
    struct xb_wsum *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->index = w->index;
    s->t_start_ns = w->t_start_ns;
    s->t_end_ns = w->t_end_ns;
    s->npcpu = w->npcpu;
    if (w->ndomain && !(s->d = calloc(w->ndomain, sizeof *s->d))) {
        free(s);
        return NULL;
    }
    unsigned cols = w->npcpu + 1;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        struct xb_wsum_dom *o = &s->d[s->ndom];
        if (!(o->ns = calloc((size_t)cols * XB_WS_N, sizeof *o->ns))) {
            xb_wsum_free(s);
            return NULL;
        }
        s->ndom++;
        o->domid = d->domid;
        o->instance = d->instance;
        xb_present_domlabel(d, o->label, sizeof o->label);
        char buf[32];
        snprintf(o->name, sizeof o->name, "%s",
                 xb_names_show(info->names, d->domid, buf, sizeof buf));
        for (unsigned c = 0; c < cols; c++) {
            struct xb_acc a;
            xb_window_dom_sum(w, d, -1, c < w->npcpu ? c : XB_COL_TOTAL(w->npcpu), &a);
            for (int st = 0; st < XB_WS_N; st++)
                o->ns[c * XB_WS_N + st] = a.ns[ws_state[st]];
        }
        for (unsigned k = 0; k < XB_METRIC_MAX; k++)
            o->m[k] = NAN;
        if (info->counters)
            xb_present_dom_metrics(w, info, d, o->m);
    }
    return s;
}

double xb_wsum_pct(const struct xb_wsum *s, const struct xb_wsum_dom *d,
                   unsigned col, int state)
{
    uint64_t len = s->t_end_ns - s->t_start_ns;
    return len ? 100.0 * (double)d->ns[col * XB_WS_N + state] / (double)len : 0.0;
}

int xb_wring_init(struct xb_wring *r, unsigned cap)
{
    memset(r, 0, sizeof *r);
    r->cap = cap ? cap : 1;
    r->w = calloc(r->cap, sizeof *r->w);
    return r->w ? 0 : -1;
}

void xb_wring_push(struct xb_wring *r, struct xb_wsum *s)
{
    if (r->n == r->cap) {
        xb_wsum_free(r->w[0]);
        memmove(r->w, r->w + 1, (r->cap - 1) * sizeof *r->w);
        r->n--;
    }
    r->w[r->n++] = s;
}

const struct xb_wsum *xb_wring_find(const struct xb_wring *r, unsigned index)
{
    for (unsigned i = r->n; i-- > 0;)
        if (r->w[i]->index == index)
            return r->w[i];
    return NULL;
}

const struct xb_wsum *xb_wring_last(const struct xb_wring *r)
{
    return r->n ? r->w[r->n - 1] : NULL;
}

void xb_wring_free(struct xb_wring *r)
{
    for (unsigned i = 0; i < r->n; i++)
        xb_wsum_free(r->w[i]);
    free(r->w);
    memset(r, 0, sizeof *r);
}
