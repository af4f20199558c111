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
 * Counter names are spelled once, in model/metric.h (XB_CTR_*), with their
 * units and kinds; the metrics made of them are the table there, and
 * xb_counters_metrics reads every row of it off the series.
 */
#ifndef XB_COUNTERS_H
#define XB_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/metric.h"
#include "util/err.h"

struct xb_counters;

struct xb_counters *xb_counters_new(void);
void xb_counters_free(struct xb_counters *c);

/* Append a sample.  Times must not decrease within a series (a sample at
 * the time of the one before replaces it); a cumulative
 * counter that goes down (a counter reset, a restarted process) starts a new
 * segment: the drop is not counted as negative use.  Returns 0 or -ENOMEM. */
int xb_counters_add(struct xb_counters *c, const char *entity, const char *metric,
                    enum xb_series_kind kind, uint64_t t_ns, double value);

/* Make time from the new 0: every sample's time less from.  A cumulative
 * series gets its value at from (interpolated between the samples either
 * side) as its first sample, a gauge its last reading before from; earlier
 * samples go.  A ring run's counters cover the whole recording while its
 * engine time starts where the kept pages do. */
void xb_counters_rebase(struct xb_counters *c, uint64_t from);

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

/* Every series, in the order first added: its entity, counter and kind.
 * Stops early when fn returns non-zero. */
int xb_counters_each_series(const struct xb_counters *c,
                            int (*fn)(const char *entity, const char *metric,
                                      enum xb_series_kind kind, void *ctx),
                            void *ctx);

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

/* Every row of xb_metrics for entity over [t0, t1): v[i] is the unscaled
 * figure of row i (xb_counters_rate of its counter), NAN when the series
 * does not cover the window.  Returns how many rows have a figure. */
unsigned xb_counters_metrics(const struct xb_counters *c, const char *entity,
                             uint64_t t0_ns, uint64_t t1_ns,
                             double v[XB_METRIC_MAX]);

/* "dom:3.0" for domain 3, instance 0. */
void xb_counters_domkey(char *buf, size_t len, uint32_t domid, uint32_t instance);
/* "cpu:1" for CPU 1 of a Linux host (XB_CTR_CPU_STEAL_NS). */
void xb_counters_cpukey(char *buf, size_t len, unsigned cpu);

#endif
