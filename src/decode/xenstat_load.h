/* xenstat_load.h: the xenstat samples file of a Xen run folder (written by
 * source/xen/xenstat_sampler.c); domain instances follow model/domain.h.
 *
 * The file is JSON lines, one reading per line, stamped with the TSC read in
 * dom0 (the clock of the trace): "tsc" when Xen's CPU counters were read
 * (cpu_ns_at_tsc), "tsc_end" after libxenstat's reading, with the matching
 * CLOCK_MONOTONIC and CLOCK_REALTIME times:
 *   {"tsc": N, "tsc_info_cycles": N, "tsc_end": N, "mono_ns": N,
 *    "mono_ns_end": N, "real_ns": N, "real_ns_end": N,
 *    "domains": [{"id": 1, "uuid": "...", "name": "g-cpu", "state": "r",
 *                 "cpu_ns": N, "cpu_ns_at_tsc": N,
 *                 "mem_bytes": N, "max_mem_bytes": N,
 *                 "vcpus": [{"id": 0, "online": 1, "ns": N}],
 *                 "nets": [{"id": 0, "rx_bytes": N, "rx_packets": N,
 *                           "rx_errs": N, "rx_drop": N, "tx_bytes": N,
 *                           "tx_packets": N, "tx_errs": N, "tx_drop": N}],
 *                 "vbds": [{"dev": N, "type": N, "oo_reqs": N,
 *                           "rd_reqs": N, "wr_reqs": N, "rd_sects": N,
 *                           "wr_sects": N}]}]}
 * Values are libxenstat's, unaltered (network counters are dom0's view of
 * the vif; VBD sectors are 512 bytes), except cpu_ns_at_tsc, the same Xen
 * counter as cpu_ns read by the sampler at "tsc".  The loader dates
 * cpu_ns_at_tsc at tsc and libxenstat's values midway between tsc and
 * tsc_end.
 */
#ifndef XB_XENSTAT_LOAD_H
#define XB_XENSTAT_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "account/counters.h"
#include "model/domain.h"
#include "util/err.h"

/* Load PATH into c (see account/counters.h for the metric names).  Entities
 * are xb_counters_domkey(domid, instance); also per vCPU "vcpu<N>_ns".  A
 * last line without its newline (a recording cut short) is skipped.
 * Errors name the file and line: -XB_EINPUT, or -ENOMEM. */
int xb_xenstat_load(const char *path, const struct xb_timebase *tb,
                    struct xb_counters *c, struct xb_err *err);

#endif
