/* cpu_table.c: the XenMon-style CPU table (shared/reference/cpu-table.txt).
 *
 * Tab-separated: "=== CPU ===", a header "VM Core 0 1 .. total", three rows
 * per domain (cpu, blocked, waited in % of the window per pCPU), a "total"
 * domain row that leaves the idle domain out, the idle rows with --idle, and
 * a legend of domain names.
 */
#include "present.h"

#include <inttypes.h>
#include <string.h>

static const struct {
    const char *label;
    enum xb_state state;
} rows[] = {
    { "cpu(%)", XB_RUNNING },
    { "blocked(%)", XB_BLOCKED },
    { "waited(%)", XB_RUNNABLE },
};

static void row(FILE *out, const char *label, const char *what,
                const double *v, unsigned ncol)
{
    const char *fmt = strcmp(what, "execs") == 0 ? "\t%.0f" : "\t%.1f";
    fprintf(out, "%s\t%s", label, what);
    for (unsigned c = 0; c < ncol; c++)
        fprintf(out, fmt, v[c]);
    fputc('\n', out);
}

/* Rows of one domain (k < 0) or one of its vCPUs. */
static void domain_rows(struct xb_present *pr, const struct xb_window *w,
                        const struct xb_domain_acc *d, int k, const char *label)
{
    unsigned n = w->npcpu;
    double v[n + 1];
    struct xb_acc a;
    for (unsigned r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (unsigned p = 0; p < n; p++) {
            xb_present_sum(w, d, k, p, &a);
            v[p] = xb_pct(a.ns[rows[r].state], w);
        }
        xb_present_sum(w, d, k, XB_COL_TOTAL(n), &a);
        v[n] = xb_pct(a.ns[rows[r].state], w);
        row(pr->out, r == 0 ? label : "", rows[r].label, v, n + 1);
    }
    if (pr->execs) {
        for (unsigned p = 0; p <= n; p++) {
            xb_present_sum(w, d, k, p < n ? p : XB_COL_TOTAL(n), &a);
            v[p] = (double)a.execs;
        }
        row(pr->out, "", "execs", v, n + 1);
        for (unsigned p = 0; p <= n; p++) {
            xb_present_sum(w, d, k, p < n ? p : XB_COL_TOTAL(n), &a);
            v[p] = a.execs ? a.ns[XB_RUNNING] / 1e6 / (double)a.execs : 0;
        }
        row(pr->out, "", "ms/exec", v, n + 1);
    }
}

static void domain_block(struct xb_present *pr, const struct xb_window *w,
                         const struct xb_domain_acc *d, bool linux_run)
{
    char label[48];
    xb_present_domlabel(d, label, sizeof label);
    domain_rows(pr, w, d, -1, label);
    /* On Linux the host (domain 0) is every task of no domain: one row per
     * thread would bury the table (CSV/JSON keep them). */
    if (!pr->vcpu || (linux_run && d->domid == 0))
        return;
    bool emu = false;
    for (uint32_t k = 0; k < d->nvcpu; k++) {
        if (d->vcpus[k].vcpu >= XB_VCPU_EMU) {
            emu = true;
            continue;
        }
        char vl[64];
        snprintf(vl, sizeof vl, "d%sv%" PRIu32, label, d->vcpus[k].vcpu);
        domain_rows(pr, w, d, (int)k, vl);
    }
    if (emu) {                         /* a QEMU domain's other threads */
        char vl[64];
        snprintf(vl, sizeof vl, "d%semu", label);
        domain_rows(pr, w, d, XB_K_EMU, vl);
    }
}

static int table_window(const struct xb_window *w, const struct xb_run_info *info,
                        void *ctx)
{
    struct xb_present *pr = ctx;
    FILE *out = pr->out;
    unsigned n = w->npcpu;
    bool linux_run = info->source && strcmp(info->source, "linux") == 0;

    if (pr->nwindows++)
        fputc('\n', out);
    if (w->index > 0 || !w->final)
        fprintf(out, "window %u: %.6f .. %.6f s\n", w->index,
                w->t_start_ns / 1e9, w->t_end_ns / 1e9);
    fputs("=== CPU ===", out);
    for (unsigned c = 0; c < n + 2; c++)
        fputc('\t', out);
    fputs("\nVM\tCore", out);
    for (unsigned p = 0; p < n; p++)
        fprintf(out, "\t%u", p);
    fputs("\ttotal\n", out);

    const struct xb_domain_acc *idle = NULL;
    for (unsigned i = 0; i < w->ndomain; i++) {
        if (w->domains[i].domid == XB_IDLE_DOMID) {
            idle = &w->domains[i];
            continue;
        }
        domain_block(pr, w, &w->domains[i], linux_run);
    }
    /* The total row: every domain but idle. */
    double v[n + 1];
    for (unsigned r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (unsigned c = 0; c <= n; c++) {
            uint64_t ns = 0;
            for (unsigned i = 0; i < w->ndomain; i++) {
                if (w->domains[i].domid == XB_IDLE_DOMID)
                    continue;
                struct xb_acc a;
                xb_present_sum(w, &w->domains[i], -1,
                               c < n ? c : XB_COL_TOTAL(n), &a);
                ns += a.ns[rows[r].state];
            }
            v[c] = xb_pct(ns, w);
        }
        row(out, r == 0 ? "total" : "", rows[r].label, v, n + 1);
    }
    if (pr->idle && idle)
        domain_block(pr, w, idle, linux_run);

    char buf[32];
    fputs("legend:", out);
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        if (d->domid == XB_IDLE_DOMID && !pr->idle)
            continue;
        char label[48];
        xb_present_domlabel(d, label, sizeof label);
        fprintf(out, " %s=%s", label,
                xb_names_show(info->names, d->domid, buf, sizeof buf));
    }
    fputc('\n', out);
    bool unk = false;
    for (unsigned p = 0; p < n; p++)
        unk |= xb_pct(w->pcpu_unknown_ns[p], w) >= 0.05;
    if (unk) {
        fputs("pCPU time unknown (%):", out);
        for (unsigned p = 0; p < n; p++)
            fprintf(out, " cpu%u %.1f", p, xb_pct(w->pcpu_unknown_ns[p], w));
        fputc('\n', out);
    }
    if (w->mismatches)
        fprintf(out, "records contradicting the tracked state: %" PRIu64
                " (their time is unknown)\n", w->mismatches);
    xb_present_io_tables(out, w, info);
    xb_present_cache(out, w, info);
    return ferror(out) ? 1 : 0;
}

static int table_end(const struct xb_run_info *info, void *ctx)
{
    struct xb_present *pr = ctx;
    fputc('\n', pr->out);
    xb_present_footer(pr->out, info);
    return fflush(pr->out) || ferror(pr->out) ? 1 : 0;
}

const struct xb_presenter xb_present_table = {
    .window = table_window,
    .end = table_end,
};
