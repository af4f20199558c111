/* counters.h: sampled counters (disk, network, memory, CPU ns, cache) per
 * entity, and their rate over any window.
 *
 * Sources sample cumulative counters (bytes read so far) or gauges (memory in
 * use) every interval and store them verbatim in the run folder; their
 * decoders load the samples here.  An entity is a string: "dom:ID.INST" for a
 * domain (xb_counters_domkey), "dev:NAME" for a host block device, "host" for
 * the host as a whole.  Times are ns since the recording's start, the same
 * clock as the engine's windows.
 *
 * Metric names used across sources (units in the name's comment):
 *   disk_read_bytes, disk_write_bytes   bytes     cumulative
 *   disk_read_ops, disk_write_ops       requests  cumulative
 *   net_rx_bytes, net_tx_bytes          bytes     cumulative
 *   net_rx_packets, net_tx_packets      packets   cumulative
 *   cpu_ns                              ns        cumulative
 *   mem_bytes                           bytes     gauge
 *   llc_refs, llc_misses, instructions, cycles    cumulative
 *   dev_*: /proc/diskstats fields for "dev:" entities (see decode/procfs_load.h)
 */
#ifndef XB_COUNTERS_H
#define XB_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum xb_series_kind { XB_CUMULATIVE, XB_GAUGE };

struct xb_counters;

struct xb_counters *xb_counters_new(void);
void xb_counters_free(struct xb_counters *c);

/* Append a sample.  Times must not decrease within a series; a cumulative
 * counter that goes down (a counter reset, a restarted process) starts a new
 * segment: the drop is not counted as negative use.  Returns 0 or -ENOMEM. */
int xb_counters_add(struct xb_counters *c, const char *entity, const char *metric,
                    enum xb_series_kind kind, uint64_t t_ns, double value);

/* Rate of a cumulative series over [t0, t1) in units per second, from
 * samples linearly interpolated; or, for a gauge, the mean of its samples in
 * the window (else the sample just before it, at most one sampling step
 * old).  Returns true and sets *out when the samples cover the window, else
 * false. */
bool xb_counters_rate(const struct xb_counters *c, const char *entity,
                      const char *metric, uint64_t t0_ns, uint64_t t1_ns,
                      double *out);
bool xb_counters_has(const struct xb_counters *c, const char *entity,
                     const char *metric);

/* Entities whose key starts with prefix ("dev:"), in the order first added.
 * Calls fn for each; stops early when fn returns non-zero. */
int xb_counters_each_entity(const struct xb_counters *c, const char *prefix,
                            int (*fn)(const char *entity, void *ctx), void *ctx);

/* Maps a sampler's time stamps to ns since the recording's start:
 * ns = (t - t0) * 1e9 / hz  (hz = 1e9 for CLOCK_MONOTONIC ns; the TSC rate
 * for samples stamped with the TSC on Xen).  Times before t0 map to 0. */
struct xb_timebase {
    uint64_t t0;
    uint64_t hz;
};
uint64_t xb_timebase_ns(const struct xb_timebase *tb, uint64_t t);

/* A loader turns one counters file of a run folder into series.  Errors name
 * the file and line.  Listed in the manifest as counters[] {format, path}. */
typedef int (*xb_counters_loader)(const char *path, const struct xb_timebase *tb,
                                  struct xb_counters *c, struct xb_err *err);

/* "dom:3.0" for domain 3, instance 0. */
void xb_counters_domkey(char *buf, size_t len, uint32_t domid, uint32_t instance);

#endif
