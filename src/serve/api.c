/* api.c: JSON of serve's /api/ endpoints (see api.h).  Owns the field
 * names the dashboard (assets/app.js) and the tests read; must not touch
 * the recorder's state: everything comes from summaries and copies. */
#include "api.h"

#include "model/metric.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const ws_key[XB_WS_N] = { "cpu_pct", "waited_pct",
                                             "blocked_pct", "unknown_pct" };

static char *dump(json_t *j, size_t *len)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(j);
    *len = s ? strlen(s) : 0;
    return s;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The rows of the metric table the report's table shows, by name. */
static json_t *metrics_obj(const struct xb_wsum_dom *d)
{
    json_t *o = json_object();
    for (unsigned i = 0; o && i < xb_nmetrics; i++)
        if (xb_metrics[i].show & XB_SHOW_TABLE)
            json_object_set_new(o, xb_metrics[i].name,
                                isnan(d->m[i]) ? json_null() : json_real(d->m[i]));
    return o;
}

/* What each of them is: name, label, unit, decimals (for /api/info). */
static json_t *metrics_list(void)
{
    json_t *a = json_array();
    for (unsigned i = 0; a && i < xb_nmetrics; i++)
        if (xb_metrics[i].show & XB_SHOW_TABLE)
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:i}", "name",
                                               xb_metrics[i].name, "label",
                                               xb_metrics[i].label, "unit",
                                               xb_metrics[i].unit, "digits",
                                               xb_metrics[i].digits));
    return a;
}

char *xb_api_info(const struct xb_api_info *i, size_t *len)
{
    json_t *views = json_object();
    for (int k = 0; views && k < 3 && i->views[k].name; k++)
        json_object_set_new(views, i->views[k].name,
                            json_pack("{s:b, s:b, s:o}", "ok", i->views[k].ok == 1,
                                      "pending", i->views[k].ok < 0, "error",
                                      i->views[k].ok == 0 ? json_string(i->views[k].why)
                                                          : json_null()));
    json_t *j = json_pack("{s:o, s:o, s:o, s:o, s:i, s:f, s:f, s:i, s:I, s:I, s:I, "
                          "s:o, s:o, s:o}",
                          "host", str_or_null(i->host),
                          "cpu_model", str_or_null(i->cpu_model),
                          "source", str_or_null(i->source),
                          "version", str_or_null(i->version),
                          "npcpu", (int)i->npcpu,
                          "interval_s", i->interval_s,
                          "start_unix", i->start_unix,
                          "keep", (int)i->keep,
                          "windows", (json_int_t)i->windows,
                          "lost_events", (json_int_t)i->lost_events,
                          "windows_late", (json_int_t)i->windows_late,
                          "db", str_or_null(i->db),
                          "views", views ? views : json_null(),
                          "metrics", metrics_list());
    return dump(j, len);
}

char *xb_api_error(const char *msg, size_t *len)
{
    return dump(json_pack("{s:s}", "error", msg), len);
}

char *xb_api_window(const struct xb_wsum *s, size_t *len)
{
    json_t *doms = json_array();
    for (unsigned i = 0; doms && i < s->ndom; i++) {
        const struct xb_wsum_dom *d = &s->d[i];
        json_t *o = json_pack("{s:s, s:s, s:i}", "domain", d->label, "name", d->name,
                              "domid", (int)d->domid);
        if (!o)
            break;
        for (int st = 0; st < XB_WS_N; st++) {
            json_t *a = json_array();
            for (unsigned c = 0; a && c <= s->npcpu; c++)
                json_array_append_new(a, json_real(xb_wsum_pct(s, d, c, st)));
            json_object_set_new(o, ws_key[st], a);
        }
        json_object_set_new(o, "metrics", metrics_obj(d));
        json_array_append_new(doms, o);
    }
    json_t *j = json_pack("{s:i, s:f, s:f, s:i, s:o}", "index", (int)s->index,
                          "t_start_s", s->t_start_ns / 1e9, "t_end_s", s->t_end_ns / 1e9,
                          "npcpu", (int)s->npcpu, "domains", doms ? doms : json_null());
    return dump(j, len);
}

char *xb_api_series(const struct xb_wring *r, unsigned last, size_t *len)
{
    unsigned first = last && last < r->n ? r->n - last : 0;
    unsigned n = r->n - first;
    json_t *wins = json_array(), *doms = json_array();
    json_t *where = json_object();  /* label -> position in doms */
    if (!wins || !doms || !where) {
        json_decref(wins);
        json_decref(doms);
        json_decref(where);
        return NULL;
    }
    for (unsigned k = 0; k < n; k++) {
        const struct xb_wsum *s = r->w[first + k];
        json_array_append_new(wins, json_pack("{s:i, s:f, s:f}", "index", (int)s->index,
                                              "t_start_s", s->t_start_ns / 1e9,
                                              "t_end_s", s->t_end_ns / 1e9));
        for (unsigned i = 0; i < s->ndom; i++) {
            const struct xb_wsum_dom *d = &s->d[i];
            json_t *at = json_object_get(where, d->label), *o;
            if (!at) {
                o = json_pack("{s:s, s:s, s:i}", "domain", d->label, "name", d->name,
                              "domid", (int)d->domid);
                for (int st = 0; o && st < XB_WS_N; st++) {
                    json_t *a = json_array();
                    for (unsigned z = 0; a && z < n; z++)
                        json_array_append_new(a, json_null());
                    json_object_set_new(o, ws_key[st], a);
                }
                if (!o)
                    continue;
                json_object_set_new(where, d->label, json_integer((json_int_t)
                                                                  json_array_size(doms)));
                json_array_append_new(doms, o);
            } else {
                o = json_array_get(doms, (size_t)json_integer_value(at));
            }
            for (int st = 0; st < XB_WS_N; st++)
                json_array_set_new(json_object_get(o, ws_key[st]), k,
                                   json_real(xb_wsum_pct(s, d, s->npcpu, st)));
        }
    }
    json_decref(where);
    return dump(json_pack("{s:o, s:o}", "windows", wins, "domains", doms), len);
}
