/* burst_rules.c: the table of published credit rules of burstable types
 * (data/catalog/rules/burst.csv), which the providers' price lists lack; the
 * importers join it onto the types they read.  It must not touch the
 * catalogue rows beyond that join. */
#include "burst.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvread.h"
#include "util/parse.h"

enum { R_PROVIDER, R_TYPE, R_VCPU, R_BASE, R_CRED_H, R_CRED_MAX, R_CRED_INIT,
       R_SOURCE, R_ASOF, R_NCOLS };

struct rules_loader {
    struct xb_csv_col cols[R_NCOLS];
    struct xb_burst_rules *out;
    struct xb_err *err;
};

static int on_rule(const struct xb_csv_row *row, void *ctx)
{
    struct rules_loader *L = ctx;
    const struct xb_csv_col *c = L->cols;
    struct xb_err *err = L->err;
    if (row->line == 1)
        return xb_csv_map(row, L->cols, R_NCOLS, err);
    struct xb_burst_rule r = { 0 };
    snprintf(r.provider, sizeof r.provider, "%s", xb_csv_get(row, &c[R_PROVIDER]));
    snprintf(r.type, sizeof r.type, "%s", xb_csv_get(row, &c[R_TYPE]));
    snprintf(r.source, sizeof r.source, "%s", xb_csv_get(row, &c[R_SOURCE]));
    snprintf(r.as_of, sizeof r.as_of, "%s", xb_csv_get(row, &c[R_ASOF]));
    const char *s = xb_csv_get(row, &c[R_VCPU]);
    if (xb_parse_count(s, &r.vcpu))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"vcpu\": '%s' is "
                          "not a whole number >= 1", row->path, row->line, s);
    int rc = xb_csv_get_num(row, &c[R_BASE], false, &r.baseline_pct, err);
    if (!rc)
        rc = xb_csv_get_num(row, &c[R_CRED_H], true, &r.credits_per_hour, err);
    if (!rc)
        rc = xb_csv_get_num(row, &c[R_CRED_MAX], true, &r.max_credits, err);
    if (!rc)
        rc = xb_csv_get_num(row, &c[R_CRED_INIT], true, &r.initial_credits, err);
    if (rc)
        return rc;
    if (!r.type[0] || !r.source[0] || !xb_is_date(r.as_of) ||
        !(r.baseline_pct > 0 && r.baseline_pct <= 100))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: needs a type, a "
                          "baseline_pct in (0, 100], a source and an as_of date "
                          "YYYY-MM-DD", row->path, row->line);
    if (isnan(r.credits_per_hour) != isnan(r.max_credits) ||
        isnan(r.credits_per_hour) != isnan(r.initial_credits))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: give credits_per_hour, "
                          "max_credits and initial_credits together or none",
                          row->path, row->line);
    struct xb_burst_rules *o = L->out;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        struct xb_burst_rule *v = realloc(o->v, cap * sizeof *v);
        if (!v)
            return xb_err_set(err, -ENOMEM, "out of memory");
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = r;
    return 0;
}

int xb_burst_rules_load(struct xb_burst_rules *r, const char *path,
                        struct xb_err *err)
{
    static const struct xb_csv_col cols[R_NCOLS] = {
        { "provider", true, -1 }, { "type", true, -1 }, { "vcpu", true, -1 },
        { "baseline_pct", true, -1 }, { "credits_per_hour", true, -1 },
        { "max_credits", true, -1 }, { "initial_credits", true, -1 },
        { "source", true, -1 }, { "as_of", true, -1 },
    };
    struct rules_loader L = { .out = r, .err = err };
    memcpy(L.cols, cols, sizeof cols);
    int rc = xb_csv_read(path, on_rule, &L, err);
    if (rc)
        xb_burst_rules_free(r);
    return rc;
}

int xb_burst_rules_load_builtin(struct xb_burst_rules *r, struct xb_err *err)
{
    char dir[4096], path[4200];
    int rc = xb_catalog_builtin_dir(dir, sizeof dir, err);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/rules/burst.csv", dir);
    return xb_burst_rules_load(r, path, err);
}

const struct xb_burst_rule *xb_burst_rule_find(const struct xb_burst_rules *r,
                                               const char *provider,
                                               const char *type)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].provider, provider) == 0 &&
            strcmp(r->v[i].type, type) == 0)
            return &r->v[i];
    return NULL;
}

void xb_burst_apply(const struct xb_burst_rule *rule, struct xb_cat_row *row)
{
    row->category = XB_CAT_BURSTABLE;
    row->burst_baseline_pct = rule->baseline_pct;
    row->burst_credits_per_hour = rule->credits_per_hour;
    row->burst_max_credits = rule->max_credits;
    row->burst_initial_credits = rule->initial_credits;
}

void xb_burst_rules_free(struct xb_burst_rules *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}
