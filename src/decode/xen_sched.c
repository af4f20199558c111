/* xen_sched.c: the Xen scheduler vocabulary, mapped onto the engine.
 *
 * RUNSTATE_CHANGE (TRC_SCHED_MIN + 1) carries old state in bits 8..11 and new
 * state in bits 4..7 of the event id, and {vcpu:16, domid:16} in its first
 * payload word; states follow xen/vcpu.h RUNSTATE_*.  A wake (-> runnable)
 * is emitted on the waking CPU, not the queue, so no queue pCPU is given.
 */
#include "xen_sched.h"

#include <xen/trace.h>
#include <xen/vcpu.h>

#define RUNSTATE_MASK 0x0ffff00fu

bool xb_xen_sched_wanted(uint32_t event)
{
    return (event & RUNSTATE_MASK) == TRC_SCHED_RUNSTATE_CHANGE ||
           event == TRC_SCHED_DOM_ADD || event == TRC_SCHED_DOM_REM ||
           event == TRC_LOST_RECORDS;
}

static enum xb_state from_xen(unsigned s)
{
    switch (s) {
    case RUNSTATE_running:  return XB_RUNNING;
    case RUNSTATE_runnable: return XB_RUNNABLE;
    case RUNSTATE_blocked:  return XB_BLOCKED;
    case RUNSTATE_offline:  return XB_OFFLINE;
    default:                return XB_UNKNOWN;
    }
}

int xb_xen_sched_feed(struct xb_engine *e, const struct xb_tsc_clock *clk,
                      const struct xb_xrec *r)
{
    uint64_t t = xb_tsc_to_ns(clk, r->tsc);

    if ((r->event & RUNSTATE_MASK) == TRC_SCHED_RUNSTATE_CHANGE) {
        if (r->nextra < 1)
            return 0;
        uint32_t w = r->extra[0];
        return xb_engine_transition(e, t, r->cpu, w >> 16, w & 0xffff,
                                    from_xen((r->event >> 8) & 0xf),
                                    from_xen((r->event >> 4) & 0xf), -1);
    }
    switch (r->event) {
    case TRC_SCHED_DOM_ADD:
        return r->nextra >= 1 ? xb_engine_domain_add(e, t, r->extra[0] & 0xffff) : 0;
    case TRC_SCHED_DOM_REM:
        return r->nextra >= 1 ? xb_engine_domain_remove(e, t, r->extra[0] & 0xffff) : 0;
    case TRC_LOST_RECORDS: {
        /* {u32 lost; u16 did, vid; u64 first_tsc} */
        uint64_t gap = t;
        if (r->nextra >= 4)
            gap = xb_tsc_to_ns(clk, (uint64_t)r->extra[2] |
                                    (uint64_t)r->extra[3] << 32);
        return xb_engine_lost(e, t, r->cpu, gap < t ? gap : t);
    }
    default:
        return 0;
    }
}
