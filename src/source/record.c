/* record.c: the one recording loop (xb_record, see record.h).  It owns the
 * order and the clock of every recording, the manifest's life (recording ->
 * complete or failed) and the notes to the command; each source owns what
 * it captures and how (source/linux/linux_record.c, source/xen/record_xen.c).
 * It must not know a source's files or facts beyond struct xb_runfolder.
 */
#include "source/record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "source/runfolder.h"
#include "util/clock.h"

int xb_record_check_outdir(const char *dir, struct xb_err *err)
{
    return xb_runfolder_check(dir, err);
}

static int write_manifest(const struct xb_recorder_ops *src, void *state,
                          const struct xb_runfolder *f, const char *st,
                          const char *error, struct xb_err *err)
{
    json_t *obj = json_object();
    int rc = !obj || src->describe(state, obj) ? -ENOMEM : 0;
    if (rc)
        rc = xb_err_set(err, -ENOMEM, "out of memory building manifest.json");
    else
        rc = xb_runfolder_manifest(f, src->name, st, obj, error, err);
    json_decref(obj);
    return rc;
}

/* Read raw data every read period and a sample every interval until the
 * duration ends or a signal comes; the last reading while capture runs. */
static int loop(const struct xb_recorder_ops *src, void *state,
                const struct xb_record_opts *o, const struct xb_runfolder *f,
                bool *full, struct xb_err *err)
{
    uint64_t t0 = f->t0_mono_ns, interval = f->interval_ns;
    uint64_t next_sample = t0 + interval, next_read = t0 + src->read_period_ns;
    uint64_t end = o->duration_ns ? t0 + o->duration_ns : UINT64_MAX;
    int rc = src->sample(state, err);
    while (!rc && !xb_record_stop) {
        uint64_t wake = src->read_period_ns && next_read < next_sample ? next_read
                                                                     : next_sample;
        if ((rc = src->wait(state, wake < end ? wake : end, err)))
            break;
        uint64_t now = xb_mono_ns();
        if (o->progress)
            o->progress(now - t0, o->duration_ns, false, o->progress_ctx);
        if (xb_record_stop || now >= end)
            break;
        if (!src->read_period_ns || now >= next_read) {
            if ((rc = src->read_raw(state, false, err)) == XB_RECORD_FULL) {
                *full = true;          /* --max-size: stop, complete */
                rc = 0;
                break;
            }
            if (rc)
                break;
            next_read = now + src->read_period_ns;
        }
        if (now >= next_sample) {
            if ((rc = src->sample(state, err)))
                break;
            while (next_sample <= now)
                next_sample += interval;
        }
    }
    if (!rc)
        rc = src->sample(state, err);
    if (o->progress)
        o->progress(xb_mono_ns() - t0, o->duration_ns, true, o->progress_ctx);
    return rc;
}

int xb_record(const struct xb_recorder_ops *src, const struct xb_record_opts *o,
              struct xb_err *err)
{
    if (!o->outdir || !o->outdir[0])
        return xb_err_set(err, -XB_EUSAGE, "no run folder given (-o RUNDIR)");
    int rc = xb_runfolder_check(o->outdir, err);
    if (rc)
        return rc;
    struct xb_runfolder f;
    xb_runfolder_init(&f, o->outdir);
    f.interval_ns = o->interval_ns ? o->interval_ns : 1000000000ull;
    f.duration_ns = o->duration_ns;
    void *state = NULL;
    bool started = false, described = false;
    if ((rc = src->open(&state, o, &f, err)) || (rc = xb_runfolder_create(&f, err)) ||
        (rc = src->prepare(state, err)))
        goto out;
    xb_utc_now(f.start_utc, sizeof f.start_utc);
    f.t0_mono_ns = xb_mono_ns();
    if ((rc = write_manifest(src, state, &f, "recording", NULL, err)))
        goto out;
    described = true;
    if ((rc = src->start(state, err)))
        goto failed;
    started = true;
    bool full = false;
    if ((rc = loop(src, state, o, &f, &full, err)))
        goto failed;
    rc = src->stop(state, err);
    started = false;
    f.t_stop_mono_ns = xb_mono_ns();
    xb_utc_now(f.stop_utc, sizeof f.stop_utc);
    if (!rc)
        rc = src->read_raw(state, true, err);
    if (rc)
        goto failed;
    if ((rc = write_manifest(src, state, &f, full ? "complete (--max-size reached)"
                             : xb_record_stop ? "complete (stopped by signal)"
                             : "complete", NULL, err)))
        goto out;
    if (full)
        xb_note(o->notes, XB_NOTE_WARNING, "the trace reached --max-size (%.1f "
                "MB): the recording stopped after %.1f s",
                (double)o->max_size_bytes / 1e6,
                (double)(f.t_stop_mono_ns - f.t0_mono_ns) / 1e9);
    char what[512] = "";
    if (src->summary)
        src->summary(state, what, sizeof what);
    xb_note(o->notes, XB_NOTE_PROGRESS, "recorded %.1f s into %s%s%s",
            (double)(f.t_stop_mono_ns - f.t0_mono_ns) / 1e9, f.dir,
            what[0] ? ": " : "", what);
    goto out;
failed:
    /* Stop capturing before anything else, then say what happened in the
     * manifest (best effort: the disk may be full). */
    xb_err_ensure(err, rc);
    if (started) {
        struct xb_err e2 = { 0 };
        src->stop(state, &e2);
        f.t_stop_mono_ns = xb_mono_ns();
    }
    if (!f.stop_utc[0])
        xb_utc_now(f.stop_utc, sizeof f.stop_utc);
    if (described) {
        struct xb_err e2 = { 0 };
        write_manifest(src, state, &f, "failed", err->msg, &e2);
    }
out:
    if (state)
        src->close(state);
    return rc;
}
