/* metric.c: the per-domain metric table and the profile's figures over it
 * (see metric.h).  It owns what a metric is called, where it comes from and
 * where it is shown; it must not compute rates (account/counters.c) or
 * print (present/, cmd/top.c, plan/).
 *
 * Built with XB_TEST_METRIC (the test build `xenbench-test-metric`), the
 * table has one more row, which tests/metric_row.py looks for in the report's
 * table, CSV and JSON, `top -b` and the history store: what one row added
 * here reaches.
 */
#include "metric.h"

#include <math.h>
#include <string.h>


const struct xb_metric xb_metrics[] = {
    [XB_MET_DISK_READ] = { "read_mbps", "MB/s read", "rMB/s", "MB/s",
        XB_CTR_DISK_READ_BYTES, XB_CUMULATIVE, 1e-6, 2, 4, "disk_read_Bps",
        XB_SHOW_ALL,
        "xenbench_disk_read_bytes_total",
        "Bytes a domain read from its disks." },
    [XB_MET_DISK_WRITE] = { "write_mbps", "MB/s written", "wMB/s", "MB/s",
        XB_CTR_DISK_WRITE_BYTES, XB_CUMULATIVE, 1e-6, 2, 4, "disk_write_Bps",
        XB_SHOW_ALL,
        "xenbench_disk_written_bytes_total",
        "Bytes a domain wrote to its disks." },
    [XB_MET_NET_RX] = { "net_rx_mbps", "net MB/s in", "rxMB/s", "MB/s",
        XB_CTR_NET_RX_BYTES, XB_CUMULATIVE, 1e-6, 2, 4, "net_rx_Bps",
        XB_SHOW_ALL,
        "xenbench_network_receive_bytes_total",
        "Bytes a domain received on its network interfaces." },
    [XB_MET_NET_TX] = { "net_tx_mbps", "net MB/s out", "txMB/s", "MB/s",
        XB_CTR_NET_TX_BYTES, XB_CUMULATIVE, 1e-6, 2, 4, "net_tx_Bps",
        XB_SHOW_ALL,
        "xenbench_network_transmit_bytes_total",
        "Bytes a domain sent on its network interfaces." },
    /* Units: throughput in MB/s (10^6 bytes, as cloud providers size disks
     * and networks), memory in MiB (2^20 bytes, as free(1), and GiB
     * instance sizes); docs/metrics.md. */
    [XB_MET_MEM] = { "mem_mib", "memory MiB", "MEM MiB", "MiB",
        XB_CTR_MEM_BYTES, XB_GAUGE, 1.0 / 1048576, 1, 1, "mem_used_bytes",
        XB_SHOW_ALL,
        "xenbench_memory_used_bytes",
        "Memory a domain used, mean over the last window (resident memory "
        "of a process or QEMU, the allocation of a Xen domain)." },
    /* Stored for the planner; the report does not show them. */
    [XB_MET_DISK_READ_OPS] = { "read_iops", "reads/s", "r/s", "requests/s",
        XB_CTR_DISK_READ_OPS, XB_CUMULATIVE, 1, 1, 2, "disk_read_iops", 0,
        "xenbench_disk_reads_completed_total",
        "Read requests a domain completed." },
    [XB_MET_DISK_WRITE_OPS] = { "write_iops", "writes/s", "w/s", "requests/s",
        XB_CTR_DISK_WRITE_OPS, XB_CUMULATIVE, 1, 1, 2, "disk_write_iops", 0,
        "xenbench_disk_writes_completed_total",
        "Write requests a domain completed." },
    /* The cache table (present/cache_table.c) shows these with their ratio. */
    [XB_MET_LLC_REFS] = { "llc_refs_ps", "refs/s", "refs/s", "/s",
        XB_CTR_LLC_REFS, XB_CUMULATIVE, 1, 0, 0, "llc_refs_ps", 0,
        "xenbench_llc_references_total",
        "Last-level cache references of a domain (hardware counters)." },
    [XB_MET_LLC_MISSES] = { "llc_misses_ps", "misses/s", "misses/s", "/s",
        XB_CTR_LLC_MISSES, XB_CUMULATIVE, 1, 0, 0, "llc_misses_ps", 0,
        "xenbench_llc_misses_total",
        "Last-level cache misses of a domain (hardware counters)." },
    /* Stored for the planner: what the guest itself uses (never a host-side
     * resident size); not exported. */
    [XB_MET_MEM_GUEST] = { "mem_guest_mib", "guest memory MiB", "gMEM MiB", "MiB",
        XB_CTR_MEM_GUEST_BYTES, XB_GAUGE, 1.0 / 1048576, 1, 1, "mem_guest_bytes", 0,
        NULL, NULL },
#ifdef XB_TEST_METRIC
    { "test_write_kibps", "KiB/s written (test)", "twKiB/s", "KiB/s",
        XB_CTR_DISK_WRITE_BYTES, XB_CUMULATIVE, 1.0 / 1024, 1, 3,
        "test_write_Bps", XB_SHOW_ALL,
        "xenbench_test_written_bytes_total", "Bytes written (the test build's row)." },
#endif
};

const unsigned xb_nmetrics = sizeof xb_metrics / sizeof xb_metrics[0];

_Static_assert(sizeof xb_metrics / sizeof xb_metrics[0] <= XB_METRIC_MAX,
               "XB_METRIC_MAX is too small for the metric table");

void xb_sample_init(struct xb_sample *s)
{
    memset(s, 0, sizeof *s);
    s->known_frac = 1.0;
    s->cpu_mhz = s->host_mflops = s->mem_alloc_bytes = NAN;
    s->demand_cores = s->demand_mean = NAN;
    for (unsigned i = 0; i < XB_METRIC_MAX; i++)
        s->m[i] = NAN;
}

double xb_sample_demand(const struct xb_sample *s)
{
    if (!isnan(s->demand_cores))
        return s->demand_cores;
    return isnan(s->waited_cores) ? s->cpu_cores : s->cpu_cores + s->waited_cores;
}

double xb_sample_demand_mean(const struct xb_sample *s)
{
    return isnan(s->demand_mean) ? xb_sample_demand(s) : s->demand_mean;
}

static double per_vcpu_pct(double cores, const struct xb_sample *s)
{
    return s->vcpus ? 100.0 * cores / s->vcpus : NAN;
}

static double m_cpu(const struct xb_sample *s) { return s->cpu_cores; }
static double m_cpu_pct(const struct xb_sample *s) { return per_vcpu_pct(s->cpu_cores, s); }
static double m_waited(const struct xb_sample *s) { return per_vcpu_pct(s->waited_cores, s); }
static double m_blocked(const struct xb_sample *s) { return per_vcpu_pct(s->blocked_cores, s); }
static double m_mem(const struct xb_sample *s) { return s->m[XB_MET_MEM] / 1048576.0; }
static double m_mem_guest(const struct xb_sample *s) { return s->m[XB_MET_MEM_GUEST] / 1048576.0; }
static double m_demand(const struct xb_sample *s) { return xb_sample_demand(s); }
static double m_disk_rd(const struct xb_sample *s) { return s->m[XB_MET_DISK_READ] / 1e6; }
static double m_disk_wr(const struct xb_sample *s) { return s->m[XB_MET_DISK_WRITE] / 1e6; }

static double m_iops(const struct xb_sample *s)
{
    return s->m[XB_MET_DISK_READ_OPS] + s->m[XB_MET_DISK_WRITE_OPS];
}

static double m_net(const struct xb_sample *s)
{
    return (s->m[XB_MET_NET_RX] + s->m[XB_MET_NET_TX]) / 1e6;
}

static double m_llc(const struct xb_sample *s)
{
    double refs = s->m[XB_MET_LLC_REFS];
    return refs > 0 ? 100.0 * s->m[XB_MET_LLC_MISSES] / refs : NAN;
}

const struct xb_pmetric xb_pmetrics[XB_NPMETRICS] = {
    [XB_PM_CPU] = { "cpu_cores", "cpu", "cores", m_cpu },
    [XB_PM_CPU_PCT] = { "cpu_pct", "cpu", "% of vCPUs", m_cpu_pct },
    [XB_PM_DEMAND] = { "demand_cores", "cpu wanted", "cores", m_demand },
    [XB_PM_WAITED] = { "waited_pct", "waited", "% of vCPUs", m_waited },
    [XB_PM_BLOCKED] = { "blocked_pct", "blocked", "% of vCPUs", m_blocked },
    [XB_PM_MEM_GUEST] = { "mem_guest_mib", "memory used", "MiB", m_mem_guest },
    [XB_PM_MEM] = { "mem_host_mib", "memory (host)", "MiB", m_mem },
    [XB_PM_DISK_RD] = { "disk_read_mbps", "disk read", "MB/s", m_disk_rd },
    [XB_PM_DISK_WR] = { "disk_write_mbps", "disk write", "MB/s", m_disk_wr },
    [XB_PM_DISK_IOPS] = { "disk_iops", "disk I/O", "IOPS", m_iops },
    [XB_PM_NET] = { "net_mbps", "network rx+tx", "MB/s", m_net },
    [XB_PM_LLC_MISS] = { "llc_miss_pct", "LLC misses", "% of refs", m_llc },
};
