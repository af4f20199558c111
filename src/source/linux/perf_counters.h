/* perf_counters.h: per-domain perf_event_open counters, a struct xb_sampler.
 *
 * xb_perf_sampler counts LLC references and misses (the generic
 * cache-references / cache-misses events), and instructions and cycles when
 * the PMU has them.  Where the hardware or hypervisor gives no counters its
 * open() returns 1 with the reason (the errno text of perf_event_open) and
 * writes nothing.  xb_perf_sampler_sw counts the software events task-clock
 * and context-switches through exactly the same per-domain plumbing: it
 * proves that plumbing on hosts without a PMU (tests/test_perf.c).
 *
 * Per domain the counters are opened per cgroup (PERF_FLAG_PID_CGROUP, one
 * per online CPU) when the domain is a cgroup that also exists in a
 * hierarchy holding perf_event (v2, or a v1 perf_event mount), else per
 * thread of the domain with inherit, so children created later count too.
 * A domain that appears later is opened when first seen.
 *
 * File (perf.txt or perf-sw.txt), one reading per line, verbatim:
 *   # mode DOMID cgroup|thread DETAIL
 *   T_NS DOMID EVENT TARGET VALUE TIME_ENABLED TIME_RUNNING
 * T_NS is CLOCK_MONOTONIC; TARGET "cpuN" (cgroup) or "tidN" (thread); EVENT
 * the counters.h metric name.  decode/perf_load.c reads it back.
 */
#ifndef XB_PERF_COUNTERS_H
#define XB_PERF_COUNTERS_H

#include "source/sampler.h"

extern const struct xb_sampler xb_perf_sampler;
extern const struct xb_sampler xb_perf_sampler_sw;

#endif
