/* csv_json.c: the machine-readable formats, one row per
 * (window, domain, vCPU or "all", pCPU or "total"), and the other tables
 * of the text format: per-domain metrics, host disks, cache, the run's facts.
 * A CSV file is one of them (--table); JSON holds them all.
 *
 * Both formats carry the same fields, named by the CSV header; JSON wraps
 * the rows in an object with the footer facts.  Every domain, idle
 * included, appears in every window it exists in.  CSV goes through the one
 * CSV writer (util/format.c, libcsv's quoting); JSON values are built and
 * written by jansson, each row as it comes (memory does not grow with the
 * recording, but for the per-pCPU unknown figures and the metric rows kept
 * until the end).  This file owns these two layouts; it must not compute a
 * figure (account/window.h, the metric table do).
 */
#include "present.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"
#include "util/json.h"

static const char csv_header[] =
    "t_start_s,t_end_s,t_start_utc,domain,name,vcpu,pcpu,cpu_pct,waited_pct,blocked_pct,"
    "offline_pct,unknown_pct,execs\n";

/* jansson's layout for every value: keys in order, reals to 15 significant
 * digits (after rounding to the decimals the CSV prints). */
#define JSON_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY)

/* Write v (taken) to out, an array of objects one a line; 0 or -1. */
static int dump(FILE *out, json_t *v)
{
    int rc = v ? 0 : -1;
    if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
        size_t i;
        json_t *e;
        fputc('[', out);
        json_array_foreach(v, i, e) {
            fputs(i ? ",\n  " : "\n  ", out);
            rc |= json_dumpf(e, out, JSON_FLAGS);
        }
        fputs("\n]", out);
    } else if (v) {
        rc = json_dumpf(v, out, JSON_FLAGS);
    }
    json_decref(v);
    return rc;
}

/* ,\n"key": value (value taken). */
static int member(FILE *out, const char *key, json_t *v)
{
    fprintf(out, ",\n\"%s\": ", key);
    return dump(out, v);
}

typedef void (*emit_fn)(struct xb_present *pr, const struct xb_window *w,
                        const char *utc, const char *domain, const char *name,
                        const char *vcpu, const char *pcpu, const struct xb_acc *a);

/* A string, or null for "" (a window start the run cannot date). */
static json_t *str_or_null(const char *s)
{
    return *s ? json_string(s) : json_null();
}

static void emit_csv(struct xb_present *pr, const struct xb_window *w,
                     const char *utc, const char *domain, const char *name,
                     const char *vcpu, const char *pcpu, const struct xb_acc *a)
{
    FILE *out = pr->out;
    fprintf(out, "%.6f,%.6f,%s,", w->t_start_ns / 1e9, w->t_end_ns / 1e9, utc);
    xb_csv_field(out, domain);
    fputc(',', out);
    xb_csv_field(out, name);
    fprintf(out, ",%s,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%" PRIu64 "\n", vcpu, pcpu,
            xb_window_pct(a->ns[XB_RUNNING], w), xb_window_pct(a->ns[XB_RUNNABLE], w),
            xb_window_pct(a->ns[XB_BLOCKED], w), xb_window_pct(a->ns[XB_OFFLINE], w),
            xb_window_pct(a->ns[XB_UNKNOWN], w), a->execs);
}

static void emit_json(struct xb_present *pr, const struct xb_window *w,
                      const char *utc, const char *domain, const char *name,
                      const char *vcpu, const char *pcpu, const struct xb_acc *a)
{
    json_t *row = json_pack("{s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I}",
        "t_start_s", xb_json_fixed(w->t_start_ns / 1e9, 6),
        "t_end_s", xb_json_fixed(w->t_end_ns / 1e9, 6),
        "t_start_utc", str_or_null(utc),
        "domain", domain, "name", name, "vcpu", vcpu, "pcpu", pcpu,
        "cpu_pct", xb_json_fixed(xb_window_pct(a->ns[XB_RUNNING], w), 3),
        "waited_pct", xb_json_fixed(xb_window_pct(a->ns[XB_RUNNABLE], w), 3),
        "blocked_pct", xb_json_fixed(xb_window_pct(a->ns[XB_BLOCKED], w), 3),
        "offline_pct", xb_json_fixed(xb_window_pct(a->ns[XB_OFFLINE], w), 3),
        "unknown_pct", xb_json_fixed(xb_window_pct(a->ns[XB_UNKNOWN], w), 3),
        "execs", (json_int_t)a->execs);
    fputs(pr->nwindows++ ? ",\n  " : "\n  ", pr->out);
    dump(pr->out, row);
}

/* The window's domains to show, in order (--sort, --top), then idle: their
 * indexes in a malloc'ed array (NULL when out of memory), their count in *n. */
static unsigned *shown(const struct xb_present *pr, const struct xb_window *w,
                       const struct xb_run_info *info, unsigned *n)
{
    unsigned *idx = malloc((w->ndomain + 1) * sizeof *idx);
    if (!idx)
        return NULL;
    *n = xb_present_order(w, info, pr->sort, pr->top, idx, NULL);
    for (unsigned i = 0; i < w->ndomain; i++)
        if (w->domains[i].domid == XB_IDLE_DOMID)
            idx[(*n)++] = i;
    return idx;
}

static int rows(struct xb_present *pr, const struct xb_window *w,
                const struct xb_run_info *info, emit_fn emit)
{
    unsigned n = w->npcpu, nshown;
    unsigned *idx = shown(pr, w, info, &nshown);
    if (!idx)
        return 1;
    char utc[40];
    xb_present_utc(info, w->t_start_ns, utc, sizeof utc);
    for (unsigned j = 0; j < nshown; j++) {
        const struct xb_domain_acc *d = &w->domains[idx[j]];
        char dom[48], buf[32], vcpu[16], pcpu[16];
        xb_present_domlabel(d, dom, sizeof dom);
        const char *name = xb_names_show(info->names, d->domid, buf, sizeof buf);
        for (int k = -1; k < (int)d->nvcpu; k++) {
            if (k < 0)
                snprintf(vcpu, sizeof vcpu, "all");
            else
                snprintf(vcpu, sizeof vcpu, "%" PRIu32, d->vcpus[k].vcpu);
            for (unsigned c = 0; c <= n; c++) {
                struct xb_acc a;
                if (c < n)
                    snprintf(pcpu, sizeof pcpu, "%u", c);
                else
                    snprintf(pcpu, sizeof pcpu, "total");
                unsigned col = c < n ? c : XB_COL_TOTAL(n);
                xb_window_dom_sum(w, d, k, col, &a);
                if (k < 0)       /* blocked: the threads that are vCPUs */
                    a.ns[XB_BLOCKED] = xb_run_dom_blocked(info, w, d, col);
                emit(pr, w, utc, dom, name, vcpu, pcpu, &a);
            }
        }
    }
    free(idx);
    return 0;
}

/* A row of a per-window table: CSV's window and domain fields written to
 * f, or a new JSON object with those keys (NULL: out of memory); d NULL for
 * a host device (dev names it). */
static json_t *window_row(FILE *f, bool json, const struct xb_window *w,
                          const char *utc, const struct xb_run_info *info,
                          const struct xb_domain_acc *d, const char *dev)
{
    char dom[48], buf[32];
    const char *name = "";
    if (d) {
        xb_present_domlabel(d, dom, sizeof dom);
        name = xb_names_show(info->names, d->domid, buf, sizeof buf);
    }
    if (json) {
        json_t *o = json_pack("{s:o, s:o, s:o}",
            "t_start_s", xb_json_fixed(w->t_start_ns / 1e9, 6),
            "t_end_s", xb_json_fixed(w->t_end_ns / 1e9, 6),
            "t_start_utc", str_or_null(utc));
        if (o && d) {
            json_object_set_new(o, "domain", json_string(dom));
            json_object_set_new(o, "name", json_string(name));
        } else if (o) {
            json_object_set_new(o, "device", json_string(dev));
        }
        return o;
    }
    fprintf(f, "%.6f,%.6f,%s,", w->t_start_ns / 1e9, w->t_end_ns / 1e9, utc);
    if (d) {
        xb_csv_field(f, dom);
        fputc(',', f);
        xb_csv_field(f, name);
    } else {
        xb_csv_field(f, dev);
    }
    return NULL;
}

/* A figure: CSV a field (empty where not measured), JSON a key (left out). */
static void figure(FILE *f, json_t *o, const char *key, double v, int digits)
{
    if (o) {
        if (!isnan(v))
            json_object_set_new(o, key, xb_json_fixed(v, digits));
        return;
    }
    fputc(',', f);
    xb_csv_num(f, v, digits);
}

/* End a row: CSV's newline, or the object appended to *arr (created). */
static int end_row(FILE *f, json_t **arr, json_t *o, bool json)
{
    if (!json) {
        fputc('\n', f);
        return ferror(f) ? 1 : 0;
    }
    if (!o || (!*arr && !(*arr = json_array())))
        return 1;
    return json_array_append_new(*arr, o) ? 1 : 0;
}

/* The per-domain metric rows of a window (the table's "Disk, network,
 * memory"): a row for each domain with a figure of this format.  CSV
 * writes them as its table (--table io); JSON keeps them for "disk". */
static int io_rows(struct xb_present *pr, const struct xb_window *w,
                   const struct xb_run_info *info, bool json)
{
    if (!info->counters)
        return 0;
    unsigned show = json ? XB_SHOW_JSON : XB_SHOW_CSV, nshown;
    char utc[40];
    xb_present_utc(info, w->t_start_ns, utc, sizeof utc);
    unsigned *idx = shown(pr, w, info, &nshown);
    if (!idx)
        return 1;
    int rc = 0;
    for (unsigned j = 0; !rc && j < nshown; j++) {
        const struct xb_domain_acc *d = &w->domains[idx[j]];
        double v[XB_METRIC_MAX];
        xb_present_dom_metrics(w, info, d, v);
        if (!xb_present_metrics_any(v, show))
            continue;
        json_t *o = window_row(pr->out, json, w, utc, info, d, NULL);
        for (unsigned m = 0; m < xb_nmetrics; m++)
            if (xb_metrics[m].show & show)
                figure(pr->out, o, xb_metrics[m].name, v[m], xb_metrics[m].data_digits);
        rc = end_row(pr->out, &pr->metrics, o, json);
    }
    free(idx);
    return rc;
}

static const char *const dev_keys[] = {
    "r_per_s", "read_mbps", "r_await_ms", "w_per_s", "write_mbps", "w_await_ms",
    "aqu_sz", "util_pct",
};

struct devrows {
    struct xb_present *pr;
    bool json;
    const struct xb_window *w;
    const struct xb_run_info *info;
    const char *utc;
};

static int dev_row(const struct xb_dev_stat *d, void *ctx)
{
    struct devrows *x = ctx;
    json_t *o = window_row(x->pr->out, x->json, x->w, x->utc, x->info, NULL,
                           d->device);
    const double v[] = { d->r_per_s, d->read_mbps, d->r_await_ms, d->w_per_s,
                         d->write_mbps, d->w_await_ms, d->aqu_sz, d->util_pct };
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
        figure(x->pr->out, o, dev_keys[i], v[i], 3);
    return end_row(x->pr->out, &x->pr->devs, o, x->json);
}

/* The host disks of a window (the table's "Host disks"): CSV --table disk,
 * JSON "host_disks". */
static int dev_rows(struct xb_present *pr, const struct xb_window *w,
                    const struct xb_run_info *info, bool json)
{
    char utc[40];
    xb_present_utc(info, w->t_start_ns, utc, sizeof utc);
    struct devrows x = { pr, json, w, info, utc };
    return xb_present_each_dev(w, info, dev_row, &x);
}

/* The cache table's rows of a window, when the run has cache counters:
 * CSV --table cache, JSON "cache". */
static int cache_rows(struct xb_present *pr, const struct xb_window *w,
                      const struct xb_run_info *info, bool json)
{
    if (!xb_present_has_cache(w, info))
        return 0;
    char utc[40];
    xb_present_utc(info, w->t_start_ns, utc, sizeof utc);
    unsigned nshown;
    unsigned *idx = shown(pr, w, info, &nshown);
    if (!idx)
        return 1;
    int rc = 0;
    for (unsigned j = 0; !rc && j < nshown; j++) {
        const struct xb_domain_acc *d = &w->domains[idx[j]];
        if (d->domid == XB_IDLE_DOMID)
            continue;
        double v[XB_METRIC_MAX];
        xb_present_dom_metrics(w, info, d, v);
        double refs = v[XB_MET_LLC_REFS], misses = v[XB_MET_LLC_MISSES];
        json_t *o = window_row(pr->out, json, w, utc, info, d, NULL);
        figure(pr->out, o, xb_metrics[XB_MET_LLC_REFS].name, refs, 0);
        figure(pr->out, o, xb_metrics[XB_MET_LLC_MISSES].name, misses, 0);
        figure(pr->out, o, "llc_miss_ratio", refs > 0 ? misses / refs : NAN, 4);
        rc = end_row(pr->out, &pr->cache, o, json);
    }
    free(idx);
    return rc;
}

/* The run's uncertainty facts (docs/metrics.md, "Uncertainty"), the last
 * columns of CSV --table run and JSON's "uncertainty": counts, and seconds;
 * NaN (an empty field, left out of JSON) where the source has none (the
 * Linux repairs of a Xen run).  With no run, only the names. */
struct fact {
    const char *name;
    double v;
    bool count;
};
#define NFACTS (6 + XB_UNK_NCAUSE + 7)

static void uncertainty(const struct xb_run_info *info, struct fact f[NFACTS])
{
    static const struct xb_engine_stats none;
    static const struct xb_run_repairs no_repairs;
    const struct xb_engine_stats *s = info ? &info->stats : &none;
    const struct xb_run_repairs *r = info ? &info->repairs : &no_repairs;
    double lin = info && !xb_run_linux(info) ? NAN : 1;
    double known = info && info->no_stats ? NAN : 1;   /* record --aggregate */
    lin *= known;
    unsigned n = 0;
    f[n++] = (struct fact){ "lost_gaps", known * (double)s->lost_gaps, true };
    f[n++] = (struct fact){ "contradictions", known * (double)s->contradictions, true };
    f[n++] = (struct fact){ "domains_readded", known * (double)s->readded, true };
    f[n++] = (struct fact){ "domains_after_removal", known * (double)s->after_removal, true };
    f[n++] = (struct fact){ "unknown_pcpu_s", known * s->pcpu_unknown_ns / 1e9, false };
    f[n++] = (struct fact){ "unknown_pcpu_lost_records_s", known * s->pcpu_lost_ns / 1e9, false };
    for (int c = 0; c < XB_UNK_NCAUSE; c++)
        f[n++] = (struct fact){ xb_present_cause_keys[c], known * s->unknown_ns[c] / 1e9, false };
    f[n++] = (struct fact){ "repairs_bounded", lin * (double)r->bounded, true };
    f[n++] = (struct fact){ "repairs_bounded_s", lin * r->bounded_ns / 1e9, false };
    f[n++] = (struct fact){ "repairs_unbounded", lin * (double)r->unbounded, true };
    f[n++] = (struct fact){ "repairs_unbounded_s", lin * r->unbounded_ns / 1e9, false };
    f[n++] = (struct fact){ "implied_wakeups", lin * (double)r->implied_wakeups, true };
    f[n++] = (struct fact){ "reused_tids", lin * (double)r->reused_tids, true };
    f[n++] = (struct fact){ "stolen_pcpu_s", info ? xb_present_stolen_s(info) : NAN, false };
}

static void uncertainty_csv(FILE *f, const struct xb_run_info *info)
{
    struct fact u[NFACTS];
    uncertainty(info, u);
    for (unsigned i = 0; i < NFACTS; i++) {
        fputc(',', f);
        if (info)
            xb_csv_num(f, u[i].v, u[i].count ? 0 : 6);
        else
            fputs(u[i].name, f);
    }
}

static void uncertainty_json(const struct xb_run_info *info, json_t *obj)
{
    struct fact u[NFACTS];
    uncertainty(info, u);
    for (unsigned i = 0; i < NFACTS; i++)
        if (!isnan(u[i].v))
            json_object_set_new(obj, u[i].name, u[i].count
                                ? json_integer((json_int_t)u[i].v)
                                : xb_json_fixed(u[i].v, 6));
}

/* The run's facts (the table's footer): CSV --table run, one row. */
static const char *const run_keys[] = {
    "source", "input", "host", "cpu_model", "cpu_mhz", "npcpu", "start_utc",
    "span_s", "records", "lost_records", "tsc_hz", "clock_from", "not_recorded",
    "cache_na", "warning",
};

static void csv_run_row(FILE *f, const struct xb_run_info *info)
{
    uint64_t lost = 0;
    for (unsigned p = 0; p < info->npcpu; p++)
        lost += info->lost[p];
    char utc[40];
    xb_present_utc(info, 0, utc, sizeof utc);
    const char *text[] = { info->source ? info->source : "xen",
        info->input ? info->input : "", info->host ? info->host : "",
        info->cpu_model ? info->cpu_model : "" };
    for (unsigned i = 0; i < sizeof text / sizeof text[0]; i++) {
        xb_csv_field(f, text[i]);
        fputc(',', f);
    }
    xb_csv_num(f, info->cpu_mhz > 0 ? info->cpu_mhz : NAN, 3);
    fprintf(f, ",%u,%s,%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", info->npcpu,
            utc, info->span_ns / 1e9, info->records, lost, info->tsc_hz);
    const char *tail[] = { info->clock_from, info->missing, info->cache_na,
                           info->warning };
    for (unsigned i = 0; i < sizeof tail / sizeof tail[0]; i++) {
        if (i)
            fputc(',', f);
        xb_csv_field(f, tail[i] ? tail[i] : "");
    }
    uncertainty_csv(f, info);
    fputc('\n', f);
}

static enum xb_table csv_table(const struct xb_present *pr)
{
    return pr->table == XB_TABLE_ALL ? XB_TABLE_CPU : pr->table;
}

static void csv_header_of(FILE *out, enum xb_table t)
{
    const char *const *keys = NULL;
    unsigned n = 0;
    switch (t) {
    case XB_TABLE_IO:
        fputs("t_start_s,t_end_s,t_start_utc,domain,name", out);
        for (unsigned m = 0; m < xb_nmetrics; m++)
            if (xb_metrics[m].show & XB_SHOW_CSV) {
                fputc(',', out);
                xb_csv_field(out, xb_metrics[m].name);
            }
        break;
    case XB_TABLE_DISK:
        fputs("t_start_s,t_end_s,t_start_utc,device", out);
        keys = dev_keys;
        n = sizeof dev_keys / sizeof dev_keys[0];
        break;
    case XB_TABLE_CACHE:
        fprintf(out, "t_start_s,t_end_s,t_start_utc,domain,name,%s,%s,llc_miss_ratio",
                xb_metrics[XB_MET_LLC_REFS].name, xb_metrics[XB_MET_LLC_MISSES].name);
        break;
    case XB_TABLE_RUN:
        fputs(run_keys[0], out);
        keys = run_keys + 1;
        n = sizeof run_keys / sizeof run_keys[0] - 1;
        break;
    default:
        fputs(csv_header, out);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        fprintf(out, ",%s", keys[i]);
    if (t == XB_TABLE_RUN)
        uncertainty_csv(out, NULL);
    fputc('\n', out);
}

static int csv_begin(const struct xb_run_info *info, void *ctx)
{
    (void)info;
    struct xb_present *pr = ctx;
    csv_header_of(pr->out, csv_table(pr));
    return 0;
}

static int csv_window(const struct xb_window *w, const struct xb_run_info *info,
                      void *ctx)
{
    struct xb_present *pr = ctx;
    int rc = 0;
    switch (csv_table(pr)) {
    case XB_TABLE_IO: rc = io_rows(pr, w, info, false); break;
    case XB_TABLE_DISK: rc = dev_rows(pr, w, info, false); break;
    case XB_TABLE_CACHE: rc = cache_rows(pr, w, info, false); break;
    case XB_TABLE_RUN: break;
    default: rc = rows(pr, w, info, emit_csv); break;
    }
    return rc || ferror(pr->out) ? 1 : 0;
}

static int csv_end(const struct xb_run_info *info, void *ctx)
{
    struct xb_present *pr = ctx;
    if (csv_table(pr) == XB_TABLE_RUN)
        csv_run_row(pr->out, info);
    return fflush(pr->out) || ferror(pr->out) ? 1 : 0;
}

const struct xb_presenter xb_present_csv = {
    .begin = csv_begin,
    .window = csv_window,
    .end = csv_end,
};

static int json_begin(const struct xb_run_info *info, void *ctx)
{
    (void)info;
    struct xb_present *pr = ctx;
    fputs("{\"rows\": [", pr->out);
    return 0;
}

/* Each vCPU's state at the end and since when, from the last window. */
static json_t *final_states(const struct xb_window *w)
{
    json_t *a = json_array();
    for (unsigned i = 0; a && i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        char dom[48], vcpu[16];
        xb_present_domlabel(d, dom, sizeof dom);
        for (uint32_t k = 0; k < d->nvcpu; k++) {
            snprintf(vcpu, sizeof vcpu, "%" PRIu32, d->vcpus[k].vcpu);
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "domain", dom,
                "vcpu", vcpu, "state", xb_state_name(d->vcpus[k].final_state),
                "since_s", xb_json_fixed(d->vcpus[k].final_since_ns / 1e9, 6)));
        }
    }
    return a;
}

/* Close the rows array: the final states (after the last window) and, per
 * window and pCPU, the time no vCPU is known to have run. */
static int json_close_rows(struct xb_present *pr)
{
    FILE *out = pr->out;
    fputs("\n]", out);
    int rc = 0;
    if (pr->final) {
        fputs(",\n\"final_states\": ", out);
        rc |= dump(out, pr->final);
        pr->final = NULL;
    }
    fputs(",\n\"pcpu_unknown\": ", out);
    rc |= dump(out, pr->unknown ? pr->unknown : json_array());
    pr->unknown = NULL;
    pr->closed = true;
    return rc;
}

static int json_window(const struct xb_window *w, const struct xb_run_info *info,
                       void *ctx)
{
    struct xb_present *pr = ctx;
    if (rows(pr, w, info, emit_json) || (!pr->unknown && !(pr->unknown = json_array())))
        return 1;
    for (unsigned p = 0; p < w->npcpu; p++) {
        json_t *o = json_pack("{s:o, s:I, s:o}",
                "t_start_s", xb_json_fixed(w->t_start_ns / 1e9, 6),
                "pcpu", (json_int_t)p,
                "unknown_pct", xb_json_fixed(xb_window_pct(w->pcpu_unknown_ns[p], w), 3));
        double stolen = xb_present_stolen_pct(info, p, w->t_start_ns, w->t_end_ns);
        if (o && !isnan(stolen))
            json_object_set_new(o, "stolen_pct", xb_json_fixed(stolen, 3));
        if (json_array_append_new(pr->unknown, o))
            return 1;
    }
    if (io_rows(pr, w, info, true) || dev_rows(pr, w, info, true) ||
        cache_rows(pr, w, info, true))
        return 1;
    if (w->final) {
        if (!(pr->final = final_states(w)) || json_close_rows(pr))
            return 1;
    }
    return ferror(pr->out) ? 1 : 0;
}

static int json_end(const struct xb_run_info *info, void *ctx)
{
    struct xb_present *pr = ctx;
    FILE *out = pr->out;
    int rc = pr->closed ? 0 : json_close_rows(pr);
    json_t *lost = json_array();
    for (unsigned p = 0; lost && p < info->npcpu; p++)
        json_array_append_new(lost, json_integer((json_int_t)info->lost[p]));
    const char *trace = info->trace_file ? info->trace_file
                      : info->input ? info->input : "";
    rc |= member(out, "trace", json_string(trace));
    rc |= member(out, "tsc_hz", json_integer((json_int_t)info->tsc_hz));
    rc |= member(out, "tsc_hz_from", json_string(info->clock_from ? info->clock_from : ""));
    rc |= member(out, "npcpu", json_integer(info->npcpu));
    rc |= member(out, "span_s", xb_json_fixed(info->span_ns / 1e9, 6));
    rc |= member(out, "first_tsc", json_integer((json_int_t)info->first_tsc));
    rc |= member(out, "last_tsc", json_integer((json_int_t)info->last_tsc));
    rc |= member(out, "records", json_integer((json_int_t)info->records));
    rc |= member(out, "lost_records", lost);
    rc |= member(out, "warning", info->warning ? json_string(info->warning) : json_null());
    char utc[40];
    xb_present_utc(info, 0, utc, sizeof utc);
    rc |= member(out, "start_utc", str_or_null(utc));
    rc |= member(out, "source", json_string(info->source ? info->source : "xen"));
    const struct { const char *key; const char *v; } facts[] = {
        { "host", info->host }, { "cpu_model", info->cpu_model },
        { "not_recorded", info->missing }, { "cache_na", info->cache_na },
    };
    for (unsigned i = 0; i < sizeof facts / sizeof facts[0]; i++)
        rc |= member(out, facts[i].key, str_or_null(facts[i].v ? facts[i].v : ""));
    rc |= member(out, "cpu_mhz", info->cpu_mhz > 0 ? xb_json_fixed(info->cpu_mhz, 3)
                                                   : json_null());
    json_t *unc = json_object();
    if (unc)
        uncertainty_json(info, unc);
    rc |= member(out, "uncertainty", unc);
    rc |= member(out, "disk", pr->metrics ? pr->metrics : json_array());
    rc |= member(out, "host_disks", pr->devs ? pr->devs : json_array());
    rc |= member(out, "cache", pr->cache ? pr->cache : json_array());
    pr->metrics = pr->devs = pr->cache = NULL;
    fputs("\n}\n", out);
    return rc || fflush(out) || ferror(out) ? 1 : 0;
}

const struct xb_presenter xb_present_json = {
    .begin = json_begin,
    .window = json_window,
    .end = json_end,
};
