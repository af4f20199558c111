/* window.h: what is read off a finished window: a domain's time summed
 * over vCPUs and pCPUs, as a share of the window; and windows kept past
 * their callback and added up (top's "last 10 s" view over 1 s windows).
 * Every presenter and the history store take their sums from here, so all
 * show the same figures. */
#ifndef XB_ACCOUNT_WINDOW_H
#define XB_ACCOUNT_WINDOW_H

#include "account/engine.h"

/* Column index for the sum over all pCPUs (the "total" column). */
#define XB_COL_TOTAL(npcpu) ((npcpu) + 1)

/* k for xb_window_dom_sum: every emulator thread (vcpu >= XB_VCPU_EMU). */
#define XB_K_EMU (-2)

/* Sum a domain's accumulators: vcpu index k or all vCPUs (k == -1), on pCPU
 * column col: 0..npcpu-1, npcpu (unplaced), or XB_COL_TOTAL (everything). */
void xb_window_dom_sum(const struct xb_window *w, const struct xb_domain_acc *d,
                    int k, unsigned col, struct xb_acc *out);

/* Blocked ns of domain d on column col over the threads that count as its
 * vCPUs (a Linux domain's other threads sleep most of the time and their
 * sum says nothing): with vm, its vCPU threads (vcpu < XB_VCPU_EMU); else
 * its threads that ran in the window, or its first thread when none ran
 * (a process that slept throughout is blocked, one thread's worth). */
uint64_t xb_window_dom_blocked(const struct xb_window *w, const struct xb_domain_acc *d,
                               unsigned col, bool vm);

static inline double xb_window_pct(uint64_t ns, const struct xb_window *w)
{
    uint64_t len = w->t_end_ns - w->t_start_ns;
    return len ? 100.0 * (double)ns / (double)len : 0.0;
}


/* A deep copy of w, or NULL when out of memory. */
struct xb_window *xb_window_dup(const struct xb_window *w);
/* The sum of n windows of the same pCPU count, spanning the first's start to
 * the last's end (domains and vCPUs matched by id), or NULL. */
struct xb_window *xb_window_sum(struct xb_window *const *w, unsigned n);
void xb_window_free(struct xb_window *w);

#endif
