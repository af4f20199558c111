/* input.h: what the pipeline asks of an input (pipeline.c drives it).
 *
 * An input turns one kind of recording into engine transitions: a xentrace
 * file (xen_run.c), a Linux run folder (linux_run.c), or this host live
 * (live.c).  The pipeline owns everything the inputs share: the run
 * folder's manifest and its copy into struct xb_run_info, the warning block
 * (cut short, recorder failed, --strict), the engine and its window
 * callback, the presenter's begin/end and the error mapping.  An input owns
 * its decoder and its counters; it never prints (warnings go to notes).
 */
#ifndef XB_PIPELINE_INPUT_H
#define XB_PIPELINE_INPUT_H

#include "pipeline/presenter.h"
#include "pipeline/rundir.h"
#include "util/err.h"
#include "util/notes.h"

struct xb_input_ops {
    const char *name;
    /* Open: set info->npcpu and what the input knows of the run (counts,
     * info->warning when the file is cut short).  m is the run folder's
     * manifest, or NULL for a bare file or the live capture; names gets the
     * domains' names. */
    int (*open)(void **state, const struct xb_input_opts *o,
                const struct xb_manifest *m, struct xb_names *names,
                struct xb_run_info *info, struct xb_err *err);
    /* The engine exists: declare pCPU starts, domains, threads asleep at the
     * start, load the counters (info->counters).  Before the presenter's
     * begin. */
    int (*start)(void *state, struct xb_engine *e, struct xb_run_info *info,
                 const struct xb_notes *notes, struct xb_err *err);
    /* Feed the engine what there is.  1: the input has ended and
     * info->span_ns is its end; 0: more may come (live); a window
     * callback's positive result, or a negative error. */
    int (*feed)(void *state, struct xb_engine *e, struct xb_run_info *info,
                struct xb_err *err);
    /* Optional.  An input of finished windows (an aggregated run): instead
     * of feed, hand each window to fn (the pipeline's window callback) in
     * order, to the end.  1 when done; fn's non-zero result; or a negative
     * error. */
    int (*replay)(void *state, xb_window_fn fn, void *ctx,
                  struct xb_run_info *info, struct xb_err *err);
    /* Optional (live inputs).  Sleep until there is something to feed, or
     * until_ns (CLOCK_MONOTONIC); a signal may end it early. */
    int (*wait)(void *state, uint64_t until_ns, struct xb_err *err);
    /* Optional (live inputs).  Stop capturing: the next feed takes what is
     * left, and the input then ends (feed returns 1). */
    int (*stop)(void *state, struct xb_err *err);
    void (*close)(void *state);
};

extern const struct xb_input_ops xb_input_xen;      /* xentrace file */
extern const struct xb_input_ops xb_input_linux;    /* Linux run folder */
extern const struct xb_input_ops xb_input_live;     /* this Linux host */
extern const struct xb_input_ops xb_input_windows;  /* aggregated run folder */

#endif
