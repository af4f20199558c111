/* top_screen.c: the screens of `xenbench top` as text: the header (the
 * window or windows shown, on the run's clock and the wall clock), the list
 * of domains (a name column as wide as the screen leaves, names cut to keep
 * their end, figures right-aligned and shortened to fit their column), or
 * the report's per-core table; and the alignment of tab-separated lines for
 * a terminal.  The domains' order and selection are the report's
 * (present/order.c), so a screen shows what `report` shows of the same
 * window.  It must not read the terminal or keys (cmd/top.c) nor add up
 * time (account/window.h). */
#define _GNU_SOURCE
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/names.h"
#include "present/present.h"
#include "present/top_screen.h"

#define NAME_MIN 8          /* the name column's least width */

/* v with digits decimals, fewer when it would not fit width ("-" for NAN). */
static void fit(char *buf, size_t len, int width, double v, int digits)
{
    if (isnan(v)) {
        snprintf(buf, len, "-");
        return;
    }
    do
        snprintf(buf, len, "%.*f", digits, v);
    while ((int)strlen(buf) > width && digits-- > 0);
}

/* s in width columns: whole when it fits, else ".." and its end (cgroup
 * paths and long guest names differ at their end). */
static void fit_name(char *buf, size_t len, const char *s, int width)
{
    size_t n = strlen(s);
    if ((int)n <= width || width < 3)
        snprintf(buf, len, "%s", s);
    else
        snprintf(buf, len, "..%s", s + n - (size_t)(width - 2));
}

/* The widths of the domain list: the name column takes what the other
 * columns leave of the screen. */
struct layout {
    int name;
    int metric[XB_METRIC_MAX];
};

static void layout(struct layout *l, int cols)
{
    int used = 5 + 1 + 1 + 6 + 1 + 6 + 1 + 7;      /* ID, CPU%, WAIT%, BLOCK% */
    for (unsigned m = 0; m < xb_nmetrics; m++) {
        int w = (int)strlen(xb_metrics[m].abbr);
        l->metric[m] = w < 6 ? 6 : w;
        if (xb_metrics[m].show & XB_SHOW_TOP)
            used += 1 + l->metric[m];
    }
    l->name = cols - used > NAME_MIN ? cols - used : NAME_MIN;
}

/* One line of the domain list; v: the domain's metrics (NULL on a vCPU's
 * line, which has none); blocked false: "-" (the Linux host, whose threads'
 * sum says nothing: docs/metrics.md). */
static void list_row(FILE *o, const struct layout *l, const char *id,
                     const char *name, const struct xb_acc *a,
                     const struct xb_window *w, const double *v, bool blocked)
{
    char nm[256], c[16], wt[16], bl[16];
    fit_name(nm, sizeof nm, name, l->name);
    fit(c, sizeof c, 6, xb_window_pct(a->ns[XB_RUNNING], w), 1);
    fit(wt, sizeof wt, 6, xb_window_pct(a->ns[XB_RUNNABLE], w), 1);
    fit(bl, sizeof bl, 7, blocked ? xb_window_pct(a->ns[XB_BLOCKED], w) : NAN, 1);
    fprintf(o, "%5s %-*s %6s %6s %7s", id, l->name, nm, c, wt, bl);
    char text[32];
    for (unsigned m = 0; v && m < xb_nmetrics; m++) {
        if (!(xb_metrics[m].show & XB_SHOW_TOP))
            continue;
        fit(text, sizeof text, l->metric[m], v[m], xb_metrics[m].digits);
        fprintf(o, " %*s", l->metric[m], text);
    }
    fputc('\n', o);
}

struct vcpu_ctx {
    FILE *o;
    const struct layout *l;
    const struct xb_window *w;
    const struct xb_domain_acc *d;
};

/* A vCPU's line, indented under its domain's. */
static void vcpu_row(int k, const char *name, void *ctx)
{
    struct vcpu_ctx *c = ctx;
    struct xb_acc a;
    char vl[72];
    xb_window_dom_sum(c->w, c->d, k, XB_COL_TOTAL(c->w->npcpu), &a);
    snprintf(vl, sizeof vl, "  %s", name);
    list_row(c->o, c->l, "", vl, &a, c->w, NULL, true);
}

static void count_row(int k, const char *name, void *ctx)
{
    (void)k, (void)name;
    ++*(unsigned *)ctx;
}

static void domain_list(FILE *o, const struct xb_top_view *t, const struct xb_window *w,
                        const struct xb_run_info *info, int cols)
{
    struct layout l;
    layout(&l, cols);
    fprintf(o, "%5s %-*s %6s %6s %7s", "ID", l.name, "NAME", "CPU%", "WAIT%", "BLOCK%");
    for (unsigned m = 0; m < xb_nmetrics; m++)
        if (xb_metrics[m].show & XB_SHOW_TOP)
            fprintf(o, " %*s", l.metric[m], xb_metrics[m].abbr);
    fputc('\n', o);
    unsigned *idx = malloc((w->ndomain ? w->ndomain : 1) * sizeof *idx), all = 0;
    if (!idx)
        return;
    unsigned n = xb_present_order(w, info, t->sort, t->top, idx, &all);
    /* On a terminal the list stops where the screen would: the header's
     * two lines, the heading, the "shown" line and the keys line. */
    unsigned room = t->rows > 5 ? (unsigned)t->rows - 5 : t->rows ? 1 : UINT_MAX, used = 0;
    char buf[32], label[48];
    for (unsigned i = 0; i < n; i++) {
        const struct xb_domain_acc *d = &w->domains[idx[i]];
        unsigned lines = 1;
        if (t->vcpu && d->domid != XB_HOST_DOMID)
            xb_present_vcpu_rows(d, "", count_row, &lines);
        if (used + lines > room && i > 0) {
            n = i;
            break;
        }
        used += lines;
        struct xb_acc a;
        double v[XB_METRIC_MAX];
        xb_window_dom_sum(w, d, -1, XB_COL_TOTAL(w->npcpu), &a);
        /* blocked over the threads that count as its vCPUs, as report */
        a.ns[XB_BLOCKED] = xb_run_dom_blocked(info, w, d, XB_COL_TOTAL(w->npcpu));
        xb_present_dom_metrics(w, info, d, v);
        xb_present_domlabel(d, label, sizeof label);
        list_row(o, &l, label, xb_names_show(info->names, d->domid, buf, sizeof buf),
                 &a, w, v, !xb_run_linux(info) || d->domid != XB_HOST_DOMID);
        if (!t->vcpu || d->domid == XB_HOST_DOMID)
            continue;                /* the host's threads: too many */
        struct vcpu_ctx c = { o, &l, w, d };
        xb_present_vcpu_rows(d, label, vcpu_row, &c);
    }
    if (n < all)
        fprintf(o, "shown: %u of %u domains\n", n, all);
    free(idx);
}

/* "17:20:19" of run time t_ns on the wall clock (UTC), or "" unknown. */
static void clock_text(const struct xb_run_info *info, uint64_t t_ns, char *buf,
                       size_t len)
{
    char utc[40];
    xb_present_utc(info, t_ns, utc, sizeof utc);
    snprintf(buf, len, "%.8s", utc[0] ? utc + 11 : "");
}

/* The screen for window w (nwin windows summed, the first first_index) as
 * text. */
void xb_top_screen(FILE *o, const struct xb_top_view *t, const struct xb_window *w,
                   unsigned nwin, unsigned first_index,
                   const struct xb_run_info *info)
{
    char host[64] = "", a[16], b[16];
    if (info->host)
        snprintf(host, sizeof host, "%s", info->host);
    else
        gethostname(host, sizeof host - 1);
    uint64_t lost = 0;
    for (unsigned p = 0; p < info->npcpu; p++)
        lost += info->lost[p];
    clock_text(info, w->t_start_ns, a, sizeof a);
    clock_text(info, w->t_end_ns, b, sizeof b);
    char span[48];
    if (nwin > 1)
        snprintf(span, sizeof span, "%u windows", nwin);
    else
        snprintf(span, sizeof span, "window %u", w->index);
    fprintf(o, "xenbench top - %s - last %.1f s (%s) - sort %s - lost events %llu\n",
            host, (w->t_end_ns - w->t_start_ns) / 1e9, span,
            xb_sort_names[t->sort], (unsigned long long)lost);
    if (nwin > 1)
        fprintf(o, "windows %u..%u: %.3f .. %.3f s", first_index, w->index,
                w->t_start_ns / 1e9, w->t_end_ns / 1e9);
    else
        fprintf(o, "window %u: %.3f .. %.3f s", w->index, w->t_start_ns / 1e9,
                w->t_end_ns / 1e9);
    if (a[0])
        fprintf(o, " (%s .. %s UTC)", a, b);
    fputc('\n', o);
    if (t->cores) {
        /* The report's table of this window, without its own window line;
         * on a terminal the CPU table alone (the list has the others), so
         * that it fits. */
        struct xb_window one = *w;
        one.index = 0;
        one.final = true;
        struct xb_present pr = { .out = o, .vcpu = t->vcpu,
                                 .table = t->keys ? XB_TABLE_CPU : XB_TABLE_ALL,
                                 .sort = t->sort, .top = t->top };
        /* On a terminal, without vCPU rows, only the domains that fit: 3
         * lines each, besides the header (2), the table's title and
         * heading (2), its total (3), two notes, the "shown" line and the
         * keys line. */
        if (t->rows && !t->vcpu) {
            unsigned fit = t->rows > 14 ? (unsigned)(t->rows - 11) / 3 : 1;
            if (!pr.top || pr.top > fit)
                pr.top = fit;
        }
        xb_present_table.window(&one, info, &pr);
        xb_present_free(&pr);
    } else {
        domain_list(o, t, w, info, t->cols);
    }
    if (t->keys)
        fputs("keys: v vCPUs  c cores  t 1/10 windows  s sort  q quit\n", o);
}

static bool numeric(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789.-", s[i]))
            return false;
    return true;
}

/* The tab-separated lines of text in columns: each run of lines with tabs
 * gets the widths of its widest cells; a column with a figure in it is
 * right-aligned, heading included (as a terminal never lines up tabs of
 * cells longer than 8). */
char *xb_top_align_tabs(const char *text)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *o = open_memstream(&out, &outlen);
    if (!o)
        return NULL;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (!memchr(p, '\t', n)) {
            fwrite(p, 1, n, o);
            fputc('\n', o);
            p += n + (nl ? 1 : 0);
            continue;
        }
        /* A block: this line and the next ones with tabs. */
        int width[64] = { 0 };
        bool numcol[64] = { false };    /* a column of figures: right-aligned */
        const char *q = p;
        for (;;) {
            const char *e = strchr(q, '\n');
            size_t m = e ? (size_t)(e - q) : strlen(q);
            if (!memchr(q, '\t', m))
                break;
            int col = 0;
            const char *c = q;
            size_t end = m;
            while (end && q[end - 1] == '\t')
                end--;
            /* "=== CPU ===" padded with tabs says nothing of the widths */
            bool lone = !memchr(q, '\t', end);
            while (c < q + end && col < 64) {
                const char *tab = memchr(c, '\t', (size_t)(q + end - c));
                size_t w = tab ? (size_t)(tab - c) : (size_t)(q + end - c);
                if (!lone && (int)w > width[col])
                    width[col] = (int)w;
                if (!lone && numeric(c, w))
                    numcol[col] = true;
                col++;
                c += w + 1;
                if (!tab)
                    break;
            }
            q += m + (e ? 1 : 0);
            if (!e)
                break;
        }
        while (p < q) {
            const char *e = strchr(p, '\n');
            size_t m = e ? (size_t)(e - p) : strlen(p);
            int col = 0;
            const char *c = p;
            size_t end = m;
            while (end && p[end - 1] == '\t')
                end--;                   /* trailing empty cells */
            if (!memchr(p, '\t', end)) {
                fwrite(p, 1, end, o);    /* a title line, as it is */
                c = p + end;
            }
            while (c < p + end && col < 64) {
                const char *tab = memchr(c, '\t', (size_t)(p + end - c));
                size_t w = tab ? (size_t)(tab - c) : (size_t)(p + end - c);
                bool last = !tab;
                if (col)
                    fputs("  ", o);
                if (numcol[col])
                    fprintf(o, "%*.*s", width[col], (int)w, c);
                else if (last)
                    fprintf(o, "%.*s", (int)w, c);
                else
                    fprintf(o, "%-*.*s", width[col], (int)w, c);
                col++;
                c += w + 1;
                if (last)
                    break;
            }
            fputc('\n', o);
            p += m + (e ? 1 : 0);
        }
    }
    fclose(o);
    return out;
}

