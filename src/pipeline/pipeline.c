/* pipeline.c: the one driver of every input (pipeline/input.h): it owns the
 * choice of input, the manifest's copy into struct xb_run_info, the warning
 * block (a cut-short file, a failed recorder, --strict), the engine and its
 * window callback, the presenter's begin and end, and the mapping of
 * failures to one error.  It must not decode (the inputs do), present, or
 * print (warnings go to the caller's notes).
 */
#include "pipeline.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pipeline/input.h"
#include "pipeline/rundir.h"
#include "util/clock.h"
#include "util/parse.h"

struct xb_pipeline {
    struct xb_input_opts o;
    const struct xb_input_ops *in;
    void *state;
    struct xb_manifest man;
    bool have_man;
    struct xb_names names;
    struct xb_run_info info;
    struct xb_engine *e;
    const struct xb_presenter *p;
    void *ctx;
    int window_rc;              /* a presenter's window callback failed */
    bool ended;
    char manifest_path[4200];
    char warning[700];
};

static int on_window(const struct xb_window *w, void *c)
{
    struct xb_pipeline *pl = c;
    int rc = pl->p->window ? pl->p->window(w, &pl->info, pl->ctx) : 0;
    if (rc && !pl->window_rc)
        pl->window_rc = rc;
    return rc;
}

/* One error for whatever failed: a presenter that could not write (it
 * returns > 0, errno says why) is an I/O error; an engine that stopped at
 * its window limit names the clock and --interval; a code nobody explained
 * keeps its meaning. */
static int failed(struct xb_pipeline *pl, int rc, struct xb_err *err)
{
    int prc = pl->window_rc ? pl->window_rc : rc;
    if (prc > 0)
        return xb_err_set(err, -(errno ? errno : EIO), "writing the report "
                          "failed: %s", strerror(errno ? errno : EIO));
    if (prc == XB_ENGINE_TOO_MANY_WINDOWS && !err->code)
        return xb_err_set(err, -XB_EUSAGE, "%s: more than %llu windows%s: the "
                          "recording's clock (--tsc-hz, tsc_hz, t_stop_mono_ns) "
                          "or its timestamps cannot be right, or --interval is "
                          "too short", pl->info.input ? pl->info.input : "live",
                          (unsigned long long)XB_MAX_WINDOWS,
                          pl->o.interval_ns ? "" : " (one window)");
    if (prc < 0)
        return xb_err_ensure(err, prc);
    return xb_err_ensure(err, rc);
}

/* The run folder's facts, the same for every source. */
static void from_manifest(struct xb_run_info *info, const struct xb_manifest *m)
{
    info->source = m->source;
    info->host = m->host[0] ? m->host : NULL;
    info->cpu_model = m->cpu_model[0] ? m->cpu_model : NULL;
    info->cpu_mhz = m->cpu_mhz;
    info->start_utc = m->start_utc[0] ? m->start_utc : NULL;
    info->run_id = m->run_id[0] ? m->run_id : NULL;
    info->missing = m->missing[0] ? m->missing : NULL;
    info->cache_na = m->cache_na[0] ? m->cache_na : NULL;
}

/* Time 0 on the wall clock: --start, else the run's (manifest, or the live
 * input's start); windows and rows add their start to it. */
static int wall_clock(struct xb_pipeline *pl, struct xb_err *err)
{
    struct xb_run_info *info = &pl->info;
    info->start_unix = NAN;
    if (pl->o.start_utc) {
        info->start_utc = pl->o.start_utc;
        info->start_from = "--start";
    } else if (info->start_utc && !info->start_from) {
        info->start_from = pl->manifest_path[0] ? pl->manifest_path : info->input;
    }
    if (!info->start_utc)
        return 0;
    if (xb_parse_utc(info->start_utc, &info->start_unix) == 0)
        return 0;
    (void)err;          /* (--start is checked by the command) */
    info->start_unix = NAN;
    xb_note(pl->o.notes, XB_NOTE_WARNING, "%s: start_utc '%s' is not an ISO 8601 "
            "time: no wall-clock times (give one with --start)", info->start_from,
            info->start_utc);
    info->start_utc = NULL;
    return 0;
}

/* What the user must know before the figures: the input's own damage, else
 * a recorder that failed or never finished; --strict makes it an error. */
static int warning_block(struct xb_pipeline *pl, struct xb_err *err)
{
    struct xb_run_info *info = &pl->info;
    const struct xb_manifest *m = pl->have_man ? &pl->man : NULL;
    if (!info->warning && m && strncmp(m->state, "failed", 6) == 0) {
        snprintf(pl->warning, sizeof pl->warning, "the recorder failed (%s): "
                 "the run holds what was recorded until then",
                 m->failure[0] ? m->failure : "no reason given");
        info->warning = pl->warning;
    }
    if (!info->warning && m &&
        (strcmp(m->state, "recording") == 0 ||
         (strcmp(m->source, "linux") == 0 && !m->t_stop_mono_ns)))
        info->warning = "the recording has no stop time (cut short): the span "
                        "ends at the last event";
    if (info->warning && pl->o.strict)
        return xb_err_set(err, -XB_EINPUT, "%s (--strict)", info->warning);
    if (info->warning)
        xb_note(pl->o.notes, XB_NOTE_WARNING, "%s", info->warning);
    return 0;
}

/* --strict, once the run is read: lost records, contradictions and
 * repairs nothing bounded are errors (bounded repairs are routine). */
static int strict_end(const struct xb_run_info *info, struct xb_err *err)
{
    uint64_t lost = 0;
    for (unsigned p = 0; info->lost && p < info->npcpu; p++)
        lost += info->lost[p];
    const struct xb_engine_stats *s = &info->stats;
    if (!lost && !s->lost_gaps && !s->contradictions && !info->repairs.unbounded)
        return 0;
    return xb_err_set(err, -XB_EINPUT, "%s: %" PRIu64 " lost records (%" PRIu64
                      " gaps), %" PRIu64 " records contradicting the tracked "
                      "state, %" PRIu64 " untraced switches nothing bounded "
                      "(--strict)", info->input ? info->input : "live", lost,
                      s->lost_gaps, s->contradictions, info->repairs.unbounded);
}

int xb_pipeline_open(struct xb_pipeline **out, const struct xb_input_opts *o,
                     const struct xb_presenter *p, void *ctx, struct xb_err *err)
{
    *out = NULL;
    struct xb_pipeline *pl = calloc(1, sizeof *pl);
    if (!pl)
        return xb_err_set(err, -ENOMEM, "out of memory");
    pl->o = *o;
    pl->p = p;
    pl->ctx = ctx;
    struct xb_run_info *info = &pl->info;
    int rc = 0;
    if (!o->path) {
        pl->in = &xb_input_live;
        info->source = "linux";
        info->input = "live";
        info->clock_from = "live";
    } else {
        struct stat st;
        if (stat(o->path, &st) < 0) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: %s", o->path, strerror(errno));
            goto fail;
        }
        info->input = o->path;
        info->source = "xen";
        pl->in = &xb_input_xen;
        if (S_ISDIR(st.st_mode)) {
            if ((rc = xb_rundir_load(o->path, &pl->man, &pl->names, err)))
                goto fail;
            pl->have_man = true;
            snprintf(pl->manifest_path, sizeof pl->manifest_path,
                     "%s/manifest.json", o->path);
            from_manifest(info, &pl->man);
            info->clock_from = pl->manifest_path;
            if (strcmp(pl->man.source, "linux") == 0)
                pl->in = pl->man.windows_file[0] ? &xb_input_windows
                                                 : &xb_input_linux;
        }
        if (o->tsc_hz && pl->in == &xb_input_xen)
            info->clock_from = "--tsc-hz";
    }
    if (o->names_file && (rc = xb_names_load_xl_list(&pl->names, o->names_file, err)))
        goto fail;
    info->names = &pl->names;
    if ((rc = pl->in->open(&pl->state, o, pl->have_man ? &pl->man : NULL,
                           &pl->names, info, err)) ||
        (rc = wall_clock(pl, err)) ||
        (rc = warning_block(pl, err)))
        goto fail;
    if (o->interval_ns && o->interval_ns < XB_MIN_INTERVAL_NS) {
        rc = xb_err_set(err, -XB_EUSAGE, "--interval: %.6f s is shorter than the "
                        "shortest window, %.3f s", o->interval_ns / 1e9,
                        XB_MIN_INTERVAL_NS / 1e9);
        goto fail;
    }
    if (!(pl->e = xb_engine_new(info->npcpu, o->interval_ns, on_window, pl))) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = pl->in->start(pl->state, pl->e, info, o->notes, err)) ||
        (p->begin && (rc = p->begin(info, ctx))))
        goto fail;
    *out = pl;
    return 0;
fail:
    rc = failed(pl, rc, err);
    xb_pipeline_close(pl);
    return rc;
}

int xb_pipeline_step(struct xb_pipeline *pl, struct xb_err *err)
{
    if (pl->ended)
        return 1;
    bool windows = pl->in->replay != NULL;   /* finished windows, no engine */
    int rc = windows ? pl->in->replay(pl->state, on_window, pl, &pl->info, err)
                     : pl->in->feed(pl->state, pl->e, &pl->info, err);
    if (pl->window_rc || rc < 0)
        return failed(pl, rc, err);
    if (rc == 0)
        return 0;
    pl->ended = true;
    if (!windows && (rc = xb_engine_finish(pl->e, pl->info.span_ns)))
        return failed(pl, rc, err);
    if (windows)
        pl->info.no_stats = true;
    else
        pl->info.stats = *xb_engine_stats(pl->e);
    if ((pl->p->end && (rc = pl->p->end(&pl->info, pl->ctx))))
        return failed(pl, rc, err);
    if (pl->o.strict && (rc = strict_end(&pl->info, err)))
        return rc;
    return 1;
}

int xb_pipeline_wait(struct xb_pipeline *pl, uint64_t until_ns, struct xb_err *err)
{
    if (pl->in->wait)
        return pl->in->wait(pl->state, until_ns, err);
    uint64_t now = xb_mono_ns();
    if (until_ns > now) {
        struct timespec ts = { (time_t)((until_ns - now) / 1000000000ull),
                               (long)((until_ns - now) % 1000000000ull) };
        nanosleep(&ts, NULL);
    }
    return 0;
}

int xb_pipeline_stop(struct xb_pipeline *pl, struct xb_err *err)
{
    return pl->in->stop ? pl->in->stop(pl->state, err) : 0;
}

const struct xb_run_info *xb_pipeline_info(const struct xb_pipeline *pl)
{
    return &pl->info;
}

void xb_pipeline_close(struct xb_pipeline *pl)
{
    if (!pl)
        return;
    if (pl->state)
        pl->in->close(pl->state);
    xb_engine_free(pl->e);
    xb_names_free(&pl->names);
    xb_manifest_free(&pl->man);
    free(pl);
}

int xb_pipeline_run(const struct xb_input_opts *o, const struct xb_presenter *p,
                    void *ctx, struct xb_err *err)
{
    struct xb_pipeline *pl = NULL;
    int rc = xb_pipeline_open(&pl, o, p, ctx, err);
    while (rc == 0)
        rc = xb_pipeline_step(pl, err);
    xb_pipeline_close(pl);
    return rc < 0 ? rc : 0;
}
