/* metric.h: what is measured of a domain besides its vCPU time, in one
 * table (sysstat's activity.c shape), and the one place every counter and
 * metric name is spelled.
 *
 * A source samples counters (cumulative, or gauges) into its run folder; a
 * decoder loads them as counter series named below (account/counters.h).
 * A metric of xb_metrics[] is one figure of a domain over a window, made
 * from one counter series: its rate per second (cumulative) or its mean
 * (gauge), times a scale.  The report's disk/network/memory table, its CSV
 * and JSON, `top`, the history store and `profile` iterate the table; none
 * of them names a metric or a counter itself.  Adding a metric is one row
 * (xb_metrics in metric.c), plus the decoder that loads its counter when
 * that counter is new (docs/metrics.md).
 *
 * This header owns the names and the table; it must not know how counters
 * are sampled, interpolated or printed.
 */
#ifndef XB_MODEL_METRIC_H
#define XB_MODEL_METRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Counter series names.  Per domain ("dom:ID.INST" entities): */
#define XB_CTR_DISK_READ_BYTES "disk_read_bytes"    /* bytes, cumulative */
#define XB_CTR_DISK_WRITE_BYTES "disk_write_bytes"
#define XB_CTR_DISK_READ_OPS "disk_read_ops"        /* requests, cumulative */
#define XB_CTR_DISK_WRITE_OPS "disk_write_ops"
#define XB_CTR_NET_RX_BYTES "net_rx_bytes"          /* bytes, cumulative */
#define XB_CTR_NET_TX_BYTES "net_tx_bytes"
#define XB_CTR_NET_RX_PACKETS "net_rx_packets"      /* packets, cumulative */
#define XB_CTR_NET_TX_PACKETS "net_tx_packets"
#define XB_CTR_CPU_NS "cpu_ns"                      /* ns, cumulative */
#define XB_CTR_VCPU_NS_FMT "vcpu%u_ns"              /* ns of vCPU N, cumulative */
#define XB_CTR_MEM_BYTES "mem_bytes"                /* bytes, gauge */
/* memory in use inside the guest (GWA "memory usage", a virtio balloon's
 * available - unused, a cgroup's memory.current - file cache), gauge */
#define XB_CTR_MEM_GUEST_BYTES "mem_guest_bytes"
/* perf events (perf.txt event names are these counter names), cumulative: */
#define XB_CTR_LLC_REFS "llc_refs"
#define XB_CTR_LLC_MISSES "llc_misses"
#define XB_CTR_INSTRUCTIONS "instructions"
#define XB_CTR_CYCLES "cycles"
#define XB_CTR_TASK_CLOCK_NS "task_clock_ns"
#define XB_CTR_CONTEXT_SWITCHES "context_switches"
/* Per host block device ("dev:NAME"), the /proc/diskstats fields, cumulative: */
#define XB_CTR_DEV_READS "dev_reads"
#define XB_CTR_DEV_READ_SECTORS "dev_read_sectors"
#define XB_CTR_DEV_READ_MS "dev_read_ms"
#define XB_CTR_DEV_WRITES "dev_writes"
#define XB_CTR_DEV_WRITE_SECTORS "dev_write_sectors"
#define XB_CTR_DEV_WRITE_MS "dev_write_ms"
#define XB_CTR_DEV_IO_MS "dev_io_ms"
#define XB_CTR_DEV_WEIGHTED_MS "dev_weighted_ms"
/* Per CPU of a Linux host ("cpu:N"), /proc/stat's steal: ns the hypervisor
 * under the host kept that CPU from running, cumulative.  The trace's
 * switch times include that time in whatever ran there (present/common.c
 * shows it beside the table). */
#define XB_CTR_CPU_STEAL_NS "steal_ns"

enum xb_series_kind {
    XB_CUMULATIVE,      /* a count so far: its rate per second is shown */
    XB_GAUGE,           /* a level: its mean over the window is shown */
};

/* Where a metric appears (xb_metric.show). */
enum {
    XB_SHOW_TABLE = 1 << 0,     /* the report's "Disk, network, memory" table */
    XB_SHOW_CSV = 1 << 1,       /* the report's per-domain counter rows, CSV */
    XB_SHOW_JSON = 1 << 2,      /* ... and JSON ("disk": [...]) */
    XB_SHOW_TOP = 1 << 3,       /* top's domain list */
    XB_SHOW_ALL = 0xf,
};

struct xb_metric {
    const char *name;       /* CSV column and JSON key: "read_mbps" */
    const char *label;      /* the report table's column: "MB/s read" */
    const char *abbr;       /* top's column: "rMB/s" */
    const char *unit;       /* of the scaled figure: "MB/s" */
    const char *counter;    /* the counter series it comes from (XB_CTR_*) */
    enum xb_series_kind kind;   /* the counter's kind */
    double scale;           /* counter units per second (or the gauge's
                             * unit) -> unit */
    int digits;             /* decimals in the table and top */
    int data_digits;        /* decimals in CSV and JSON */
    const char *column;     /* history store column of the unscaled figure
                             * (store/db.c), or NULL: not stored */
    unsigned show;          /* XB_SHOW_* */
    /* serve's /metrics (present/prom.c): the family's name, in the counter's
     * base unit (a cumulative counter's running total, "_total"; a gauge's
     * level), and its HELP text; NULL: not exported. */
    const char *prom;
    const char *prom_help;
};

/* Ids of the built-in rows, in table order; a test build appends rows after
 * them (xb_nmetrics counts every row). */
enum xb_metric_id {
    XB_MET_DISK_READ,       /* MB/s read */
    XB_MET_DISK_WRITE,      /* MB/s written */
    XB_MET_NET_RX,          /* network MB/s in */
    XB_MET_NET_TX,          /* network MB/s out */
    XB_MET_MEM,             /* memory MiB (resident or in use, per source) */
    XB_MET_DISK_READ_OPS,   /* read requests/s */
    XB_MET_DISK_WRITE_OPS,  /* write requests/s */
    XB_MET_LLC_REFS,        /* last-level cache references/s */
    XB_MET_LLC_MISSES,      /* last-level cache misses/s */
    XB_MET_MEM_GUEST,       /* memory MB in use inside the guest */
    XB_MET_BUILTIN
};

/* Room for every row, built-in and test ones (checked in metric.c). */
#define XB_METRIC_MAX 16

extern const struct xb_metric xb_metrics[];
extern const unsigned xb_nmetrics;

/* A domain's figures over one window, as the history store keeps them and
 * the planner reads them.  A figure that was not measured is NAN, never 0. */
struct xb_sample {
    double t_unix;          /* window start, seconds since 1970 (UTC) */
    double len_s;           /* window length */
    double interval_s;      /* the run's window length (the last may be shorter) */
    uint32_t vcpus;         /* vCPUs (engine indexes < XB_VCPU_EMU) */
    /* Per vCPU state, over the known part of the window (window x
     * known_frac): cores running, waiting runnable, blocked.  NAN: the
     * source says nothing of that state (a GWA trace has no waited time). */
    double cpu_cores;
    double waited_cores;
    double blocked_cores;
    double known_frac;      /* 1 - unknown time / (window x engine vCPUs) */
    /* What the VM wanted to run: running + waited per window, before any
     * roll-up; NAN where not given separately (then cpu_cores + waited_cores,
     * or cpu_cores when waited is unknown: xb_sample_demand). A roll-up point
     * (a 5- or 10-minute bucket, store/read.c) carries the bucket's statistic
     * of it and, in demand_mean, its time-weighted mean (for credits). */
    double demand_cores;
    double demand_mean;
    double cpu_mhz;         /* clock of the host core, NAN if unknown */
    double host_mflops;     /* LINPACK MFLOPS per host core, NAN if unknown */
    double mem_alloc_bytes; /* memory given to the VM, NAN if unknown */
    double m[XB_METRIC_MAX];    /* xb_metrics[i]'s unscaled figure (the
                                 * counter's rate, or the gauge's mean) */
};

/* A sample with nothing measured but time and CPU: every optional figure NAN
 * (waited and blocked 0, as on a recording that traced them). */
void xb_sample_init(struct xb_sample *s);
/* A sample counts for statistics and roll-ups when its window is at least
 * half its run's interval long and at least half of its vCPU time is known:
 * windows mostly unknown are left out (the figures of the others are over
 * their known part). */
static inline bool xb_sample_usable(const struct xb_sample *s)
{
    return s->len_s >= 0.5 * s->interval_s && s->known_frac >= 0.5;
}
/* The CPU the sample wanted (see demand_cores), and its mean over the
 * sample's window. */
double xb_sample_demand(const struct xb_sample *s);
double xb_sample_demand_mean(const struct xb_sample *s);

/* What `profile` and `plan` summarise per VM: each is a function of a
 * sample, NAN when not measured; one table drives the statistics and every
 * output format of profiles. */
enum xb_pmetric_id {
    XB_PM_CPU,          /* cores used */
    XB_PM_CPU_PCT,      /* % of the allocated vCPUs */
    XB_PM_DEMAND,       /* cores wanted: running + waited */
    XB_PM_WAITED,       /* waited, % of vCPU time */
    XB_PM_BLOCKED,      /* blocked, % of vCPU time */
    XB_PM_MEM_GUEST,    /* memory in use inside the guest, MiB */
    XB_PM_MEM,          /* memory as the host sees it (resident), MiB */
    XB_PM_DISK_RD,      /* MB/s */
    XB_PM_DISK_WR,      /* MB/s */
    XB_PM_DISK_IOPS,    /* read + write requests/s */
    XB_PM_NET,          /* rx + tx MB/s */
    XB_PM_LLC_MISS,     /* % of last-level cache references that miss */
    XB_NPMETRICS
};

struct xb_pmetric {
    const char *name;   /* column/key name */
    const char *label;  /* table label */
    const char *unit;
    double (*get)(const struct xb_sample *s);   /* NAN when not measured */
};

extern const struct xb_pmetric xb_pmetrics[XB_NPMETRICS];

#endif
