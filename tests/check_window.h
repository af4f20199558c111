/* check_window.h: the conservation property, checked on any window.
 * Per vCPU: its states add up to the window.  Per pCPU: all vCPUs' running
 * time plus the pCPU's unknown time add up to the window. */
#ifndef XB_CHECK_WINDOW_H
#define XB_CHECK_WINDOW_H

#include <stdint.h>
#include <stdio.h>

#include "account/engine.h"

/* 0 when both hold; else prints what broke and returns -1. */
static inline int xb_check_conservation(const struct xb_window *w)
{
    uint64_t len = w->t_end_ns - w->t_start_ns;
    uint64_t run[w->npcpu + 1];
    for (unsigned p = 0; p <= w->npcpu; p++)
        run[p] = 0;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        for (uint32_t k = 0; k < d->nvcpu; k++) {
            uint64_t sum = 0;
            for (unsigned p = 0; p <= w->npcpu; p++) {
                for (int s = 0; s < XB_NSTATES; s++)
                    sum += d->vcpus[k].pcpu[p].ns[s];
                run[p] += d->vcpus[k].pcpu[p].ns[XB_RUNNING];
            }
            if (sum != len) {
                fprintf(stderr, "window %u: d%uv%u states add up to %llu ns, "
                        "window is %llu ns\n", w->index, d->domid,
                        d->vcpus[k].vcpu, (unsigned long long)sum,
                        (unsigned long long)len);
                return -1;
            }
        }
    }
    for (unsigned p = 0; p < w->npcpu; p++) {
        if (run[p] + w->pcpu_unknown_ns[p] != len) {
            fprintf(stderr, "window %u: pCPU %u running %llu + unknown %llu ns "
                    "!= window %llu ns\n", w->index, p,
                    (unsigned long long)run[p],
                    (unsigned long long)w->pcpu_unknown_ns[p],
                    (unsigned long long)len);
            return -1;
        }
    }
    return 0;
}

#endif
