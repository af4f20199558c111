/* tracefs_capture.h: the scheduler events of every CPU from a private
 * tracefs instance, read as raw ring-buffer pages (never event by event).
 *
 * The instance is named xenbench-PID, uses the "mono" trace clock (so event
 * times are CLOCK_MONOTONIC ns, the clock counters are sampled with) and
 * records sched_switch, sched_wakeup, sched_wakeup_new and
 * sched_process_fork.  The top-level instance is never touched.
 */
#ifndef XB_TRACEFS_CAPTURE_H
#define XB_TRACEFS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct xb_tcapture;

/* The events recorded, as "system/event". */
extern const char *const xb_tcapture_events[];

/* Create the instance (tracing off), size its buffer (KiB per CPU, 0:
 * 4096) and enable the events.  Errors say what is missing: root, tracefs,
 * an event. */
int xb_tcapture_open(struct xb_tcapture **out, unsigned buffer_kb,
                     struct xb_err *err);
unsigned xb_tcapture_ncpu(const struct xb_tcapture *c);
size_t xb_tcapture_page_size(const struct xb_tcapture *c);

/* Copy events/header_page and each event's format file into dir (files
 * header_page and sched-EVENT.format) for the decoder. */
int xb_tcapture_save_formats(const struct xb_tcapture *c, const char *dir,
                             struct xb_err *err);

int xb_tcapture_start(struct xb_tcapture *c, struct xb_err *err);
int xb_tcapture_stop(struct xb_tcapture *c);

/* Copy out the pages of every CPU to fn: the pages the writer has left,
 * then the one it is filling, part-filled (live use: the rest of that page
 * comes as the next one).  With flush (tracing stopped): every page left.
 * Returns 0, or fn's non-zero result, or a negative read error. */
typedef int (*xb_page_fn)(unsigned cpu, const void *page, size_t len, void *ctx);
int xb_tcapture_read(struct xb_tcapture *c, bool flush, xb_page_fn fn, void *ctx,
                     struct xb_err *err);

/* Splice every page of cpu the writer has left into the file out (whole
 * pages, never through user space), at most max bytes of them (0: no
 * bound; at least one page); *bytes: how much was written.  Returns 0 or a
 * negative code with err set (a write error names out_name). */
int xb_tcapture_move(struct xb_tcapture *c, unsigned cpu, int out,
                     const char *out_name, uint64_t max, uint64_t *bytes,
                     struct xb_err *err);

/* Sleep until a CPU's buffer is a quarter full (the instance's
 * buffer_percent) or timeout_ms passes.  Returns > 0 when pages wait, 0 on
 * timeout or a signal, or a negative errno. */
int xb_tcapture_wait(struct xb_tcapture *c, int timeout_ms);

/* The kernel's count of events it could not store on cpu (overrun +
 * dropped events of per_cpu/cpuN/stats). */
uint64_t xb_tcapture_lost(const struct xb_tcapture *c, unsigned cpu);

/* Remove the instance. */
void xb_tcapture_close(struct xb_tcapture *c);

#endif
