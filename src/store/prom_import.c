/* prom_import.c: Prometheus query_range -> history store (see
 * prom_import.h).  Owns the HTTP requests (libcurl), the PromQL it sends
 * and the step arithmetic; it must not touch the database but through
 * store.h.  Memory is bounded by one chunk of CHUNK steps of one instance. */
#define _GNU_SOURCE
#include "prom_import.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/domain.h"
#include "store/feed.h"
#include "store/history.h"
#include "util/grow.h"

#define CHUNK 1000          /* steps per query (Prometheus allows 11,000 points) */

/* Series per domain: the four states, the vCPU count, then one per row of
 * the metric table that serve exports (xb_metrics[i].prom). */
enum q { Q_RUN, Q_WAIT, Q_BLOCK, Q_UNK, Q_VCPU, Q_METRIC, NQ = Q_METRIC + XB_METRIC_MAX };

struct dom {
    char label[48], name[96];
    uint32_t domid, instance;
    double *v[NQ];          /* [npoints], NAN where absent; NULL: no series */
};

struct fetch {
    CURL *c;
    const char *base;
    double timeout;
    struct xb_err *err;
};

struct chunk {
    size_t n;               /* grid points (the first is the previous chunk's last) */
    double t0, step;
    double *span, *sess;
    struct dom *d;
    size_t nd, capd;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    return fwrite(p, size, n, ctx) * size;
}

/* GET base + path; the parsed "data" of a successful answer, in *root. */
static int get_json(struct fetch *f, const char *path, json_t **root, json_t **data)
{
    char *url = NULL, *buf = NULL;
    size_t len = 0;
    if (asprintf(&url, "%s%s", f->base, path) < 0)
        return xb_err_set(f->err, -ENOMEM, "out of memory");
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        free(url);
        return xb_err_set(f->err, -ENOMEM, "out of memory");
    }
    curl_easy_setopt(f->c, CURLOPT_URL, url);
    curl_easy_setopt(f->c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(f->c, CURLOPT_WRITEDATA, m);
    curl_easy_setopt(f->c, CURLOPT_TIMEOUT_MS, (long)(f->timeout * 1000));
    curl_easy_setopt(f->c, CURLOPT_NOSIGNAL, 1L);
    CURLcode cc = curl_easy_perform(f->c);
    fclose(m);
    long code = 0;
    curl_easy_getinfo(f->c, CURLINFO_RESPONSE_CODE, &code);
    int rc = 0;
    json_error_t je;
    *root = NULL;
    if (cc != CURLE_OK) {
        rc = xb_err_set(f->err, -EIO, "%s: %s", f->base, curl_easy_strerror(cc));
    } else if (!(*root = json_loadb(buf ? buf : "", len, 0, &je))) {
        rc = xb_err_set(f->err, -XB_EINPUT, "%s: HTTP %ld, not the JSON of the "
                        "Prometheus API (%s)", url, code, je.text);
    } else {
        const char *st = json_string_value(json_object_get(*root, "status"));
        const char *msg = json_string_value(json_object_get(*root, "error"));
        if (!st || strcmp(st, "success") || code != 200)
            rc = xb_err_set(f->err, -XB_EINPUT, "%s: HTTP %ld: %s", f->base, code,
                            msg ? msg : "not a successful Prometheus answer");
        else
            *data = json_object_get(*root, "data");
    }
    if (rc) {
        json_decref(*root);
        *root = NULL;
    }
    free(buf);
    free(url);
    return rc;
}

/* An instant query (params "&time=T") or a range query (params
 * "&start=..&end=..&step=.."); *result is the answer's result array. */
static int query(struct fetch *f, const char *promql, bool range, const char *params,
                 json_t **root, json_t **result)
{
    char *q = curl_easy_escape(f->c, promql, 0), *path = NULL;
    if (!q || asprintf(&path, "/api/v1/%s?query=%s%s", range ? "query_range" : "query",
                       q, params) < 0) {
        curl_free(q);
        return xb_err_set(f->err, -ENOMEM, "out of memory");
    }
    curl_free(q);
    json_t *data = NULL;
    int rc = get_json(f, path, root, &data);
    free(path);
    if (!rc && !json_is_array(*result = json_object_get(data, "result"))) {
        json_decref(*root);
        return xb_err_set(f->err, -XB_EINPUT, "%s: the answer to %s has no result "
                          "array", f->base, promql);
    }
    return rc;
}

/* A label value inside a selector: backslash and quote escaped. */
static void selector_value(char *out, size_t len, const char *s)
{
    size_t o = 0;
    for (; *s && o + 2 < len; s++) {
        if (*s == '\\' || *s == '"')
            out[o++] = '\\';
        out[o++] = *s == '\n' ? ' ' : *s;
    }
    out[o] = 0;
}

static const char *label(json_t *series, const char *key)
{
    const char *v = json_string_value(json_object_get(json_object_get(series, "metric"),
                                                      key));
    return v ? v : "";
}

static double num(json_t *pair, size_t i)
{
    json_t *v = json_array_get(pair, i);
    if (json_is_number(v))
        return json_number_value(v);
    const char *s = json_string_value(v);
    return s ? strtod(s, NULL) : NAN;
}

static void chunk_free(struct chunk *c)
{
    for (size_t i = 0; i < c->nd; i++)
        for (int q = 0; q < NQ; q++)
            free(c->d[i].v[q]);
    free(c->d);
    free(c->span);
    free(c->sess);
    memset(c, 0, sizeof *c);
}

static double *nan_array(size_t n)
{
    double *a = malloc((n ? n : 1) * sizeof *a);
    for (size_t i = 0; a && i < n; i++)
        a[i] = NAN;
    return a;
}

static struct dom *dom_of(struct chunk *c, const char *lab, const char *name)
{
    for (size_t i = 0; i < c->nd; i++)
        if (strcmp(c->d[i].label, lab) == 0)
            return &c->d[i];
    if (xb_grow(&c->d, &c->capd, c->nd, sizeof *c->d, 16))
        return NULL;
    struct dom *d = &c->d[c->nd];
    memset(d, 0, sizeof *d);
    snprintf(d->label, sizeof d->label, "%s", lab);
    snprintf(d->name, sizeof d->name, "%s", name);
    char *end;
    unsigned long id = strtoul(lab, &end, 10);
    d->domid = (uint32_t)id;
    d->instance = *end == '#' ? (uint32_t)strtoul(end + 1, NULL, 10) : 0;
    c->nd++;
    return d;
}

/* Values of one series onto the grid (*into made when NULL). */
static int put_values(const struct chunk *c, json_t *series, double **intop)
{
    if (!*intop && !(*intop = nan_array(c->n)))
        return -ENOMEM;
    double *into = *intop;
    size_t i;
    json_t *pair;
    json_array_foreach(json_object_get(series, "values"), i, pair) {
        double k = (num(pair, 0) - c->t0) / c->step;
        long at = lround(k);
        if (at >= 0 && (size_t)at < c->n && fabs(k - (double)at) < 1e-3)
            into[at] = num(pair, 1);
    }
    return 0;
}

static int load_chunk(struct fetch *f, const char *inst, struct chunk *c)
{
    char range[128], sel[600], q[2400], names[1200] = "";
    snprintf(range, sizeof range, "&start=%.3f&end=%.3f&step=%.3f", c->t0,
             c->t0 + (double)(c->n - 1) * c->step, c->step);
    selector_value(sel, sizeof sel, inst);
    static const char *const state_q[4] = { "running", "runnable", "blocked", "unknown" };
    for (unsigned k = 0; k < xb_nmetrics; k++) {
        size_t at = strlen(names);
        if (xb_metrics[k].prom)
            snprintf(names + at, sizeof names - at, "%s%s", at ? "|" : "",
                     xb_metrics[k].prom);
    }
    const char *const texts[] = {
        "xenbench_recorded_seconds_total{instance=\"%s\"}",
        "xenbench_start_time_seconds{instance=\"%s\"}",
        "sum by (domain, name, state) (xenbench_cpu_seconds_total{instance=\"%s\"})",
        "{instance=\"%s\",__name__=~\"%s\"}",
        ("count by (domain, name) (xenbench_cpu_seconds_total{instance=\"%s\","
         "state=\"running\",pcpu=\"0\",vcpu=~\"[0-9]+\"})"),   /* one string */
    };
    if (!(c->span = nan_array(c->n)) || !(c->sess = nan_array(c->n)))
        return xb_err_set(f->err, -ENOMEM, "out of memory");
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        snprintf(q, sizeof q, texts[t], sel, names);
        json_t *root, *res;
        int rc = query(f, q, true, range, &root, &res);
        if (rc)
            return rc;
        size_t i;
        json_t *s;
        json_array_foreach(res, i, s) {
            if (t == 0) {
                put_values(c, s, &c->span);
                continue;
            }
            if (t == 1) {
                put_values(c, s, &c->sess);
                continue;
            }
            struct dom *d = dom_of(c, label(s, "domain"), label(s, "name"));
            if (!d) {
                json_decref(root);
                return xb_err_set(f->err, -ENOMEM, "out of memory");
            }
            int which = -1;
            if (t == 2) {
                for (int k = 0; k < 4; k++)
                    if (strcmp(label(s, "state"), state_q[k]) == 0)
                        which = Q_RUN + k;
            } else if (t == 3) {
                for (unsigned k = 0; k < xb_nmetrics; k++)
                    if (xb_metrics[k].prom &&
                        strcmp(label(s, "__name__"), xb_metrics[k].prom) == 0)
                        which = Q_METRIC + (int)k;
            } else {
                which = Q_VCPU;
            }
            if (which >= 0 && put_values(c, s, &d->v[which])) {
                json_decref(root);
                return xb_err_set(f->err, -ENOMEM, "out of memory");
            }
        }
        json_decref(root);
    }
    return 0;
}

struct inst_run {
    struct xb_store *s;
    struct xb_prom_import_result res;
    const struct xb_prom_import_opts *o;
    const char *cpu_model;
    unsigned npcpu;
    double session;          /* of the open run, NAN when none */
    int64_t run_id;
    struct xb_feed *feed;    /* of the open run: samples and roll-ups */
    double last_span;
    unsigned win;
    xb_prom_import_cb cb;
    void *ctx;
    struct xb_err *err;
};

static int end_run(struct inst_run *r)
{
    if (isnan(r->session))
        return 0;
    int rc = xb_feed_close(r->feed, r->err);
    r->feed = NULL;
    if (!rc)
        rc = xb_store_end_run(r->s, r->run_id, r->last_span, r->err);
    if (!rc && r->cb)
        r->cb(&r->res, r->ctx);
    r->session = NAN;
    return rc;
}

static int begin_run(struct inst_run *r, double session)
{
    int rc = end_run(r);
    if (rc)
        return rc;
    snprintf(r->res.run_key, sizeof r->res.run_key, "prometheus:%s:%.3f",
             r->res.instance, session);
    struct xb_run_rec run = {
        .run_key = r->res.run_key, .host = r->res.host, .cpu_model = r->cpu_model,
        .cpu_mhz = NAN, .source = "prometheus", .path = r->o->url,
        .start_unix = session, .start_from = "prometheus",
        .interval_s = r->o->step_s, .npcpu = r->npcpu,
    };
    bool replaced;
    rc = xb_store_put_run(r->s, &run, &r->run_id, &replaced, r->err);
    if (!rc)
        rc = xb_feed_open(&r->feed, r->s, r->run_id, xb_feed_keeps_raw(r->o->step_s),
                          r->err);
    r->res.replaced = replaced;
    r->res.samples = 0;
    r->res.domains = 0;
    r->res.skipped_steps = 0;
    r->session = session;
    r->win = 0;
    return rc;
}

static double delta(const double *v, size_t k)
{
    return !v || isnan(v[k]) || isnan(v[k - 1]) || v[k] < v[k - 1] ? NAN : v[k] - v[k - 1];
}

static double at(const double *v, size_t k)
{
    return v ? v[k] : NAN;
}

/* Samples of the steps (k-1, k] of a chunk. */
static int write_chunk(struct inst_run *r, const struct chunk *c)
{
    for (size_t k = 1; k < c->n; k++) {
        if (isnan(c->sess[k]))
            continue;                            /* no scrape at this step */
        bool same = c->sess[k] == c->sess[k - 1];
        double rec = delta(c->span, k);
        if (!same || !(rec > 0)) {
            r->res.skipped_steps += !isnan(c->sess[k - 1]);
            continue;                            /* a restart, a gap or no window */
        }
        int rc;
        if (c->sess[k] != r->session && (rc = begin_run(r, c->sess[k])))
            return rc;
        unsigned doms = 0;
        for (size_t i = 0; i < c->nd; i++) {
            const struct dom *d = &c->d[i];
            double run = delta(d->v[Q_RUN], k);
            if (d->domid == XB_IDLE_DOMID || isnan(run))
                continue;
            size_t same_name = 0;
            for (size_t j = 0; j < c->nd; j++)
                same_name += strcmp(c->d[j].name, d->name) == 0 &&
                             !isnan(at(c->d[j].v[Q_RUN], k));
            char name[96];
            int used = snprintf(name, sizeof name, same_name > 1 ? "%s/d%u" : "%s",
                                d->name, d->domid);
            if (d->instance && used > 0 && (size_t)used < sizeof name)
                snprintf(name + used, sizeof name - (size_t)used, "#%u", d->instance);
            struct xb_sample x;
            xb_sample_init(&x);
            x.t_unix = c->sess[k] + c->span[k - 1];
            x.len_s = rec;
            x.interval_s = r->o->step_s;
            x.vcpus = isnan(at(d->v[Q_VCPU], k)) ? 0 : (uint32_t)d->v[Q_VCPU][k];
            x.cpu_cores = run / rec;
            double w = delta(d->v[Q_WAIT], k), b = delta(d->v[Q_BLOCK], k);
            double u = delta(d->v[Q_UNK], k);
            x.waited_cores = isnan(w) ? 0 : w / rec;
            x.blocked_cores = isnan(b) ? 0 : b / rec;
            double known = 1.0 - (isnan(u) ? 0 : u) / (rec * (x.vcpus ? x.vcpus : 1));
            x.known_frac = known < 0 ? 0 : known > 1 ? 1 : known;
            if (x.known_frac > 0 && x.known_frac < 1) {
                /* the store's CPU is over the known part (docs/history-db.md) */
                x.cpu_cores /= x.known_frac;
                x.waited_cores /= x.known_frac;
                x.blocked_cores /= x.known_frac;
            }
            for (unsigned q = 0; q < xb_nmetrics; q++) {
                const double *v = d->v[Q_METRIC + q];
                x.m[q] = xb_metrics[q].kind == XB_GAUGE ? at(v, k) : delta(v, k) / rec;
            }
            if ((rc = xb_feed_add(r->feed, r->win, d->domid, d->instance, name, &x,
                                  r->err)))
                return rc;
            r->res.samples++;
            doms++;
        }
        if (doms > r->res.domains)
            r->res.domains = doms;
        r->win++;
        r->last_span = c->span[k];
    }
    return 0;
}

static int import_instance(struct fetch *f, struct inst_run *r, double start, double end)
{
    double step = r->o->step_s;
    for (double a = start; a < end; a += CHUNK * step) {
        struct chunk c = { .step = step };
        c.t0 = a > start ? a - step : a;          /* one step of overlap */
        double b = a + (CHUNK - 1) * step;
        if (b > end)
            b = end;
        c.n = (size_t)llround((b - c.t0) / step) + 1;
        int rc = load_chunk(f, r->res.instance, &c);
        if (!rc)
            rc = write_chunk(r, &c);
        chunk_free(&c);
        if (rc)
            return rc;
    }
    return end_run(r);
}

int xb_prom_import(struct xb_store *s, const struct xb_prom_import_opts *o,
                   xb_prom_import_cb cb, void *ctx, struct xb_err *err)
{
    if (strncmp(o->url, "http://", 7) && strncmp(o->url, "https://", 8))
        return xb_err_set(err, -XB_EUSAGE, "--prometheus: '%s' is not an http:// or "
                          "https:// URL", o->url);
    if (!(o->step_s >= 1) || !(o->since_s >= o->step_s))
        return xb_err_set(err, -XB_EUSAGE, "--step must be at least 1 s and no longer "
                          "than --since");
    char base[1024];
    snprintf(base, sizeof base, "%s", o->url);
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        base[--bl] = 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT))
        return xb_err_set(err, -EIO, "libcurl: initialisation failed");
    struct fetch f = { curl_easy_init(), base, o->timeout_s > 0 ? o->timeout_s : 60, err };
    if (!f.c) {
        curl_global_cleanup();
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    double end = o->end_unix > 0 ? o->end_unix : (double)time(NULL);
    end = floor(end / o->step_s) * o->step_s;    /* steps on a fixed grid */
    double start = end - floor(o->since_s / o->step_s) * o->step_s;
    char q[256], at[64];
    /* Every instance seen in the look-back, with its host facts. */
    snprintf(q, sizeof q, "max by (instance, host, cpu_model) (max_over_time("
             "xenbench_host_info[%.0fs]))", o->since_s);
    snprintf(at, sizeof at, "&time=%.3f", end);
    json_t *root = NULL, *res = NULL;
    int rc = query(&f, q, false, at, &root, &res);
    if (!rc && json_array_size(res) == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: no xenbench_host_info in the last "
                        "%.0f s: does this Prometheus scrape `xenbench serve`?",
                        base, o->since_s);
    size_t i;
    json_t *series;
    char seen[64][256];
    size_t nseen = 0;
    json_array_foreach(res, i, series) {
        if (rc)
            break;
        const char *inst = label(series, "instance");
        bool dup = false;
        for (size_t k = 0; k < nseen; k++)
            dup |= strcmp(seen[k], inst) == 0;
        if (dup)
            continue;                 /* host facts changed: one import per instance */
        if (nseen < 64)
            snprintf(seen[nseen++], sizeof seen[0], "%s", inst);
        struct inst_run r = { .s = s, .o = o, .cb = cb, .ctx = ctx, .err = err,
                              .session = NAN, .cpu_model = label(series, "cpu_model") };
        snprintf(r.res.instance, sizeof r.res.instance, "%s", inst);
        snprintf(r.res.host, sizeof r.res.host, "%s",
                 *label(series, "host") ? label(series, "host") : inst);
        char sel[600], pq[800];
        selector_value(sel, sizeof sel, inst);
        snprintf(pq, sizeof pq, "max_over_time(xenbench_pcpus{instance=\"%s\"}[%.0fs])",
                 sel, o->since_s);
        json_t *proot, *pres;
        if ((rc = query(&f, pq, false, at, &proot, &pres)))
            break;
        json_t *pv = json_object_get(json_array_get(pres, 0), "value");
        r.npcpu = pv ? (unsigned)num(pv, 1) : 0;
        json_decref(proot);
        rc = import_instance(&f, &r, start, end);
        xb_feed_free(r.feed);       /* left open by an error */
    }
    json_decref(root);
    curl_easy_cleanup(f.c);
    curl_global_cleanup();
    return rc;
}
