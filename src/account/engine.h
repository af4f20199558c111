/* engine.h: the accounting engine, one for every source.
 *
 * Every source (Xen trace, Linux sched events) is reduced to vCPU state
 * transitions "at t_ns, on pcpu, vCPU (domain, vcpu) enters state S".  The
 * engine keeps each vCPU's timeline and each pCPU's occupant, and charges time
 * per window to (domain, vCPU, pCPU, state).  Finished windows are handed to a
 * callback.  The engine allocates when it first meets a domain or vCPU; the
 * transitions themselves allocate nothing.
 *
 * Charging rules (docs/metrics.md has the full text):
 *  - running: to the pCPU it runs on; a switch-out is dated at the next
 *    switch-in on the same pCPU (Xen changes both runstates at one `now`;
 *    the trace stamps them a few hundred cycles apart), so a pCPU's timeline
 *    has no holes between occupants.
 *  - runnable (waited): to the pCPU where the wait ends by running, else the
 *    queue pCPU the source named, else the pCPU it last ran on.
 *  - blocked, offline, unknown: to the pCPU it last ran on.
 *  - a pCPU not yet known to any vCPU is "unplaced" (only in the totals).
 *  - a vCPU's first record that has it leave running on pCPU P dates its run
 *    back to P's first record (xb_engine_pcpu_start), if P had no occupant.
 *  - unknown: before a vCPU's first record, after its domain is removed, in a
 *    lost-records gap (the rule of xenalyze's `lost`, xb_engine_lost_begin),
 *    after its pCPU's last record while it ran there, and whenever a record's
 *    old state contradicts the tracked one (the time since its last state
 *    change is not guessed).
 *  - settling: time is charged when a state ends; at every multiple of
 *    XB_SETTLE_NS of engine time the engine settles every open interval up
 *    to the multiple before (a wait not yet ended goes to its queue or last
 *    pCPU, a switch-out no switch-in dated keeps its own time).  No later
 *    record changes settled time, and a window is handed out once it is
 *    settled: so the windows of any --interval add up, cell by cell, to the
 *    whole-run figures.
 * Conservation: per vCPU, the states add up to the window; per pCPU, the
 * running time of all vCPUs (idle included) plus the pCPU's unknown time adds
 * up to the window.  Both hold exactly, in integer nanoseconds.
 */
#ifndef XB_ENGINE_H
#define XB_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/domain.h"
#include "util/err.h"

enum xb_state {
    XB_RUNNING,
    XB_RUNNABLE,
    XB_BLOCKED,
    XB_OFFLINE,
    XB_UNKNOWN,
    XB_NSTATES
};

/* Open intervals are settled this often (see above): records can change
 * the last 1 to 2 of these, never earlier time; windows are handed out that
 * much later than their end. */
#define XB_SETTLE_NS 500000000ull
/* The shortest --interval: the engine keeps 2 * XB_SETTLE_NS / interval
 * windows open, each with every vCPU's accumulators. */
#define XB_MIN_INTERVAL_NS 10000000ull
/* A final window shorter than interval / XB_SLIVER_DIV (and than
 * XB_SETTLE_NS) joins the one before it, which is then up to 1.1 intervals
 * long. */
#define XB_SLIVER_DIV 10
/* The most windows one run may have (a wrong clock rate or a corrupt
 * timestamp would otherwise make billions). */
#define XB_MAX_WINDOWS 1000000ull

/* Why a vCPU's time is unknown (totals in struct xb_engine_stats). */
enum xb_unknown_cause {
    XB_UNK_BEFORE,         /* before its first record */
    XB_UNK_SOURCE,         /* the source said so (a state it does not know,
                              a repair the decoder could not bound) */
    XB_UNK_LOST,           /* lost records */
    XB_UNK_CONTRADICTION,  /* a record contradicted the tracked state */
    XB_UNK_REMOVED,        /* after its domain was removed */
    XB_UNK_CPU_END,        /* after the last record of the pCPU it ran on */
    XB_UNK_NCAUSE
};

/* Time charged to one (vCPU, pCPU) in one window. */
struct xb_acc {
    uint64_t ns[XB_NSTATES];
    uint64_t execs;            /* switch-ins */
};

struct xb_vcpu_acc {
    uint32_t vcpu;
    struct xb_acc *pcpu;       /* [npcpu + 1]: index npcpu is "unplaced" */
    /* Filled in the last window only: the state the recording ends in and
     * since when (xenalyze --summary leaves this open interval out). */
    enum xb_state final_state;
    uint64_t final_since_ns;
};

struct xb_domain_acc {
    uint32_t domid;
    uint32_t instance;         /* 0, or n for the n-th reuse of this domid */
    uint32_t nvcpu;
    struct xb_vcpu_acc *vcpus; /* sorted by vcpu id */
};

/* A finished window, valid during the callback only. */
struct xb_window {
    uint64_t t_start_ns, t_end_ns; /* relative to the recording's start */
    unsigned index;
    unsigned npcpu;
    unsigned ndomain;
    const struct xb_domain_acc *domains; /* sorted by (domid, instance) */
    const uint64_t *pcpu_unknown_ns;     /* [npcpu]: no known occupant */
    uint64_t mismatches;                 /* records contradicting the state */
    bool final;                          /* the recording's last window */
};

/* Whole-run counts, complete after xb_engine_finish. */
struct xb_engine_stats {
    uint64_t contradictions;   /* records contradicting the tracked state */
    uint64_t after_removal;    /* domids with records after their DOM_REM */
    uint64_t readded;          /* DOM_ADD of a domid still live */
    uint64_t lost_gaps;        /* lost-records notices */
    uint64_t unknown_ns[XB_UNK_NCAUSE];  /* vCPU time, by cause (the idle
                                            domain's left out) */
    uint64_t unknown_vcpu_ns;  /* their sum */
    uint64_t pcpu_unknown_ns;  /* pCPU time with no known occupant */
    uint64_t pcpu_lost_ns;     /* of which inside lost-records gaps */
};

typedef int (*xb_window_fn)(const struct xb_window *w, void *ctx);

struct xb_engine;

/* interval_ns 0 means one window for the whole recording; else it must be
 * at least XB_MIN_INTERVAL_NS (NULL otherwise, as when out of memory). */
struct xb_engine *xb_engine_new(unsigned npcpu, uint64_t interval_ns,
                                xb_window_fn cb, void *ctx);
void xb_engine_free(struct xb_engine *e);

/* Transitions must come in non-decreasing t_ns.  old is the state the source
 * says the vCPU left, or XB_UNKNOWN when the source does not say.
 * queue_pcpu: for a move to runnable, the pCPU whose queue it joins; for a
 * move to another state of a vCPU never seen running, the pCPU the source
 * says it last ran on (blocked time is charged there); else -1.
 * Returns 0, the non-zero value of a window callback that failed, or
 * XB_ENGINE_TOO_MANY_WINDOWS. */
int xb_engine_transition(struct xb_engine *e, uint64_t t_ns, unsigned pcpu,
                         uint32_t domid, uint32_t vcpu, enum xb_state old,
                         enum xb_state new_state, int queue_pcpu);
#define XB_ENGINE_TOO_MANY_WINDOWS (-XB_EINPUT)
int xb_engine_domain_add(struct xb_engine *e, uint64_t t_ns, uint32_t domid);
int xb_engine_domain_remove(struct xb_engine *e, uint64_t t_ns, uint32_t domid);
/* Records of pcpu are lost from t_ns (xenalyze's rule): its occupant and
 * every vCPU not running become unknown from t_ns until each is next seen
 * switched in; until xb_engine_lost_end, a vCPU (idle ones aside) that
 * stops running is unknown the same way. */
int xb_engine_lost_begin(struct xb_engine *e, uint64_t t_ns, unsigned pcpu);
/* The gap on pcpu ends at t_ns; if cur_domid >= 0, the source says that
 * vCPU runs on pcpu from t_ns (Xen's lost-records notice names it). */
int xb_engine_lost_end(struct xb_engine *e, uint64_t t_ns, unsigned pcpu,
                       int32_t cur_domid, uint32_t cur_vcpu);
/* The source learns, at t_ns, that vCPU (domid, vcpu), unknown since the
 * source said so (a transition to XB_UNKNOWN), was in state all along:
 * the time not yet settled becomes that state.  Anything else: no change. */
int xb_engine_restate(struct xb_engine *e, uint64_t t_ns, uint32_t domid,
                      uint32_t vcpu, enum xb_state state);
/* Records of pcpu are complete from t_ns on (its first record): a vCPU whose
 * first record has it leave running there ran there since t_ns, because any
 * earlier switch on that pCPU would have been recorded. */
void xb_engine_pcpu_start(struct xb_engine *e, unsigned pcpu, uint64_t t_ns);
/* pcpu's records end at t_ns (its last record): what ran there is unknown
 * from then, and so is the pCPU. */
int xb_engine_pcpu_end(struct xb_engine *e, unsigned pcpu, uint64_t t_ns);
/* Advance the clock to t_ns without an event (hands out settled windows). */
int xb_engine_advance(struct xb_engine *e, uint64_t t_ns);
/* Close the last window at t_end_ns (the end of the recording). */
int xb_engine_finish(struct xb_engine *e, uint64_t t_end_ns);
const struct xb_engine_stats *xb_engine_stats(const struct xb_engine *e);

const char *xb_state_name(enum xb_state s);

#endif
