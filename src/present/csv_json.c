/* csv_json.c: the machine-readable formats, one row per
 * (window, domain, vCPU or "all", pCPU or "total").
 *
 * Both formats carry the same fields, named by the CSV header; JSON wraps the
 * rows in an object with the footer facts.  Every domain, idle included,
 * appears in every window it exists in.
 */
#include "present.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char csv_header[] =
    "t_start_s,t_end_s,domain,name,vcpu,pcpu,cpu_pct,waited_pct,blocked_pct,"
    "offline_pct,unknown_pct,execs\n";

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void csv_str(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

typedef void (*emit_fn)(struct xb_present *pr, const struct xb_window *w,
                        const char *domain, const char *name, const char *vcpu,
                        const char *pcpu, const struct xb_acc *a);

static void emit_csv(struct xb_present *pr, const struct xb_window *w,
                     const char *domain, const char *name, const char *vcpu,
                     const char *pcpu, const struct xb_acc *a)
{
    FILE *out = pr->out;
    fprintf(out, "%.6f,%.6f,%s,", w->t_start_ns / 1e9, w->t_end_ns / 1e9, domain);
    csv_str(out, name);
    fprintf(out, ",%s,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%" PRIu64 "\n", vcpu, pcpu,
            xb_pct(a->ns[XB_RUNNING], w), xb_pct(a->ns[XB_RUNNABLE], w),
            xb_pct(a->ns[XB_BLOCKED], w), xb_pct(a->ns[XB_OFFLINE], w),
            xb_pct(a->ns[XB_UNKNOWN], w), a->execs);
}

static void emit_json(struct xb_present *pr, const struct xb_window *w,
                      const char *domain, const char *name, const char *vcpu,
                      const char *pcpu, const struct xb_acc *a)
{
    FILE *out = pr->out;
    fprintf(out, "%s\n  {\"t_start_s\": %.6f, \"t_end_s\": %.6f, \"domain\": ",
            pr->nwindows++ ? "," : "", w->t_start_ns / 1e9, w->t_end_ns / 1e9);
    json_str(out, domain);
    fputs(", \"name\": ", out);
    json_str(out, name);
    fputs(", \"vcpu\": ", out);
    json_str(out, vcpu);
    fputs(", \"pcpu\": ", out);
    json_str(out, pcpu);
    fprintf(out, ", \"cpu_pct\": %.3f, \"waited_pct\": %.3f, \"blocked_pct\": "
            "%.3f, \"offline_pct\": %.3f, \"unknown_pct\": %.3f, \"execs\": %"
            PRIu64 "}",
            xb_pct(a->ns[XB_RUNNING], w), xb_pct(a->ns[XB_RUNNABLE], w),
            xb_pct(a->ns[XB_BLOCKED], w), xb_pct(a->ns[XB_OFFLINE], w),
            xb_pct(a->ns[XB_UNKNOWN], w), a->execs);
}

static void rows(struct xb_present *pr, const struct xb_window *w,
                 const struct xb_run_info *info, emit_fn emit)
{
    unsigned n = w->npcpu;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
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
                xb_present_sum(w, d, k, c < n ? c : XB_COL_TOTAL(n), &a);
                emit(pr, w, dom, name, vcpu, pcpu, &a);
            }
        }
    }
}

/* Disk rows of a window into the side buffer (printed at the end). */
static int keep_io(struct xb_present *pr, const struct xb_window *w,
                   const struct xb_run_info *info, bool json)
{
    if (!info->counters)
        return 0;
    if (!pr->iof && !(pr->iof = open_memstream(&pr->io, &pr->iolen)))
        return 1;
    char dom[48], buf[32];
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        struct xb_dom_io io;
        if (!xb_present_dom_io(w, info, d, &io) || !io.disk)
            continue;
        xb_present_domlabel(d, dom, sizeof dom);
        const char *name = xb_names_show(info->names, d->domid, buf, sizeof buf);
        if (json) {
            fprintf(pr->iof, "%s\n{\"t_start_s\": %.6f, \"t_end_s\": %.6f, "
                    "\"domain\": ", pr->iolen || ftell(pr->iof) ? "," : "",
                    w->t_start_ns / 1e9, w->t_end_ns / 1e9);
            json_str(pr->iof, dom);
            fputs(", \"name\": ", pr->iof);
            json_str(pr->iof, name);
            fprintf(pr->iof, ", \"read_mbps\": %.4f, \"write_mbps\": %.4f",
                    io.read_mbps, io.write_mbps);
            if (io.net)
                fprintf(pr->iof, ", \"net_rx_mbps\": %.4f, \"net_tx_mbps\": %.4f",
                        io.rx_mbps, io.tx_mbps);
            if (io.mem)
                fprintf(pr->iof, ", \"mem_mb\": %.1f", io.mem_mb);
            fputc('}', pr->iof);
        } else {
            fprintf(pr->iof, "%.6f,%.6f,", w->t_start_ns / 1e9, w->t_end_ns / 1e9);
            csv_str(pr->iof, dom);
            fputc(',', pr->iof);
            csv_str(pr->iof, name);
            fprintf(pr->iof, ",%.4f,%.4f\n", io.read_mbps, io.write_mbps);
        }
    }
    return ferror(pr->iof) ? 1 : 0;
}

/* Close the side buffer; its text (or "") stays in pr->io until freed. */
static const char *io_text(struct xb_present *pr)
{
    if (pr->iof) {
        fclose(pr->iof);
        pr->iof = NULL;
    }
    return pr->io ? pr->io : "";
}

static int csv_begin(const struct xb_run_info *info, void *ctx)
{
    (void)info;
    struct xb_present *pr = ctx;
    fputs(csv_header, pr->out);
    return 0;
}

static int csv_window(const struct xb_window *w, const struct xb_run_info *info,
                      void *ctx)
{
    struct xb_present *pr = ctx;
    rows(pr, w, info, emit_csv);
    if (keep_io(pr, w, info, false))
        return 1;
    return ferror(pr->out) ? 1 : 0;
}

static int csv_end(const struct xb_run_info *info, void *ctx)
{
    struct xb_present *pr = ctx;
    if (info->counters) {
        fputs("\nt_start_s,t_end_s,domain,name,read_mbps,write_mbps\n", pr->out);
        fputs(io_text(pr), pr->out);
    }
    free(pr->io);
    pr->io = NULL;
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

static void json_unknown(struct xb_present *pr);

/* Each vCPU's state at the end and since when: the last window closes the
 * rows array with it. */
static void json_final_states(struct xb_present *pr, const struct xb_window *w)
{
    FILE *out = pr->out;
    fputs("\n],\n\"final_states\": [", out);
    unsigned n = 0;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        char dom[48];
        xb_present_domlabel(d, dom, sizeof dom);
        for (uint32_t k = 0; k < d->nvcpu; k++) {
            fprintf(out, "%s\n  {\"domain\": \"%s\", \"vcpu\": \"%" PRIu32
                    "\", \"state\": \"%s\", \"since_s\": %.6f}",
                    n++ ? "," : "", dom, d->vcpus[k].vcpu,
                    xb_state_name(d->vcpus[k].final_state),
                    d->vcpus[k].final_since_ns / 1e9);
        }
    }
    fputs("\n]", out);
    json_unknown(pr);
    pr->closed = true;
}

/* Per window and pCPU, the time no vCPU is known to have run: kept until the
 * rows array is closed. */
static int json_keep_unknown(struct xb_present *pr, const struct xb_window *w)
{
    size_t need = pr->nunknown + 3 * (size_t)w->npcpu;
    if (need > pr->unknowncap) {
        size_t cap = need * 2;
        double *n = realloc(pr->unknown, cap * sizeof *n);
        if (!n)
            return 1;
        pr->unknown = n;
        pr->unknowncap = cap;
    }
    for (unsigned p = 0; p < w->npcpu; p++) {
        pr->unknown[pr->nunknown++] = w->t_start_ns / 1e9;
        pr->unknown[pr->nunknown++] = p;
        pr->unknown[pr->nunknown++] = xb_pct(w->pcpu_unknown_ns[p], w);
    }
    return 0;
}

static void json_unknown(struct xb_present *pr)
{
    fputs(",\n\"pcpu_unknown\": [", pr->out);
    for (size_t i = 0; i + 2 < pr->nunknown; i += 3)
        fprintf(pr->out, "%s\n  {\"t_start_s\": %.6f, \"pcpu\": %.0f, "
                "\"unknown_pct\": %.3f}", i ? "," : "", pr->unknown[i],
                pr->unknown[i + 1], pr->unknown[i + 2]);
    fputs("\n]", pr->out);
    free(pr->unknown);
    pr->unknown = NULL;
    pr->nunknown = pr->unknowncap = 0;
}

static int json_window(const struct xb_window *w, const struct xb_run_info *info,
                       void *ctx)
{
    struct xb_present *pr = ctx;
    rows(pr, w, info, emit_json);
    if (json_keep_unknown(pr, w) || keep_io(pr, w, info, true))
        return 1;
    if (w->final)
        json_final_states(pr, w);
    return ferror(pr->out) ? 1 : 0;
}

static int json_end(const struct xb_run_info *info, void *ctx)
{
    struct xb_present *pr = ctx;
    FILE *out = pr->out;
    if (!pr->closed) {
        fputs("\n]", out);
        json_unknown(pr);
    }
    fputs(",\n\"trace\": ", out);
    json_str(out, info->trace_path ? info->trace_path : "");
    fprintf(out, ",\n\"tsc_hz\": %" PRIu64 ",\n\"tsc_hz_from\": ", info->tsc_hz);
    json_str(out, info->tsc_hz_from);
    fprintf(out, ",\n\"npcpu\": %u,\n\"span_s\": %.6f,\n\"first_tsc\": %" PRIu64
            ",\n\"last_tsc\": %" PRIu64 ",\n\"records\": %" PRIu64
            ",\n\"lost_records\": [", info->npcpu, info->span_ns / 1e9,
            info->first_tsc, info->last_tsc, info->records);
    for (unsigned p = 0; p < info->npcpu; p++)
        fprintf(out, "%s%" PRIu64, p ? ", " : "", info->lost[p]);
    fputs("],\n\"warning\": ", out);
    if (info->warning)
        json_str(out, info->warning);
    else
        fputs("null", out);
    fputs(",\n\"source\": ", out);
    json_str(out, info->source ? info->source : "xen");
    fputs(",\n\"disk\": [", out);
    fputs(io_text(pr), out);
    fputs("\n]", out);
    free(pr->io);
    pr->io = NULL;
    fputs("\n}\n", out);
    return fflush(out) || ferror(out) ? 1 : 0;
}

const struct xb_presenter xb_present_json = {
    .begin = json_begin,
    .window = json_window,
    .end = json_end,
};
