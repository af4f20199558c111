/* serve.c: the serve run loop and its routes (see serve.h).  Owns the
 * shared state: what the recorder thread makes (the /metrics body, window
 * summaries) and the caches of /api bodies, behind one mutex held only to
 * swap or reference them.  The recorder thread alone touches the live
 * pipeline and the running totals; an HTTP thread must never wait on the
 * recorder nor touch the pipeline. */
#define _GNU_SOURCE
#include "serve.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account/totals.h"
#include "pipeline/pipeline.h"
#include "present/prom.h"
#include "serve/api.h"
#include "serve/assets.h"
#include "serve/body.h"
#include "serve/dbviews.h"
#include "serve/http.h"
#include "serve/ring.h"
#include "util/clock.h"
#include "util/parse.h"

#define JSON_TYPE "application/json"

struct state {
    const struct xb_serve_opts *o;
    pthread_mutex_t lock;
    /* Under lock: */
    struct xb_body *metrics;
    struct xb_wring ring;
    uint64_t gen;                  /* windows pushed */
    struct xb_body *series;        /* cache of /api/series (all kept) */
    uint64_t series_gen;
    struct xb_body *window;        /* cache of /api/window (the last) */
    uint64_t window_gen;
    struct xb_body *info;          /* cache of /api/info */
    uint64_t info_gen;
    uint64_t lost_events, windows_late;
    char host[256], cpu_model[256], source[16];
    unsigned npcpu;
    /* Recorder thread only: */
    struct xb_pipeline *live;      /* the pipeline on the live input */

    struct xb_totals totals;
    bool totals_ok;
    double start_unix;
    double delay_s;
    int64_t sample_ms;             /* the last window's end, ms since 1970 */
    struct xb_dbviews *views;
    struct xb_body *assets[32];
    size_t nassets;
    int error;                     /* a window callback's failure */
};

static double now_unix(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct xb_body *json_body(int status, char *text, size_t len)
{
    return text ? xb_body_take(JSON_TYPE, status, text, len) : NULL;
}

static struct xb_body *error_body(int status, const char *msg)
{
    size_t len;
    char *t = xb_api_error(msg, &len);
    return json_body(status, t, len);
}

/* The /metrics body of the totals now (recorder thread). */
static struct xb_body *render_metrics(struct state *st, const struct xb_run_info *info)
{
    struct xb_prom_facts f = {
        .info = info, .version = st->o->version, .interval_ns = st->o->interval_ns,
        .start_unix = st->start_unix, .window_delay_s = st->delay_s,
        .windows_late = st->windows_late, .sample_ms = st->sample_ms,
    };
    f.repaired = info->repaired;
    f.implied_wakeups = info->implied_wakeups;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    int rc = xb_prom_write(m, &st->totals, &f);
    if (fclose(m) || rc) {
        free(buf);
        return NULL;
    }
    return xb_body_take(XB_PROM_CONTENT_TYPE, 200, buf, len);
}

static int on_window(const struct xb_window *w, const struct xb_run_info *info,
                     void *ctx)
{
    struct state *st = ctx;
    int rc = xb_totals_add(&st->totals, w, info->counters);
    if (rc)
        return rc;
    uint64_t late = 0;
    uint64_t end = info->t0_mono_ns + w->t_end_ns, now = xb_mono_ns();
    st->delay_s = now > end ? (double)(now - end) / 1e9 : 0;
    st->sample_ms = (int64_t)((now_unix() - ((double)now - (double)end) / 1e9) * 1e3);
    late = now > end + 2 * st->o->interval_ns;
    struct xb_wsum *s = xb_wsum_make(w, info);
    uint64_t lost = 0;
    for (unsigned p = 0; info->lost && p < info->npcpu; p++)
        lost += info->lost[p];
    pthread_mutex_lock(&st->lock);
    st->windows_late += late;
    st->lost_events = lost;
    pthread_mutex_unlock(&st->lock);
    struct xb_body *m = render_metrics(st, info);
    if (!s || !m) {
        xb_wsum_free(s);
        xb_body_unref(m);
        return -ENOMEM;
    }
    pthread_mutex_lock(&st->lock);
    xb_wring_push(&st->ring, s);
    struct xb_body *old = st->metrics;
    st->metrics = m;
    st->gen++;
    pthread_mutex_unlock(&st->lock);
    xb_body_unref(old);
    return 0;
}

static const struct xb_presenter serve_presenter = { .window = on_window };

/* /api/info, remade when a window was added. */
static struct xb_body *api_info(struct state *st)
{
    if (st->info && st->info_gen == st->gen && !st->views)
        return xb_body_ref(st->info);     /* with --db the views' state may change */
    const struct xb_wsum *last = xb_wring_last(&st->ring);
    struct xb_api_info i = {
        .host = st->host, .cpu_model = st->cpu_model, .source = st->source,
        .version = st->o->version, .npcpu = st->npcpu,
        .interval_s = st->o->interval_ns / 1e9, .start_unix = st->start_unix,
        .keep = st->ring.cap, .windows = last ? last->index + 1 : 0,
        .lost_events = st->lost_events, .windows_late = st->windows_late,
        .db = st->o->db,
    };
    static const char *const names[3] = { "profiles", "plan", "place" };
    char why[3][256];
    for (int k = 0; st->views && k < 3; k++) {
        i.views[k].name = names[k];
        i.views[k].ok = xb_dbviews_ok(st->views, (enum xb_dbview)k, why[k], sizeof why[k]);
        i.views[k].why = why[k];
    }
    size_t len;
    char *t = xb_api_info(&i, &len);
    struct xb_body *b = json_body(200, t, len);
    if (!b)
        return NULL;
    xb_body_unref(st->info);
    st->info = xb_body_ref(b);
    st->info_gen = st->gen;
    return b;
}

static bool parse_uint(const char *s, unsigned *v)
{
    uint64_t x;
    if (xb_parse_uint(s, UINT32_MAX, &x))
        return false;
    *v = (unsigned)x;
    return true;
}

/* Called with st->lock held. */
static struct xb_body *api_window(struct state *st, const struct xb_http_req *r)
{
    const char *q = xb_http_arg(r, "index");
    const struct xb_wsum *s;
    if (q) {
        unsigned idx;
        if (!parse_uint(q, &idx))
            return error_body(400, "index: not a window number");
        if (!(s = xb_wring_find(&st->ring, idx)))
            return error_body(404, "window not kept (see /api/series for those kept)");
    } else {
        if (!(s = xb_wring_last(&st->ring)))
            return error_body(503, "no window finished yet");
        if (st->window && st->window_gen == st->gen)
            return xb_body_ref(st->window);
    }
    size_t len;
    char *t = xb_api_window(s, &len);
    struct xb_body *b = json_body(200, t, len);
    if (b && !q) {
        xb_body_unref(st->window);
        st->window = xb_body_ref(b);
        st->window_gen = st->gen;
    }
    return b;
}

static struct xb_body *api_series(struct state *st, const struct xb_http_req *r)
{
    const char *q = xb_http_arg(r, "last");
    unsigned last = 0;
    if (q && !parse_uint(q, &last))
        return error_body(400, "last: not a window count");
    if (!q || last >= st->ring.n) {
        if (st->series && st->series_gen == st->gen)
            return xb_body_ref(st->series);
        last = 0;
    }
    size_t len;
    char *t = xb_api_series(&st->ring, last, &len);
    struct xb_body *b = json_body(200, t, len);
    if (b && !last) {
        xb_body_unref(st->series);
        st->series = xb_body_ref(b);
        st->series_gen = st->gen;
    }
    return b;
}

static struct xb_body *route(const struct xb_http_req *r, void *ctx)
{
    struct state *st = ctx;
    const char *path = xb_http_path(r);
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    for (size_t i = 0; i < st->nassets; i++)
        if (strcmp(path, xb_assets[i].path) == 0)
            return xb_body_ref(st->assets[i]);
    struct xb_body *b = NULL;
    if (strcmp(path, "/api/profiles") == 0 || strcmp(path, "/api/plan") == 0 ||
        strcmp(path, "/api/place") == 0) {
        const char *v = strrchr(path, '/') + 1;
        enum xb_dbview which = strcmp(v, "profiles") == 0 ? XB_VIEW_PROFILES
                             : strcmp(v, "plan") == 0 ? XB_VIEW_PLAN : XB_VIEW_PLACE;
        if (!st->views)
            return error_body(404, "no history database: start serve with --db FILE");
        return xb_dbviews_get(st->views, which);
    }
    pthread_mutex_lock(&st->lock);
    if (strcmp(path, "/metrics") == 0)
        b = xb_body_ref(st->metrics);
    else if (strcmp(path, "/api/info") == 0)
        b = api_info(st);
    else if (strcmp(path, "/api/window") == 0)
        b = api_window(st, r);
    else if (strcmp(path, "/api/series") == 0)
        b = api_series(st, r);
    else
        b = error_body(404, "no such page (/, /metrics, /api/info, /api/window, "
                       "/api/series, /api/profiles, /api/plan, /api/place)");
    pthread_mutex_unlock(&st->lock);
    return b ? b : error_body(503, "not ready");
}

static void free_state(struct state *st)
{
    xb_dbviews_stop(st->views);
    xb_pipeline_close(st->live);
    if (st->totals_ok)
        xb_totals_free(&st->totals);
    xb_wring_free(&st->ring);
    xb_body_unref(st->metrics);
    xb_body_unref(st->series);
    xb_body_unref(st->window);
    xb_body_unref(st->info);
    for (size_t i = 0; i < st->nassets; i++)
        xb_body_unref(st->assets[i]);
    pthread_mutex_destroy(&st->lock);
}

int xb_serve_run(const struct xb_serve_opts *o, struct xb_err *err)
{
    struct state st = { .o = o };
    pthread_mutex_init(&st.lock, NULL);
    int rc = 0;
    struct xb_http *http = NULL;
    if (xb_wring_init(&st.ring, o->keep ? o->keep : 300)) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < xb_nassets && i < sizeof st.assets / sizeof st.assets[0]; i++) {
        if (!(st.assets[i] = xb_body_new(xb_assets[i].type, 200, xb_assets[i].data,
                                         xb_assets[i].len))) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto out;
        }
        st.nassets++;
    }
    struct xb_live_opts lo = { .domains = o->domains, .match = o->match,
                               .require = o->require, .buffer_kb = o->buffer_kb };
    struct xb_input_opts in = { .live = &lo, .interval_ns = o->interval_ns,
                                .notes = o->notes };
    st.start_unix = now_unix();
    st.sample_ms = (int64_t)(st.start_unix * 1e3);   /* the totals are 0 then */
    if ((rc = xb_pipeline_open(&st.live, &in, &serve_presenter, &st, err)))
        goto out;
    const struct xb_run_info *info = xb_pipeline_info(st.live);
    snprintf(st.host, sizeof st.host, "%s", info->host ? info->host : "");
    snprintf(st.cpu_model, sizeof st.cpu_model, "%s", info->cpu_model ? info->cpu_model : "");
    snprintf(st.source, sizeof st.source, "%s", info->source ? info->source : "");
    st.npcpu = info->npcpu;
    bool linux_host = info->source && strcmp(info->source, "linux") == 0;
    if (xb_totals_init(&st.totals, info->npcpu, linux_host) ||
        !(st.totals_ok = true) || !(st.metrics = render_metrics(&st, info))) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    if (o->db && (rc = xb_dbviews_start(&st.views, o->exe, o->db, o->hosts, err)))
        goto out;
    struct xb_http_opts ho = { .listen = o->listen ? o->listen : "127.0.0.1:9465",
                               .token = o->token };
    if ((rc = xb_http_start(&http, &ho, route, &st, err)))
        goto out;
    if (o->on_listen) {
        char host[64], url[128];
        unsigned port;
        xb_http_listen_parse(ho.listen, host, sizeof host, &port);
        snprintf(url, sizeof url, strchr(host, ':') ? "http://[%s]:%u/" : "http://%s:%u/",
                 host, xb_http_port(http));
        o->on_listen(url, o->ctx);
    }
    uint64_t end = o->duration_ns ? xb_mono_ns() + o->duration_ns : 0;
    struct timespec tick = { 0, 100000000L };
    while (!(o->stop && *o->stop) && !(end && xb_mono_ns() >= end)) {
        nanosleep(&tick, NULL);
        if ((rc = xb_pipeline_step(st.live, err)) < 0)
            break;
        rc = 0;          /* 1 (the input ended) does not happen live */
    }
out:
    xb_http_stop(http);
    free_state(&st);
    return rc;
}
