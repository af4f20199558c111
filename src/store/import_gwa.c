/* import_gwa.c: GWA-T-12 rows -> windows -> the history (import_gwa.h).
 * It owns what a GWA figure means to the history.  It must not parse the
 * file format (decode/gwa.c) or roll up (feed.c).  One row is held back until the
 * next one says how long its window was.  The files of a folder are parsed
 * one chunk of rows ahead by a second thread (parsing is a third of an
 * import), in order, at most AHEAD_CHUNKS chunks waiting: memory stays flat
 * in the files' size, and the history is written as if read in one go. */
#include "import_gwa.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/feed.h"
#include "util/dirlist.h"

struct gwa_ctx {
    struct xb_store *s;
    const struct xb_gwa_import_opts *o;
    struct xb_gwa_file_result *res;
    struct xb_err *err;
    double interval;
    uint32_t domid;
    struct xb_gwa_row prev;
    bool have_prev;
    double clock_mhz;           /* of the open run, 0 before one */
    double run_start, run_end;  /* its first window's start, last one's end */
    int64_t run_id;
    struct xb_feed *feed;
    unsigned win;
};

static int end_run(struct gwa_ctx *c)
{
    if (!c->feed)
        return 0;
    int rc = xb_feed_flush(c->feed, c->err);
    c->res->rollups += xb_feed_rollups(c->feed);
    xb_feed_free(c->feed);
    c->feed = NULL;
    return rc ? rc : xb_store_end_run(c->s, c->run_id, c->run_end - c->run_start,
                                      c->err);
}

static int start_run(struct gwa_ctx *c, double clock_mhz, double t)
{
    int rc = end_run(c);
    if (rc)
        return rc;
    char key[300];
    c->res->runs++;
    if (c->res->runs == 1)
        snprintf(key, sizeof key, "gwa:%s/%s", c->res->host, c->res->vm);
    else        /* the VM moved to a host of another core clock */
        snprintf(key, sizeof key, "gwa:%s/%s#%zu", c->res->host, c->res->vm,
                 c->res->runs);
    struct xb_run_rec run = {
        .run_key = key, .host = c->res->host, .cpu_mhz = clock_mhz,
        .cpu_mhz_from = "GWA capacity provisioned / cores", .source = "gwa",
        .path = c->res->path, .start_unix = t, .start_from = "trace",
        .interval_s = c->interval, .npcpu = 0,
    };
    bool replaced;
    rc = xb_store_put_run(c->s, &run, &c->run_id, &replaced, c->err);
    c->res->replaced |= replaced;
    if (!rc)
        rc = xb_feed_open(&c->feed, c->s, c->run_id, xb_feed_keeps_raw(c->interval),
                          c->err);
    c->clock_mhz = clock_mhz;
    c->run_start = c->run_end = t;
    return rc;
}

/* The held-back row p as a window that ends at t_next (or after the
 * interval). */
static int emit(struct gwa_ctx *c, const struct xb_gwa_row *p, double t_next)
{
    if (p->down)
        return 0;
    const double *v = p->v;
    double clock = v[XB_GWA_CAP_MHZ] / v[XB_GWA_CORES];
    int rc = 0;
    /* capacity / cores wobbles in the last digits (5851.9989 / 2 and
     * 5851.999076 / 2): a new run only for another clock, a moved VM. */
    if (!(fabs(clock - c->clock_mhz) <= 1e-3 * clock))
        rc = start_run(c, clock, p->t_unix);
    if (rc)
        return rc;
    struct xb_sample x;
    xb_sample_init(&x);
    x.t_unix = p->t_unix;
    x.len_s = fmin(t_next - p->t_unix, c->interval);
    /* The row holds until the next one (at most the interval): a window
     * shorter than the interval because the next row came early (rows 115
     * and 185 s apart, 1 s apart in VM 340) is measured whole, not mostly
     * unknown (xb_sample_usable). */
    x.interval_s = x.len_s;
    x.vcpus = (uint32_t)v[XB_GWA_CORES];
    x.cpu_cores = v[XB_GWA_USE_MHZ] / clock;
    x.waited_cores = x.blocked_cores = NAN;     /* the trace has none */
    x.cpu_mhz = clock;
    x.mem_alloc_bytes = v[XB_GWA_MEM_CAP_KB] * 1024.0;
    double used = v[XB_GWA_MEM_USE_KB] * 1024.0;
    if (used > x.mem_alloc_bytes) {
        used = x.mem_alloc_bytes;   /* the allocation is the ceiling */
        c->res->mem_clamped++;
    }
    x.m[XB_MET_MEM_GUEST] = used;
    x.m[XB_MET_DISK_READ] = v[XB_GWA_DISK_RD_KBPS] * 1024.0;
    x.m[XB_MET_DISK_WRITE] = v[XB_GWA_DISK_WR_KBPS] * 1024.0;
    x.m[XB_MET_NET_RX] = v[XB_GWA_NET_RX_KBPS] * 1024.0;
    x.m[XB_MET_NET_TX] = v[XB_GWA_NET_TX_KBPS] * 1024.0;
    c->res->windows++;
    c->run_end = x.t_unix + x.len_s;
    return xb_feed_add(c->feed, c->win++, c->domid, 0, c->res->vm, &x, c->err);
}

static int on_row(const struct xb_gwa_row *r, void *ctx)
{
    struct gwa_ctx *c = ctx;
    int rc = c->have_prev ? emit(c, &c->prev, r->t_unix) : 0;
    c->prev = *r;
    c->have_prev = true;
    return rc;
}

/* ---- one file's rows into the history ---- */

static int file_begin(struct gwa_ctx *c, struct xb_gwa_file_result *res,
                      struct xb_store *s, const char *path, const char *host,
                      uint32_t domid, const struct xb_gwa_import_opts *o,
                      struct xb_err *err)
{
    memset(res, 0, sizeof *res);
    res->path = path;
    char name[4096];
    xb_path_stem(path, ".csv", name, sizeof name);
    if (snprintf(res->vm, sizeof res->vm, "%s", name) >= (int)sizeof res->vm ||
        snprintf(res->host, sizeof res->host, "%s", host) >= (int)sizeof res->host)
        return xb_err_set(err, -XB_EINPUT, "%s: the VM or host name is too long",
                          path);
    char *end;
    unsigned long num = strtoul(res->vm, &end, 10);
    *c = (struct gwa_ctx){
        .s = s, .o = o, .res = res, .err = err,
        .interval = o->interval_s > 0 ? o->interval_s : 300,
        .domid = *end == '\0' && num > 0 && num < 1u << 30 ? (uint32_t)num : domid,
    };
    return 0;
}

/* The held-back last row, the run's end, the file's result to cb. */
static int file_end(struct gwa_ctx *c, int rc, xb_gwa_cb cb, void *ctx)
{
    if (!rc && c->have_prev)
        rc = emit(c, &c->prev, c->prev.t_unix + c->interval);
    if (!rc)
        rc = end_run(c);
    xb_feed_free(c->feed);
    c->feed = NULL;
    if (!rc && cb)
        cb(c->res, ctx);
    return rc;
}

static int import_file(struct xb_store *s, const char *path, const char *host,
                       uint32_t domid, const struct xb_gwa_import_opts *o,
                       xb_gwa_cb cb, void *ctx, struct xb_err *err)
{
    struct xb_gwa_file_result res;
    struct gwa_ctx c;
    int rc = file_begin(&c, &res, s, path, host, domid, o, err);
    if (rc)
        return rc;
    rc = xb_gwa_read(path, on_row, &c, &res.st, err);
    return file_end(&c, rc, cb, ctx);
}

/* ---- a folder's files parsed ahead ---- */

#define CHUNK_ROWS 4096
#define AHEAD_CHUNKS 8

struct chunk {
    size_t n;
    bool last;                  /* the file's end: rc, err and st hold */
    int rc;
    struct xb_err err;
    struct xb_gwa_stats st;
    struct xb_gwa_row row[CHUNK_ROWS];
};

struct ahead {
    const struct xb_dirlist *l;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* a chunk queued or taken, stop, done */
    struct chunk *q[AHEAD_CHUNKS];
    size_t head, count;
    bool stop;                  /* the reader is to end (under mu) */
    bool done;                  /* the reader has ended (under mu) */
    struct chunk *cur;          /* the reader's chunk being filled */
};

/* Queue ch (the reader), waiting while the queue is full; -ECANCELED once
 * told to stop (ch freed). */
static int push(struct ahead *A, struct chunk *ch)
{
    pthread_mutex_lock(&A->mu);
    while (A->count == AHEAD_CHUNKS && !A->stop)
        pthread_cond_wait(&A->cv, &A->mu);
    bool stop = A->stop;
    if (!stop) {
        A->q[(A->head + A->count) % AHEAD_CHUNKS] = ch;
        A->count++;
        pthread_cond_broadcast(&A->cv);
    }
    pthread_mutex_unlock(&A->mu);
    if (stop)
        free(ch);
    return stop ? -ECANCELED : 0;
}

static int ahead_row(const struct xb_gwa_row *r, void *arg)
{
    struct ahead *A = arg;
    if (!A->cur && !(A->cur = calloc(1, sizeof *A->cur)))
        return -ENOMEM;
    A->cur->row[A->cur->n++] = *r;
    if (A->cur->n < CHUNK_ROWS)
        return 0;
    struct chunk *ch = A->cur;
    A->cur = NULL;
    return push(A, ch);
}

/* The reader thread: every file in order, each ended by a chunk with last
 * set; it stops after a file that failed, or when told to. */
static void *reader(void *arg)
{
    struct ahead *A = arg;
    for (size_t i = 0; i < A->l->n; i++) {
        struct xb_err e = { 0 };
        struct xb_gwa_stats st;
        int rc = xb_gwa_read(A->l->path[i], ahead_row, A, &st, &e);
        if (rc == -ECANCELED)
            break;
        if (rc == -ENOMEM && !e.code)
            xb_err_set(&e, -ENOMEM, "out of memory");
        struct chunk *ch = A->cur ? A->cur : calloc(1, sizeof *ch);
        A->cur = NULL;
        if (!ch)
            break;              /* the consumer finds done: out of memory */
        ch->last = true;
        ch->rc = rc;
        ch->err = e;
        ch->st = st;
        if (push(A, ch) || rc)
            break;
    }
    pthread_mutex_lock(&A->mu);
    A->done = true;
    pthread_cond_broadcast(&A->cv);
    pthread_mutex_unlock(&A->mu);
    return NULL;
}

/* The next chunk, waiting for the reader; NULL when it ended without one. */
static struct chunk *take(struct ahead *A)
{
    pthread_mutex_lock(&A->mu);
    while (A->count == 0 && !A->done)
        pthread_cond_wait(&A->cv, &A->mu);
    struct chunk *ch = NULL;
    if (A->count) {
        ch = A->q[A->head];
        A->head = (A->head + 1) % AHEAD_CHUNKS;
        A->count--;
        pthread_cond_broadcast(&A->cv);
    }
    pthread_mutex_unlock(&A->mu);
    return ch;
}

static void ahead_end(struct ahead *A)
{
    pthread_mutex_lock(&A->mu);
    A->stop = true;
    pthread_cond_broadcast(&A->cv);
    pthread_mutex_unlock(&A->mu);
    pthread_join(A->th, NULL);
    for (; A->count; A->count--, A->head = (A->head + 1) % AHEAD_CHUNKS)
        free(A->q[A->head]);
    free(A->cur);
    pthread_cond_destroy(&A->cv);
    pthread_mutex_destroy(&A->mu);
}

static int import_files(struct xb_store *s, const struct xb_dirlist *l, const char *host,
                        const struct xb_gwa_import_opts *o, xb_gwa_cb cb, void *ctx,
                        struct xb_err *err)
{
    struct ahead A = { .l = l };
    pthread_mutex_init(&A.mu, NULL);
    pthread_cond_init(&A.cv, NULL);
    int rc = 0;
    if (pthread_create(&A.th, NULL, reader, &A)) {
        /* No second thread: the files one after the other, as for one. */
        pthread_cond_destroy(&A.cv);
        pthread_mutex_destroy(&A.mu);
        for (size_t i = 0; !rc && i < l->n; i++)
            rc = import_file(s, l->path[i], host, (uint32_t)i + 1, o, cb, ctx, err);
        return rc;
    }
    for (size_t i = 0; !rc && i < l->n; i++) {
        struct xb_gwa_file_result res;
        struct gwa_ctx c = { .res = NULL };
        rc = file_begin(&c, &res, s, l->path[i], host, (uint32_t)i + 1, o, err);
        for (bool last = false; !rc && !last;) {
            struct chunk *ch = take(&A);
            if (!ch) {
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                break;
            }
            for (size_t k = 0; !rc && k < ch->n; k++)
                rc = on_row(&ch->row[k], &c);
            last = ch->last;
            if (last) {
                res.st = ch->st;
                if (!rc && ch->rc)
                    rc = xb_err_set(err, ch->err.code ? ch->err.code : ch->rc, "%s",
                                    ch->err.msg);
            }
            free(ch);
        }
        if (c.res == &res)
            rc = file_end(&c, rc, cb, ctx);
    }
    ahead_end(&A);
    return rc;
}

int xb_import_gwa_path(struct xb_store *s, const char *path,
                       const struct xb_gwa_import_opts *o, xb_gwa_cb cb, void *ctx,
                       struct xb_err *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    if (!S_ISDIR(st.st_mode)) {
        const char *host = o->host ? o->host : basename(dirname(dir));
        return import_file(s, path, host, 1, o, cb, ctx, err);
    }
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        dir[--len] = '\0';
    struct xb_dirlist l;
    int rc = xb_dirlist(dir, "", ".csv", &l, err);
    if (!rc && l.n == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: no GWA trace files (*.csv)", path);
    const char *host = o->host ? o->host : basename(dir);
    if (!rc)
        rc = import_files(s, &l, host, o, cb, ctx, err);
    xb_dirlist_free(&l);
    return rc;
}
