/* import_csv.h: generic samples CSV files (decode/samples_csv.h) into the
 * history (`import --format csv`, docs/commands/import.md).
 *
 * A file holds any number of VMs, their rows in any interleaving; a VM is
 * its host (the row's `host`, else --host, else the file's name without
 * ".csv") and its `vm` name (a number is also its domain id).  One run per
 * VM and core clock (`cpu_mhz`; a change of more than 0.1 % is a VM moved
 * to another host type, as for GWA traces), keyed
 * "csv:HOST/VM@START" (START the run's first sample, ISO 8601): the same
 * file imported again replaces its runs, another month of the same VM is
 * a run of its own.
 *
 * A VM's rows must go forward in time: a time equal to or before the VM's
 * row before is an error naming both lines.  Its step is --interval, else
 * the median of its first five gaps (the lower middle one of an even count);
 * each row is a window from its time to the VM's next row, at most the step
 * (a longer gap is unknown time, counted), measured whole, as a GWA row
 * (import_gwa.h).  A VM of one row needs --interval.  Memory used inside
 * the guest above the allocation is held at it (counted).  Windows shorter
 * than 5 minutes are kept as sample rows when the file has waited_cores and
 * blocked_cores (the sample table holds both of every window), every window
 * in the roll-ups (feed.h).  Errors name file and line; the caller's transaction makes a
 * failed file all or nothing.
 */
#ifndef XB_IMPORT_CSV_H
#define XB_IMPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

struct xb_csv_import_opts {
    const char *host;           /* NULL: the file's name without ".csv" */
    double interval_s;          /* 0: each VM's step from its rows */
};

struct xb_csv_file_result {
    const char *path;
    size_t rows;                /* read */
    size_t vms, hosts;
    size_t runs;                /* one per VM and core clock */
    size_t windows;
    size_t samples, rollups;    /* rows written */
    size_t gaps;                /* gaps longer than the VM's step */
    size_t mem_clamped;         /* windows whose memory used was held at the
                                 * allocation */
    double step_min, step_max;  /* of the VMs' steps, seconds */
    bool replaced;
};

typedef void (*xb_csv_import_cb)(const struct xb_csv_file_result *r, void *ctx);

int xb_import_csv_file(struct xb_store *s, const char *path,
                       const struct xb_csv_import_opts *o, xb_csv_import_cb cb,
                       void *ctx, struct xb_err *err);

#endif
