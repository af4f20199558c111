/* aggregate.c: `record --aggregate` on Linux (xb_recorder_aggregate,
 * source/record.h): the recording loop of every source, over the live
 * pipeline (pipeline/live.c: tracefs pages straight to the decoder and the
 * engine, the samplers into memory), writing only the engine's finished
 * windows and every counter's figure over each into windows.jsonl.gz
 * (pipeline/winfile.c).  The run folder holds that file and the manifest;
 * report and import read it like a raw run (pipeline/windows_run.c).  Its
 * size grows with the domains and the duration, not with the events: the
 * way to record for hours.  Each window also goes to the options' `also`
 * presenter when there is one (record --db, aggregate.h), in the same order.
 * It owns the writer's file; it must not decode
 * (the live input does) nor decide the order or the clock of a recording
 * (source/record.c).
 */
#define _GNU_SOURCE
#include "pipeline/aggregate.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/domain.h"
#include "pipeline/pipeline.h"
#include "pipeline/winfile.h"
#include "source/linux/hostinfo.h"
#include "source/runfolder.h"

struct agg {
    const struct xb_record_opts *o;
    struct xb_runfolder *f;
    struct xb_live_opts lo;
    struct xb_pipeline *pl;
    const struct xb_run_info *info;
    struct xb_winfile_w *w;
    unsigned windows;
    uint64_t bytes;
    bool ended;
    struct xb_err werr;       /* the writer's own error, for the message */
    const struct xb_aggregate_opts *ao;   /* or NULL */
    struct xb_run_info also_info;         /* begin's facts for `also` */
    bool also_begun;
};

/* The `also` presenter failed: its error is the recording's. */
static int also_failed(struct agg *a)
{
    struct xb_err *e = a->ao->also_err;
    xb_err_set(&a->werr, e && e->code ? e->code : -EIO, "%s",
               e && e->msg[0] ? e->msg : "writing the windows elsewhere failed");
    return 1;
}

static int on_window(const struct xb_window *win, const struct xb_run_info *info,
                     void *ctx)
{
    struct agg *a = ctx;
    if (!a->w)
        return 0;             /* before the folder exists: none can close */
    if (xb_winfile_window(a->w, win, info->counters, &a->werr))
        return 1;
    if (a->also_begun && a->ao->also->window &&
        a->ao->also->window(win, info, a->ao->also_ctx))
        return also_failed(a);
    return 0;
}

static const struct xb_presenter writer = { .window = on_window };

/* The pipeline's error, or the writer's when it was the writer that failed. */
static int step_error(struct agg *a, int rc, struct xb_err *err)
{
    if (a->werr.code) {
        memset(err, 0, sizeof *err);
        return xb_err_set(err, a->werr.code, "%s", a->werr.msg);
    }
    return rc;
}

static int agg_open(void **state, const struct xb_record_opts *o,
                    struct xb_runfolder *f, struct xb_err *err)
{
    struct agg *a = calloc(1, sizeof *a);
    if (!a)
        return xb_err_set(err, -ENOMEM, "out of memory");
    *state = a;
    a->o = o;
    a->f = f;
    a->ao = o->source_opts;
    if (a->ao && !a->ao->also)
        a->ao = NULL;
    a->lo = (struct xb_live_opts){ .domains = o->domains, .match = o->match,
                                   .require = o->require,
                                   .buffer_kb = o->buffer_kb };
    struct xb_input_opts io = { .live = &a->lo, .interval_ns = f->interval_ns,
                                .notes = o->notes };
    int rc = xb_pipeline_open(&a->pl, &io, &writer, a, err);
    if (rc)
        return rc;
    a->info = xb_pipeline_info(a->pl);
    f->cpu_count = a->info->npcpu;
    return 0;
}

static int agg_prepare(void *state, struct xb_err *err)
{
    struct agg *a = state;
    char path[4300];
    xb_runfolder_path(a->f, XB_WINFILE_NAME, path, sizeof path);
    int rc = xb_winfile_create(&a->w, path, a->info->npcpu, a->f->interval_ns,
                               a->info->start_utc, a->info->names, err);
    if (rc || !a->ao)
        return rc;
    /* What an import of the folder reads off its manifest. */
    a->also_info = *a->info;
    a->also_info.run_id = a->f->run_id;
    a->also_info.host = a->f->host[0] ? a->f->host : NULL;
    a->also_info.cpu_model = a->f->cpu_model[0] ? a->f->cpu_model : NULL;
    a->also_info.cpu_mhz = a->f->cpu_mhz;
    a->also_info.input = a->f->dir;
    if (a->ao->also->begin && a->ao->also->begin(&a->also_info, a->ao->also_ctx)) {
        also_failed(a);
        return step_error(a, -EIO, err);
    }
    a->also_begun = true;
    return 0;
}

static int agg_start(void *state, struct xb_err *err)
{
    (void)state;
    (void)err;
    return 0;                 /* the live input captures from its open */
}

static int agg_wait(void *state, uint64_t until_ns, struct xb_err *err)
{
    struct agg *a = state;
    return xb_pipeline_wait(a->pl, until_ns, err);
}

/* Decode what was captured; the windows the engine closes are written.
 * final (after stop): to the end, then the file's last line. */
static int agg_read_raw(void *state, bool final, struct xb_err *err)
{
    struct agg *a = state;
    int rc;
    do {
        rc = xb_pipeline_step(a->pl, err);
    } while (final && rc == 0);
    if (rc < 0)
        return step_error(a, rc, err);
    if (!final || a->ended)
        return 0;
    a->ended = true;
    const struct xb_run_info *info = a->info;
    struct xb_winfile_info end = { .npcpu = info->npcpu, .span_ns = info->span_ns,
                                   .records = info->records,
                                   .lost = (uint64_t *)info->lost,
                                   .lost_notices = (uint64_t *)info->lost_notices };
    snprintf(end.warning, sizeof end.warning, "%s", info->warning ? info->warning : "");
    a->windows = xb_winfile_count(a->w);
    rc = xb_winfile_finish(a->w, &end, &a->bytes, err);
    a->w = NULL;
    if (!rc && a->also_begun && a->ao->also->end) {
        a->also_info.span_ns = info->span_ns;
        a->also_info.records = info->records;
        a->also_info.warning = info->warning;
        a->also_info.stats = info->stats;
        if (a->ao->also->end(&a->also_info, a->ao->also_ctx)) {
            also_failed(a);
            rc = step_error(a, -EIO, err);
        }
    }
    return rc;
}

static int agg_sample(void *state, struct xb_err *err)
{
    (void)state;
    (void)err;
    return 0;                 /* the live input samples as its interval comes */
}

static int agg_stop(void *state, struct xb_err *err)
{
    struct agg *a = state;
    return xb_pipeline_stop(a->pl, err);
}

static int agg_describe(void *state, json_t *m)
{
    struct agg *a = state;
    const struct xb_run_info *info = a->info;
    json_t *doms = json_array();
    uint64_t lost = 0;
    int bad = !doms;
    for (size_t i = 0; !bad && info->names && i < info->names->n; i++)
        if (info->names->v[i].domid != XB_HOST_DOMID)
            bad |= json_array_append_new(doms, json_pack("{s:i, s:s}", "id",
                                         (int)info->names->v[i].domid, "name",
                                         info->names->v[i].name));
    for (unsigned i = 0; info->lost && i < info->npcpu; i++)
        lost += info->lost[i];
    unsigned windows = a->w ? xb_winfile_count(a->w) : a->windows;
    uint64_t bytes = a->w ? xb_winfile_bytes(a->w) : a->bytes;
    bad |= json_object_update_new(m, json_pack(
        "{s:s, s:I, s:I, s:s, s:o, s:{s:s, s:s, s:I, s:i, s:I}, s:[], s:I}",
        "clock", "CLOCK_MONOTONIC (tracefs trace_clock mono), decoded live",
        "t0_mono_ns", (json_int_t)a->f->t0_mono_ns,
        "t_stop_mono_ns", (json_int_t)a->f->t_stop_mono_ns,
        "domains_mode", a->lo.domains ? a->lo.domains : "auto",
        "domains", doms,
        "trace", "format", XB_WINFILE_FORMAT, "file", XB_WINFILE_NAME,
        "interval_ns", (json_int_t)a->f->interval_ns, "windows", (int)windows,
        "bytes", (json_int_t)bytes,
        "counters",
        "lost_events", (json_int_t)lost)) != 0;
    bad |= xb_hostinfo_manifest(m) != 0;
    return bad ? -ENOMEM : 0;
}

static void agg_summary(void *state, char *buf, size_t len)
{
    struct agg *a = state;
    uint64_t lost = 0;
    for (unsigned i = 0; a->info->lost && i < a->info->npcpu; i++)
        lost += a->info->lost[i];
    snprintf(buf, len, "%u windows of %.3g s, %.2f MB (%llu events decoded, "
             "%llu lost)", a->windows, (double)a->f->interval_ns / 1e9,
             (double)a->bytes / 1e6, (unsigned long long)a->info->records,
             (unsigned long long)lost);
}

static void agg_close(void *state)
{
    struct agg *a = state;
    xb_winfile_abort(a->w);
    xb_pipeline_close(a->pl);
    free(a);
}

const struct xb_recorder_ops xb_recorder_aggregate = {
    .name = "linux",
    .read_period_ns = 0,
    .open = agg_open,
    .prepare = agg_prepare,
    .start = agg_start,
    .wait = agg_wait,
    .read_raw = agg_read_raw,
    .sample = agg_sample,
    .stop = agg_stop,
    .describe = agg_describe,
    .summary = agg_summary,
    .close = agg_close,
};
