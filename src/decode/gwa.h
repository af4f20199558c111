/* gwa.h: the GWA-T-12 trace format (Grid Workloads Archive, Bitbrains
 * "fastStorage"/"Rnd"): one file per VM, a header line, then one row per
 * sample, fields separated by ';' and a tab:
 *
 *   Timestamp [ms]; CPU cores; CPU capacity provisioned [MHZ]; CPU usage [MHZ];
 *   CPU usage [%]; Memory capacity provisioned [KB]; Memory usage [KB];
 *   Disk read throughput [KB/s]; Disk write throughput [KB/s];
 *   Network received throughput [KB/s]; Network transmitted throughput [KB/s]
 *
 * The reader hands each row over with its line number and deals with the
 * format's quirks, each counted in struct xb_gwa_stats:
 *  - the timestamp column says ms but holds seconds since 1970; a file whose
 *    stamps are really milliseconds (above 1e11) is read as such, a file
 *    mixing the two is refused;
 *  - numbers may be in scientific notation ("2.0948992E7");
 *  - a VM that is down (or not reported) has rows of zeros: 0 cores and 0
 *    capacity; they are handed over with `down` set;
 *  - a row repeating the previous row's timestamp is dropped: counted as a
 *    duplicate when identical, as a contradiction when not (the first kept);
 *  - provisioned sizes may change within the file (resized VMs): each row
 *    carries its own.
 * A bad row (a field that is not a number >= 0, fractional cores, a time
 * that goes back, a wrong field count) stops the reading with
 * "FILE: line N: field "NAME": ...".  This file knows the format only; what
 * a row means to the history is store/import_gwa.c's.
 */
#ifndef XB_DECODE_GWA_H
#define XB_DECODE_GWA_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

enum {
    XB_GWA_CORES, XB_GWA_CAP_MHZ, XB_GWA_USE_MHZ, XB_GWA_USE_PCT,
    XB_GWA_MEM_CAP_KB, XB_GWA_MEM_USE_KB, XB_GWA_DISK_RD_KBPS, XB_GWA_DISK_WR_KBPS,
    XB_GWA_NET_RX_KBPS, XB_GWA_NET_TX_KBPS, XB_GWA_NVALUES
};

struct xb_gwa_row {
    unsigned line;
    double t_unix;              /* seconds since 1970 */
    double v[XB_GWA_NVALUES];   /* as in the file (MHz, %, KB, KB/s) */
    bool down;                  /* 0 cores or 0 capacity: not running */
};

struct xb_gwa_stats {
    size_t rows;                /* handed over */
    size_t down;                /* of them, rows of a VM down */
    size_t duplicates;          /* identical repeated rows, dropped */
    size_t contradictions;      /* same time, other values: dropped */
    size_t sci;                 /* rows with a number in scientific notation */
    size_t cpu_over;            /* CPU usage above the capacity (turbo) */
    size_t mem_over;            /* memory usage above the memory provisioned */
    size_t resized;             /* rows whose provisioned cores, capacity or
                                 * memory differ from the row before */
    bool ms;                    /* the stamps were milliseconds */
};

typedef int (*xb_gwa_fn)(const struct xb_gwa_row *r, void *ctx);

/* Read one file; fn's non-zero return stops the reading and is returned.
 * st is filled (zeroed first). */
int xb_gwa_read(const char *path, xb_gwa_fn fn, void *ctx, struct xb_gwa_stats *st,
                struct xb_err *err);

#endif
