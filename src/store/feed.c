/* feed.c: per-VM roll-up accumulators of one run, and the rows they write
 * (see feed.h).  It owns the mapping VM name -> accumulators.  It must not do the
 * bucket arithmetic (rollup.c) or write SQL (write.c). */
#include "feed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/rollup.h"
#include "util/grow.h"

struct vm_acc {
    char name[96];
    uint32_t domid;
    struct xb_rollup_acc acc[XB_ROLLUP_NPERIODS];
};

/* Rows of the longer periods wait here: the roll-up table's key is (run,
 * VM, period, time), so writing them after the 5-minute rows of the same
 * VM appends at the end of the B-tree instead of splitting it in two
 * insertion points (a third less CPU for a GWA import). */
#define QUEUE_MAX 4096
struct queued {
    size_t vm;
    struct xb_rollup_row r;
};

struct xb_feed {
    struct xb_store *s;
    int64_t run_id;
    bool raw;
    bool unqueued;
    struct vm_acc *v;
    size_t n, cap, last;
    size_t samples, rollups;
    struct queued *q;
    size_t nq;
};

bool xb_feed_keeps_raw(double interval_s)
{
    return interval_s < xb_rollup_periods[0];
}

int xb_feed_open(struct xb_feed **out, struct xb_store *s, int64_t run_id, bool raw,
                 struct xb_err *err)
{
    struct xb_feed *f = calloc(1, sizeof *f);
    if (!f)
        return xb_err_set(err, -ENOMEM, "out of memory");
    f->s = s;
    f->run_id = run_id;
    f->raw = raw;
    *out = f;
    return 0;
}

void xb_feed_unqueued(struct xb_feed *f)
{
    f->unqueued = true;
}

static struct vm_acc *vm_of(struct xb_feed *f, const char *name)
{
    if (f->n && strcmp(f->v[f->last].name, name) == 0)
        return &f->v[f->last];
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].name, name) == 0) {
            f->last = i;
            return &f->v[i];
        }
    }
    if (xb_grow((void **)&f->v, &f->cap, f->n, sizeof *f->v, 8))
        return NULL;
    struct vm_acc *a = &f->v[f->n];
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", name);
    for (int p = 0; p < XB_ROLLUP_NPERIODS; p++)
        xb_rollup_init(&a->acc[p], xb_rollup_periods[p]);
    f->last = f->n++;
    return a;
}

static int put(struct xb_feed *f, const struct vm_acc *a,
               const struct xb_rollup_row *r, struct xb_err *err)
{
    f->rollups++;
    return xb_store_put_rollup(f->s, f->run_id, a->domid, a->name, r, err);
}

static int drain(struct xb_feed *f, struct xb_err *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < f->nq; i++)
        rc = put(f, &f->v[f->q[i].vm], &f->q[i].r, err);
    f->nq = 0;
    return rc;
}

/* A row of the first period goes out now, the others through the queue. */
static int emit(struct xb_feed *f, const struct vm_acc *a, int p,
                const struct xb_rollup_row *r, struct xb_err *err)
{
    if (p == 0 || f->unqueued)
        return put(f, a, r, err);
    if (!f->q && !(f->q = malloc(QUEUE_MAX * sizeof *f->q)))
        return put(f, a, r, err);
    f->q[f->nq++] = (struct queued){ (size_t)(a - f->v), *r };
    return f->nq == QUEUE_MAX ? drain(f, err) : 0;
}

int xb_feed_add(struct xb_feed *f, unsigned win, uint32_t domid, uint32_t instance,
                const char *name, const struct xb_sample *x, struct xb_err *err)
{
    if (f->raw) {
        int rc = xb_store_put_sample(f->s, f->run_id, win, domid, instance, name, x,
                                     err);
        if (rc)
            return rc;
        f->samples++;
    }
    struct vm_acc *a = vm_of(f, name);
    if (!a)
        return xb_err_set(err, -ENOMEM, "out of memory");
    a->domid = domid;
    for (int p = 0; p < XB_ROLLUP_NPERIODS; p++) {
        struct xb_rollup_row done;
        bool flushed;
        if (xb_rollup_add(&a->acc[p], x, &done, &flushed))
            return xb_err_set(err, -ENOMEM, "out of memory");
        int rc = flushed ? emit(f, a, p, &done, err) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

int xb_feed_flush(struct xb_feed *f, struct xb_err *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < f->n; i++) {
        for (int p = 0; !rc && p < XB_ROLLUP_NPERIODS; p++) {
            struct xb_rollup_row done;
            bool flushed;
            xb_rollup_finish(&f->v[i].acc[p], &done, &flushed);
            if (flushed)
                rc = emit(f, &f->v[i], p, &done, err);
        }
    }
    return rc ? rc : drain(f, err);
}

int xb_feed_sync(struct xb_feed *f, struct xb_err *err)
{
    return drain(f, err);
}

void xb_feed_free(struct xb_feed *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        for (int p = 0; p < XB_ROLLUP_NPERIODS; p++)
            xb_rollup_free(&f->v[i].acc[p]);
    free(f->v);
    free(f->q);
    free(f);
}

int xb_feed_close(struct xb_feed *f, struct xb_err *err)
{
    int rc = xb_feed_flush(f, err);
    xb_feed_free(f);
    return rc;
}

size_t xb_feed_samples(const struct xb_feed *f)
{
    return f->samples;
}

size_t xb_feed_rollups(const struct xb_feed *f)
{
    return f->rollups;
}
