/* cpu_table.c: the XenMon-style CPU table (shared/reference/cpu-table.txt).
 *
 * Tab-separated: "=== CPU ===", a header "VM Core 0 1 .. total name", three
 * rows per domain (cpu, blocked, waited in % of the window per pCPU; its name
 * at the end of the first), in the order of --sort and at most --top of
 * them (present/order.c), a fourth row, unknown, under a domain whose
 * unknown time is at least UNKNOWN_MIN_PCT of the window, a "total" domain
 * row of every domain but idle, and the idle rows with --idle.  On Linux a
 * domain's blocked row sums the threads that count as its vCPUs
 * (xb_run_dom_blocked), and the host's is "-" (it is every thread of no
 * domain) and not in the total; nor is its unknown, which has no row.
 * It must not add up time itself (account/window.h).
 */
#include "present.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The unknown row shows from this share of the window (0.1 once rounded). */
#define UNKNOWN_MIN_PCT 0.05

static const struct {
    const char *label;
    enum xb_state state;
} rows[] = {
    { "cpu(%)", XB_RUNNING },
    { "blocked(%)", XB_BLOCKED },
    { "waited(%)", XB_RUNNABLE },
    { "unknown(%)", XB_UNKNOWN },      /* only when there is some */
};

/* A row; every row has the name column, empty but on a domain's first.  A
 * value NaN prints as "-". */
static void row(FILE *out, const char *label, const char *what,
                const double *v, unsigned ncol, const char *name)
{
    const char *fmt = strcmp(what, "execs") == 0 ? "\t%.0f" : "\t%.1f";
    fprintf(out, "%s\t%s", label, what);
    for (unsigned c = 0; c < ncol; c++) {
        if (isnan(v[c]))
            fputs("\t-", out);
        else
            fprintf(out, fmt, v[c]);
    }
    fprintf(out, "\t%s\n", name ? name : "");
}

/* Row r's figure of domain d (k < 0) or one of its vCPUs on column col. */
static double cell(const struct xb_window *w, const struct xb_run_info *info,
                   const struct xb_domain_acc *d, int k, unsigned r, unsigned col)
{
    return xb_present_dom_pct(w, info, d, k, rows[r].state, col);
}

/* Rows of one domain (k < 0, name on its first row) or one of its vCPUs. */
static void domain_rows(struct xb_present *pr, const struct xb_window *w,
                        const struct xb_run_info *info,
                        const struct xb_domain_acc *d, int k, const char *label,
                        const char *name)
{
    unsigned n = w->npcpu;
    double v[n + 1];
    struct xb_acc a;
    for (unsigned r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (unsigned c = 0; c <= n; c++)
            v[c] = cell(w, info, d, k, r, c < n ? c : XB_COL_TOTAL(n));
        if (rows[r].state == XB_UNKNOWN && !(v[n] >= UNKNOWN_MIN_PCT))
            continue;
        row(pr->out, r == 0 ? label : "", rows[r].label, v, n + 1,
            r == 0 ? name : NULL);
    }
    if (pr->execs) {
        for (unsigned p = 0; p <= n; p++) {
            xb_window_dom_sum(w, d, k, p < n ? p : XB_COL_TOTAL(n), &a);
            v[p] = (double)a.execs;
        }
        row(pr->out, "", "execs", v, n + 1, NULL);
        for (unsigned p = 0; p <= n; p++) {
            xb_window_dom_sum(w, d, k, p < n ? p : XB_COL_TOTAL(n), &a);
            v[p] = a.execs ? a.ns[XB_RUNNING] / 1e6 / (double)a.execs : 0;
        }
        row(pr->out, "", "ms/exec", v, n + 1, NULL);
    }
}

struct vcpu_ctx {
    struct xb_present *pr;
    const struct xb_window *w;
    const struct xb_run_info *info;
    const struct xb_domain_acc *d;
};

static void vcpu_row(int k, const char *name, void *ctx)
{
    struct vcpu_ctx *c = ctx;
    domain_rows(c->pr, c->w, c->info, c->d, k, name, NULL);
}

static void domain_block(struct xb_present *pr, const struct xb_window *w,
                         const struct xb_run_info *info,
                         const struct xb_domain_acc *d, bool linux_run)
{
    char label[48], buf[32];
    xb_present_domlabel(d, label, sizeof label);
    domain_rows(pr, w, info, d, -1, label,
                xb_names_show(info->names, d->domid, buf, sizeof buf));
    /* On Linux the host (domain 0) is every task of no domain: one row per
     * thread would bury the table (CSV/JSON keep them). */
    if (!pr->vcpu || (linux_run && d->domid == 0))
        return;
    struct vcpu_ctx c = { pr, w, info, d };
    xb_present_vcpu_rows(d, label, vcpu_row, &c);
}

/* The CPU table of the domains order[0..shown-1] (all: how many there are). */
static void cpu_table(struct xb_present *pr, const struct xb_window *w,
                      const struct xb_run_info *info, const unsigned *order,
                      unsigned shown, unsigned all)
{
    FILE *out = pr->out;
    unsigned n = w->npcpu;
    bool linux_run = info->source && strcmp(info->source, "linux") == 0;

    fputs("=== CPU ===", out);
    for (unsigned c = 0; c < n + 3; c++)
        fputc('\t', out);
    fputs("\nVM\tCore", out);
    for (unsigned p = 0; p < n; p++)
        fprintf(out, "\t%u", p);
    fputs("\ttotal\tname\n", out);

    const struct xb_domain_acc *idle = NULL;
    for (unsigned i = 0; i < w->ndomain; i++)
        if (w->domains[i].domid == XB_IDLE_DOMID)
            idle = &w->domains[i];
    for (unsigned i = 0; i < shown; i++)
        domain_block(pr, w, info, &w->domains[order[i]], linux_run);
    /* The total row: every domain but idle (and, for blocked and unknown,
     * the Linux host). */
    double v[n + 1];
    for (unsigned r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (unsigned c = 0; c <= n; c++) {
            v[c] = 0;
            for (unsigned i = 0; i < w->ndomain; i++) {
                double x = w->domains[i].domid == XB_IDLE_DOMID ? NAN
                         : cell(w, info, &w->domains[i], -1, r,
                                c < n ? c : XB_COL_TOTAL(n));
                if (!isnan(x))
                    v[c] += x;
            }
        }
        if (rows[r].state == XB_UNKNOWN && !(v[n] >= UNKNOWN_MIN_PCT))
            continue;
        row(out, r == 0 ? "total" : "", rows[r].label, v, n + 1, NULL);
    }
    if (pr->idle && idle)
        domain_block(pr, w, info, idle, linux_run);
    if (shown < all)
        fprintf(out, "shown: %u of %u domains, by %s (the total rows count all)\n",
                shown, all, xb_sort_names[pr->sort]);
    bool unk = false;
    for (unsigned p = 0; p < n; p++)
        unk |= xb_window_pct(w->pcpu_unknown_ns[p], w) >= 0.05;
    if (unk) {
        fputs("pCPU time unknown (%):", out);
        for (unsigned p = 0; p < n; p++)
            fprintf(out, " cpu%u %.1f", p, xb_window_pct(w->pcpu_unknown_ns[p], w));
        fputc('\n', out);
    }
    xb_present_stolen_line(out, info, w->t_start_ns, w->t_end_ns);
    if (w->mismatches)
        fprintf(out, "records contradicting the tracked state: %" PRIu64
                " (their time is unknown)\n", w->mismatches);
}

static int table_window(const struct xb_window *w, const struct xb_run_info *info,
                        void *ctx)
{
    struct xb_present *pr = ctx;
    FILE *out = pr->out;
    enum xb_table t = pr->table;
    if (t == XB_TABLE_RUN)
        return 0;                      /* the run's facts only: the footer */
    if (pr->nwindows++)
        fputc('\n', out);
    if (w->index > 0 || !w->final) {
        char a[40], b[40];
        xb_present_utc(info, w->t_start_ns, a, sizeof a);
        xb_present_utc(info, w->t_end_ns, b, sizeof b);
        fprintf(out, "window %u: %.6f .. %.6f s", w->index, w->t_start_ns / 1e9,
                w->t_end_ns / 1e9);
        if (a[0])
            fprintf(out, " (%s .. %s)", a, b);
        fputc('\n', out);
    }
    unsigned *order = malloc((w->ndomain ? w->ndomain : 1) * sizeof *order), all = 0;
    if (!order)
        return 1;
    unsigned shown = xb_present_order(w, info, pr->sort, pr->top, order, &all);
    if (t == XB_TABLE_ALL || t == XB_TABLE_CPU)
        cpu_table(pr, w, info, order, shown, all);
    if (t == XB_TABLE_ALL || t == XB_TABLE_IO)
        xb_present_io_tables(out, w, info, order, shown);
    if (t == XB_TABLE_ALL || t == XB_TABLE_DISK)
        xb_present_dev_table(out, w, info);
    if (t == XB_TABLE_ALL || t == XB_TABLE_CACHE)
        xb_present_cache(out, w, info, order, shown);
    free(order);
    return ferror(out) ? 1 : 0;
}

static int table_end(const struct xb_run_info *info, void *ctx)
{
    struct xb_present *pr = ctx;
    if (pr->nwindows)
        fputc('\n', pr->out);
    xb_present_footer(pr->out, info);
    return fflush(pr->out) || ferror(pr->out) ? 1 : 0;
}

const struct xb_presenter xb_present_table = {
    .window = table_window,
    .end = table_end,
};
