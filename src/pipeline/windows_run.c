/* windows_run.c: the pipeline's input for an aggregated run folder
 * (xb_input_windows, pipeline/input.h; `record --aggregate`): its windows
 * come finished from windows.jsonl.gz (pipeline/winfile.c) and go to the
 * presenter as they are, or merged to the report's --interval (a whole
 * multiple of the recording's), instead of through the engine; its counters
 * are the figures each window holds.  It owns reading that file; it must
 * not touch the manifest's other facts, the warning block or the presenter
 * (pipeline.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/input.h"
#include "pipeline/winfile.h"

struct wrun {
    struct xb_winfile_r *r;
    struct xb_winfile_info fi;
    struct xb_counters *counters;
    uint64_t interval_ns;
};

static int windows_open(void **state, const struct xb_input_opts *o,
                        const struct xb_manifest *m, struct xb_names *names,
                        struct xb_run_info *info, struct xb_err *err)
{
    struct wrun *w = calloc(1, sizeof *w);
    if (!w)
        return xb_err_set(err, -ENOMEM, "out of memory");
    *state = w;
    w->interval_ns = o->interval_ns;
    if (!(w->counters = xb_counters_new()))
        return xb_err_set(err, -ENOMEM, "out of memory");
    int rc = xb_winfile_open(&w->r, m->windows_file, &w->fi, names, w->counters, err);
    if (rc)
        return rc;
    if (o->interval_ns && o->interval_ns % w->fi.interval_ns)
        return xb_err_set(err, -XB_EUSAGE, "%s: the recording holds windows of "
                          "%.3f s: --interval must be a whole multiple of it",
                          m->windows_file, (double)w->fi.interval_ns / 1e9);
    if (!xb_names_get(names, XB_HOST_DOMID) && xb_names_set(names, XB_HOST_DOMID, "host"))
        return xb_err_set(err, -ENOMEM, "out of memory");
    if (!w->fi.lost || !w->fi.lost_notices) {   /* cut short: no last line */
        free(w->fi.lost);
        free(w->fi.lost_notices);
        w->fi.lost = calloc(w->fi.npcpu ? w->fi.npcpu : 1, sizeof *w->fi.lost);
        w->fi.lost_notices = calloc(w->fi.npcpu ? w->fi.npcpu : 1, sizeof *w->fi.lost);
        if (!w->fi.lost || !w->fi.lost_notices)
            return xb_err_set(err, -ENOMEM, "out of memory");
    }
    info->npcpu = w->fi.npcpu;
    info->records = w->fi.records;
    info->lost = w->fi.lost;
    info->lost_notices = w->fi.lost_notices;
    info->span_ns = w->fi.span_ns;
    info->counters = w->counters;
    if (w->fi.warning[0])
        info->warning = w->fi.warning;
    if (w->fi.start_utc[0])              /* time 0 of the windows themselves */
        info->start_utc = w->fi.start_utc;
    return 0;
}

static int windows_start(void *state, struct xb_engine *e, struct xb_run_info *info,
                         const struct xb_notes *notes, struct xb_err *err)
{
    (void)state; (void)e; (void)info; (void)notes; (void)err;
    return 0;
}

/* Not used: the windows come through replay(). */
static int windows_feed(void *state, struct xb_engine *e, struct xb_run_info *info,
                        struct xb_err *err)
{
    (void)state; (void)e; (void)info; (void)err;
    return 1;
}

static int windows_replay(void *state, xb_window_fn fn, void *ctx,
                          struct xb_run_info *info, struct xb_err *err)
{
    struct wrun *w = state;
    const struct xb_window *win;
    int rc;
    while ((rc = xb_winfile_next(w->r, w->interval_ns, &win, err)) == 1) {
        if (!w->fi.ended && win->t_end_ns > info->span_ns)
            info->span_ns = win->t_end_ns;     /* cut short: the last window */
        int prc = fn(win, ctx);
        if (prc)
            return prc;
    }
    return rc < 0 ? rc : 1;
}

static void windows_close(void *state)
{
    struct wrun *w = state;
    xb_winfile_close(w->r);
    xb_winfile_info_free(&w->fi);
    xb_counters_free(w->counters);
    free(w);
}

const struct xb_input_ops xb_input_windows = {
    .name = "aggregated run folder",
    .open = windows_open,
    .start = windows_start,
    .feed = windows_feed,
    .replay = windows_replay,
    .close = windows_close,
};
