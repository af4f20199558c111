/* history.h: the measured history of each VM as the planner sees it.
 *
 * Plain C, no SQLite: src/store/read.c fills it from the database, the
 * planner (src/plan/) only reads it, and tests and the scale benchmark build
 * it by hand.  One xb_series per VM (host name + VM name), its samples in
 * time order.  A figure that was not measured is NAN, never 0.
 */
#ifndef XB_HISTORY_H
#define XB_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "model/metric.h"

/* One window of one domain: struct xb_sample, in model/metric.h. */

struct xb_series {
    char host[128];
    char name[96];
    uint32_t domid;         /* of the newest sample */
    struct xb_sample *s;    /* time order */
    size_t n, cap;
};

struct xb_history {
    struct xb_series *vm;   /* sorted by (host, name) */
    size_t n, cap;
    double t_begin, t_end;  /* the look-back window, seconds since 1970 */
};

/* Append a sample to the series (host, name), creating it when new.  The
 * caller appends in time order.  Returns 0 or -ENOMEM. */
int xb_history_add(struct xb_history *h, const char *host, const char *name,
                   uint32_t domid, const struct xb_sample *s);
void xb_history_free(struct xb_history *h);

#endif
