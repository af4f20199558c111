/* import_csv.c: generic samples CSV rows -> windows -> the history
 * (import_csv.h).  It owns a VM's order of rows, its step and what a row
 * means to the history.  It must not parse the file format
 * (decode/samples_csv.c) or roll up (feed.c).  Each VM holds back its first
 * rows until its step is known, then one row until the next one says how
 * long its window was; memory is a few rows per VM, whatever the file's
 * length. */
#include "import_csv.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode/samples_csv.h"
#include "store/feed.h"
#include "util/dirlist.h"
#include "util/format.h"
#include "util/grow.h"

/* Rows a VM holds back to find its step: five gaps. */
#define STEP_ROWS 6

struct held {
    unsigned line;
    struct xb_sample x;
};

struct vm {
    char host[128], name[96];
    uint32_t domid;
    double step;                /* 0 until known */
    struct held buf[STEP_ROWS];
    unsigned nbuf;
    double clock_mhz;           /* of the open run */
    bool have_run;
    int64_t run_id;
    struct xb_feed *feed;
    double run_start, run_end;
    unsigned win, runs;
};

struct csv_ctx {
    struct xb_store *s;
    const struct xb_csv_import_opts *o;
    struct xb_csv_file_result *res;
    struct xb_err *err;
    char host[4096];            /* the file's default host (a longer one than the
                                 * store keeps is refused at the first row) */
    struct vm *v;
    size_t n, cap;
    size_t *slot;               /* hash of (host, name) -> index + 1 */
    size_t nslot;
    size_t last;                /* the VM of the row before */
};

static uint64_t key_hash(const char *host, const char *name)
{
    uint64_t h = 14695981039346656037ull;   /* FNV-1a */
    for (const char *p = host; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h;
}

static bool is_vm(const struct vm *v, const char *host, const char *name)
{
    return strcmp(v->name, name) == 0 && strcmp(v->host, host) == 0;
}

static int rehash(struct csv_ctx *c)
{
    size_t n = c->nslot ? c->nslot * 2 : 64;
    size_t *slot = calloc(n, sizeof *slot);
    if (!slot)
        return -ENOMEM;
    for (size_t i = 0; i < c->n; i++) {
        size_t k = key_hash(c->v[i].host, c->v[i].name) & (n - 1);
        while (slot[k])
            k = (k + 1) & (n - 1);
        slot[k] = i + 1;
    }
    free(c->slot);
    c->slot = slot;
    c->nslot = n;
    return 0;
}

/* The VM of a row, made at its first row.  NULL: out of memory. */
static struct vm *vm_of(struct csv_ctx *c, const char *host, const char *name)
{
    if (c->n && is_vm(&c->v[c->last], host, name))
        return &c->v[c->last];
    if (2 * (c->n + 1) > c->nslot && rehash(c))
        return NULL;
    size_t k = key_hash(host, name) & (c->nslot - 1);
    for (; c->slot[k]; k = (k + 1) & (c->nslot - 1))
        if (is_vm(&c->v[c->slot[k] - 1], host, name))
            return &c->v[c->last = c->slot[k] - 1];
    if (xb_grow((void **)&c->v, &c->cap, c->n, sizeof *c->v, 16))
        return NULL;
    struct vm *v = &c->v[c->n];
    memset(v, 0, sizeof *v);
    snprintf(v->host, sizeof v->host, "%s", host);
    snprintf(v->name, sizeof v->name, "%s", name);
    char *end;
    unsigned long num = strtoul(name, &end, 10);
    v->domid = *end == '\0' && num > 0 && num < 1u << 30 ? (uint32_t)num
                                                         : (uint32_t)c->n + 1;
    v->step = c->o->interval_s;
    c->slot[k] = c->n + 1;
    c->last = c->n++;
    return v;
}

static int end_run(struct csv_ctx *c, struct vm *v)
{
    if (!v->feed)
        return 0;
    int rc = xb_feed_flush(v->feed, c->err);
    c->res->samples += xb_feed_samples(v->feed);
    c->res->rollups += xb_feed_rollups(v->feed);
    xb_feed_free(v->feed);
    v->feed = NULL;
    return rc ? rc : xb_store_end_run(c->s, v->run_id, v->run_end - v->run_start,
                                      c->err);
}

/* Windows under 5 minutes are kept as sample rows when the file has their
 * waited and blocked time (the sample table holds both of every window); a
 * file without them is kept as its roll-ups, as a GWA trace is. */
static bool keeps_raw(const struct vm *v, const struct xb_sample *x)
{
    return xb_feed_keeps_raw(v->step) && !isnan(x->waited_cores) &&
           !isnan(x->blocked_cores);
}

static int start_run(struct csv_ctx *c, struct vm *v, const struct xb_sample *x)
{
    double clock_mhz = x->cpu_mhz, t = x->t_unix;
    int rc = end_run(c, v);
    if (rc)
        return rc;
    char when[40], key[300];
    xb_utc_text(t, when, sizeof when);
    snprintf(key, sizeof key, "csv:%s/%s@%s", v->host, v->name, when);
    struct xb_run_rec run = {
        .run_key = key, .host = v->host, .cpu_mhz = clock_mhz,
        .cpu_mhz_from = isnan(clock_mhz) ? NULL : "csv cpu_mhz", .source = "csv",
        .path = c->res->path, .start_unix = t, .start_from = "csv",
        .interval_s = v->step, .npcpu = 0,
    };
    bool replaced;
    rc = xb_store_put_run(c->s, &run, &v->run_id, &replaced, c->err);
    c->res->replaced |= replaced;
    c->res->runs++;
    if (!rc)
        rc = xb_feed_open(&v->feed, c->s, v->run_id, keeps_raw(v, x), c->err);
    if (!rc)
        xb_feed_unqueued(v->feed);
    v->have_run = true;
    v->runs++;
    v->clock_mhz = clock_mhz;
    v->run_start = v->run_end = t;
    return rc;
}

static bool same_clock(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-3 * a;
}

/* A held row as a window that ends at t_next (at most the step). */
static int emit(struct csv_ctx *c, struct vm *v, const struct held *h, double t_next)
{
    int rc = 0;
    if (!v->have_run || !same_clock(h->x.cpu_mhz, v->clock_mhz))
        rc = start_run(c, v, &h->x);
    if (rc)
        return rc;
    struct xb_sample x = h->x;
    double gap = t_next - x.t_unix;
    if (gap > v->step * (1 + 1e-9))
        c->res->gaps++;
    x.len_s = fmin(gap, v->step);
    x.interval_s = x.len_s;     /* measured whole, as a GWA row */
    double *used = &x.m[XB_MET_MEM_GUEST];
    if (*used > x.mem_alloc_bytes) {     /* false when either is NAN */
        *used = x.mem_alloc_bytes;
        c->res->mem_clamped++;
    }
    c->res->windows++;
    v->run_end = x.t_unix + x.len_s;
    return xb_feed_add(v->feed, v->win++, v->domid, 0, v->name, &x, c->err);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The step from the held rows' gaps; every held row but the last goes out. */
static int step_found(struct csv_ctx *c, struct vm *v)
{
    if (!v->step) {
        double gap[STEP_ROWS - 1];
        unsigned n = v->nbuf - 1;
        for (unsigned i = 0; i < n; i++)
            gap[i] = v->buf[i + 1].x.t_unix - v->buf[i].x.t_unix;
        qsort(gap, n, sizeof gap[0], cmp_double);
        v->step = gap[(n - 1) / 2];
    }
    if (!(c->res->step_min <= v->step))
        c->res->step_min = v->step;
    if (!(c->res->step_max >= v->step))
        c->res->step_max = v->step;
    int rc = 0;
    for (unsigned i = 0; !rc && i + 1 < v->nbuf; i++)
        rc = emit(c, v, &v->buf[i], v->buf[i + 1].x.t_unix);
    v->buf[0] = v->buf[v->nbuf - 1];
    v->nbuf = 1;
    return rc;
}

static int on_row(const struct xb_csvs_row *r, void *ctx)
{
    struct csv_ctx *c = ctx;
    const char *host = r->host ? r->host : c->host;
    if (strlen(host) >= sizeof c->v->host || strlen(r->vm) >= sizeof c->v->name)
        return xb_err_set(c->err, -XB_EINPUT, "%s: line %u: the VM or host name is "
                          "too long (95 and 127 bytes at most)", r->path, r->line);
    struct vm *v = vm_of(c, host, r->vm);
    if (!v)
        return xb_err_set(c->err, -ENOMEM, "out of memory");
    if (v->nbuf) {
        const struct held *p = &v->buf[v->nbuf - 1];
        if (r->x.t_unix <= p->x.t_unix)
            return xb_err_set(c->err, -XB_EINPUT, "%s: line %u: field \"time\": %s "
                              "for VM \"%s\" (%.0f, line %u had %.0f)", r->path,
                              r->line, r->x.t_unix == p->x.t_unix ? "a second sample "
                              "at the same time" : "time goes back", r->vm,
                              r->x.t_unix, p->line, p->x.t_unix);
    }
    struct held h = { r->line, r->x };
    if (v->step && v->nbuf) {
        int rc = emit(c, v, &v->buf[0], h.x.t_unix);
        v->buf[0] = h;
        return rc;
    }
    v->buf[v->nbuf++] = h;
    return v->nbuf == STEP_ROWS ? step_found(c, v) : 0;
}

/* The last held rows of every VM, then its run's end. */
static int finish(struct csv_ctx *c)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < c->n; i++) {
        struct vm *v = &c->v[i];
        if (!v->step && v->nbuf == 1)
            return xb_err_set(c->err, -XB_EINPUT, "%s: line %u: VM \"%s\" has one "
                              "sample: its step is unknown (give --interval)",
                              c->res->path, v->buf[0].line, v->name);
        rc = step_found(c, v);
        if (!rc)
            rc = emit(c, v, &v->buf[0], v->buf[0].x.t_unix + v->step);
        if (!rc)
            rc = end_run(c, v);
    }
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t count_hosts(const struct csv_ctx *c)
{
    const char **h = malloc((c->n ? c->n : 1) * sizeof *h);
    if (!h)
        return 0;
    for (size_t i = 0; i < c->n; i++)
        h[i] = c->v[i].host;
    qsort(h, c->n, sizeof *h, cmp_str);
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += i == 0 || strcmp(h[i], h[i - 1]) != 0;
    free(h);
    return n;
}

int xb_import_csv_file(struct xb_store *s, const char *path,
                       const struct xb_csv_import_opts *o, xb_csv_import_cb cb,
                       void *ctx, struct xb_err *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return xb_err_set(err, -XB_EINPUT, "%s: a folder: --format csv takes files",
                          path);
    struct xb_csv_file_result res = { .path = path, .step_min = NAN,
                                      .step_max = NAN };
    struct csv_ctx c = { .s = s, .o = o, .res = &res, .err = err };
    if (o->host)
        snprintf(c.host, sizeof c.host, "%s", o->host);
    else
        xb_path_stem(path, ".csv", c.host, sizeof c.host);
    int rc = xb_csvs_read(path, on_row, &c, &res.rows, err);
    if (!rc)
        rc = finish(&c);
    res.vms = c.n;
    res.hosts = count_hosts(&c);
    for (size_t i = 0; i < c.n; i++)
        xb_feed_free(c.v[i].feed);
    free(c.v);
    free(c.slot);
    if (!rc && cb)
        cb(&res, ctx);
    return rc;
}
