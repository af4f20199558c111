/* xen_sched.c: the Xen scheduler vocabulary, mapped onto the engine.
 *
 * RUNSTATE_CHANGE (TRC_SCHED_MIN + 1) carries old state in bits 8..11 and new
 * state in bits 4..7 of the event id, and {vcpu:16, domid:16} in its first
 * payload word; states follow xen/vcpu.h RUNSTATE_*.  A wake (-> runnable)
 * is emitted on the waking CPU, not the queue, so no queue pCPU is given.
 * A lost-records notice {u32 lost; u16 did, vid; u64 first_tsc} begins a
 * gap at first_tsc and ends it at its own time with vCPU (did, vid) running
 * there (Xen writes it as that vCPU's next record); the reader hands out both
 * halves and each CPU's end (decode/xentrace.h).
 * It must not read the file (xentrace.c), nor charge time (the engine).
 */
#include "xen_sched.h"

#include <xen/trace.h>
#include <xen/vcpu.h>

#define RUNSTATE_MASK 0x0ffff00fu

static const struct xb_xt_match wanted[] = {
    { RUNSTATE_MASK, TRC_SCHED_RUNSTATE_CHANGE },
    { 0x0fffffffu, TRC_SCHED_DOM_ADD },
    { 0x0fffffffu, TRC_SCHED_DOM_REM },
    { 0x0fffffffu, TRC_LOST_RECORDS },
    { 0x0fffffffu, XB_XT_LOST_RECORDS_END },
    { 0x0fffffffu, XB_XT_CPU_END },
};
const struct xb_xt_filter xb_xen_sched_filter = { wanted, sizeof wanted / sizeof wanted[0] };

bool xb_xen_sched_wanted(uint32_t event)
{
    return xb_xt_wanted(&xb_xen_sched_filter, event);
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
    int rc;

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
    case TRC_LOST_RECORDS:
        /* {u32 lost; u16 did, vid; u64 first_tsc}: the reader hands it out
         * at first_tsc (a shorter one: at its own time, and no end) */
        if ((rc = xb_engine_lost_begin(e, t, r->cpu)) || r->split)
            return rc;
        return xb_engine_lost_end(e, t, r->cpu, -1, 0);
    case XB_XT_LOST_RECORDS_END:
        /* the vCPU current on that pCPU when Xen wrote the notice */
        return xb_engine_lost_end(e, t, r->cpu, (int32_t)(r->extra[1] & 0xffff),
                                  r->extra[1] >> 16);
    case XB_XT_CPU_END:
        return xb_engine_pcpu_end(e, r->cpu, t);
    default:
        return 0;
    }
}
