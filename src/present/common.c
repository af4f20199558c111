/* common.c: what every presenter uses: domain labels, the footer, and
 * freeing what a presenter kept.  It must not compute a figure. */
#include "present.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"

void xb_present_utc(const struct xb_run_info *info, uint64_t t_ns, char *buf,
                    size_t len)
{
    if (!info->start_utc || isnan(info->start_unix))
        snprintf(buf, len, "%s", "");
    else
        xb_utc_text_ms(info->start_unix + (double)t_ns / 1e9, buf, len);
}

const char *const xb_present_cause_names[XB_UNK_NCAUSE] = {
    [XB_UNK_BEFORE] = "before its first record",
    [XB_UNK_SOURCE] = "not said by the source",
    [XB_UNK_LOST] = "lost records",
    [XB_UNK_CONTRADICTION] = "contradictions",
    [XB_UNK_REMOVED] = "after its domain's removal",
    [XB_UNK_CPU_END] = "after its pCPU's last record",
};
const char *const xb_present_cause_keys[XB_UNK_NCAUSE] = {
    [XB_UNK_BEFORE] = "unknown_vcpu_before_first_record_s",
    [XB_UNK_SOURCE] = "unknown_vcpu_source_s",
    [XB_UNK_LOST] = "unknown_vcpu_lost_records_s",
    [XB_UNK_CONTRADICTION] = "unknown_vcpu_contradictions_s",
    [XB_UNK_REMOVED] = "unknown_vcpu_after_removal_s",
    [XB_UNK_CPU_END] = "unknown_vcpu_after_pcpu_end_s",
};

/* What the run could not know or had to infer (docs/metrics.md,
 * "Uncertainty"): unknown time by cause, contradictions, repairs. */
double xb_present_stolen_pct(const struct xb_run_info *info, unsigned p,
                             uint64_t t0_ns, uint64_t t1_ns)
{
    char key[32];
    double r;
    xb_counters_cpukey(key, sizeof key, p);
    if (!info->counters ||
        !xb_counters_rate(info->counters, key, XB_CTR_CPU_STEAL_NS, t0_ns, t1_ns, &r))
        return NAN;
    return r / 1e7;                    /* ns per s -> % */
}

void xb_present_stolen_line(FILE *out, const struct xb_run_info *info,
                            uint64_t t0_ns, uint64_t t1_ns)
{
    double pct[info->npcpu ? info->npcpu : 1];
    bool any = false;
    for (unsigned p = 0; p < info->npcpu; p++)
        any |= (pct[p] = xb_present_stolen_pct(info, p, t0_ns, t1_ns)) >= 0.05;
    if (!any)
        return;
    fputs("pCPU time stolen by the hypervisor under this host (%, inside the "
          "running time above):", out);
    for (unsigned p = 0; p < info->npcpu; p++) {
        double v = pct[p];
        if (isnan(v))
            fprintf(out, " cpu%u -", p);
        else
            fprintf(out, " cpu%u %.1f", p, v);
    }
    fputc('\n', out);
}

void xb_present_uncertainty(FILE *out, const struct xb_run_info *info)
{
    const struct xb_engine_stats *s = &info->stats;
    if (info->no_stats) {
        fputs("unknown, contradictions, repairs: not kept by an aggregated "
              "recording (each window's unknown(%) is)\n", out);
        return;
    }
    fprintf(out, "unknown: domains' vCPU time %.3f s", s->unknown_vcpu_ns / 1e9);
    const char *sep = " (";
    for (int c = 0; c < XB_UNK_NCAUSE; c++) {
        if (!s->unknown_ns[c])
            continue;
        fprintf(out, "%s%s %.3f s", sep, xb_present_cause_names[c],
                s->unknown_ns[c] / 1e9);
        sep = ", ";
    }
    fprintf(out, "%s; pCPU time %.3f s (lost records %.3f s)\n", *sep == ',' ? ")" : "",
            s->pcpu_unknown_ns / 1e9, s->pcpu_lost_ns / 1e9);
    fprintf(out, "contradictions: %" PRIu64 " records contradicting the tracked "
            "state", s->contradictions);
    if (s->readded || s->after_removal)
        fprintf(out, " (%" PRIu64 " DOM_ADD of a live domid, %" PRIu64
                " domids with records after their DOM_REM)", s->readded,
                s->after_removal);
    fputc('\n', out);
    if (xb_run_linux(info)) {
        const struct xb_run_repairs *r = &info->repairs;
        fprintf(out, "repairs: %" PRIu64 " untraced switches put back (%.1f ms "
                "of running), %" PRIu64 " not bounded (%.1f ms unknown); %" PRIu64
                " implied wake-ups; %" PRIu64 " reused thread ids\n", r->bounded,
                r->bounded_ns / 1e6, r->unbounded, r->unbounded_ns / 1e6,
                r->implied_wakeups, r->reused_tids);
    }
    double stolen = xb_present_stolen_s(info);
    if (!isnan(stolen))
        fprintf(out, "stolen: pCPU time %.3f s taken by the hypervisor under this "
                "host (/proc/stat steal), inside the running time\n", stolen);
}

double xb_present_stolen_s(const struct xb_run_info *info)
{
    double sum = NAN;
    for (unsigned p = 0; p < info->npcpu; p++) {
        double v = xb_present_stolen_pct(info, p, 0, info->span_ns);
        if (!isnan(v))
            sum = (isnan(sum) ? 0 : sum) + v / 100 * info->span_ns / 1e9;
    }
    return sum;
}

double xb_present_dom_pct(const struct xb_window *w, const struct xb_run_info *info,
                          const struct xb_domain_acc *d, int k, enum xb_state s,
                          unsigned col)
{
    if (k < 0 && xb_run_linux(info) && d->domid == XB_HOST_DOMID &&
        (s == XB_BLOCKED || s == XB_UNKNOWN))
        return NAN;
    if (s == XB_BLOCKED && k < 0)
        return xb_window_pct(xb_run_dom_blocked(info, w, d, col), w);
    struct xb_acc a;
    xb_window_dom_sum(w, d, k, col, &a);
    return xb_window_pct(a.ns[s], w);
}

void xb_present_domlabel(const struct xb_domain_acc *d, char *buf, size_t len)
{
    xb_domain_label(d->domid, d->instance, buf, len);
}

void xb_present_vcpu_rows(const struct xb_domain_acc *d, const char *label,
                          void (*fn)(int k, const char *name, void *ctx), void *ctx)
{
    bool emu = false;
    char vl[64];
    for (uint32_t k = 0; k < d->nvcpu; k++) {
        if (d->vcpus[k].vcpu >= XB_VCPU_EMU) {
            emu = true;
            continue;
        }
        snprintf(vl, sizeof vl, "d%sv%" PRIu32, label, d->vcpus[k].vcpu);
        fn((int)k, vl, ctx);
    }
    if (emu) {                         /* a QEMU domain's other threads */
        snprintf(vl, sizeof vl, "d%semu", label);
        fn(XB_K_EMU, vl, ctx);
    }
}

void xb_present_footer(FILE *out, const struct xb_run_info *info)
{
    bool linux_run = info->source && strcmp(info->source, "linux") == 0;
    if (linux_run)
        fprintf(out, "span: %.6f s (CLOCK_MONOTONIC, from %s)\n",
                info->span_ns / 1e9, info->clock_from);
    else
        fprintf(out, "span: %.6f s (TSC %llu..%llu)\n", info->span_ns / 1e9,
                (unsigned long long)info->first_tsc,
                (unsigned long long)info->last_tsc);
    if (info->start_utc && !isnan(info->start_unix)) {
        char a[40], b[40];
        xb_present_utc(info, 0, a, sizeof a);
        xb_present_utc(info, info->span_ns, b, sizeof b);
        fprintf(out, "time: %s .. %s UTC (start from %s)\n", a, b, info->start_from);
    }
    fprintf(out, "%s: %llu read; lost:", linux_run ? "events" : "records",
            (unsigned long long)info->records);
    for (unsigned p = 0; p < info->npcpu; p++)
        fprintf(out, " cpu%u %llu", p, (unsigned long long)info->lost[p]);
    if (info->no_stats)
        fputc('\n', out);
    else
        fprintf(out, " (%llu gaps)\n", (unsigned long long)info->stats.lost_gaps);
    if (!linux_run)
        fprintf(out, "tsc: %llu Hz (from %s)\n", (unsigned long long)info->tsc_hz,
                info->clock_from);
    xb_present_uncertainty(out, info);
    if (info->host)
        fprintf(out, "host: %s%s%s\n", info->host, info->cpu_model ? ", " : "",
                info->cpu_model ? info->cpu_model : "");
    if (info->missing)
        fprintf(out, "not recorded: %s\n", info->missing);
    if (info->warning)
        fprintf(out, "warning: %s\n", info->warning);
}

void xb_present_free(struct xb_present *pr)
{
    xb_present_html_release(pr);
    json_decref(pr->unknown);
    json_decref(pr->final);
    json_decref(pr->metrics);
    json_decref(pr->devs);
    json_decref(pr->cache);
    pr->unknown = pr->final = pr->metrics = pr->devs = pr->cache = NULL;
}
