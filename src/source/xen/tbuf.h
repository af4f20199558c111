/* tbuf.h: Xen's per-CPU trace buffers read from dom0 through libxenctrl,
 * written to a file in xentrace's format (CPU_CHANGE header, then the raw
 * window), as tools/xentrace does.
 *
 * Ownership: a reader binds VIRQ_TBUF, which Xen lets only one dom0 process
 * hold; a second consumer (xentrace, xenbaked, another xenbench) is refused
 * with a message instead of both advancing the same consumer indexes.
 * Wake-ups: VIRQ_TBUF (Xen raises it when a CPU's buffer is half full), with
 * a timeout from the caller so the file keeps up when traffic is light.
 */
#ifndef XB_XEN_TBUF_H
#define XB_XEN_TBUF_H

#include <stdbool.h>
#include <stdint.h>

#include "source/xen/lost.h"
#include "util/err.h"

struct xb_tbuf;

struct xb_tbuf_stats {
    unsigned ncpu;               /* buffers (max_cpu_id + 1) */
    unsigned pages;              /* pages per CPU buffer actually in use */
    unsigned pages_requested;
    uint32_t evt_mask;
    uint64_t bytes;              /* written to the file, headers included */
    uint64_t windows;
    uint64_t wake_virq, wake_timeout;
    struct xb_lost_count count;  /* records and lost-records notices */
};

/* Bind VIRQ_TBUF, set the event mask, size the buffers (pages per CPU; Xen
 * keeps the first size set after boot), enable tracing, map the buffers and
 * drop what they held before.  Errors (-EBUSY when another consumer owns
 * the buffers, -ENODEV when Xen has none, -EACCES) say what to do. */
int xb_tbuf_start(struct xb_tbuf **out, unsigned pages, uint32_t evt_mask,
                  int fd, struct xb_err *err);

/* Copy every CPU's new records to the file.  -EIO/-ENOSPC etc. on write
 * failure (what was written stays), -EPROTO when indexes are corrupt. */
int xb_tbuf_drain(struct xb_tbuf *t, struct xb_err *err);

/* Sleep until VIRQ_TBUF or timeout_ms (or a signal).  Returns 0 or error. */
int xb_tbuf_wait(struct xb_tbuf *t, int timeout_ms, struct xb_err *err);

/* Disable tracing, drain what is left.  Safe to call twice. */
int xb_tbuf_stop(struct xb_tbuf *t, struct xb_err *err);

const struct xb_tbuf_stats *xb_tbuf_stats(const struct xb_tbuf *t);

/* Unbind, unmap, close (disables tracing if xb_tbuf_stop was not called). */
void xb_tbuf_free(struct xb_tbuf *t);

#endif
