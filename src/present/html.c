/* html.c: `report -f html`: one self-contained HTML page to share (no
 * script, no external file: inline CSS and SVG).  Owns the page's layout; the
 * figures are the sums every presenter reads (xb_window_dom_sum,
 * xb_present_dom_metrics over the metric table), so the page shows what
 * `report -f csv` prints:
 *   - the CPU table of the whole run (the windows summed) with a heatmap of
 *     domains x physical cores for cpu, waited and blocked;
 *   - each domain's cpu(%) and waited(%) per window over time, and its disk
 *     MB/s when the run has counters;
 *   - disk, network and memory of the whole run; the recording's facts.
 * Memory: per window and domain five numbers, kept until the end (as the
 * JSON presenter keeps each window's unknown time).  It must not compute a
 * figure of its own: every number is one the other formats print. */
#include "present.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "present/page.h"
#include "present/svg.h"
#include "util/grow.h"

enum { H_CPU, H_WAIT, H_BLOCK, H_RD, H_WR, H_N };

struct hdom {
    uint32_t domid, instance;
    char label[24], name[64];
    double *v[H_N];             /* [window] */
};

struct xb_html_state {
    double *t;                  /* window starts, s */
    size_t n, cap;
    struct hdom *d;
    size_t nd, capd;
    struct xb_window *sum;      /* the whole run so far */
    bool io;                    /* some domain had disk counters */
};

static void state_free(struct xb_html_state *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nd; i++)
        for (int k = 0; k < H_N; k++)
            free(h->d[i].v[k]);
    free(h->d);
    free(h->t);
    xb_window_free(h->sum);
    free(h);
}

static struct hdom *dom_of(struct xb_html_state *h, const struct xb_domain_acc *d,
                           const struct xb_run_info *info)
{
    for (size_t i = 0; i < h->nd; i++)
        if (h->d[i].domid == d->domid && h->d[i].instance == d->instance)
            return &h->d[i];
    if (xb_grow(&h->d, &h->capd, h->nd, sizeof *h->d, 16))
        return NULL;
    struct hdom *o = &h->d[h->nd];
    memset(o, 0, sizeof *o);
    o->domid = d->domid;
    o->instance = d->instance;
    xb_present_domlabel(d, o->label, sizeof o->label);
    char buf[32];
    snprintf(o->name, sizeof o->name, "%s", xb_names_show(info->names, d->domid, buf,
                                                           sizeof buf));
    for (int k = 0; k < H_N; k++) {
        if (!(o->v[k] = malloc(h->cap * sizeof *o->v[k])))
            return NULL;
        for (size_t i = 0; i < h->cap; i++)
            o->v[k][i] = NAN;
    }
    h->nd++;
    return o;
}

static int grow(struct xb_html_state *h)
{
    if (h->n < h->cap)
        return 0;
    size_t cap = h->cap ? 2 * h->cap : 64;
    double *t = realloc(h->t, cap * sizeof *t);
    if (!t)
        return -ENOMEM;
    h->t = t;
    for (size_t i = 0; i < h->nd; i++) {
        for (int k = 0; k < H_N; k++) {
            double *v = realloc(h->d[i].v[k], cap * sizeof *v);
            if (!v)
                return -ENOMEM;
            for (size_t j = h->cap; j < cap; j++)
                v[j] = NAN;
            h->d[i].v[k] = v;
        }
    }
    h->cap = cap;
    return 0;
}

static int html_window(const struct xb_window *w, const struct xb_run_info *info,
                       void *ctx)
{
    struct xb_present *pr = ctx;
    if (!pr->html && !(pr->html = calloc(1, sizeof *pr->html)))
        return -ENOMEM;
    struct xb_html_state *h = pr->html;
    if (w->t_end_ns == w->t_start_ns || grow(h))
        return w->t_end_ns == w->t_start_ns ? 0 : -ENOMEM;
    size_t at = h->n++;
    h->t[at] = w->t_start_ns / 1e9;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        if (d->domid == XB_IDLE_DOMID)
            continue;
        struct hdom *o = dom_of(h, d, info);
        if (!o)
            return -ENOMEM;
        unsigned tot = XB_COL_TOTAL(w->npcpu);
        o->v[H_CPU][at] = xb_present_dom_pct(w, info, d, -1, XB_RUNNING, tot);
        o->v[H_WAIT][at] = xb_present_dom_pct(w, info, d, -1, XB_RUNNABLE, tot);
        o->v[H_BLOCK][at] = xb_present_dom_pct(w, info, d, -1, XB_BLOCKED, tot);
        double m[XB_METRIC_MAX];
        if (info->counters && xb_present_dom_metrics(w, info, d, m) &&
            !isnan(m[XB_MET_DISK_READ]) && !isnan(m[XB_MET_DISK_WRITE])) {
            o->v[H_RD][at] = m[XB_MET_DISK_READ];
            o->v[H_WR][at] = m[XB_MET_DISK_WRITE];
            h->io = true;
        }
    }
    struct xb_window *pair[2] = { h->sum, (struct xb_window *)w };
    struct xb_window *sum = h->sum ? xb_window_sum(pair, 2) : xb_window_dup(w);
    if (!sum)
        return -ENOMEM;
    xb_window_free(h->sum);
    h->sum = sum;
    return 0;
}

/* The whole-run CPU table: three rows per domain, a cell per core and the total. */
static void cpu_table(FILE *out, const struct xb_html_state *h,
                      const struct xb_run_info *info)
{
    const struct xb_window *w = h->sum;
    static const struct { const char *metric, *label; enum xb_state s; } rows[] = {
        { "cpu_pct", "cpu(%)", XB_RUNNING },
        { "waited_pct", "waited(%)", XB_RUNNABLE },
        { "blocked_pct", "blocked(%)", XB_BLOCKED },
        { "unknown_pct", "unknown(%)", XB_UNKNOWN },
    };
    fputs("<table class=\"cpu\"><thead><tr><th>VM</th><th>name</th><th></th>", out);
    for (unsigned p = 0; p < w->npcpu; p++)
        fprintf(out, "<th>core %u</th>", p);
    fputs("<th>total</th></tr></thead><tbody>\n", out);
    char buf[32], label[48];
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        if (d->domid == XB_IDLE_DOMID)
            continue;
        xb_present_domlabel(d, label, sizeof label);
        const char *name = "";
        for (size_t k = 0; k < h->nd; k++)
            if (h->d[k].domid == d->domid && h->d[k].instance == d->instance)
                name = h->d[k].name;
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            fputs("<tr>", out);
            if (r == 0) {
                fprintf(out, "<td rowspan=\"4\">%s</td><td rowspan=\"4\">", label);
                xb_html_text(out, name);
                fputs("</td>", out);
            }
            fprintf(out, "<th>%s</th>", rows[r].label);
            for (unsigned p = 0; p <= w->npcpu; p++) {
                double v = xb_present_dom_pct(w, info, d, -1, rows[r].s,
                                              p < w->npcpu ? p : XB_COL_TOTAL(w->npcpu));
                if (p < w->npcpu)
                    snprintf(buf, sizeof buf, "%u", p);
                else
                    snprintf(buf, sizeof buf, "total");
                if (isnan(v))           /* as the text table: "-" */
                    fprintf(out, "<td class=\"n\" data-domain=\"%s\" data-pcpu=\"%s\" "
                            "data-metric=\"%s\" data-v=\"\">-</td>", label, buf,
                            rows[r].metric);
                else
                    fprintf(out, "<td class=\"n\" data-domain=\"%s\" data-pcpu=\"%s\" "
                            "data-metric=\"%s\" data-v=\"%.3f\">%.1f</td>", label, buf,
                            rows[r].metric, v, v);
            }
            fputs("</tr>\n", out);
        }
    }
    fputs("</tbody></table>\n", out);
}

static void heatmaps(FILE *out, const struct xb_html_state *h,
                     const struct xb_run_info *info)
{
    const struct xb_window *w = h->sum;
    unsigned cols = w->npcpu;
    size_t rows = 0;
    const char **keys = calloc(w->ndomain + 1, sizeof *keys);
    const char **labels = calloc(w->ndomain + 1, sizeof *labels);
    char (*text)[128] = calloc(w->ndomain + 1, sizeof *text);
    char (*keytext)[48] = calloc(w->ndomain + 1, sizeof *keytext);
    double *v = calloc((w->ndomain + 1) * (size_t)cols, sizeof *v);
    const char **cl = calloc(cols + 1, sizeof *cl);
    char (*ctext)[16] = calloc(cols + 1, sizeof *ctext);
    if (!keys || !labels || !text || !keytext || !v || !cl || !ctext)
        goto out;
    for (unsigned p = 0; p < cols; p++) {
        snprintf(ctext[p], sizeof ctext[p], "%u", p);
        cl[p] = ctext[p];
    }
    static const struct { const char *metric, *title; enum xb_state s; } maps[] = {
        { "cpu_pct", "cpu(%): ran on the core", XB_RUNNING },
        { "waited_pct", "waited(%): runnable, queued on the core", XB_RUNNABLE },
        { "blocked_pct", "blocked(%): blocked, last ran on the core", XB_BLOCKED },
    };
    for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) {
        rows = 0;
        for (unsigned i = 0; i < w->ndomain; i++) {
            const struct xb_domain_acc *d = &w->domains[i];
            /* a row the table shows as "-" (the Linux host's blocked) is left out */
            if (d->domid == XB_IDLE_DOMID ||
                isnan(xb_present_dom_pct(w, info, d, -1, maps[m].s, XB_COL_TOTAL(cols))))
                continue;
            xb_present_domlabel(d, keytext[rows], sizeof keytext[rows]);
            const char *name = "";
            for (size_t k = 0; k < h->nd; k++)
                if (h->d[k].domid == d->domid && h->d[k].instance == d->instance)
                    name = h->d[k].name;
            snprintf(text[rows], sizeof text[rows], "%s %s", keytext[rows], name);
            keys[rows] = keytext[rows];
            labels[rows] = text[rows];
            for (unsigned p = 0; p < cols; p++)
                v[rows * cols + p] = xb_present_dom_pct(w, info, d, -1, maps[m].s, p);
            rows++;
        }
        fprintf(out, "<h3>%s</h3>\n", maps[m].title);
        xb_svg_heatmap(out, maps[m].metric, keys, labels, rows, cl, cols, v, 100);
    }
out:
    free(keys);
    free(labels);
    free(text);
    free(keytext);
    free(v);
    free(cl);
    free(ctext);
}

static void lines(FILE *out, const struct xb_html_state *h, int k, const char *metric,
                  const char *unit)
{
    struct xb_svg_line *s = calloc(h->nd ? h->nd : 1, sizeof *s);
    char (*lab)[128] = calloc(h->nd ? h->nd : 1, sizeof *lab);
    if (s && lab) {
        for (size_t i = 0; i < h->nd; i++) {
            snprintf(lab[i], sizeof lab[i], "%s %s", h->d[i].label, h->d[i].name);
            s[i] = (struct xb_svg_line){ h->d[i].label, lab[i], h->d[i].v[k] };
        }
        xb_svg_lines(out, metric, unit, h->t, h->n, s, h->nd);
    }
    free(s);
    free(lab);
}

static void io_table(FILE *out, const struct xb_html_state *h,
                     const struct xb_run_info *info)
{
    const struct xb_window *w = h->sum;
    fputs("<table class=\"io\"><thead><tr><th>VM</th><th>name</th>", out);
    for (unsigned k = 0; k < xb_nmetrics; k++)
        if (xb_metrics[k].show & XB_SHOW_TABLE)
            fprintf(out, "<th>%s</th>", xb_metrics[k].label);
    fputs("</tr></thead><tbody>\n", out);
    char label[48], buf[32];
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        double m[XB_METRIC_MAX];
        if (!xb_present_dom_metrics(w, info, d, m) ||
            !xb_present_metrics_any(m, XB_SHOW_TABLE))
            continue;
        xb_present_domlabel(d, label, sizeof label);
        fprintf(out, "<tr data-domain=\"%s\"><td>%s</td><td>", label, label);
        xb_html_text(out, xb_names_show(info->names, d->domid, buf, sizeof buf));
        fputs("</td>", out);
        for (unsigned k = 0; k < xb_nmetrics; k++) {
            if (!(xb_metrics[k].show & XB_SHOW_TABLE))
                continue;
            if (isnan(m[k]))
                fputs("<td class=\"n\">-</td>", out);
            else
                fprintf(out, "<td class=\"n\" data-key=\"%s\" data-v=\"%.*f\">%.*f</td>",
                        xb_metrics[k].name, xb_metrics[k].data_digits, m[k],
                        xb_metrics[k].digits, m[k]);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

static int html_end(const struct xb_run_info *info, void *ctx)
{
    struct xb_present *pr = ctx;
    struct xb_html_state *h = pr->html;
    FILE *out = pr->out;
    char title[4200];
    snprintf(title, sizeof title, "xenbench report: %s", info->input ? info->input : "");
    xb_html_begin(out, title);
    fputs("<p class=\"facts\">", out);
    if (info->host) {
        xb_html_text(out, info->host);
        fputs(" · ", out);
    }
    if (info->cpu_model) {
        xb_html_text(out, info->cpu_model);
        fputs(" · ", out);
    }
    fprintf(out, "%u physical CPUs · %s · %.3f s recorded in %zu windows</p>\n",
            info->npcpu, info->source ? info->source : "xen", info->span_ns / 1e9,
            h ? h->n : 0);
    if (h && h->sum) {
        fputs("<h2>CPU per domain and physical core, whole run</h2>\n"
              "<p class=\"facts\">% of the run: cpu = ran on the core, waited = "
              "runnable but not running (queued on the core), blocked = blocked after "
              "last running on the core, unknown = not measured (docs/metrics.md); "
              "total = over every core (more than 100 % with several vCPUs).</p>\n", out);
        cpu_table(out, h, info);
        fputs("<h2>Domains × physical cores</h2>\n", out);
        heatmaps(out, h, info);
        fputs("<h2>CPU over time: cpu(%) per window, all cores</h2>\n", out);
        lines(out, h, H_CPU, "cpu_pct", "%");
        fputs("<h2>Waited over time: waited(%) per window, all cores</h2>\n", out);
        lines(out, h, H_WAIT, "waited_pct", "%");
        if (h->io) {
            fputs("<h2>Disk MB/s read per window</h2>\n", out);
            lines(out, h, H_RD, "read_mbps", "MB/s");
            fputs("<h2>Disk MB/s written per window</h2>\n", out);
            lines(out, h, H_WR, "write_mbps", "MB/s");
        }
        if (info->counters) {
            fputs("<h2>Disk, network, memory, whole run</h2>\n", out);
            io_table(out, h, info);
        }
    } else {
        fputs("<p>No window: the recording holds no time.</p>\n", out);
    }
    fputs("<h2>Recording</h2>\n<pre>", out);
    char *foot = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&foot, &len);
    if (m) {
        xb_present_footer(m, info);
        fclose(m);
        xb_html_text(out, foot ? foot : "");
    }
    free(foot);
    fputs("</pre>\n", out);
    xb_html_end(out, "xenbench report -f html");
    state_free(h);
    pr->html = NULL;
    return fflush(out) || ferror(out) ? 1 : 0;
}

void xb_present_html_release(struct xb_present *pr)
{
    state_free(pr->html);
    pr->html = NULL;
}

const struct xb_presenter xb_present_html = {
    .window = html_window,
    .end = html_end,
};
