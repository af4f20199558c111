/* import_gwa.h: GWA-T-12 traces (decode/gwa.h) into the history.
 *
 * One host per trace (the folder's name, or --host), one VM per file (the
 * file's name without ".csv"; its number, if it is one, as the domain id),
 * one run per VM and core clock.  Each row that is not a VM-down row is a
 * window from its timestamp to the next row's, at most the trace's interval
 * (300 s), of:
 *  - CPU in host cores: usage MHz / (capacity MHz / cores), at the core
 *    clock capacity / cores (the run's clock, for CPU normalisation); the
 *    trace has no waited or blocked time (NULL, never 0);
 *  - vCPUs: the cores provisioned in that row; the allocation: the memory
 *    provisioned (KB of 1024 bytes);
 *  - memory used in the guest (the "memory actively used" the hypervisor
 *    measures), at most the allocation (higher rows are counted and held
 *    at it);
 *  - disk and network KB/s as bytes/s.
 * A VM-down row ends the window before it and starts none: the time is
 * unknown.  Windows of 5 minutes are stored as roll-ups only (feed.h).
 * Bad rows stop the import naming file and line; the caller's transaction
 * makes that all or nothing.
 */
#ifndef XB_IMPORT_GWA_H
#define XB_IMPORT_GWA_H

#include <stdbool.h>
#include <stddef.h>

#include "decode/gwa.h"
#include "store/store.h"
#include "util/err.h"

struct xb_gwa_import_opts {
    const char *host;           /* NULL: the name of the folder of the files */
    double interval_s;          /* 0: 300 */
};

struct xb_gwa_file_result {
    const char *path;
    char vm[96];
    char host[128];
    struct xb_gwa_stats st;
    size_t windows;             /* windows made (up rows) */
    size_t rollups;             /* roll-up rows written */
    size_t runs;                /* one per core clock the file shows */
    size_t mem_clamped;         /* windows whose memory used was held at the
                                 * allocation */
    bool replaced;
};

typedef void (*xb_gwa_cb)(const struct xb_gwa_file_result *r, void *ctx);

/* path: a file, or a folder whose *.csv files are read in name order. */
int xb_import_gwa_path(struct xb_store *s, const char *path,
                       const struct xb_gwa_import_opts *o, xb_gwa_cb cb, void *ctx,
                       struct xb_err *err);

#endif
