/* live.h: the pipeline fed live on this Linux host (for `top`): tracefs
 * pages go straight to the decoder and engine, counters are sampled into
 * memory; each finished window goes to the presenter with the counters of
 * the last samples.  Only the event formats go to a temporary folder
 * ($TMPDIR, else /tmp), removed at the end. */
#ifndef XB_LIVE_H
#define XB_LIVE_H

#include <stdint.h>

#include "pipeline/pipeline.h"

struct xb_live_opts {
    uint64_t interval_ns;      /* window and sampling interval */
    const char *domains;       /* --domains mode */
    const char *match;         /* --match regex or NULL */
    unsigned buffer_kb;
};

struct xb_live;

int xb_live_open(struct xb_live **out, const struct xb_live_opts *o,
                 const struct xb_presenter *p, void *ctx, struct xb_err *err);
/* Move pages, sample counters when due, close finished windows.  Call at
 * least every 100 ms.  Returns 0, a presenter's non-zero result, or a
 * negative error. */
int xb_live_step(struct xb_live *l, struct xb_err *err);
const struct xb_run_info *xb_live_info(const struct xb_live *l);
void xb_live_close(struct xb_live *l);

#endif
