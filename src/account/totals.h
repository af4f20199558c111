/* totals.h: running totals of a live recording, for counters that only
 * grow (the Prometheus exposition of `serve`).
 *
 * Every finished window is added: time per (domain instance, vCPU group,
 * pCPU, state) in ns, the pCPUs' unknown time, contradictions, and each
 * domain's figure of every row of the metric table (model/metric.h): for a
 * cumulative counter, its rate over the window x the window's length, so a
 * byte counter here is what `report` prints as MB/s times seconds; for a
 * gauge, its mean over the last window.  Memory
 * is bounded by the domains seen, not by time: a vCPU group is one vCPU of
 * a domain (indexes below XB_TOTALS_MAX_VCPU), or, when rows per thread
 * would grow with the host's process churn, one row for many threads:
 * the Linux host's threads ("all"), a domain's emulator threads ("emu") and
 * vCPU indexes from XB_TOTALS_MAX_VCPU on ("other").
 *
 * Owns only sums; it must not know how they are printed.
 */
#ifndef XB_ACCOUNT_TOTALS_H
#define XB_ACCOUNT_TOTALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account/counters.h"
#include "account/engine.h"
#include "model/metric.h"

#define XB_TOTALS_MAX_VCPU 256u
/* Group ids above every vCPU index. */
#define XB_TOTALS_EMU 0xfffffffdu
#define XB_TOTALS_OTHER 0xfffffffeu
#define XB_TOTALS_ALL 0xffffffffu

struct xb_totals_row {
    uint32_t domid, instance;
    uint32_t group;               /* vCPU index or XB_TOTALS_EMU/OTHER/ALL */
    struct xb_acc *pcpu;          /* [npcpu + 1]; npcpu: unplaced */
};

struct xb_totals_dom {
    uint32_t domid, instance;
    /* Row i of xb_metrics, in its counter's units (unscaled): a cumulative
     * counter's running sum, a gauge's mean over the last window it was
     * measured in; NAN while never measured. */
    double m[XB_METRIC_MAX];
    unsigned last_index;          /* last window the domain was in */
    unsigned m_index[XB_METRIC_MAX];  /* last window row i was measured in */
};

struct xb_totals {
    unsigned npcpu;
    bool host_grouped;            /* Linux: domain 0's threads as one row */
    struct xb_totals_row *row;    /* sorted by (domid, instance, group) */
    size_t nrow, caprow;
    struct xb_totals_dom *dom;    /* sorted by (domid, instance) */
    size_t ndom, capdom;
    uint64_t *pcpu_unknown_ns;    /* [npcpu] */
    /* [npcpu]: time the hypervisor under a Linux host took from each CPU
     * (its XB_CTR_CPU_STEAL_NS series), over the windows it covered;
     * stolen_seen: some window had it */
    uint64_t *pcpu_stolen_ns;
    bool stolen_seen;
    uint64_t windows;
    unsigned last_index;          /* index of the last window added */
    uint64_t mismatches;
    uint64_t span_ns;             /* end of the last window added */
};

/* host_grouped: true for Linux runs (domain 0 is every host thread). */
int xb_totals_init(struct xb_totals *t, unsigned npcpu, bool host_grouped);
void xb_totals_free(struct xb_totals *t);

/* Add a finished window; counters may be NULL.  Returns 0 or -ENOMEM (the
 * totals are then unchanged for rows that could not be added). */
int xb_totals_add(struct xb_totals *t, const struct xb_window *w,
                  const struct xb_counters *counters);

/* The group of vCPU index vcpu of domain domid. */
uint32_t xb_totals_group(const struct xb_totals *t, uint32_t domid, uint32_t vcpu);

#endif
