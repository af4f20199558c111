/* present.h: presenters of finished windows (table, CSV, JSON).
 *
 * Each presenter is a struct xb_presenter over a struct xb_present; the
 * figures come from xb_window_dom_sum so every format shows the same numbers.
 */
#ifndef XB_PRESENT_H
#define XB_PRESENT_H

#include <stdbool.h>
#include <stdio.h>

#include "account/engine.h"
#include "account/window.h"
#include "model/metric.h"
#include "pipeline/presenter.h"

/* The order of the domains (--sort): figures (the domain's time in that
 * state over all pCPUs) largest first, name and id ascending; ties by id. */
enum xb_sort { XB_SORT_ID, XB_SORT_CPU, XB_SORT_WAITED, XB_SORT_BLOCKED,
               XB_SORT_NAME, XB_NSORT };
extern const char *const xb_sort_names[XB_NSORT];
/* "cpu" -> XB_SORT_CPU ...; 0, or -1 for anything else. */
int xb_sort_parse(const char *s, enum xb_sort *out);

/* Which table a presenter prints (--table): CSV prints one (cpu by
 * default), the text table all of them unless one is asked for; JSON has
 * them all. */
enum xb_table { XB_TABLE_ALL, XB_TABLE_CPU, XB_TABLE_IO, XB_TABLE_DISK,
                XB_TABLE_CACHE, XB_TABLE_RUN, XB_NTABLE };
extern const char *const xb_table_names[XB_NTABLE];
int xb_table_parse(const char *s, enum xb_table *out);

struct xb_present {
    FILE *out;
    enum xb_table table;    /* which table (XB_TABLE_ALL: the format's default) */
    enum xb_sort sort;  /* order of the domains */
    unsigned top;       /* show only the first top domains (0: all) */
    bool vcpu;          /* per-vCPU rows */
    bool idle;          /* the idle domain's rows in the table */
    bool execs;         /* exec count rows in the table */
    unsigned nwindows;  /* windows (JSON: rows) printed so far */
    bool closed;        /* JSON: rows array already closed */
    struct json_t *unknown;     /* JSON: pcpu_unknown entries, until the end */
    struct json_t *final;       /* JSON: final_states, from the last window */
    struct json_t *metrics;     /* JSON: the per-domain metric rows ("disk") */
    struct json_t *devs;        /* JSON: the host disk rows ("host_disks") */
    struct json_t *cache;       /* JSON: the cache rows ("cache") */
    struct xb_html_state *html; /* HTML: windows kept until the end */
};

/* What a presenter kept when the run stopped before its end (an error). */
void xb_present_free(struct xb_present *pr);

extern const struct xb_presenter xb_present_table;
extern const struct xb_presenter xb_present_csv;
extern const struct xb_presenter xb_present_json;
/* One self-contained HTML page: tables and SVG plots (present/html.c). */
extern const struct xb_presenter xb_present_html;
/* What the HTML presenter kept, when a run failed before its end (called by
 * xb_present_free). */
void xb_present_html_release(struct xb_present *pr);

/* The domains of w to show (the idle domain left out), in the order sort
 * says: their indexes into w->domains in idx[] (room for w->ndomain).
 * Returns how many to show, at most top (0: all); *all (if not NULL) gets
 * how many there are. */
unsigned xb_present_order(const struct xb_window *w, const struct xb_run_info *info,
                          enum xb_sort sort, unsigned top, unsigned *idx,
                          unsigned *all);

/* Time t_ns of the run on the wall clock, ISO 8601 UTC to the millisecond
 * ("2026-12-01T17:20:11.616Z"), or "" when the run's start is unknown. */
void xb_present_utc(const struct xb_run_info *info, uint64_t t_ns, char *buf,
                    size_t len);

/* "3", or "3#1" for the second domain that reused domid 3. */
void xb_present_domlabel(const struct xb_domain_acc *d, char *buf, size_t len);

/* Domain d's (k < 0) or its vCPU k's share of window w in state s on
 * column col, in %, as every table shows it: a domain's blocked counts the
 * threads that are its vCPUs (xb_run_dom_blocked); the Linux host's blocked
 * and unknown are NAN (shown "-": summed over every thread of no domain they
 * say nothing; docs/metrics.md). */
double xb_present_dom_pct(const struct xb_window *w, const struct xb_run_info *info,
                          const struct xb_domain_acc *d, int k, enum xb_state s,
                          unsigned col);

/* The vCPU rows of domain d (label: its xb_present_domlabel), as every
 * table names them: fn(k, "dLABELvN", ctx) for each vCPU (k its index in
 * d->vcpus), then fn(XB_K_EMU, "dLABELemu", ctx) once for a QEMU domain's
 * other threads. */
void xb_present_vcpu_rows(const struct xb_domain_acc *d, const char *label,
                          void (*fn)(int k, const char *name, void *ctx), void *ctx);

/* The figures of xb_metrics (model/metric.h) for one domain over a window,
 * scaled to each row's unit; v[i] is NAN where not measured.  Returns how
 * many rows have a figure (0 when the run has no counters). */
unsigned xb_present_dom_metrics(const struct xb_window *w,
                                const struct xb_run_info *info,
                                const struct xb_domain_acc *d,
                                double v[XB_METRIC_MAX]);
/* Whether a row shown where `show` says (XB_SHOW_*) has a figure in v. */
bool xb_present_metrics_any(const double *v, unsigned show);
/* Row i's figure as the table and top print it ("-" when not measured). */
void xb_present_metric_text(unsigned i, double v, char *buf, size_t len);
/* The per-domain table of the metrics shown in it (the domains idx[0..n-1],
 * or every one when idx is NULL) of a window; nothing when the run has no
 * counters. */
void xb_present_io_tables(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info, const unsigned *idx,
                          unsigned n);

/* A host block device over a window, with iostat -x's figures (MB/s of
 * 10^6 bytes). */
struct xb_dev_stat {
    const char *device;             /* "vda" */
    double r_per_s, read_mbps, r_await_ms;
    double w_per_s, write_mbps, w_await_ms;
    double aqu_sz, util_pct;
};
/* fn for each device with samples over w (from /proc/diskstats); stops at
 * fn's first non-zero result and returns it. */
int xb_present_each_dev(const struct xb_window *w, const struct xb_run_info *info,
                        int (*fn)(const struct xb_dev_stat *d, void *ctx), void *ctx);
/* "=== Host disks ===" with iostat -x's columns; nothing without devices. */
void xb_present_dev_table(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info);

/* Whether the run has cache counters for one of w's domains. */
bool xb_present_has_cache(const struct xb_window *w, const struct xb_run_info *info);
/* The cache table (present/cache_table.c) of those domains, when the run has
 * cache counters; nothing when it has none (the recorder's reason is in
 * the footer's "not recorded:"). */
void xb_present_cache(FILE *out, const struct xb_window *w,
                      const struct xb_run_info *info, const unsigned *idx,
                      unsigned n);

/* % of [t0, t1) that the hypervisor under a Linux host kept pCPU p from
 * running (/proc/stat steal, in its 10 ms steps), NAN when the run has no
 * such figure over that span (Xen, a recording before it was sampled).
 * The domains' running time on p includes it: the trace cannot tell. */
double xb_present_stolen_pct(const struct xb_run_info *info, unsigned p,
                             uint64_t t0_ns, uint64_t t1_ns);
/* "pCPU time stolen ... (%): cpu0 0.3 cpu1 2.0 ..." over [t0, t1) when any
 * pCPU's is at least 0.05 %, else nothing. */
void xb_present_stolen_line(FILE *out, const struct xb_run_info *info,
                            uint64_t t0_ns, uint64_t t1_ns);
/* Seconds of pCPU time stolen over the run, every pCPU summed; NAN as above. */
double xb_present_stolen_s(const struct xb_run_info *info);

/* The footer lines shared by the text formats. */
void xb_present_footer(FILE *out, const struct xb_run_info *info);
/* Its lines on what the run could not know (in the footer), and the causes
 * of unknown time as words and as CSV/JSON keys. */
void xb_present_uncertainty(FILE *out, const struct xb_run_info *info);
extern const char *const xb_present_cause_names[XB_UNK_NCAUSE];
extern const char *const xb_present_cause_keys[XB_UNK_NCAUSE];

#endif
