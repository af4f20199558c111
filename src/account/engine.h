/* engine.h: the accounting engine, one for every source.
 *
 * Every source (Xen trace, Linux sched events) is reduced to vCPU state
 * transitions "at t_ns, on pcpu, vCPU (domain, vcpu) enters state S".  The
 * engine keeps each vCPU's timeline and each pCPU's occupant, and charges time
 * per window to (domain, vCPU, pCPU, state).  Finished windows are handed to a
 * callback.  The engine allocates only when it first meets a domain or vCPU;
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
 *    lost-records gap, and whenever a record's old state contradicts the
 *    tracked one (the time in between is not guessed).
 * Conservation: per vCPU, the states add up to the window; per pCPU, the
 * running time of all vCPUs (idle included) plus the pCPU's unknown time adds
 * up to the window.  Both hold exactly, in integer nanoseconds.
 */
#ifndef XB_ENGINE_H
#define XB_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

enum xb_state {
    XB_RUNNING,
    XB_RUNNABLE,
    XB_BLOCKED,
    XB_OFFLINE,
    XB_UNKNOWN,
    XB_NSTATES
};

#define XB_IDLE_DOMID 0x7fffu
/* vCPU indexes from here on are not vCPUs but a domain's other threads (a
 * QEMU process's I/O threads and main loop): shown together as "emu". */
#define XB_VCPU_EMU 1000u

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

typedef int (*xb_window_fn)(const struct xb_window *w, void *ctx);

struct xb_engine;

/* interval_ns 0 means one window for the whole recording. */
struct xb_engine *xb_engine_new(unsigned npcpu, uint64_t interval_ns,
                                xb_window_fn cb, void *ctx);
void xb_engine_free(struct xb_engine *e);

/* Transitions must come in non-decreasing t_ns.  old is the state the source
 * says the vCPU left, or XB_UNKNOWN when the source does not say.
 * queue_pcpu: for a move to runnable, the pCPU whose queue it joins; for a
 * move to another state of a vCPU never seen running, the pCPU the source
 * says it last ran on (blocked time is charged there); else -1.
 * Returns 0, or the non-zero value of a window callback that failed. */
int xb_engine_transition(struct xb_engine *e, uint64_t t_ns, unsigned pcpu,
                         uint32_t domid, uint32_t vcpu, enum xb_state old,
                         enum xb_state new_state, int queue_pcpu);
int xb_engine_domain_add(struct xb_engine *e, uint64_t t_ns, uint32_t domid);
int xb_engine_domain_remove(struct xb_engine *e, uint64_t t_ns, uint32_t domid);
/* Records were lost on pcpu from gap_start_ns until t_ns. */
int xb_engine_lost(struct xb_engine *e, uint64_t t_ns, unsigned pcpu,
                   uint64_t gap_start_ns);
/* Records of pcpu are complete from t_ns on (its first record): a vCPU whose
 * first record has it leave running there ran there since t_ns, because any
 * earlier switch on that pCPU would have been recorded. */
void xb_engine_pcpu_start(struct xb_engine *e, unsigned pcpu, uint64_t t_ns);
/* Advance the clock to t_ns without an event (closes finished windows). */
int xb_engine_advance(struct xb_engine *e, uint64_t t_ns);
/* Close the last window at t_end_ns (the end of the recording). */
int xb_engine_finish(struct xb_engine *e, uint64_t t_end_ns);

const char *xb_state_name(enum xb_state s);

#endif
