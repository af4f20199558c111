/* present.h: presenters of finished windows (table, CSV, JSON).
 *
 * Each presenter is a struct xb_presenter over a struct xb_present; the
 * figures come from xb_present_sum so every format shows the same numbers.
 */
#ifndef XB_PRESENT_H
#define XB_PRESENT_H

#include <stdbool.h>
#include <stdio.h>

#include "account/engine.h"
#include "pipeline/pipeline.h"

struct xb_present {
    FILE *out;
    bool vcpu;          /* per-vCPU rows */
    bool idle;          /* the idle domain's rows in the table */
    bool execs;         /* exec count rows in the table */
    unsigned nwindows;  /* windows (JSON: rows) printed so far */
    bool closed;        /* JSON: rows array already closed */
    double *unknown;    /* JSON: (t_start_s, pcpu, unknown_pct) triples */
    size_t nunknown, unknowncap;
};

extern const struct xb_presenter xb_present_table;
extern const struct xb_presenter xb_present_csv;
extern const struct xb_presenter xb_present_json;

/* Column index for the sum over all pCPUs (the "total" column). */
#define XB_COL_TOTAL(npcpu) ((npcpu) + 1)

/* Sum a domain's accumulators: vcpu index k or all vCPUs (k < 0), on pCPU
 * column col: 0..npcpu-1, npcpu (unplaced), or XB_COL_TOTAL (everything). */
void xb_present_sum(const struct xb_window *w, const struct xb_domain_acc *d,
                    int k, unsigned col, struct xb_acc *out);

static inline double xb_pct(uint64_t ns, const struct xb_window *w)
{
    uint64_t len = w->t_end_ns - w->t_start_ns;
    return len ? 100.0 * (double)ns / (double)len : 0.0;
}

/* "3", or "3#1" for the second domain that reused domid 3. */
void xb_present_domlabel(const struct xb_domain_acc *d, char *buf, size_t len);

/* The footer lines shared by the text formats. */
void xb_present_footer(FILE *out, const struct xb_run_info *info);

#endif
