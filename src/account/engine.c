/* engine.c: vCPU timelines, pCPU occupancy and per-window charging.
 *
 * Owns every domain and vCPU it has met and the accumulators of the window in
 * progress.  Time is charged lazily: a vCPU's current state is charged for
 * [since, t) when it changes state, when a window closes, or when its time
 * becomes unknown.  See engine.h for the charging rules.
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

struct vcpu {
    uint32_t id;
    enum xb_state state;
    uint64_t since;          /* start of the not yet charged part of state */
    uint64_t entered;        /* when it entered its current state */
    int cur_pcpu;            /* pCPU it occupies while running */
    int last_pcpu;           /* pCPU it last ran on, -1 before it ran */
    int queue_pcpu;          /* runnable: queue named by the source, or -1 */
    int pend_pcpu;           /* switch-out seen, waiting for the next
                                switch-in on that pCPU to date it; or -1 */
    uint64_t pend_t;
    enum xb_state pend_state;
    int pend_queue;
    bool fresh;              /* no record of it yet */
    struct xb_acc *acc;      /* [npcpu + 1] */
};

struct domain {
    uint32_t domid, instance;
    bool removed;
    uint64_t removed_at;
    uint32_t cap;            /* size of by_vcpu */
    struct vcpu **by_vcpu;   /* indexed by vcpu id */
    struct xb_domain_acc pub;
};

struct pcpu {
    struct vcpu *occ;        /* running vCPU, or NULL: occupant unknown */
    uint64_t since;          /* when occ became NULL (for unknown time) */
    uint64_t start;          /* records complete from here (UINT64_MAX: ?) */
};

struct xb_engine {
    unsigned npcpu;
    uint64_t interval_ns, win_start, win_end;
    unsigned win_index;
    xb_window_fn cb;
    void *ctx;
    struct pcpu *pcpus;
    uint64_t *pcpu_unknown_ns;
    uint64_t mismatches;
    struct domain **doms;    /* sorted by (domid, instance) */
    unsigned ndom, domcap;
    struct domain **by_domid;/* latest instance per 16-bit domid */
    struct xb_domain_acc *view;
    unsigned viewcap;
    bool failed;
    int cb_rc;
};

static const char *const state_names[XB_NSTATES] = {
    "running", "runnable", "blocked", "offline", "unknown",
};

const char *xb_state_name(enum xb_state s)
{
    return (unsigned)s < XB_NSTATES ? state_names[s] : "?";
}

struct xb_engine *xb_engine_new(unsigned npcpu, uint64_t interval_ns,
                                xb_window_fn cb, void *ctx)
{
    struct xb_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->npcpu = npcpu;
    e->interval_ns = interval_ns;
    e->win_end = interval_ns ? interval_ns : UINT64_MAX;
    e->cb = cb;
    e->ctx = ctx;
    e->pcpus = calloc(npcpu ? npcpu : 1, sizeof *e->pcpus);
    e->pcpu_unknown_ns = calloc(npcpu ? npcpu : 1, sizeof *e->pcpu_unknown_ns);
    e->by_domid = calloc(65536, sizeof *e->by_domid);
    if (!e->pcpus || !e->pcpu_unknown_ns || !e->by_domid) {
        xb_engine_free(e);
        return NULL;
    }
    for (unsigned p = 0; p < npcpu; p++)
        e->pcpus[p].start = UINT64_MAX;
    return e;
}

void xb_engine_free(struct xb_engine *e)
{
    if (!e)
        return;
    for (unsigned i = 0; i < e->ndom; i++) {
        struct domain *d = e->doms[i];
        for (uint32_t v = 0; v < d->cap; v++) {
            if (d->by_vcpu[v]) {
                free(d->by_vcpu[v]->acc);
                free(d->by_vcpu[v]);
            }
        }
        free(d->by_vcpu);
        free(d->pub.vcpus);
        free(d);
    }
    free(e->doms);
    free(e->by_domid);
    free(e->pcpus);
    free(e->pcpu_unknown_ns);
    free(e->view);
    free(e);
}

static int cmp_dom(const struct domain *a, const struct domain *b)
{
    if (a->domid != b->domid)
        return a->domid < b->domid ? -1 : 1;
    return a->instance < b->instance ? -1 : a->instance > b->instance;
}

static struct domain *domain_new(struct xb_engine *e, uint32_t domid,
                                 uint32_t instance)
{
    if (e->ndom == e->domcap) {
        unsigned cap = e->domcap ? 2 * e->domcap : 16;
        struct domain **n = realloc(e->doms, cap * sizeof *n);
        if (!n)
            return NULL;
        e->doms = n;
        e->domcap = cap;
    }
    struct domain *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->domid = domid;
    d->instance = instance;
    d->pub.domid = domid;
    d->pub.instance = instance;
    unsigned i = e->ndom;
    while (i > 0 && cmp_dom(e->doms[i - 1], d) > 0) {
        e->doms[i] = e->doms[i - 1];
        i--;
    }
    e->doms[i] = d;
    e->ndom++;
    e->by_domid[domid & 0xffff] = d;
    return d;
}

static struct vcpu *vcpu_get(struct xb_engine *e, uint32_t domid, uint32_t id,
                             uint64_t t)
{
    struct domain *d = e->by_domid[domid & 0xffff];
    /* A removed domain does not run again: this is a reuse of its domid
     * whose DOM_ADD was not recorded. */
    if (!d || d->removed)
        d = domain_new(e, domid, d ? d->instance + 1 : 0);
    if (!d)
        return NULL;
    if (id < d->cap && d->by_vcpu[id])
        return d->by_vcpu[id];
    if (id >= d->cap) {
        uint32_t cap = d->cap ? d->cap : 4;
        while (cap <= id)
            cap *= 2;
        struct vcpu **n = realloc(d->by_vcpu, cap * sizeof *n);
        if (!n)
            return NULL;
        memset(n + d->cap, 0, (cap - d->cap) * sizeof *n);
        d->by_vcpu = n;
        d->cap = cap;
    }
    struct xb_vcpu_acc *pv = realloc(d->pub.vcpus,
                                     (d->pub.nvcpu + 1) * sizeof *pv);
    if (!pv)
        return NULL;
    d->pub.vcpus = pv;
    struct vcpu *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->acc = calloc(e->npcpu + 1, sizeof *v->acc);
    if (!v->acc) {
        free(v);
        return NULL;
    }
    v->id = id;
    v->state = XB_UNKNOWN;
    v->since = v->entered = e->win_start > t ? t : e->win_start;
    v->cur_pcpu = v->last_pcpu = v->queue_pcpu = v->pend_pcpu = -1;
    v->fresh = true;
    d->by_vcpu[id] = v;
    unsigned i = d->pub.nvcpu++;
    while (i > 0 && pv[i - 1].vcpu > id) {
        pv[i] = pv[i - 1];
        i--;
    }
    pv[i].vcpu = id;
    pv[i].pcpu = v->acc;
    return v;
}

/* Charge v's current state for [since, t).  end_pcpu: where a runnable
 * interval ends by running, or -1. */
static void charge(struct xb_engine *e, struct vcpu *v, uint64_t t, int end_pcpu)
{
    if (t <= v->since)
        return;
    int p;
    switch (v->state) {
    case XB_RUNNING:
        p = v->cur_pcpu;
        break;
    case XB_RUNNABLE:
        p = end_pcpu >= 0 ? end_pcpu
            : v->queue_pcpu >= 0 ? v->queue_pcpu : v->last_pcpu;
        break;
    default:
        p = v->last_pcpu;
        break;
    }
    if (p < 0 || (unsigned)p >= e->npcpu)
        p = (int)e->npcpu;
    v->acc[p].ns[v->state] += t - v->since;
    v->since = t;
}

/* v stops occupying its pCPU at t; the pCPU's occupant is unknown from t. */
static void vacate(struct xb_engine *e, struct vcpu *v, uint64_t t)
{
    if (v->cur_pcpu < 0)
        return;
    struct pcpu *p = &e->pcpus[v->cur_pcpu];
    if (p->occ == v) {
        p->occ = NULL;
        p->since = t;
    }
    v->cur_pcpu = -1;
}

/* Leave running at t into new_state (t >= since). */
static void switch_out(struct xb_engine *e, struct vcpu *v, uint64_t t,
                       enum xb_state new_state, int queue)
{
    charge(e, v, t, -1);
    vacate(e, v, t);
    v->state = new_state;
    v->entered = t;
    v->queue_pcpu = queue;
}

/* A switch-out that no switch-in on its pCPU dated: take its own time. */
static void settle_pending(struct xb_engine *e, struct vcpu *v)
{
    if (v->pend_pcpu < 0)
        return;
    uint64_t t = v->pend_t > v->since ? v->pend_t : v->since;
    v->pend_pcpu = -1;
    switch_out(e, v, t, v->pend_state, v->pend_queue);
}

/* The time since v's last charge is unknown (the trace contradicts or has
 * lost what happened).  A running vCPU's pCPU is then unknown too. */
static void forget(struct xb_engine *e, struct vcpu *v, uint64_t from, uint64_t t)
{
    settle_pending(e, v);
    if (from < v->since)
        from = v->since;
    if (from > t)
        from = t;
    charge(e, v, from, -1);
    if (v->state == XB_RUNNING) {
        struct pcpu *p = &e->pcpus[v->cur_pcpu];
        if (p->occ == v) {
            e->pcpu_unknown_ns[v->cur_pcpu] += t - from;
            p->occ = NULL;
            p->since = t;
        }
        v->cur_pcpu = -1;
    }
    v->state = XB_UNKNOWN;
    v->entered = from;
    charge(e, v, t, -1);
}

static int flush(struct xb_engine *e, uint64_t t_end, bool final)
{
    for (unsigned i = 0; i < e->ndom; i++) {
        struct domain *d = e->doms[i];
        for (uint32_t k = 0; k < d->pub.nvcpu; k++)
            charge(e, d->by_vcpu[d->pub.vcpus[k].vcpu], t_end, -1);
    }
    for (unsigned p = 0; p < e->npcpu; p++) {
        if (!e->pcpus[p].occ && t_end > e->pcpus[p].since) {
            e->pcpu_unknown_ns[p] += t_end - e->pcpus[p].since;
            e->pcpus[p].since = t_end;
        }
    }
    if (e->ndom > e->viewcap) {
        struct xb_domain_acc *n = realloc(e->view, e->ndom * sizeof *n);
        if (!n)
            return -1;
        e->view = n;
        e->viewcap = e->ndom;
    }
    unsigned nview = 0;
    for (unsigned i = 0; i < e->ndom; i++) {
        struct domain *d = e->doms[i];
        if (d->removed && d->removed_at <= e->win_start)
            continue;            /* gone before this window */
        e->view[nview++] = d->pub;
    }
    struct xb_window w = {
        .t_start_ns = e->win_start,
        .t_end_ns = t_end,
        .index = e->win_index,
        .npcpu = e->npcpu,
        .ndomain = nview,
        .domains = e->view,
        .pcpu_unknown_ns = e->pcpu_unknown_ns,
        .mismatches = e->mismatches,
        .final = final,
    };
    int rc = e->cb ? e->cb(&w, e->ctx) : 0;
    for (unsigned i = 0; i < e->ndom; i++) {
        struct domain *d = e->doms[i];
        for (uint32_t k = 0; k < d->pub.nvcpu; k++)
            memset(d->pub.vcpus[k].pcpu, 0,
                   (e->npcpu + 1) * sizeof(struct xb_acc));
    }
    memset(e->pcpu_unknown_ns, 0, e->npcpu * sizeof *e->pcpu_unknown_ns);
    e->mismatches = 0;
    e->win_start = t_end;
    e->win_index++;
    return rc;
}

int xb_engine_advance(struct xb_engine *e, uint64_t t_ns)
{
    if (e->failed)
        return e->cb_rc;
    /* A window ending at UINT64_MAX stays open until finish(): no wrap. */
    while (t_ns >= e->win_end && e->win_end != UINT64_MAX) {
        int rc = flush(e, e->win_end, false);
        e->win_end = e->win_end > UINT64_MAX - e->interval_ns
                     ? UINT64_MAX : e->win_end + e->interval_ns;
        if (rc) {
            e->failed = true;
            e->cb_rc = rc;
            return rc;
        }
    }
    return 0;
}

int xb_engine_transition(struct xb_engine *e, uint64_t t, unsigned pcpu,
                         uint32_t domid, uint32_t vid, enum xb_state old,
                         enum xb_state new_state, int queue_pcpu)
{
    int rc = xb_engine_advance(e, t);
    if (rc)
        return rc;
    if (pcpu >= e->npcpu || new_state >= XB_NSTATES)
        return 0;
    struct vcpu *v = vcpu_get(e, domid, vid, t);
    if (!v)
        return -1;
    if (v->fresh) {
        v->fresh = false;
        struct pcpu *p = &e->pcpus[pcpu];
        if (old == XB_RUNNING && !p->occ && p->start <= t &&
            p->start >= p->since && p->start >= v->since) {
            /* It was running on pcpu since that pCPU's records began. */
            charge(e, v, p->start, -1);
            e->pcpu_unknown_ns[pcpu] += p->start - p->since;
            v->state = XB_RUNNING;
            v->entered = p->start;
            v->cur_pcpu = v->last_pcpu = (int)pcpu;
            p->occ = v;
        }
    }

    if (v->pend_pcpu >= 0) {
        if (new_state == XB_RUNNING && (int)pcpu == v->pend_pcpu &&
            e->pcpus[pcpu].occ == v) {
            /* Switched out and straight back in: it never left. */
            v->pend_pcpu = -1;
            v->acc[pcpu].execs++;
            return 0;
        }
        settle_pending(e, v);
    }
    if (old != XB_UNKNOWN && v->state != old) {
        if (v->state != XB_UNKNOWN)
            e->mismatches++;
        forget(e, v, v->since, t);
    }

    if (new_state == XB_RUNNING) {
        struct pcpu *p = &e->pcpus[pcpu];
        if (v->state == XB_RUNNING) {
            if (v->cur_pcpu == (int)pcpu)
                return 0;
            switch_out(e, v, t, XB_UNKNOWN, -1);
        }
        struct vcpu *o = p->occ;
        if (o && o->pend_pcpu == (int)pcpu) {
            /* The switch-out this switch-in completes: date it now. */
            o->pend_pcpu = -1;
            switch_out(e, o, t, o->pend_state, o->pend_queue);
        } else if (o) {
            /* Two vCPUs running on one pCPU: the older claim is stale. */
            e->mismatches++;
            forget(e, o, o->since, t);
        }
        if (!p->occ && t > p->since)
            e->pcpu_unknown_ns[pcpu] += t - p->since;
        charge(e, v, t, (int)pcpu);
        v->state = XB_RUNNING;
        v->entered = t;
        v->cur_pcpu = v->last_pcpu = (int)pcpu;
        v->queue_pcpu = -1;
        p->occ = v;
        v->acc[pcpu].execs++;
        return 0;
    }

    if (v->state == XB_RUNNING) {
        if (v->cur_pcpu == (int)pcpu && new_state != XB_UNKNOWN) {
            v->pend_pcpu = (int)pcpu;
            v->pend_t = t;
            v->pend_state = new_state;
            v->pend_queue = queue_pcpu;
        } else {
            switch_out(e, v, t, new_state, queue_pcpu);
        }
        return 0;
    }
    charge(e, v, t, -1);
    v->state = new_state;
    v->entered = t;
    v->queue_pcpu = new_state == XB_RUNNABLE ? queue_pcpu : -1;
    /* Not seen running yet: the source may say where it last ran. */
    if (new_state != XB_RUNNABLE && v->last_pcpu < 0 && queue_pcpu >= 0 &&
        (unsigned)queue_pcpu < e->npcpu)
        v->last_pcpu = queue_pcpu;
    return 0;
}

void xb_engine_pcpu_start(struct xb_engine *e, unsigned pcpu, uint64_t t)
{
    if (pcpu < e->npcpu)
        e->pcpus[pcpu].start = t;
}

int xb_engine_domain_add(struct xb_engine *e, uint64_t t, uint32_t domid)
{
    int rc = xb_engine_advance(e, t);
    if (rc)
        return rc;
    struct domain *d = e->by_domid[domid & 0xffff];
    if (d && (d->pub.nvcpu > 0 || d->removed))
        d = domain_new(e, domid, d->instance + 1);
    else if (!d)
        d = domain_new(e, domid, 0);
    return d ? 0 : -1;
}

int xb_engine_domain_remove(struct xb_engine *e, uint64_t t, uint32_t domid)
{
    int rc = xb_engine_advance(e, t);
    if (rc)
        return rc;
    struct domain *d = e->by_domid[domid & 0xffff];
    if (!d || d->removed)
        return 0;
    for (uint32_t k = 0; k < d->pub.nvcpu; k++)
        forget(e, d->by_vcpu[d->pub.vcpus[k].vcpu], t, t);
    d->removed = true;
    d->removed_at = t;
    return 0;
}

int xb_engine_lost(struct xb_engine *e, uint64_t t, unsigned pcpu,
                   uint64_t gap_start)
{
    int rc = xb_engine_advance(e, t);
    if (rc)
        return rc;
    if (pcpu >= e->npcpu)
        return 0;
    /* Whatever ran on, or last ran on, that pCPU may have changed state in
     * the gap without a trace: its time from the gap on is unknown. */
    for (unsigned i = 0; i < e->ndom; i++) {
        struct domain *d = e->doms[i];
        for (uint32_t k = 0; k < d->pub.nvcpu; k++) {
            struct vcpu *v = d->by_vcpu[d->pub.vcpus[k].vcpu];
            if (v->pend_pcpu == (int)pcpu || v->cur_pcpu == (int)pcpu ||
                v->last_pcpu == (int)pcpu)
                forget(e, v, gap_start, t);
        }
    }
    return 0;
}

int xb_engine_finish(struct xb_engine *e, uint64_t t_end)
{
    /* Close the windows that end before t_end; the one ending at t_end is
     * the final one. */
    int rc = t_end ? xb_engine_advance(e, t_end - 1) : 0;
    if (rc)
        return rc;
    for (unsigned i = 0; i < e->ndom; i++) {
        struct domain *d = e->doms[i];
        for (uint32_t k = 0; k < d->pub.nvcpu; k++) {
            struct vcpu *v = d->by_vcpu[d->pub.vcpus[k].vcpu];
            settle_pending(e, v);
            d->pub.vcpus[k].final_state = v->state;
            d->pub.vcpus[k].final_since_ns = v->entered;
        }
    }
    if (t_end > e->win_start || e->win_index == 0)
        return flush(e, t_end, true);
    return 0;
}
