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
    char *io;           /* CSV/JSON: disk rows kept until the end */
    size_t iolen;
    FILE *iof;
    size_t nunknown, unknowncap;
};

extern const struct xb_presenter xb_present_table;
extern const struct xb_presenter xb_present_csv;
extern const struct xb_presenter xb_present_json;

/* Column index for the sum over all pCPUs (the "total" column). */
#define XB_COL_TOTAL(npcpu) ((npcpu) + 1)

/* k for xb_present_sum: every emulator thread (vcpu >= XB_VCPU_EMU). */
#define XB_K_EMU (-2)

/* Sum a domain's accumulators: vcpu index k or all vCPUs (k == -1), on pCPU
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

/* Counter figures of one domain over a window (from info->counters). */
struct xb_dom_io {
    bool disk, net, mem;
    double read_mbps, write_mbps;      /* MB = 10^6 bytes */
    double rx_mbps, tx_mbps;
    double mem_mb;
};
bool xb_present_dom_io(const struct xb_window *w, const struct xb_run_info *info,
                       const struct xb_domain_acc *d, struct xb_dom_io *io);
/* The per-domain disk/network table and the host disk table (iostat -x
 * columns) of a window; nothing when the run has no counters. */
void xb_present_io_tables(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info);

/* The cache table (present/cache_table.c): n/a with the reason when the
 * recorder had no counters, nothing when the run never meant to have them. */
void xb_present_cache(FILE *out, const struct xb_window *w,
                      const struct xb_run_info *info);

/* The footer lines shared by the text formats. */
void xb_present_footer(FILE *out, const struct xb_run_info *info);

#endif
