/* prom.c: the Prometheus exposition of running totals (see prom.h).  Owns
 * the metric names, their help texts and the text format; it must not
 * change the totals or know where they come from.  Written for speed (the
 * cpu family of 1,000 domains is tens of thousands of lines): label
 * prefixes are built once per row and numbers are formatted by hand. */
#define _GNU_SOURCE
#include "prom.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "model/domain.h"
#include "model/metric.h"
#include "util/format.h"

/* The stream is locked once for the whole exposition (xb_prom_write). */
#define fputs fputs_unlocked
#define fputc fputc_unlocked
#define fwrite fwrite_unlocked

static void put_u64(FILE *out, uint64_t v)
{
    char buf[24], *p = buf + sizeof buf;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    fwrite(p, 1, (size_t)(buf + sizeof buf - p), out);
}

void xb_prom_seconds(FILE *out, uint64_t ns)
{
    put_u64(out, ns / 1000000000ull);
    uint64_t frac = ns % 1000000000ull;
    if (!frac)
        return;
    char buf[10];
    int n = 9;
    while (frac % 10 == 0) {
        frac /= 10;
        n--;
    }
    buf[0] = '.';
    for (int i = n; i >= 1; i--) {
        buf[i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    fwrite(buf, 1, (size_t)n + 1, out);
}

static void put_double(FILE *out, double v)
{
    if (isnan(v)) {
        fputs("NaN", out);
        return;
    }
    if (v >= 0 && v < 1e15 && v == floor(v)) {
        put_u64(out, (uint64_t)v);
        return;
    }
    fprintf(out, "%.17g", v);
}

void xb_prom_label_value(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\': fputs("\\\\", out); break;
        case '"': fputs("\\\"", out); break;
        case '\n': fputs("\\n", out); break;
        default: fputc(*s, out);
        }
    }
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
    fputs("# HELP ", out);
    fputs(name, out);
    fputc(' ', out);
    xb_fputs_escaped(out, help);
    fputs("\n# TYPE ", out);
    fputs(name, out);
    fputc(' ', out);
    fputs(type, out);
    fputc('\n', out);
}

/* The end of a sample line: the time its figures stand at, when known. */
static void eol(FILE *out, const struct xb_prom_facts *f)
{
    if (f->sample_ms > 0) {
        fputc(' ', out);
        put_u64(out, (uint64_t)f->sample_ms);
    }
    fputc('\n', out);
}

/* domain="3#1",name="web" (no braces). */
static void dom_labels(FILE *out, const struct xb_prom_facts *f, uint32_t domid,
                       uint32_t instance)
{
    char label[48], buf[32];
    xb_domain_label(domid, instance, label, sizeof label);
    fputs("domain=\"", out);
    fputs(label, out);
    fputs("\",name=\"", out);
    const struct xb_names *names = f->info ? f->info->names : NULL;
    xb_prom_label_value(out, xb_names_show(names, domid, buf, sizeof buf));
    fputc('"', out);
}

static void group_label(char *buf, size_t len, uint32_t g)
{
    switch (g) {
    case XB_TOTALS_ALL: snprintf(buf, len, "all"); break;
    case XB_TOTALS_EMU: snprintf(buf, len, "emu"); break;
    case XB_TOTALS_OTHER: snprintf(buf, len, "other"); break;
    default: snprintf(buf, len, "%" PRIu32, g);
    }
}

/* The states of xenbench_cpu_seconds_total; offline only where there was some. */
static const struct { enum xb_state s; const char *name; bool always; } states[] = {
    { XB_RUNNING, "running", true },
    { XB_RUNNABLE, "runnable", true },
    { XB_BLOCKED, "blocked", true },
    { XB_UNKNOWN, "unknown", true },
    { XB_OFFLINE, "offline", false },
};

static void cpu_family(FILE *out, const struct xb_totals *t,
                       const struct xb_prom_facts *f)
{
    family(out, "xenbench_cpu_seconds_total", "counter",
           "Time each vCPU of a domain spent running, runnable (waited), blocked, "
           "offline or unknown, charged to a physical CPU (pcpu=\"unplaced\": not "
           "yet seen on one). vcpu=\"all\": every thread of the Linux host; "
           "\"emu\": a domain's emulator threads. See docs/metrics.md.");
    char prefix[512], vbuf[16];
    for (size_t i = 0; i < t->nrow; i++) {
        const struct xb_totals_row *r = &t->row[i];
        FILE *m = fmemopen(prefix, sizeof prefix, "w");
        if (!m)
            continue;
        fputs("xenbench_cpu_seconds_total{", m);
        dom_labels(m, f, r->domid, r->instance);
        group_label(vbuf, sizeof vbuf, r->group);
        fprintf(m, ",vcpu=\"%s\",pcpu=\"", vbuf);
        long plen = ftell(m);
        fclose(m);
        if (plen <= 0 || (size_t)plen >= sizeof prefix)
            continue;
        for (unsigned p = 0; p <= t->npcpu; p++) {
            const struct xb_acc *a = &r->pcpu[p];
            uint64_t any = 0;
            for (int s = 0; s < XB_NSTATES; s++)
                any |= a->ns[s];
            if (p == t->npcpu && !any)
                continue;               /* nothing unplaced */
            for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
                if (!states[s].always && !a->ns[states[s].s])
                    continue;
                fwrite(prefix, 1, (size_t)plen, out);
                if (p == t->npcpu)
                    fputs("unplaced", out);
                else
                    put_u64(out, p);
                fputs("\",state=\"", out);
                fputs(states[s].name, out);
                fputs("\"} ", out);
                xb_prom_seconds(out, a->ns[states[s].s]);
                eol(out, f);
            }
        }
    }
}

/* One family per row of the metric table that has a Prometheus name: a
 * cumulative counter's running total, or a gauge's level in the last
 * window (left out for domains not measured then).  A family no domain
 * has a figure of is left out. */
static void metric_family(FILE *out, const struct xb_totals *t,
                          const struct xb_prom_facts *f, unsigned k)
{
    const struct xb_metric *mt = &xb_metrics[k];
    bool gauge = mt->kind == XB_GAUGE, any = false;
    for (size_t i = 0; i < t->ndom && !any; i++)
        any = !isnan(t->dom[i].m[k]) && (!gauge || t->dom[i].m_index[k] == t->last_index);
    if (!mt->prom || !any)
        return;
    family(out, mt->prom, gauge ? "gauge" : "counter", mt->prom_help);
    for (size_t i = 0; i < t->ndom; i++) {
        const struct xb_totals_dom *d = &t->dom[i];
        if (isnan(d->m[k]) || (gauge && d->m_index[k] != t->last_index))
            continue;
        fputs(mt->prom, out);
        fputc('{', out);
        dom_labels(out, f, d->domid, d->instance);
        fputs("} ", out);
        put_double(out, d->m[k]);
        eol(out, f);
    }
}

/* A family of one sample without labels: a count, or ns as seconds. */
static void scalar(FILE *out, const struct xb_prom_facts *f, const char *name,
                   const char *type, const char *help, uint64_t v, bool ns)
{
    family(out, name, type, help);
    fputs(name, out);
    fputc(' ', out);
    if (ns)
        xb_prom_seconds(out, v);
    else
        put_u64(out, v);
    eol(out, f);
}

/* One family of per-pCPU samples: counts, or ns as seconds. */
static void per_pcpu(FILE *out, const struct xb_prom_facts *f, const char *name,
                     const char *help, const uint64_t *v, unsigned n, bool ns)
{
    family(out, name, "counter", help);
    for (unsigned p = 0; v && p < n; p++) {
        fputs(name, out);
        fputs("{pcpu=\"", out);
        put_u64(out, p);
        fputs("\"} ", out);
        if (ns)
            xb_prom_seconds(out, v[p]);
        else
            put_u64(out, v[p]);
        eol(out, f);
    }
}

static void info_families(FILE *out, const struct xb_totals *t,
                          const struct xb_prom_facts *f)
{
    const struct xb_run_info *info = f->info;
    family(out, "xenbench_host_info", "gauge",
           "Facts of the recorded host; the value is always 1.");
    fputs("xenbench_host_info{host=\"", out);
    xb_prom_label_value(out, info && info->host ? info->host : "");
    fputs("\",cpu_model=\"", out);
    xb_prom_label_value(out, info && info->cpu_model ? info->cpu_model : "");
    fputs("\",source=\"", out);
    xb_prom_label_value(out, info && info->source ? info->source : "");
    fputs("\",version=\"", out);
    xb_prom_label_value(out, f->version ? f->version : "");
    fputs("\"} 1", out);
    eol(out, f);

    family(out, "xenbench_domain_info", "gauge",
           "One series per domain seen, with its name; the value is always 1.");
    for (size_t i = 0; i < t->ndom; i++) {
        fputs("xenbench_domain_info{", out);
        dom_labels(out, f, t->dom[i].domid, t->dom[i].instance);
        fputs("} 1", out);
        eol(out, f);
    }
    scalar(out, f, "xenbench_pcpus", "gauge", "Physical CPUs of the host.", t->npcpu, false);
    scalar(out, f, "xenbench_window_seconds", "gauge",
           "Length of the accounting windows the totals grow by.", f->interval_ns, true);
    family(out, "xenbench_start_time_seconds", "gauge",
           "When the recording started, in seconds since 1970.");
    fputs("xenbench_start_time_seconds ", out);
    fprintf(out, "%.3f", f->start_unix);
    eol(out, f);
}

static void count_families(FILE *out, const struct xb_totals *t,
                           const struct xb_prom_facts *f)
{
    scalar(out, f, "xenbench_windows_total", "counter", "Accounting windows finished.",
           t->windows, false);
    scalar(out, f, "xenbench_recorded_seconds_total", "counter",
           "Time covered by the finished windows.", t->span_ns, true);
    per_pcpu(out, f, "xenbench_pcpu_unknown_seconds_total",
             "Time no occupant of a physical CPU was known (before its first record, "
             "inside lost-record gaps).", t->pcpu_unknown_ns, t->npcpu, true);
    if (t->stolen_seen)
        per_pcpu(out, f, "xenbench_pcpu_stolen_seconds_total",
                 "Time the hypervisor under this (Linux) host kept a CPU from running "
                 "(/proc/stat steal); the running time of what ran there includes it.",
                 t->pcpu_stolen_ns, t->npcpu, true);
    per_pcpu(out, f, "xenbench_lost_events_total",
             "Scheduler events (trace records) the source dropped, per physical CPU.",
             f->info ? f->info->lost : NULL, t->npcpu, false);
    family(out, "xenbench_repairs_total", "counter",
           "Events the decoder supplied because the kernel did not trace them "
           "(kind=\"untraced_switch\", \"implied_wakeup\"); docs/linux-recording.md.");
    fputs("xenbench_repairs_total{kind=\"untraced_switch\"} ", out);
    put_u64(out, f->repaired);
    eol(out, f);
    fputs("xenbench_repairs_total{kind=\"implied_wakeup\"} ", out);
    put_u64(out, f->implied_wakeups);
    eol(out, f);
    scalar(out, f, "xenbench_contradictions_total", "counter",
           "Records whose old state contradicted the tracked one (the time in between "
           "became unknown).", t->mismatches, false);
    family(out, "xenbench_window_delay_seconds", "gauge",
           "How long after its end the last window was finished.");
    fprintf(out, "xenbench_window_delay_seconds %.6f", f->window_delay_s);
    eol(out, f);
    scalar(out, f, "xenbench_windows_late_total", "counter",
           "Windows finished more than two window lengths after their end.",
           f->windows_late, false);
}

int xb_prom_write(FILE *out, const struct xb_totals *t, const struct xb_prom_facts *f)
{
    flockfile(out);
    cpu_family(out, t, f);
    for (unsigned k = 0; k < xb_nmetrics; k++)
        metric_family(out, t, f, k);
    info_families(out, t, f);
    count_families(out, t, f);
    funlockfile(out);
    return ferror(out) ? -EIO : 0;
}
