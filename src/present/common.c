/* common.c: sums and labels every presenter uses. */
#include "present.h"

#include <string.h>

void xb_present_sum(const struct xb_window *w, const struct xb_domain_acc *d,
                    int k, unsigned col, struct xb_acc *out)
{
    memset(out, 0, sizeof *out);
    unsigned lo = col, hi = col;
    if (col == XB_COL_TOTAL(w->npcpu)) {
        lo = 0;
        hi = w->npcpu;
    }
    for (uint32_t i = 0; i < d->nvcpu; i++) {
        if (k >= 0 && (uint32_t)k != i)
            continue;
        if (k == XB_K_EMU && d->vcpus[i].vcpu < XB_VCPU_EMU)
            continue;
        for (unsigned p = lo; p <= hi; p++) {
            const struct xb_acc *a = &d->vcpus[i].pcpu[p];
            for (int s = 0; s < XB_NSTATES; s++)
                out->ns[s] += a->ns[s];
            out->execs += a->execs;
        }
    }
}

void xb_present_domlabel(const struct xb_domain_acc *d, char *buf, size_t len)
{
    if (d->instance)
        snprintf(buf, len, "%u#%u", d->domid, d->instance);
    else
        snprintf(buf, len, "%u", d->domid);
}

void xb_present_footer(FILE *out, const struct xb_run_info *info)
{
    bool linux_run = info->source && strcmp(info->source, "linux") == 0;
    if (linux_run)
        fprintf(out, "span: %.6f s (CLOCK_MONOTONIC, from %s)\n",
                info->span_ns / 1e9, info->tsc_hz_from);
    else
        fprintf(out, "span: %.6f s (TSC %llu..%llu)\n", info->span_ns / 1e9,
                (unsigned long long)info->first_tsc,
                (unsigned long long)info->last_tsc);
    fprintf(out, "%s: %llu read; lost:", linux_run ? "events" : "records",
            (unsigned long long)info->records);
    for (unsigned p = 0; p < info->npcpu; p++)
        fprintf(out, " cpu%u %llu", p, (unsigned long long)info->lost[p]);
    fprintf(out, "\n");
    if (!linux_run)
        fprintf(out, "tsc: %llu Hz (from %s)\n", (unsigned long long)info->tsc_hz,
                info->tsc_hz_from);
    if (info->host)
        fprintf(out, "host: %s%s%s\n", info->host, info->cpu_model ? ", " : "",
                info->cpu_model ? info->cpu_model : "");
    if (info->missing)
        fprintf(out, "not recorded: %s\n", info->missing);
    if (info->warning)
        fprintf(out, "warning: %s\n", info->warning);
}
