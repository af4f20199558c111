/* synth_window.h: engine windows made by hand, for the presenters' tests
 * and benchmarks (tests/test_prom.c, bench/serve_metrics.c).  A window has
 * ndom domains (ids 1..ndom, plus the idle domain when idle), each with
 * nvcpu vCPUs over npcpu pCPUs; every vCPU's states add up to the window
 * (conservation), split by a fixed rule so that figures are known.  Freed
 * with xb_window_free (account/window.h). */
#ifndef XB_SYNTH_WINDOW_H
#define XB_SYNTH_WINDOW_H

#include <stdint.h>
#include <stdlib.h>

#include "account/engine.h"
#include "account/window.h"

/* vCPU k of domain d on pCPU p: running r = len / (npcpu * (k + 2)) ... the
 * rest of that pCPU's share blocked, and the unplaced column unknown 0. */
static inline struct xb_window *synth_window(unsigned ndom, unsigned nvcpu,
                                             unsigned npcpu, uint64_t t0_ns,
                                             uint64_t len_ns, unsigned index)
{
    struct xb_window *w = calloc(1, sizeof *w);
    struct xb_domain_acc *d = calloc(ndom, sizeof *d);
    uint64_t *unk = calloc(npcpu, sizeof *unk);
    if (!w || !d || !unk)
        abort();
    w->t_start_ns = t0_ns;
    w->t_end_ns = t0_ns + len_ns;
    w->index = index;
    w->npcpu = npcpu;
    w->ndomain = ndom;
    w->domains = d;
    w->pcpu_unknown_ns = unk;
    for (unsigned i = 0; i < ndom; i++) {
        d[i].domid = i + 1;
        d[i].nvcpu = nvcpu;
        d[i].vcpus = calloc(nvcpu, sizeof *d[i].vcpus);
        if (!d[i].vcpus)
            abort();
        for (unsigned k = 0; k < nvcpu; k++) {
            struct xb_vcpu_acc *v = &d[i].vcpus[k];
            v->vcpu = k;
            if (!(v->pcpu = calloc(npcpu + 1, sizeof *v->pcpu)))
                abort();
            uint64_t share = len_ns / npcpu, left = len_ns;
            for (unsigned p = 0; p < npcpu; p++) {
                uint64_t s = p + 1 < npcpu ? share : left;
                uint64_t run = s / (k + 2), wait = s / 10;
                v->pcpu[p].ns[XB_RUNNING] = run;
                v->pcpu[p].ns[XB_RUNNABLE] = wait;
                v->pcpu[p].ns[XB_BLOCKED] = s - run - wait;
                v->pcpu[p].execs = 10 + p;
                left -= s;
            }
        }
    }
    return w;
}

#endif
