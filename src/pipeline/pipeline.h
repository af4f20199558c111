/* pipeline.h: input -> decode -> engine -> presenter, shared by commands.
 *
 * A command chooses the input (a xentrace file, a run folder, or this host
 * live) and a presenter; the pipeline opens the input (pipeline/input.h),
 * reads the run folder's manifest, resolves the TSC rate and domain names,
 * feeds every record to the engine and hands each finished window to the
 * presenter, then the footer facts.  Warnings go to o->notes; nothing here
 * prints.
 */
#ifndef XB_PIPELINE_H
#define XB_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/presenter.h"
#include "util/err.h"

/* Bounds of a report window (--interval of report and import): the engine
 * keeps 1 s of windows open (account/engine.h), so finer than 10 ms is
 * memory and a flood of tables, not a finer figure. */
#define XB_WINDOW_MIN_S (XB_MIN_INTERVAL_NS / 1e9)
#define XB_WINDOW_MAX_S (366 * 86400.0)

struct xb_pipeline;

/* Open the input o names and run the presenter's begin.  Returns 0 or a
 * negative code with err set. */
int xb_pipeline_open(struct xb_pipeline **out, const struct xb_input_opts *o,
                     const struct xb_presenter *p, void *ctx, struct xb_err *err);
/* Feed what the input has; close the windows it has passed.  1: the input
 * has ended and the presenter's end has run; 0: more may come (live); or a
 * negative code with err set (a presenter that failed: -EIO). */
int xb_pipeline_step(struct xb_pipeline *pl, struct xb_err *err);
/* Live inputs: sleep until the input has something to feed or until_ns
 * (CLOCK_MONOTONIC); and stop capturing, so that the steps then take what
 * is left and end (step returns 1).  Other inputs: a plain sleep, and
 * nothing to stop. */
int xb_pipeline_wait(struct xb_pipeline *pl, uint64_t until_ns, struct xb_err *err);
int xb_pipeline_stop(struct xb_pipeline *pl, struct xb_err *err);
const struct xb_run_info *xb_pipeline_info(const struct xb_pipeline *pl);
void xb_pipeline_close(struct xb_pipeline *pl);

/* Open, step to the end, close: a recording from start to end. */
int xb_pipeline_run(const struct xb_input_opts *o, const struct xb_presenter *p,
                    void *ctx, struct xb_err *err);

#endif
