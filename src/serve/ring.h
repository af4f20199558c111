/* ring.h: the last windows of a live recording, as the dashboard shows
 * them: per domain and physical CPU, time running, runnable (waited),
 * blocked and unknown, and the domain's figure of every row of the metric
 * table (model/metric.h: disk, network, memory...).
 * Summaries hold copies of the names, so they can be read while the
 * recorder goes on.  Bounded: the ring keeps `cap` windows, each of
 * ndom x (npcpu + 1) x 4 counts. */
#ifndef XB_SERVE_RING_H
#define XB_SERVE_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "account/engine.h"
#include "model/metric.h"
#include "pipeline/presenter.h"

/* The states a summary keeps, in this order. */
enum { XB_WS_CPU, XB_WS_WAITED, XB_WS_BLOCKED, XB_WS_UNKNOWN, XB_WS_N };

struct xb_wsum_dom {
    uint32_t domid, instance;
    char label[24];            /* "3", "3#1" */
    char name[64];
    /* ns[col * XB_WS_N + state]; col 0..npcpu-1 a pCPU, npcpu the total
     * (xb_window_dom_sum over every column, as report's "total"). */
    uint64_t *ns;
    double m[XB_METRIC_MAX];   /* xb_metrics[i] scaled to its unit, NAN: none */
};

struct xb_wsum {
    unsigned index;
    uint64_t t_start_ns, t_end_ns;
    unsigned npcpu;
    unsigned ndom;
    struct xb_wsum_dom *d;     /* window order (domid, instance) */
};

struct xb_wring {
    struct xb_wsum **w;        /* oldest first */
    unsigned n, cap;
};

/* The summary of w (idle domain included); NULL if out of memory. */
struct xb_wsum *xb_wsum_make(const struct xb_window *w, const struct xb_run_info *info);
void xb_wsum_free(struct xb_wsum *s);
/* Percent of the window for (domain, column, state). */
double xb_wsum_pct(const struct xb_wsum *s, const struct xb_wsum_dom *d,
                   unsigned col, int state);

int xb_wring_init(struct xb_wring *r, unsigned cap);
/* Append s (the ring takes it), dropping the oldest when full. */
void xb_wring_push(struct xb_wring *r, struct xb_wsum *s);
/* The window with that index, or NULL when not kept. */
const struct xb_wsum *xb_wring_find(const struct xb_wring *r, unsigned index);
const struct xb_wsum *xb_wring_last(const struct xb_wring *r);
void xb_wring_free(struct xb_wring *r);

#endif
