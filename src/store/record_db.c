/* record_db.c: `record --db`: the live recording's windows into the history
 * (record_db.h).  It owns the transactions of a live import and when
 * retention runs; it must not make rows (import.c) nor delete them itself
 * (retention.c). */
#include "store/record_db.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/import.h"
#include "store/store.h"

struct xb_record_db {
    struct xb_record_db_opts o;
    struct xb_store *s;
    struct xb_import_run *run;
    struct xb_presenter p;
    struct xb_aggregate_opts ao;
    struct xb_err err;
    bool in_tx;
    unsigned windows;
    double next_retain_s;       /* recording time of the next retention */
};

/* An error of the import's presenter into ours. */
static int import_failed(struct xb_record_db *d)
{
    const struct xb_err *e = xb_import_run_err(d->run);
    if (!d->err.code)
        xb_err_set(&d->err, e->code ? e->code : -EIO, "%s: %s", d->o.path,
                   e->msg[0] ? e->msg : "writing the window failed");
    return -1;
}

static int retain(struct xb_record_db *d)
{
    struct xb_retention_result r;
    if (xb_store_retain(d->s, &d->o.keep, &r, &d->err))
        return -1;
    if (r.samples || r.rollups || r.runs)
        xb_note(d->o.notes, XB_NOTE_PROGRESS, "%s: retention deleted %lld windows, "
                "%lld roll-ups, %lld runs", d->o.path, (long long)r.samples,
                (long long)r.rollups, (long long)r.runs);
    return 0;
}

/* Write what waits, the span so far; commit; open the next transaction. */
static int commit(struct xb_record_db *d, double span_s)
{
    if (xb_import_run_sync(d->run, span_s, &d->err))
        return -1;
    if (d->o.keep.keep_raw_s > 0 || d->o.keep.keep_s > 0) {
        if (span_s >= d->next_retain_s) {
            if (retain(d))
                return -1;
            d->next_retain_s = span_s + (d->o.retain_every_s > 0 ? d->o.retain_every_s
                                                                 : 3600);
        }
    }
    d->in_tx = false;
    if (xb_store_commit(d->s, &d->err))
        return -1;
    if (xb_store_begin(d->s, &d->err))
        return -1;
    d->in_tx = true;
    return 0;
}

static int on_begin(const struct xb_run_info *info, void *ctx)
{
    struct xb_record_db *d = ctx;
    if (xb_store_begin(d->s, &d->err))
        return -1;
    d->in_tx = true;
    if (xb_import_run_presenter()->begin(info, xb_import_run_ctx(d->run)))
        return import_failed(d);
    return commit(d, 0);
}

static int on_window(const struct xb_window *w, const struct xb_run_info *info,
                     void *ctx)
{
    struct xb_record_db *d = ctx;
    if (xb_import_run_presenter()->window(w, info, xb_import_run_ctx(d->run)))
        return import_failed(d);
    d->windows++;
    return commit(d, (double)w->t_end_ns / 1e9);
}

static int on_end(const struct xb_run_info *info, void *ctx)
{
    struct xb_record_db *d = ctx;
    if (xb_import_run_presenter()->end(info, xb_import_run_ctx(d->run)))
        return import_failed(d);
    if ((d->o.keep.keep_raw_s > 0 || d->o.keep.keep_s > 0) && retain(d))
        return -1;
    d->in_tx = false;
    return xb_store_commit(d->s, &d->err) ? -1 : 0;
}

int xb_record_db_open(struct xb_record_db **out, const struct xb_record_db_opts *o,
                      struct xb_err *err)
{
    struct xb_record_db *d = calloc(1, sizeof *d);
    if (!d)
        return xb_err_set(err, -ENOMEM, "out of memory");
    d->o = *o;
    int rc = xb_store_open(&d->s, o->path, XB_STORE_WRITE, err);
    if (!rc)
        rc = xb_import_run_new(&d->run, d->s, o->run_path, o->interval_s, err);
    if (rc) {
        xb_record_db_close(d);
        return rc;
    }
    d->p = (struct xb_presenter){ on_begin, on_window, on_end };
    d->ao = (struct xb_aggregate_opts){ .also = &d->p, .also_ctx = d,
                                        .also_err = &d->err };
    *out = d;
    return 0;
}

const struct xb_aggregate_opts *xb_record_db_source_opts(struct xb_record_db *d)
{
    return &d->ao;
}

unsigned xb_record_db_windows(const struct xb_record_db *d)
{
    return d->windows;
}

size_t xb_record_db_samples(const struct xb_record_db *d)
{
    return xb_import_run_result(d->run)->samples;
}

void xb_record_db_close(struct xb_record_db *d)
{
    if (!d)
        return;
    if (d->in_tx)
        xb_store_rollback(d->s);
    xb_import_run_free(d->run);
    xb_store_close(d->s);
    free(d);
}
