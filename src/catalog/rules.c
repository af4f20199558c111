/* rules.c: loading the clock and commitment tables (rules.h) and the
 * price of a row under a commitment.  Owns nothing of the catalogue rows
 * themselves: the importers apply the clock, the sizer asks for prices.  It
 * must not change a row. */
#include "rules.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvread.h"
#include "util/grow.h"
#include "util/parse.h"

static int text_field(const struct xb_csv_row *row, const struct xb_csv_col *c,
                      char *dst, size_t len, struct xb_err *err)
{
    const char *s = xb_csv_get(row, c);
    if (!*s || strlen(s) >= len)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": %s",
                          row->path, row->line, c->name,
                          *s ? "too long" : "empty");
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int check_provider_date(const struct xb_csv_row *row, const char *provider,
                               const char *as_of, struct xb_err *err)
{
    if (strcmp(provider, "aws") && strcmp(provider, "azure") &&
        strcmp(provider, "gcp"))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"provider\": '%s' "
                          "is not one of aws, azure, gcp", row->path, row->line,
                          provider);
    if (!xb_is_date(as_of))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"as_of\": '%s' is "
                          "not a date YYYY-MM-DD", row->path, row->line, as_of);
    return 0;
}

enum { K_PROVIDER, K_PATTERN, K_PROC, K_GHZ, K_SOURCE, K_ASOF, K_NCOLS };

struct clock_loader {
    struct xb_csv_col cols[K_NCOLS];
    struct xb_clock_rules *out;
    struct xb_err *err;
};

static int on_clock(const struct xb_csv_row *row, void *ctx)
{
    struct clock_loader *L = ctx;
    const struct xb_csv_col *c = L->cols;
    if (row->line == 1)
        return xb_csv_map(row, L->cols, K_NCOLS, L->err);
    struct xb_clock_rule r = { 0 };
    int rc = text_field(row, &c[K_PROVIDER], r.provider, sizeof r.provider, L->err);
    if (!rc)
        rc = text_field(row, &c[K_PATTERN], r.pattern, sizeof r.pattern, L->err);
    if (!rc)
        rc = text_field(row, &c[K_PROC], r.processor, sizeof r.processor, L->err);
    if (!rc)
        rc = text_field(row, &c[K_SOURCE], r.source, sizeof r.source, L->err);
    if (!rc)
        rc = text_field(row, &c[K_ASOF], r.as_of, sizeof r.as_of, L->err);
    if (!rc)
        rc = xb_csv_get_num(row, &c[K_GHZ], true, &r.ghz, L->err);
    if (!rc)
        rc = check_provider_date(row, r.provider, r.as_of, L->err);
    if (!rc && !isnan(r.ghz) && !(r.ghz >= 0.5 && r.ghz <= 10))
        rc = xb_err_set(L->err, -XB_EINPUT, "%s: line %u: field \"all_core_ghz\": "
                        "%g is not a clock in GHz (0.5 .. 10)", row->path,
                        row->line, r.ghz);
    if (!rc && xb_grow((void **)&L->out->v, &L->out->cap, L->out->n, sizeof r, 64))
        rc = xb_err_set(L->err, -ENOMEM, "out of memory");
    if (!rc)
        L->out->v[L->out->n++] = r;
    return rc;
}

int xb_clock_rules_load(struct xb_clock_rules *r, const char *path,
                        struct xb_err *err)
{
    static const struct xb_csv_col cols[K_NCOLS] = {
        { "provider", true, -1 }, { "pattern", true, -1 },
        { "processor", true, -1 }, { "all_core_ghz", true, -1 },
        { "source", true, -1 }, { "as_of", true, -1 },
    };
    struct clock_loader L = { .out = r, .err = err };
    memcpy(L.cols, cols, sizeof cols);
    int rc = xb_csv_read(path, on_clock, &L, err);
    if (rc)
        xb_clock_rules_free(r);
    return rc;
}

static int builtin_path(const char *name, char *path, size_t len, struct xb_err *err)
{
    char dir[4096];
    int rc = xb_catalog_builtin_dir(dir, sizeof dir, err);
    if (!rc)
        snprintf(path, len, "%s/rules/%s", dir, name);
    return rc;
}

int xb_clock_rules_load_builtin(struct xb_clock_rules *r, struct xb_err *err)
{
    char path[4200];
    int rc = builtin_path("clocks.csv", path, sizeof path, err);
    return rc ? rc : xb_clock_rules_load(r, path, err);
}

const struct xb_clock_rule *xb_clock_rule_find(const struct xb_clock_rules *r,
                                               const char *provider,
                                               const char *type)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (strcmp(r->v[i].provider, provider) == 0 &&
            fnmatch(r->v[i].pattern, type, 0) == 0)
            return &r->v[i];
    return NULL;
}

void xb_clock_rules_free(struct xb_clock_rules *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

const char *xb_pricing_name(enum xb_pricing p)
{
    static const char *const n[] = { "ondemand", "1y", "3y" };
    return p <= XB_PRICING_3Y ? n[p] : "?";
}

int xb_pricing_parse(const char *s, enum xb_pricing *p)
{
    for (int i = XB_PRICING_ONDEMAND; i <= XB_PRICING_3Y; i++) {
        if (strcmp(s, xb_pricing_name((enum xb_pricing)i)) == 0) {
            *p = (enum xb_pricing)i;
            return 0;
        }
    }
    return -1;
}

enum { M_PROVIDER, M_PATTERN, M_TERM, M_DISCOUNT, M_SOURCE, M_ASOF, M_NCOLS };

struct commit_loader {
    struct xb_csv_col cols[M_NCOLS];
    struct xb_commit_rules rows;     /* this file's, put in front on success */
    struct xb_err *err;
};

static int on_commit(const struct xb_csv_row *row, void *ctx)
{
    struct commit_loader *L = ctx;
    const struct xb_csv_col *c = L->cols;
    if (row->line == 1)
        return xb_csv_map(row, L->cols, M_NCOLS, L->err);
    struct xb_commit_rule r = { 0 };
    char term[8];
    int rc = text_field(row, &c[M_PROVIDER], r.provider, sizeof r.provider, L->err);
    if (!rc)
        rc = text_field(row, &c[M_PATTERN], r.pattern, sizeof r.pattern, L->err);
    if (!rc)
        rc = text_field(row, &c[M_TERM], term, sizeof term, L->err);
    if (!rc)
        rc = text_field(row, &c[M_SOURCE], r.source, sizeof r.source, L->err);
    if (!rc)
        rc = text_field(row, &c[M_ASOF], r.as_of, sizeof r.as_of, L->err);
    if (!rc)
        rc = xb_csv_get_num(row, &c[M_DISCOUNT], false, &r.discount_pct, L->err);
    if (!rc)
        rc = check_provider_date(row, r.provider, r.as_of, L->err);
    if (!rc && (xb_pricing_parse(term, &r.term) || r.term == XB_PRICING_ONDEMAND))
        rc = xb_err_set(L->err, -XB_EINPUT, "%s: line %u: field \"term\": '%s' is "
                        "not 1y or 3y", row->path, row->line, term);
    if (!rc && !(r.discount_pct < 100))
        rc = xb_err_set(L->err, -XB_EINPUT, "%s: line %u: field \"discount_pct\": "
                        "%g is not below 100", row->path, row->line, r.discount_pct);
    struct xb_commit_rules *o = &L->rows;
    if (!rc && xb_grow((void **)&o->v, &o->cap, o->n, sizeof r, 64))
        rc = xb_err_set(L->err, -ENOMEM, "out of memory");
    if (!rc)
        o->v[o->n++] = r;
    return rc;
}

int xb_commit_rules_load(struct xb_commit_rules *r, const char *path,
                         struct xb_err *err)
{
    static const struct xb_csv_col cols[M_NCOLS] = {
        { "provider", true, -1 }, { "pattern", true, -1 }, { "term", true, -1 },
        { "discount_pct", true, -1 }, { "source", true, -1 }, { "as_of", true, -1 },
    };
    struct commit_loader L = { .err = err };
    memcpy(L.cols, cols, sizeof cols);
    int rc = xb_csv_read(path, on_commit, &L, err);
    size_t n = r->n + L.rows.n;
    struct xb_commit_rule *v = rc ? NULL : malloc((n ? n : 1) * sizeof *v);
    if (!rc && !v)
        rc = xb_err_set(err, -ENOMEM, "out of memory");
    if (!rc) {
        /* The newer file's rows first: the first match wins. */
        if (L.rows.n)
            memcpy(v, L.rows.v, L.rows.n * sizeof *v);
        if (r->n)
            memcpy(v + L.rows.n, r->v, r->n * sizeof *v);
        free(r->v);
        r->v = v;
        r->n = r->cap = n;
    }
    xb_commit_rules_free(&L.rows);
    return rc;
}

int xb_commit_rules_load_builtin(struct xb_commit_rules *r, struct xb_err *err)
{
    char path[4200];
    int rc = builtin_path("commitments.csv", path, sizeof path, err);
    return rc ? rc : xb_commit_rules_load(r, path, err);
}

void xb_commit_rules_free(struct xb_commit_rules *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

double xb_price_of(const struct xb_cat_row *r, enum xb_pricing p,
                   const struct xb_commit_rules *c, const char **from)
{
    const char *dummy;
    if (!from)
        from = &dummy;
    *from = "on-demand";
    if (p == XB_PRICING_ONDEMAND)
        return r->price_hour;
    double own = p == XB_PRICING_1Y ? r->price_1y_hour : r->price_3y_hour;
    if (!isnan(own)) {
        *from = "row";
        return own;
    }
    for (size_t i = 0; c && i < c->n; i++) {
        const struct xb_commit_rule *k = &c->v[i];
        if (k->term == p && strcmp(k->provider, r->provider) == 0 &&
            fnmatch(k->pattern, r->type, 0) == 0) {
            *from = k->source;
            return r->price_hour * (1.0 - k->discount_pct / 100.0);
        }
    }
    *from = NULL;
    return NAN;
}
