/* xen_sched.h: Xen scheduler records -> accounting engine transitions.
 *
 * Knows which xentrace events carry vCPU runstates (RUNSTATE_CHANGE, with the
 * old and new state in the event id), domain creation and removal, and
 * lost-records notices, and how to turn their TSCs into nanoseconds.
 */
#ifndef XB_XEN_SCHED_H
#define XB_XEN_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "account/engine.h"
#include "decode/xentrace.h"

/* Filter for xb_xtrace_set_filter: the records xb_xen_sched_feed uses. */
bool xb_xen_sched_wanted(uint32_t event);
/* The same as a filter for the reader (xb_xtrace_set_filter). */
extern const struct xb_xt_filter xb_xen_sched_filter;

struct xb_tsc_clock {
    uint64_t tsc0;           /* TSC of time 0 */
    uint64_t hz;
};

static inline uint64_t xb_tsc_to_ns(const struct xb_tsc_clock *c, uint64_t tsc)
{
    if (tsc <= c->tsc0)
        return 0;
    unsigned __int128 ns = (unsigned __int128)(tsc - c->tsc0) * 1000000000u / c->hz;
    return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

/* Feed one record.  Returns 0, or what the engine returned. */
int xb_xen_sched_feed(struct xb_engine *e, const struct xb_tsc_clock *clk,
                      const struct xb_xrec *r);

#endif
