/* retention.h: how long the history keeps what (record --db, import):
 * raw windows (sample rows) for keep_raw, roll-ups for keep, both counted
 * back from the end of the newest data in the file (as plan's --since), so
 * an imported month of 2013 is not "older than 400 days" today.
 *
 * A window goes once it ends before the cutoff, rounded down to a 5-minute
 * boundary (whole buckets, so the raw view, store.h, switches from roll-up
 * means to windows at a bucket's edge), and only when its run holds a
 * 5-minute roll-up of its bucket or a later one for that VM: windows whose
 * roll-ups are not yet written (the open bucket of a live recording) stay.
 * A roll-up goes once its bucket ends before the keep cutoff, and a window
 * too.  Then runs, VMs and hosts left without data are removed.  The caller
 * holds the transaction.
 */
#ifndef XB_STORE_RETENTION_H
#define XB_STORE_RETENTION_H

#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

/* Bounds of --keep-raw and --keep: one 5-minute bucket to a century. */
#define XB_KEEP_MIN_S 300.0
#define XB_KEEP_MAX_S (36525 * 86400.0)

struct xb_retention {
    double keep_raw_s;      /* <= 0: windows are kept */
    double keep_s;          /* <= 0: roll-ups are kept */
};

struct xb_retention_result {
    int64_t samples, rollups, runs;     /* rows deleted */
    double t_end;                       /* the newest data's end (NAN: empty) */
};

int xb_store_retain(struct xb_store *s, const struct xb_retention *r,
                    struct xb_retention_result *res, struct xb_err *err);

#endif
