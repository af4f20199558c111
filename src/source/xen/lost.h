/* lost.h: counting records and lost-records notices in raw xentrace bytes,
 * for the manifest (the recorder's own buffers, or a file Debian's xentrace
 * wrote).  Record layout: xen/trace.h struct t_rec. */
#ifndef XB_XEN_LOST_H
#define XB_XEN_LOST_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct xb_lost_count {
    uint64_t records;         /* trace records, padding and notices included */
    uint64_t notices;         /* TRC_LOST_RECORDS records */
    uint64_t lost;            /* records Xen says it dropped (sum of notices) */
};

/* Walk one window of records (the bytes between a consumer and producer
 * index).  Returns 0, or -1 when a record runs past the end. */
int xb_lost_scan_window(const void *buf, size_t len, struct xb_lost_count *n);

/* Walk a whole xentrace file (CPU_CHANGE headers and their windows). */
int xb_lost_scan_file(const char *path, struct xb_lost_count *n,
                      struct xb_err *err);

#endif
