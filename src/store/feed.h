/* feed.h: what a run's windows become in the history: each window as a
 * sample row (when the run's windows are finer than the 5-minute roll-up),
 * and every VM's windows rolled up into 5- and 10-minute buckets
 * (store/rollup.h) as they arrive.  A run whose windows are 5 minutes or
 * longer (a GWA trace) is kept as its roll-ups only: its window is its own
 * 5-minute bucket, nothing finer exists to keep.  Importers and the live
 * recorder feed it in time order per VM; memory stays one open bucket per
 * VM and period.  The caller holds the store's transaction.
 */
#ifndef XB_STORE_FEED_H
#define XB_STORE_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

struct xb_feed;

/* raw: also write each window as a sample row. */
int xb_feed_open(struct xb_feed **f, struct xb_store *s, int64_t run_id, bool raw,
                 struct xb_err *err);
/* Write every period's rows as their buckets close, without the queue: for
 * an importer that feeds many runs at once (one per VM, rows interleaved),
 * whose queues would hold memory per run and keep no B-tree order anyway. */
void xb_feed_unqueued(struct xb_feed *f);
/* Whether a run of windows of interval_s seconds keeps sample rows. */
bool xb_feed_keeps_raw(double interval_s);
int xb_feed_add(struct xb_feed *f, unsigned win, uint32_t domid, uint32_t instance,
                const char *name, const struct xb_sample *x, struct xb_err *err);
/* Write the open buckets (at the end of the run: a bucket is written once;
 * a live recorder's buckets close as the next one starts). */
int xb_feed_flush(struct xb_feed *f, struct xb_err *err);
/* Write the rows of the longer periods that wait in memory (their buckets
 * are closed; the open ones stay open): before a live recorder commits. */
int xb_feed_sync(struct xb_feed *f, struct xb_err *err);
/* Flush, then free. */
int xb_feed_close(struct xb_feed *f, struct xb_err *err);
void xb_feed_free(struct xb_feed *f);

/* Counts for messages and tests. */
size_t xb_feed_samples(const struct xb_feed *f);
size_t xb_feed_rollups(const struct xb_feed *f);

#endif
