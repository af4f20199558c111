/* profile.c: per-VM statistics over the look-back (see profile.h). */
#include "profile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "plan/stats.h"

static double per_vcpu_pct(double cores, const struct xb_sample *s)
{
    return s->vcpus ? 100.0 * cores / s->vcpus : NAN;
}

static double m_cpu(const struct xb_sample *s) { return s->cpu_cores; }
static double m_cpu_pct(const struct xb_sample *s) { return per_vcpu_pct(s->cpu_cores, s); }
static double m_waited(const struct xb_sample *s) { return per_vcpu_pct(s->waited_cores, s); }
static double m_blocked(const struct xb_sample *s) { return per_vcpu_pct(s->blocked_cores, s); }
static double m_mem(const struct xb_sample *s) { return s->mem_used_bytes / 1048576.0; }
static double m_disk_rd(const struct xb_sample *s) { return s->disk_read_Bps / 1e6; }
static double m_disk_wr(const struct xb_sample *s) { return s->disk_write_Bps / 1e6; }
static double m_iops(const struct xb_sample *s) { return s->disk_read_iops + s->disk_write_iops; }
static double m_net(const struct xb_sample *s) { return (s->net_rx_Bps + s->net_tx_Bps) / 1e6; }

static double m_llc(const struct xb_sample *s)
{
    return s->llc_refs_ps > 0 ? 100.0 * s->llc_misses_ps / s->llc_refs_ps : NAN;
}

const struct xb_metric xb_metrics[XB_NMETRICS] = {
    [XB_M_CPU] = { "cpu_cores", "cpu", "cores", m_cpu },
    [XB_M_CPU_PCT] = { "cpu_pct", "cpu", "% of vCPUs", m_cpu_pct },
    [XB_M_WAITED] = { "waited_pct", "waited", "% of vCPUs", m_waited },
    [XB_M_BLOCKED] = { "blocked_pct", "blocked", "% of vCPUs", m_blocked },
    [XB_M_MEM] = { "mem_mib", "memory used", "MiB", m_mem },
    [XB_M_DISK_RD] = { "disk_read_mbps", "disk read", "MB/s", m_disk_rd },
    [XB_M_DISK_WR] = { "disk_write_mbps", "disk write", "MB/s", m_disk_wr },
    [XB_M_DISK_IOPS] = { "disk_iops", "disk I/O", "IOPS", m_iops },
    [XB_M_NET] = { "net_mbps", "network rx+tx", "MB/s", m_net },
    [XB_M_LLC_MISS] = { "llc_miss_pct", "LLC misses", "% of refs", m_llc },
};

bool xb_sample_usable(const struct xb_sample *s)
{
    return s->len_s >= 0.5 * s->interval_s && s->known_frac >= 0.5;
}

int xb_stars(double pct)
{
    return pct <= 20 ? 1 : pct <= 40 ? 2 : pct <= 60 ? 3 : pct <= 80 ? 4 : 5;
}

void xb_history_span(const struct xb_history *h, double *t_begin, double *t_end)
{
    *t_end = h->t_end;
    *t_begin = h->t_begin;
    if (isinf(*t_begin)) {
        *t_begin = h->t_end;
        for (size_t i = 0; i < h->n; i++)
            if (h->vm[i].n && h->vm[i].s[0].t_unix < *t_begin)
                *t_begin = h->vm[i].s[0].t_unix;
    }
}

int xb_profile_build(const struct xb_series *vm, double t_begin, double t_end,
                     struct xb_profile *p)
{
    *p = (struct xb_profile){ .vm = vm, .mem_alloc_bytes = NAN,
                              .burstiness = NAN };
    double *v = malloc((vm->n ? vm->n : 1) * sizeof *v);
    if (!v)
        return -ENOMEM;
    p->lookback_s = t_end - t_begin;
    for (size_t i = 0; i < vm->n; i++) {
        const struct xb_sample *s = &vm->s[i];
        double a = fmax(s->t_unix, t_begin), b = fmin(s->t_unix + s->len_s, t_end);
        if (b > a)
            p->covered_s += (b - a) * s->known_frac;
        p->used += xb_sample_usable(s);
        if (!isnan(s->mem_alloc_bytes))
            p->mem_alloc_bytes = s->mem_alloc_bytes;
    }
    if (vm->n)
        p->vcpus = vm->s[vm->n - 1].vcpus;
    if (p->covered_s > p->lookback_s)
        p->covered_s = p->lookback_s;   /* overlapping runs (fixed epoch) */
    p->coverage_pct = p->lookback_s > 0 ? 100.0 * p->covered_s / p->lookback_s : 0;
    p->stars = xb_stars(p->coverage_pct);

    for (int m = 0; m < XB_NMETRICS; m++) {
        struct xb_stat *st = &p->m[m];
        size_t n = 0;
        double sum = 0;
        for (size_t i = 0; i < vm->n; i++) {
            if (!xb_sample_usable(&vm->s[i]))
                continue;
            double x = xb_metrics[m].get(&vm->s[i]);
            if (!isnan(x)) {
                v[n++] = x;
                sum += x;
            }
        }
        st->n = n;
        xb_sort_doubles(v, n);
        st->p50 = xb_percentile_sorted(v, n, 50);
        st->p90 = xb_percentile_sorted(v, n, 90);
        st->p95 = xb_percentile_sorted(v, n, 95);
        st->p99 = xb_percentile_sorted(v, n, 99);
        st->max = xb_percentile_sorted(v, n, 100);
        st->mean = n ? sum / (double)n : NAN;
    }
    free(v);
    const struct xb_stat *cpu = &p->m[XB_M_CPU];
    if (cpu->n && cpu->mean > 0)
        p->burstiness = cpu->max / cpu->mean;
    p->contention = p->m[XB_M_WAITED].n &&
                    p->m[XB_M_WAITED].mean >= XB_WAITED_FLAG_PCT;
    return 0;
}
