/* trace_ring.h: the segment files of a ring recording (record --max-size
 * MB --ring): each CPU's pages go into tracefs/cpuN.K.raw, K = 0, 1, ...,
 * a segment of a fixed number of whole pages at a time; when the kept pages
 * of all CPUs pass the bound, the oldest segment is deleted (the one whose
 * loss moves the span every CPU keeps least), so the folder holds the newest
 * pages within the bound plus at most the segment being filled on each CPU.
 * It knows the page header's time stamp (u64 at offset 0, header_page) and
 * nothing else of the pages.
 */
#ifndef XB_TRACE_RING_H
#define XB_TRACE_RING_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/err.h"

struct xb_tring;

/* dir: the run folder's tracefs/ (segment 0 of each CPU is created now). */
int xb_tring_open(struct xb_tring **out, const char *dir, unsigned ncpu,
                  size_t page, uint64_t max_bytes, struct xb_err *err);
void xb_tring_close(struct xb_tring *t);

/* The file the next pages of cpu go to, and how many bytes (whole pages,
 * > 0) fit in it; a full segment is closed and the next one begun. */
int xb_tring_next(struct xb_tring *t, unsigned cpu, int *fd, uint64_t *room,
                  struct xb_err *err);
/* pages whole pages were written to that file: counted, and the oldest
 * segments deleted while the kept pages pass the bound. */
int xb_tring_wrote(struct xb_tring *t, unsigned cpu, uint64_t pages,
                   struct xb_err *err);
/* Bytes of whole pages in cpu's current segment (to cut a part-written
 * page back to). */
uint64_t xb_tring_seg_bytes(const struct xb_tring *t, unsigned cpu);

/* Kept and dropped pages of cpu, and of all CPUs. */
uint64_t xb_tring_kept(const struct xb_tring *t, unsigned cpu);
uint64_t xb_tring_dropped(const struct xb_tring *t, unsigned cpu);
uint64_t xb_tring_dropped_total(const struct xb_tring *t);
/* CLOCK_MONOTONIC ns of cpu's first kept page (0: none yet). */
uint64_t xb_tring_first_ns(const struct xb_tring *t, unsigned cpu);
/* Where every CPU's kept pages are complete from: the latest first kept
 * page of the CPUs that dropped any, else t0. */
uint64_t xb_tring_kept_from(const struct xb_tring *t, uint64_t t0);

/* cpu's segment files, oldest first, as a JSON array of names relative to
 * the run folder ("tracefs/cpuN.K.raw"); an empty segment being filled at
 * the end is left out (and deleted by xb_tring_finish). */
json_t *xb_tring_segments(const struct xb_tring *t, unsigned cpu);
/* At the stop: delete empty current segments (a CPU keeps at least one). */
void xb_tring_finish(struct xb_tring *t);

#endif
