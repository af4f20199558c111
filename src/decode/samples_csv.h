/* samples_csv.h: the generic samples CSV (`import --format csv`,
 * docs/commands/import.md): comma-separated (RFC 4180), one header row
 * naming the columns, then one row per VM and sample, in any order of VMs.
 *
 *   time            ISO 8601 UTC (2013-07-01T00:00:00Z) or seconds since
 *                   1970; required
 *   vm              the VM's name; required
 *   host            its host (optional: the file's default host)
 *   vcpus           vCPUs allocated, a whole number >= 1; required
 *   cpu_cores       cores used (1.0 = one core all the time), or
 *   cpu_pct         % of the vCPUs (as `profile`'s cpu_pct): one of the two
 *   waited_cores, blocked_cores   cores waiting runnable, blocked (optional;
 *                   when present, a number in every row)
 *   mem_alloc_mib   memory given to the VM, MiB (optional)
 *   cpu_mhz         the host core's clock, MHz (optional)
 *   and each row of the metric table (model/metric.c) that the history
 *   stores, by its name and in its unit: read_mbps, write_mbps (MB/s),
 *   net_rx_mbps, net_tx_mbps (MB/s), mem_mib, mem_guest_mib (MiB), read_iops,
 *   write_iops (/s), llc_refs_ps, llc_misses_ps (/s).
 *
 * Every figure is a number >= 0; an empty field of another optional column
 * is not measured.  A header naming a column twice or a column this list does
 * not have is an error naming it (a misspelt metric is never dropped
 * silently).  This file knows the format only: the order of a VM's rows,
 * its step and what a row means to the history are store/import_csv.c's.
 * Errors read "FILE: line N: field "NAME": ...".
 */
#ifndef XB_DECODE_SAMPLES_CSV_H
#define XB_DECODE_SAMPLES_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "model/metric.h"
#include "util/err.h"

struct xb_csvs_row {
    const char *path;
    unsigned line;
    const char *vm;             /* valid during the callback */
    const char *host;           /* NULL: the column is absent or empty */
    /* t_unix, vcpus, cpu_cores, waited_cores, blocked_cores (NAN when not
     * given), mem_alloc_bytes, cpu_mhz and m[] (unscaled: bytes/s, bytes)
     * set; len_s and interval_s 0 (the importer's). */
    struct xb_sample x;
};

typedef int (*xb_csvs_fn)(const struct xb_csvs_row *r, void *ctx);

/* Read one file; fn's non-zero return stops the reading and is returned.
 * *rows counts the rows handed over.  A file with a header and no rows is
 * an error. */
int xb_csvs_read(const char *path, xb_csvs_fn fn, void *ctx, size_t *rows,
                 struct xb_err *err);

#endif
