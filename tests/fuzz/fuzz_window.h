/* fuzz_window.h: what both libFuzzer harnesses check on every window the
 * engine hands out: time runs forward, windows are contiguous and no longer
 * than the interval, the pCPU count is sane, conservation holds
 * (check_window.h), domains and vCPUs are sorted, final states are states,
 * no more windows than the engine allows.
 * A broken promise aborts with the harness's name and the window. */
#ifndef XB_FUZZ_WINDOW_H
#define XB_FUZZ_WINDOW_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "account/engine.h"
#include "check_window.h"


struct xb_fuzz_check {
    const char *name;          /* the harness, in messages */
    unsigned max_npcpu;        /* windows may not have more pCPUs */
    uint64_t interval;         /* 0: one window */
    unsigned windows;          /* seen so far */
    uint64_t next_start;       /* t_start_ns the next window must have */
    uint64_t digest;           /* something computed from every accumulator */
};

static inline void xb_fuzz_broken(const char *name, const struct xb_window *w,
                                  const char *what, unsigned a, unsigned b,
                                  uint64_t got)
{
    fprintf(stderr, "%s: window %u [%llu, %llu) ns: %s (%u, %u): %llu\n", name,
            w ? w->index : 0, w ? (unsigned long long)w->t_start_ns : 0,
            w ? (unsigned long long)w->t_end_ns : 0, what, a, b,
            (unsigned long long)got);
    abort();
}

/* The engine's window callback; ctx is a struct xb_fuzz_check. */
static inline int xb_fuzz_on_window(const struct xb_window *w, void *ctx)
{
    struct xb_fuzz_check *c = ctx;
    uint64_t len = w->t_end_ns - w->t_start_ns;

    if (w->t_end_ns < w->t_start_ns)
        xb_fuzz_broken(c->name, w, "window ends before it starts", 0, 0, 0);
    if (w->index != c->windows || w->t_start_ns != c->next_start)
        xb_fuzz_broken(c->name, w, "windows not contiguous", w->index,
                       c->windows, c->next_start);
    /* the last may hold a sliver: up to 1 + 1/XB_SLIVER_DIV intervals */
    if (c->interval ? len > (w->final ? c->interval + c->interval / XB_SLIVER_DIV
                                      : c->interval)
                    : c->windows > 0)
        xb_fuzz_broken(c->name, w, "window too long (or a 2nd one with no "
                       "interval)", 0, 0, len);
    /* the engine stops before more (XB_ENGINE_TOO_MANY_WINDOWS): the work
     * an input can cause is the engine's own limit, not the harness's */
    if (c->windows >= XB_MAX_WINDOWS)
        xb_fuzz_broken(c->name, w, "more windows than XB_MAX_WINDOWS", 0, 0,
                       c->windows);
    if (w->npcpu > c->max_npcpu)
        xb_fuzz_broken(c->name, w, "too many pCPUs", w->npcpu, 0, 0);
    c->windows++;
    c->next_start = w->t_end_ns;
    c->digest += w->mismatches;

    if (xb_check_conservation(w))
        xb_fuzz_broken(c->name, w, "conservation (see above)", 0, 0, 0);
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        if (i > 0 && (d[-1].domid > d->domid ||
                      (d[-1].domid == d->domid && d[-1].instance >= d->instance)))
            xb_fuzz_broken(c->name, w, "domains not sorted", d->domid,
                           d->instance, 0);
        for (unsigned k = 0; k < d->nvcpu; k++) {
            const struct xb_vcpu_acc *v = &d->vcpus[k];
            if (k > 0 && v[-1].vcpu >= v->vcpu)
                xb_fuzz_broken(c->name, w, "vCPUs not sorted", d->domid, v->vcpu, 0);
            for (unsigned p = 0; p <= w->npcpu; p++)
                c->digest += v->pcpu[p].execs;
            if (w->final && (unsigned)v->final_state >= XB_NSTATES)
                xb_fuzz_broken(c->name, w, "bad final state", d->domid, v->vcpu,
                               v->final_state);
        }
    }
    return 0;
}

#endif
