/* xenstat_sampler.h: one libxenstat reading per interval, written verbatim
 * as a line of xenstat.jsonl (format: decode/xenstat_load.h), stamped with
 * the dom0 TSC; the domain table (domains.h) is updated from each reading.
 */
#ifndef XB_XEN_XENSTAT_SAMPLER_H
#define XB_XEN_XENSTAT_SAMPLER_H

#include <stdio.h>

#include "source/xen/domains.h"
#include "util/err.h"

struct xb_xsampler;

/* Opens libxenstat and libxenctrl; lines go to out (flushed each time). */
int xb_xsampler_open(struct xb_xsampler **s, FILE *out, struct xb_err *err);

/* Take one reading.  Returns 0, -EAGAIN when libxenstat gave nothing this
 * time (nothing written; the caller may go on), or a write error. */
int xb_xsampler_sample(struct xb_xsampler *s, struct xb_xdoms *doms,
                       void (*gone)(const struct xb_xdom *, void *),
                       void (*born)(const struct xb_xdom *, void *), void *ctx,
                       struct xb_err *err);

void xb_xsampler_free(struct xb_xsampler *s);

#endif
