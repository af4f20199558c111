/* engine.c: vCPU timelines, pCPU occupancy and per-window charging.
 *
 * Owns every domain and vCPU it has met, the accumulators of the windows not
 * yet handed out (a ring of slots, one per window) and the run's counts.
 * Time is charged lazily: a vCPU's current state is charged for [since, t)
 * when it changes state, when its time becomes unknown, or when the engine
 * settles (every XB_SETTLE_NS).  A charge is spread over the windows it
 * covers; a window is handed out once settled time has passed its end, so no
 * later record can change it.  See engine.h for the rules.
 * It must not know which source an event came from, nor how a window is
 * shown.
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

struct domain;

struct vcpu {
    uint32_t id;
    struct domain *d;
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
    bool pend_lost;          /* the switch-out came inside a lost gap */
    bool fresh;              /* no record of it yet */
    bool lost;               /* unknown until it is next seen switched in */
    enum xb_unknown_cause cause;   /* of its time while unknown */
    uint64_t born_win;       /* first window that lists it */
    struct xb_acc *acc;      /* [nslot][npcpu + 1] */
};

struct domain {
    uint32_t domid, instance;
    bool removed, idle;
    uint64_t removed_at;
    uint64_t born_win;
    uint32_t cap;            /* size of by_vcpu */
    struct vcpu **by_vcpu;   /* indexed by vcpu id */
    uint32_t nvcpu;
    struct vcpu **sorted;    /* [nvcpu], by vcpu id */
};

struct pcpu {
    struct vcpu *occ;        /* running vCPU, or NULL: occupant unknown */
    uint64_t since;          /* occ NULL: start of its uncharged unknown time */
    uint64_t start;          /* records complete from here (UINT64_MAX: ?) */
    bool in_gap;             /* inside a lost-records gap */
    bool gap_unknown;        /* its unknown time comes from a gap */
    bool ended;              /* its last record has passed */
    bool occupied;           /* some vCPU was switched in on it (dating
                              * back no longer applies, even when it left
                              * at the very start) */
};

struct xb_engine {
    unsigned npcpu, ncol, nslot;
    uint64_t interval_ns;
    uint64_t first_win;      /* oldest window not handed out */
    uint64_t now;            /* latest time seen */
    uint64_t settled;        /* charges before this are final */
    xb_window_fn cb;
    void *ctx;
    struct pcpu *pcpus;
    uint64_t *punk;          /* [nslot][npcpu]: pCPU unknown time */
    uint64_t *mism;          /* [nslot]: contradictions */
    struct domain **doms;    /* sorted by (domid, instance) */
    unsigned ndom, domcap;
    struct domain **by_domid;/* latest instance per 16-bit domid */
    struct vcpu **all;       /* every vCPU */
    size_t nall, allcap;
    struct xb_domain_acc *view;
    unsigned viewcap;
    struct xb_vcpu_acc *vview;
    size_t vviewcap;
    unsigned lost_cpus;      /* pCPUs inside a gap */
    struct xb_engine_stats st;
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

/* ---- windows ---- */

static uint64_t win_of(const struct xb_engine *e, uint64_t t)
{
    return e->interval_ns ? t / e->interval_ns : 0;
}

static uint64_t win_start(const struct xb_engine *e, uint64_t i)
{
    return i * e->interval_ns;
}

static uint64_t win_end(const struct xb_engine *e, uint64_t i)
{
    if (!e->interval_ns || i + 1 > UINT64_MAX / e->interval_ns)
        return UINT64_MAX;
    return (i + 1) * e->interval_ns;
}

/* Add [a, b) of state st to column col of an accumulator ring (stride: the
 * columns of one slot), window by window. */
static void spread(const struct xb_engine *e, struct xb_acc *acc, unsigned col,
                   int st, uint64_t a, uint64_t b)
{
    uint64_t lo = win_start(e, e->first_win);
    if (a < lo)
        a = lo;               /* cannot happen: charges start at settled */
    while (a < b) {
        uint64_t i = win_of(e, a), end = win_end(e, i);
        uint64_t hi = b < end ? b : end;
        acc[(i % e->nslot) * e->ncol + col].ns[st] += hi - a;
        a = hi;
    }
}

static void spread_punk(struct xb_engine *e, unsigned p, uint64_t a, uint64_t b)
{
    uint64_t lo = win_start(e, e->first_win);
    if (a < lo)
        a = lo;
    while (a < b) {
        uint64_t i = win_of(e, a), end = win_end(e, i);
        uint64_t hi = b < end ? b : end;
        e->punk[(i % e->nslot) * e->npcpu + p] += hi - a;
        a = hi;
    }
}

static struct xb_acc *acc_at(const struct xb_engine *e, struct vcpu *v,
                             uint64_t t, unsigned col)
{
    return &v->acc[(win_of(e, t) % e->nslot) * e->ncol + col];
}

static void contradiction(struct xb_engine *e, uint64_t t)
{
    e->mism[win_of(e, t) % e->nslot]++;
    e->st.contradictions++;
}

/* ---- construction ---- */

struct xb_engine *xb_engine_new(unsigned npcpu, uint64_t interval_ns,
                                xb_window_fn cb, void *ctx)
{
    if (interval_ns && interval_ns < XB_MIN_INTERVAL_NS)
        return NULL;
    struct xb_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->npcpu = npcpu;
    e->ncol = npcpu + 1;
    e->interval_ns = interval_ns;
    /* open windows: from the one holding `settled` (at least now - 2 *
     * XB_SETTLE_NS) to the one holding now */
    e->nslot = interval_ns ? (unsigned)((2 * XB_SETTLE_NS + interval_ns - 1) /
                                        interval_ns) + 3 : 1;
    e->cb = cb;
    e->ctx = ctx;
    e->pcpus = calloc(npcpu ? npcpu : 1, sizeof *e->pcpus);
    e->punk = calloc((size_t)e->nslot * (npcpu ? npcpu : 1), sizeof *e->punk);
    e->mism = calloc(e->nslot, sizeof *e->mism);
    e->by_domid = calloc(65536, sizeof *e->by_domid);
    if (!e->pcpus || !e->punk || !e->mism || !e->by_domid) {
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
    for (size_t i = 0; i < e->nall; i++) {
        free(e->all[i]->acc);
        free(e->all[i]);
    }
    for (unsigned i = 0; i < e->ndom; i++) {
        free(e->doms[i]->by_vcpu);
        free(e->doms[i]->sorted);
        free(e->doms[i]);
    }
    free(e->all);
    free(e->doms);
    free(e->by_domid);
    free(e->pcpus);
    free(e->punk);
    free(e->mism);
    free(e->view);
    free(e->vview);
    free(e);
}

static int cmp_dom(const struct domain *a, const struct domain *b)
{
    if (a->domid != b->domid)
        return a->domid < b->domid ? -1 : 1;
    return a->instance < b->instance ? -1 : a->instance > b->instance;
}

static struct domain *domain_new(struct xb_engine *e, uint32_t domid,
                                 uint32_t instance, uint64_t t)
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
    d->idle = domid == XB_IDLE_DOMID;
    d->born_win = win_of(e, t);
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
    if (d && d->removed) {
        /* A removed domain does not run again: either its domid was reused
         * by a domain whose DOM_ADD was not recorded, or the trace
         * contradicts the removal.  A new instance, counted. */
        e->st.after_removal++;
        contradiction(e, t);
    }
    if (!d || d->removed)
        d = domain_new(e, domid, d ? d->instance + 1 : 0, t);
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
    struct vcpu **s = realloc(d->sorted, (d->nvcpu + 1) * sizeof *s);
    if (!s)
        return NULL;
    d->sorted = s;
    if (e->nall == e->allcap) {
        size_t cap = e->allcap ? 2 * e->allcap : 64;
        struct vcpu **a = realloc(e->all, cap * sizeof *a);
        if (!a)
            return NULL;
        e->all = a;
        e->allcap = cap;
    }
    struct vcpu *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->acc = calloc((size_t)e->nslot * e->ncol, sizeof *v->acc);
    if (!v->acc) {
        free(v);
        return NULL;
    }
    v->id = id;
    v->d = d;
    v->state = XB_UNKNOWN;
    v->cause = XB_UNK_BEFORE;
    v->born_win = win_of(e, t);
    v->since = v->entered = win_start(e, v->born_win);
    v->cur_pcpu = v->last_pcpu = v->queue_pcpu = v->pend_pcpu = -1;
    v->fresh = true;
    d->by_vcpu[id] = v;
    unsigned i = d->nvcpu++;
    while (i > 0 && s[i - 1]->id > id) {
        s[i] = s[i - 1];
        i--;
    }
    s[i] = v;
    e->all[e->nall++] = v;
    return v;
}

/* ---- charging ---- */

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
    spread(e, v->acc, (unsigned)p, v->state, v->since, t);
    if (v->state == XB_UNKNOWN && !v->d->idle) {
        e->st.unknown_ns[v->cause] += t - v->since;
        e->st.unknown_vcpu_ns += t - v->since;
    }
    v->since = t;
}

/* Charge pCPU p's unknown time up to t (when it has no occupant). */
static void punk_charge(struct xb_engine *e, unsigned p, uint64_t t)
{
    struct pcpu *pc = &e->pcpus[p];
    if (pc->occ || t <= pc->since)
        return;
    spread_punk(e, p, pc->since, t);
    e->st.pcpu_unknown_ns += t - pc->since;
    if (pc->gap_unknown)
        e->st.pcpu_lost_ns += t - pc->since;
    pc->since = t;
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
        p->gap_unknown = p->in_gap;
    }
    v->cur_pcpu = -1;
}

/* From t (charged up to t) v's state is unknown. */
static void set_unknown(struct xb_engine *e, struct vcpu *v, uint64_t t,
                        enum xb_unknown_cause cause, bool lost)
{
    (void)e;
    v->state = XB_UNKNOWN;
    v->entered = t;
    v->cause = cause;
    v->lost = lost;
    v->queue_pcpu = -1;
}

/* Leave running at t into new_state (t >= since). */
static void switch_out(struct xb_engine *e, struct vcpu *v, uint64_t t,
                       enum xb_state new_state, int queue, bool lost)
{
    charge(e, v, t, -1);
    vacate(e, v, t);
    if (lost) {
        set_unknown(e, v, t, XB_UNK_LOST, true);
        return;
    }
    v->state = new_state;
    v->entered = t;
    v->queue_pcpu = queue;
    if (new_state == XB_UNKNOWN)
        v->cause = XB_UNK_SOURCE;
}

/* A switch-out that no switch-in on its pCPU dated: take its own time. */
static void settle_pending(struct xb_engine *e, struct vcpu *v)
{
    if (v->pend_pcpu < 0)
        return;
    uint64_t t = v->pend_t > v->since ? v->pend_t : v->since;
    v->pend_pcpu = -1;
    switch_out(e, v, t, v->pend_state, v->pend_queue, v->pend_lost);
}

/* v's time from `from` (its last charged instant if later) to t is unknown,
 * and stays so.  A running vCPU's pCPU is then unknown too. */
static void forget(struct xb_engine *e, struct vcpu *v, uint64_t from, uint64_t t,
                   enum xb_unknown_cause cause)
{
    settle_pending(e, v);
    if (from < v->since)
        from = v->since;
    if (from > t)
        from = t;
    charge(e, v, from, -1);
    if (v->state == XB_RUNNING) {
        unsigned p = (unsigned)v->cur_pcpu;
        struct pcpu *pc = &e->pcpus[p];
        if (pc->occ == v) {
            pc->occ = NULL;
            pc->since = from;
            pc->gap_unknown = cause == XB_UNK_LOST || pc->in_gap;
            punk_charge(e, p, t);
        }
        v->cur_pcpu = -1;
    }
    set_unknown(e, v, from, cause, false);
    charge(e, v, t, -1);
}

/* Lost records: v is unknown from t until it is next seen switched in. */
static void lose(struct xb_engine *e, struct vcpu *v, uint64_t t)
{
    if (v->d->removed)
        return;
    if (v->lost && v->state == XB_UNKNOWN) {
        v->entered = t;        /* lost again: the open interval starts anew */
        return;
    }
    forget(e, v, t, t, XB_UNK_LOST);
    v->lost = true;
}

/* ---- handing windows out ---- */

static int flush(struct xb_engine *e, uint64_t i, uint64_t t_end, bool final)
{
    if (e->ndom > e->viewcap) {
        struct xb_domain_acc *n = realloc(e->view, e->ndom * sizeof *n);
        if (!n)
            return -1;
        e->view = n;
        e->viewcap = e->ndom;
    }
    if (e->nall > e->vviewcap) {
        struct xb_vcpu_acc *n = realloc(e->vview, e->nall * sizeof *n);
        if (!n)
            return -1;
        e->vview = n;
        e->vviewcap = e->nall;
    }
    unsigned slot = (unsigned)(i % e->nslot), nview = 0;
    uint64_t ws = win_start(e, i);
    size_t nv = 0;
    for (unsigned k = 0; k < e->ndom; k++) {
        struct domain *d = e->doms[k];
        if (d->born_win > i || (d->removed && d->removed_at <= ws))
            continue;            /* not yet there, or gone before this window */
        struct xb_domain_acc *a = &e->view[nview++];
        a->domid = d->domid;
        a->instance = d->instance;
        a->vcpus = e->vview ? &e->vview[nv] : NULL;   /* none yet: no vCPU anywhere */
        a->nvcpu = 0;
        for (uint32_t j = 0; j < d->nvcpu; j++) {
            struct vcpu *v = d->sorted[j];
            if (v->born_win > i)
                continue;
            struct xb_vcpu_acc *o = &e->vview[nv++];
            o->vcpu = v->id;
            o->pcpu = &v->acc[(size_t)slot * e->ncol];
            o->final_state = v->state;
            o->final_since_ns = v->entered;
            a->nvcpu++;
        }
    }
    struct xb_window w = {
        .t_start_ns = ws,
        .t_end_ns = t_end,
        .index = (unsigned)i,
        .npcpu = e->npcpu,
        .ndomain = nview,
        .domains = e->view,
        .pcpu_unknown_ns = &e->punk[(size_t)slot * e->npcpu],
        .mismatches = e->mism[slot],
        .final = final,
    };
    int rc = e->cb ? e->cb(&w, e->ctx) : 0;
    for (size_t k = 0; k < e->nall; k++)
        memset(&e->all[k]->acc[(size_t)slot * e->ncol], 0,
               e->ncol * sizeof(struct xb_acc));
    memset(&e->punk[(size_t)slot * e->npcpu], 0, e->npcpu * sizeof *e->punk);
    e->mism[slot] = 0;
    e->first_win = i + 1;
    return rc;
}

/* Charge every open interval up to c (c >= settled, <= now) and hand out
 * the windows that end by c. */
static int settle(struct xb_engine *e, uint64_t c)
{
    for (size_t k = 0; k < e->nall; k++) {
        struct vcpu *v = e->all[k];
        if (v->pend_pcpu >= 0 && v->pend_t <= c)
            settle_pending(e, v);
        charge(e, v, c, -1);
    }
    for (unsigned p = 0; p < e->npcpu; p++)
        punk_charge(e, p, c);
    e->settled = c;
    while (e->interval_ns && win_end(e, e->first_win) <= c) {
        int rc = flush(e, e->first_win, win_end(e, e->first_win), false);
        if (rc)
            return rc;
    }
    return 0;
}

int xb_engine_advance(struct xb_engine *e, uint64_t t)
{
    if (e->failed)
        return e->cb_rc;
    if (t > e->now)
        e->now = t;
    if (e->interval_ns && win_of(e, e->now) >= XB_MAX_WINDOWS) {
        e->failed = true;
        e->cb_rc = XB_ENGINE_TOO_MANY_WINDOWS;
        return e->cb_rc;
    }
    uint64_t g = e->now / XB_SETTLE_NS;
    if (g < 2)
        return 0;
    uint64_t target = (g - 1) * XB_SETTLE_NS;
    /* In steps no longer than a window (or a settling step), so that no
     * charge spans more open windows than the ring holds; one window:
     * straight to the target.  Without a record in between, the steps
     * charge what one step to the target would: only the target counts. */
    uint64_t step = e->interval_ns > XB_SETTLE_NS ? e->interval_ns : XB_SETTLE_NS;
    while (e->settled < target) {
        uint64_t c = e->interval_ns && target - e->settled > step
                     ? e->settled + step : target;
        int rc = settle(e, c);
        if (rc) {
            e->failed = true;
            e->cb_rc = rc;
            return rc;
        }
    }
    return 0;
}

/* ---- transitions ---- */

int xb_engine_transition(struct xb_engine *e, uint64_t t, unsigned pcpu,
                         uint32_t domid, uint32_t vid, enum xb_state old,
                         enum xb_state new_state, int queue_pcpu)
{
    int rc = xb_engine_advance(e, t);
    if (rc)
        return rc;
    if (pcpu >= e->npcpu || new_state >= XB_NSTATES || vid > XB_MAX_VCPU_ID)
        return 0;
    t = e->now;              /* time does not go back */
    struct vcpu *v = vcpu_get(e, domid, vid, t);
    if (!v)
        return -1;
    struct pcpu *p = &e->pcpus[pcpu];
    bool first = v->fresh;
    if (v->fresh) {
        v->fresh = false;
        if (old == XB_RUNNING && !p->occ && !p->occupied && p->start <= t &&
            p->start >= p->since && !p->in_gap && !p->ended) {
            /* It was running on pcpu since that pCPU's records began. */
            uint64_t bw = win_of(e, p->start);
            if (bw < v->born_win) {
                v->born_win = bw;
                v->since = v->entered = win_start(e, bw);
                if (v->d->born_win > bw)
                    v->d->born_win = bw;
            }
            charge(e, v, p->start, -1);
            punk_charge(e, pcpu, p->start);
            v->state = XB_RUNNING;
            v->entered = p->start;
            v->cur_pcpu = v->last_pcpu = (int)pcpu;
            p->occ = v;
            p->occupied = true;
        }
    }
    if (v->lost) {
        /* Unknown since lost records, until it is seen switched in. */
        if (new_state != XB_RUNNING)
            return 0;
        old = XB_UNKNOWN;
    }
    if (v->pend_pcpu >= 0) {
        if (new_state == XB_RUNNING && (int)pcpu == v->pend_pcpu && p->occ == v) {
            /* Switched out and straight back in: it never left. */
            v->pend_pcpu = -1;
            acc_at(e, v, t, pcpu)->execs++;
            return 0;
        }
        settle_pending(e, v);
    }
    if (old != XB_UNKNOWN && v->state != old && v->state != XB_UNKNOWN) {
        contradiction(e, t);
        forget(e, v, v->since, t, XB_UNK_CONTRADICTION);
    }

    if (new_state == XB_RUNNING) {
        if (v->state == XB_RUNNING) {
            if (v->cur_pcpu == (int)pcpu)
                return 0;
            switch_out(e, v, t, XB_UNKNOWN, -1, false);
        }
        struct vcpu *o = p->occ;
        if (o && o->pend_pcpu == (int)pcpu) {
            /* The switch-out this switch-in completes: date it now. */
            o->pend_pcpu = -1;
            switch_out(e, o, t, o->pend_state, o->pend_queue, o->pend_lost);
        } else if (o) {
            /* Two vCPUs running on one pCPU: the older claim is stale. */
            contradiction(e, t);
            forget(e, o, o->since, t, XB_UNK_CONTRADICTION);
        }
        punk_charge(e, pcpu, t);
        charge(e, v, t, (int)pcpu);
        v->state = XB_RUNNING;
        v->entered = t;
        v->cur_pcpu = v->last_pcpu = (int)pcpu;
        v->queue_pcpu = -1;
        v->lost = false;
        p->occ = v;
        p->occupied = true;
        p->ended = false;
        acc_at(e, v, t, pcpu)->execs++;
        return 0;
    }

    /* Inside a lost gap, a vCPU (idle ones aside) that stops running may
     * run on the pCPU whose records are lost: unknown until seen again. */
    bool lost = e->lost_cpus > 0 && !v->d->idle;
    if (v->state == XB_RUNNING) {
        if (v->cur_pcpu == (int)pcpu && new_state != XB_UNKNOWN) {
            v->pend_pcpu = (int)pcpu;
            v->pend_t = t;
            v->pend_state = new_state;
            v->pend_queue = queue_pcpu;
            v->pend_lost = lost;
        } else {
            switch_out(e, v, t, new_state, queue_pcpu, lost);
        }
        return 0;
    }
    charge(e, v, t, -1);
    v->state = new_state;
    v->entered = t;
    v->queue_pcpu = new_state == XB_RUNNABLE ? queue_pcpu : -1;
    if (new_state == XB_UNKNOWN)
        v->cause = XB_UNK_SOURCE;
    /* Not seen running yet: the source may say where it last ran. */
    if (new_state != XB_RUNNABLE && v->last_pcpu < 0 && queue_pcpu >= 0 &&
        (unsigned)queue_pcpu < e->npcpu)
        v->last_pcpu = queue_pcpu;
    if (first && e->lost_cpus > 0)
        lose(e, v, t);         /* first seen inside a gap, not running */
    return 0;
}

int xb_engine_restate(struct xb_engine *e, uint64_t t, uint32_t domid,
                      uint32_t vid, enum xb_state state)
{
    int rc = xb_engine_advance(e, t);
    if (rc || state >= XB_NSTATES)
        return rc;
    struct domain *d = e->by_domid[domid & 0xffff];
    struct vcpu *v = d && !d->removed && vid < d->cap ? d->by_vcpu[vid] : NULL;
    if (!v || v->state != XB_UNKNOWN || v->cause != XB_UNK_SOURCE || v->lost)
        return 0;
    v->state = state;          /* [since, t) is charged so at its next change */
    return 0;
}

void xb_engine_pcpu_start(struct xb_engine *e, unsigned pcpu, uint64_t t)
{
    if (pcpu < e->npcpu)
        e->pcpus[pcpu].start = t;
}

int xb_engine_pcpu_end(struct xb_engine *e, unsigned pcpu, uint64_t t)
{
    int rc = xb_engine_advance(e, t);
    if (rc || pcpu >= e->npcpu)
        return rc;
    t = e->now;
    struct pcpu *pc = &e->pcpus[pcpu];
    for (size_t k = 0; k < e->nall; k++)
        if (e->all[k]->pend_pcpu == (int)pcpu)
            settle_pending(e, e->all[k]);
    if (pc->occ)
        forget(e, pc->occ, t, t, XB_UNK_CPU_END);
    pc->ended = true;
    return 0;
}

/* The domain's vCPUs are unknown, on no pCPU, from t; it is listed no more
 * in windows that start after t. */
static void remove_domain(struct xb_engine *e, struct domain *d, uint64_t t)
{
    for (uint32_t k = 0; k < d->nvcpu; k++) {
        struct vcpu *v = d->sorted[k];
        forget(e, v, t, t, XB_UNK_REMOVED);
        v->last_pcpu = -1;
        v->lost = false;
    }
    d->removed = true;
    d->removed_at = t;
}

int xb_engine_domain_add(struct xb_engine *e, uint64_t t, uint32_t domid)
{
    int rc = xb_engine_advance(e, t);
    if (rc)
        return rc;
    t = e->now;
    struct domain *d = e->by_domid[domid & 0xffff];
    if (d && !d->removed && d->nvcpu > 0) {
        /* Added while its domid is live: the old domain's DOM_REM was not
         * recorded.  Its vCPUs are unknown from here. */
        e->st.readded++;
        contradiction(e, t);
        remove_domain(e, d, t);
    }
    if (d && d->removed)
        d = domain_new(e, domid, d->instance + 1, t);
    else if (!d)
        d = domain_new(e, domid, 0, t);
    return d ? 0 : -1;
}

int xb_engine_domain_remove(struct xb_engine *e, uint64_t t, uint32_t domid)
{
    int rc = xb_engine_advance(e, t);
    if (rc)
        return rc;
    struct domain *d = e->by_domid[domid & 0xffff];
    if (d && !d->removed)
        remove_domain(e, d, e->now);
    return 0;
}

int xb_engine_lost_begin(struct xb_engine *e, uint64_t t, unsigned pcpu)
{
    int rc = xb_engine_advance(e, t);
    if (rc || pcpu >= e->npcpu)
        return rc;
    t = e->now;
    e->st.lost_gaps++;
    struct pcpu *pc = &e->pcpus[pcpu];
    /* a switch-out waiting for its dating switch-in has left running */
    for (size_t k = 0; k < e->nall; k++)
        settle_pending(e, e->all[k]);
    if (pc->occ) {
        lose(e, pc->occ, t);
    } else {
        punk_charge(e, pcpu, t);
        pc->gap_unknown = true;
    }
    /* Any vCPU not running may run on the pCPU whose records are lost. */
    for (size_t k = 0; k < e->nall; k++)
        if (e->all[k]->state != XB_RUNNING && !e->all[k]->fresh)
            lose(e, e->all[k], t);
    if (!pc->in_gap) {
        pc->in_gap = true;
        e->lost_cpus++;
    }
    return 0;
}

int xb_engine_lost_end(struct xb_engine *e, uint64_t t, unsigned pcpu,
                       int32_t cur_domid, uint32_t cur_vcpu)
{
    int rc = xb_engine_advance(e, t);
    if (rc || pcpu >= e->npcpu)
        return rc;
    struct pcpu *pc = &e->pcpus[pcpu];
    if (pc->in_gap) {
        pc->in_gap = false;
        e->lost_cpus--;
    }
    if (cur_domid < 0)
        return 0;
    return xb_engine_transition(e, t, pcpu, (uint32_t)cur_domid, cur_vcpu,
                                XB_UNKNOWN, XB_RUNNING, -1);
}

/* A final window shorter than 1/XB_SLIVER_DIV of the interval joins the
 * one before, if that one is still open (it is when the sliver is shorter
 * than XB_SETTLE_NS): its accumulators are added there; what the sliver
 * lists for the first time was unknown, on no pCPU, in the window before. */
static void merge_last(struct xb_engine *e, uint64_t last)
{
    unsigned from = (unsigned)(last % e->nslot), to = (unsigned)((last - 1) % e->nslot);
    for (size_t k = 0; k < e->nall; k++) {
        struct vcpu *v = e->all[k];
        struct xb_acc *a = &v->acc[(size_t)from * e->ncol];
        struct xb_acc *b = &v->acc[(size_t)to * e->ncol];
        for (unsigned c = 0; c < e->ncol; c++) {
            for (int st = 0; st < XB_NSTATES; st++)
                b[c].ns[st] += a[c].ns[st];
            b[c].execs += a[c].execs;
        }
        memset(a, 0, e->ncol * sizeof *a);
        if (v->born_win == last) {
            b[e->npcpu].ns[XB_UNKNOWN] += e->interval_ns;
            if (!v->d->idle) {
                e->st.unknown_ns[XB_UNK_BEFORE] += e->interval_ns;
                e->st.unknown_vcpu_ns += e->interval_ns;
            }
            v->born_win = last - 1;
        }
    }
    for (unsigned i = 0; i < e->ndom; i++)
        if (e->doms[i]->born_win == last)
            e->doms[i]->born_win = last - 1;
    for (unsigned p = 0; p < e->npcpu; p++) {
        e->punk[(size_t)to * e->npcpu + p] += e->punk[(size_t)from * e->npcpu + p];
        e->punk[(size_t)from * e->npcpu + p] = 0;
    }
    e->mism[to] += e->mism[from];
    e->mism[from] = 0;
}

int xb_engine_finish(struct xb_engine *e, uint64_t t_end)
{
    int rc = xb_engine_advance(e, t_end);
    if (rc)
        return rc;
    t_end = e->now;
    for (size_t k = 0; k < e->nall; k++) {
        struct vcpu *v = e->all[k];
        settle_pending(e, v);
        charge(e, v, t_end, -1);
    }
    for (unsigned p = 0; p < e->npcpu; p++)
        punk_charge(e, p, t_end);
    e->settled = t_end;
    uint64_t last = t_end ? win_of(e, t_end - 1) : 0;
    if (last < e->first_win)
        last = e->first_win;
    if (last > e->first_win &&
        (t_end - win_start(e, last)) * XB_SLIVER_DIV < e->interval_ns)
        merge_last(e, last--);
    while (e->first_win < last) {
        if ((rc = flush(e, e->first_win, win_end(e, e->first_win), false)))
            return rc;
    }
    return flush(e, last, t_end, true);
}

const struct xb_engine_stats *xb_engine_stats(const struct xb_engine *e)
{
    return &e->st;
}
