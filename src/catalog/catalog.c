/* catalog.c: catalogue rows: checking, loading from CSV, merging, writing.
 *
 * A file is read whole before its rows join the catalogue, so a bad row
 * leaves the catalogue as it was.  Writing goes through a temporary file and
 * a rename: a reader sees the old file or the new one, never half of one.
 * It must not parse a provider's price file (import_*.c) nor choose a type
 * (plan/sizing.c).
 */
#include "catalog.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvread.h"
#include "util/dirlist.h"
#include "util/format.h"
#include "util/parse.h"
#include "util/atomic_file.h"

static const char *const category_names[XB_NCATEGORY] = {
    "general", "compute", "memory", "burstable", "storage", "hpc", "accelerated",
};

const char *xb_category_name(enum xb_category c)
{
    return c < XB_NCATEGORY ? category_names[c] : "?";
}

int xb_category_parse(const char *s, enum xb_category *c)
{
    for (int i = 0; i < XB_NCATEGORY; i++) {
        if (strcmp(s, category_names[i]) == 0) {
            *c = (enum xb_category)i;
            return 0;
        }
    }
    return -1;
}

void xb_cat_row_init(struct xb_cat_row *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->arch, sizeof r->arch, "x86_64");
    r->clock_ghz = r->mflops_per_vcpu = NAN;
    r->burst_baseline_pct = NAN;
    r->burst_credits_per_hour = r->burst_max_credits = NAN;
    r->burst_initial_credits = NAN;
    r->net_gbps = r->disk_mbps = r->disk_iops = NAN;
    r->net_burst_gbps = r->disk_burst_mbps = r->disk_burst_iops = NAN;
    r->price_1y_hour = r->price_3y_hour = NAN;
}

int xb_cat_row_check(const struct xb_cat_row *r, const char *where,
                     struct xb_err *err)
{
    const char *bad = NULL;
    if (strcmp(r->provider, "aws") && strcmp(r->provider, "azure") &&
        strcmp(r->provider, "gcp"))
        bad = "provider: not one of aws, azure, gcp";
    else if (!r->type[0])
        bad = "type: empty";
    else if (!r->region[0])
        bad = "region: empty";
    else if (strcmp(r->arch, "x86_64") && strcmp(r->arch, "arm64"))
        bad = "arch: not x86_64 or arm64";
    else if (r->vcpu < 1)
        bad = "vcpu: must be at least 1";
    else if (!(r->mem_gib > 0))
        bad = "memory_gib: must be above 0";
    else if (!(r->price_hour >= 0) || isinf(r->price_hour))
        bad = "price_usd_hour: must be a number >= 0";
    else if (r->price_1y_hour > r->price_hour || r->price_3y_hour > r->price_hour)
        bad = "price_1y_usd_hour, price_3y_usd_hour: a commitment price above the "
              "on-demand one";
    else if (!r->source[0])
        bad = "source: empty (every row names where its figures come from)";
    else if (!xb_is_date(r->as_of))
        bad = "as_of: not a date YYYY-MM-DD";
    else if (r->category == XB_CAT_BURSTABLE &&
             !(r->burst_baseline_pct > 0 && r->burst_baseline_pct <= 100))
        bad = "burst_baseline_pct: a burstable type needs its baseline (0-100 % "
              "of each vCPU)";
    else if (r->category != XB_CAT_BURSTABLE && !isnan(r->burst_baseline_pct))
        bad = "burst_baseline_pct: only burstable types have one";
    else if (isnan(r->burst_credits_per_hour) != isnan(r->burst_max_credits) ||
             isnan(r->burst_credits_per_hour) != isnan(r->burst_initial_credits))
        bad = "burst_credits_per_hour, burst_max_credits, burst_initial_credits: "
              "give all three or none";
    else if (!isnan(r->burst_credits_per_hour) &&
             (r->category != XB_CAT_BURSTABLE || r->burst_credits_per_hour < 0 ||
              r->burst_max_credits < 0 || r->burst_initial_credits < 0))
        bad = "burst credits: only burstable types have them, each >= 0";
    if (bad)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", where, bad);
    return 0;
}

int xb_catalog_add(struct xb_catalog *c, const struct xb_cat_row *r)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 128;
        struct xb_cat_row *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = *r;
    return 0;
}

enum {
    C_PROVIDER, C_TYPE, C_CATEGORY, C_REGION, C_ARCH, C_VCPU, C_MEM, C_CLOCK,
    C_MFLOPS, C_BASE, C_CRED_H, C_CRED_MAX, C_CRED_INIT, C_NET, C_NET_BURST,
    C_DISK_MBPS, C_DISK_IOPS, C_DISK_BURST_MBPS, C_DISK_BURST_IOPS, C_PRICE,
    C_PRICE_1Y, C_PRICE_3Y, C_SOURCE, C_ASOF, C_NCOLS
};

struct loader {
    struct xb_csv_col cols[C_NCOLS];
    struct xb_catalog rows;         /* this file's rows, joined on success */
    struct xb_err *err;
};

static int copy_text(const struct xb_csv_row *row, const struct xb_csv_col *col,
                     char *dst, size_t len, struct xb_err *err)
{
    const char *s = xb_csv_get(row, col);
    if (strlen(s) >= len)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": longer "
                          "than %zu bytes", row->path, row->line, col->name, len - 1);
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int on_row(const struct xb_csv_row *row, void *ctx)
{
    struct loader *L = ctx;
    struct xb_err *err = L->err;
    const struct xb_csv_col *c = L->cols;
    if (row->line == 1)
        return xb_csv_map(row, L->cols, C_NCOLS, err);

    struct xb_cat_row r;
    xb_cat_row_init(&r);
    int rc = copy_text(row, &c[C_PROVIDER], r.provider, sizeof r.provider, err);
    if (!rc)
        rc = copy_text(row, &c[C_TYPE], r.type, sizeof r.type, err);
    if (!rc)
        rc = copy_text(row, &c[C_REGION], r.region, sizeof r.region, err);
    if (!rc)
        rc = copy_text(row, &c[C_ARCH], r.arch, sizeof r.arch, err);
    if (!rc)
        rc = copy_text(row, &c[C_SOURCE], r.source, sizeof r.source, err);
    if (!rc)
        rc = copy_text(row, &c[C_ASOF], r.as_of, sizeof r.as_of, err);
    if (rc)
        return rc;
    const char *s = xb_csv_get(row, &c[C_CATEGORY]);
    if (xb_category_parse(s, &r.category))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"category\": '%s' "
                          "is not one of general, compute, memory, burstable, "
                          "storage, hpc, accelerated",
                          row->path, row->line, s);
    s = xb_csv_get(row, &c[C_VCPU]);
    if (xb_parse_count(s, &r.vcpu))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"vcpu\": '%s' is "
                          "not a whole number >= 1", row->path, row->line, s);
    struct { int col; double *v; } nums[] = {
        { C_MEM, &r.mem_gib }, { C_CLOCK, &r.clock_ghz },
        { C_MFLOPS, &r.mflops_per_vcpu }, { C_BASE, &r.burst_baseline_pct },
        { C_CRED_H, &r.burst_credits_per_hour }, { C_CRED_MAX, &r.burst_max_credits },
        { C_CRED_INIT, &r.burst_initial_credits }, { C_NET, &r.net_gbps },
        { C_NET_BURST, &r.net_burst_gbps }, { C_DISK_MBPS, &r.disk_mbps },
        { C_DISK_IOPS, &r.disk_iops }, { C_DISK_BURST_MBPS, &r.disk_burst_mbps },
        { C_DISK_BURST_IOPS, &r.disk_burst_iops }, { C_PRICE, &r.price_hour },
        { C_PRICE_1Y, &r.price_1y_hour }, { C_PRICE_3Y, &r.price_3y_hour },
    };
    for (size_t i = 0; !rc && i < sizeof nums / sizeof nums[0]; i++)
        rc = xb_csv_get_num(row, &c[nums[i].col], !c[nums[i].col].required,
                            nums[i].v, err);
    if (rc)
        return rc;
    char where[4200];
    snprintf(where, sizeof where, "%s: line %u: field", row->path, row->line);
    if ((rc = xb_cat_row_check(&r, where, err)))
        return rc;
    return xb_catalog_add(&L->rows, &r) ? xb_err_set(err, -ENOMEM, "out of memory")
                                        : 0;
}

int xb_catalog_load_file(struct xb_catalog *c, const char *path, struct xb_err *err)
{
    static const struct xb_csv_col cols[C_NCOLS] = {
        { "provider", true, -1 }, { "type", true, -1 }, { "category", true, -1 },
        { "region", true, -1 }, { "arch", true, -1 }, { "vcpu", true, -1 },
        { "memory_gib", true, -1 }, { "clock_ghz", false, -1 },
        { "mflops_per_vcpu", false, -1 }, { "burst_baseline_pct", false, -1 },
        { "burst_credits_per_hour", false, -1 }, { "burst_max_credits", false, -1 },
        { "burst_initial_credits", false, -1 }, { "net_gbps", false, -1 },
        { "net_burst_gbps", false, -1 }, { "disk_mbps", false, -1 },
        { "disk_iops", false, -1 }, { "disk_burst_mbps", false, -1 },
        { "disk_burst_iops", false, -1 }, { "price_usd_hour", true, -1 },
        { "price_1y_usd_hour", false, -1 }, { "price_3y_usd_hour", false, -1 },
        { "source", true, -1 }, { "as_of", true, -1 },
    };
    struct loader L = { .err = err };
    memcpy(L.cols, cols, sizeof cols);
    int rc = xb_csv_read(path, on_row, &L, err);
    for (size_t i = 0; !rc && i < L.rows.n; i++)
        if (xb_catalog_add(c, &L.rows.v[i]))
            rc = xb_err_set(err, -ENOMEM, "out of memory");
    if (!rc)
        c->files++;
    xb_catalog_free(&L.rows);
    return rc;
}

int xb_catalog_load_dir(struct xb_catalog *c, const char *dir, struct xb_err *err)
{
    struct xb_dirlist l;
    int rc = xb_dirlist(dir, "", ".csv", &l, err);
    for (size_t i = 0; !rc && i < l.n; i++)
        rc = xb_catalog_load_file(c, l.path[i], err);
    if (!rc && l.n == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: no catalogue (*.csv) files", dir);
    xb_dirlist_free(&l);
    return rc;
}

/* Order for the merge: key, then newest as_of last, file order last. */
static int cmp_key(const struct xb_cat_row *a, const struct xb_cat_row *b)
{
    int d = strcmp(a->provider, b->provider);
    if (!d)
        d = strcmp(a->type, b->type);
    if (!d)
        d = strcmp(a->region, b->region);
    return d;
}

struct ranked {
    struct xb_cat_row *r;
    size_t order;
};

static int cmp_ranked(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    int d = cmp_key(a->r, b->r);
    if (!d)
        d = strcmp(a->r->as_of, b->r->as_of);
    if (!d)
        d = (a->order > b->order) - (a->order < b->order);
    return d;
}

static int cmp_plan_order(const void *pa, const void *pb)
{
    const struct xb_cat_row *a = pa, *b = pb;
    int d = strcmp(a->provider, b->provider);
    if (!d)
        d = strcmp(a->region, b->region);
    if (!d)
        d = (a->price_hour > b->price_hour) - (a->price_hour < b->price_hour);
    if (!d)
        d = (a->vcpu > b->vcpu) - (a->vcpu < b->vcpu);
    if (!d)
        d = (a->mem_gib > b->mem_gib) - (a->mem_gib < b->mem_gib);
    if (!d)
        d = strcmp(a->type, b->type);
    return d;
}

void xb_catalog_merge(struct xb_catalog *c)
{
    if (c->n == 0)
        return;
    struct ranked *rk = malloc(c->n * sizeof *rk);
    struct xb_cat_row *out = malloc(c->n * sizeof *out);
    if (!rk || !out) {
        /* Without memory for the merge, keep every row: still correct input
         * for sizing, which takes the cheapest anyway. */
        free(rk);
        free(out);
        qsort(c->v, c->n, sizeof *c->v, cmp_plan_order);
        return;
    }
    for (size_t i = 0; i < c->n; i++)
        rk[i] = (struct ranked){ &c->v[i], i };
    qsort(rk, c->n, sizeof *rk, cmp_ranked);
    size_t m = 0;
    for (size_t i = 0; i < c->n; i++)
        if (i + 1 == c->n || cmp_key(rk[i].r, rk[i + 1].r) != 0)
            out[m++] = *rk[i].r;
    free(rk);
    free(c->v);
    c->v = out;
    c->n = c->cap = m;
    qsort(c->v, c->n, sizeof *c->v, cmp_plan_order);
}

void xb_catalog_free(struct xb_catalog *c)
{
    free(c->v);
    memset(c, 0, sizeof *c);
}

static void put_num(FILE *f, double v)
{
    if (!isnan(v))
        fprintf(f, "%.10g", v);
}

int xb_catalog_format(const struct xb_catalog *c, char **text, size_t *len,
                      struct xb_err *err)
{
    FILE *f = open_memstream(text, len);
    if (!f)
        return xb_err_set(err, -ENOMEM, "out of memory");
    fputs(XB_CATALOG_HEADER "\n", f);
    for (size_t i = 0; i < c->n; i++) {
        const struct xb_cat_row *r = &c->v[i];
        xb_csv_field(f, r->provider);
        fputc(',', f);
        xb_csv_field(f, r->type);
        fprintf(f, ",%s,", xb_category_name(r->category));
        xb_csv_field(f, r->region);
        fprintf(f, ",%s,%u,", r->arch, r->vcpu);
        const double nums[] = { r->mem_gib, r->clock_ghz, r->mflops_per_vcpu,
                                r->burst_baseline_pct, r->burst_credits_per_hour,
                                r->burst_max_credits, r->burst_initial_credits,
                                r->net_gbps, r->net_burst_gbps, r->disk_mbps,
                                r->disk_iops, r->disk_burst_mbps,
                                r->disk_burst_iops, r->price_hour,
                                r->price_1y_hour, r->price_3y_hour };
        for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
            put_num(f, nums[k]);
            fputc(',', f);
        }
        xb_csv_field(f, r->source);
        fprintf(f, ",%s\n", r->as_of);
    }
    if (fclose(f)) {
        free(*text);
        *text = NULL;
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    return 0;
}

int xb_catalog_write(const struct xb_catalog *c, const char *path,
                     struct xb_err *err)
{
    char *text;
    size_t len;
    int rc = xb_catalog_format(c, &text, &len, err);
    if (rc)
        return rc;
    rc = xb_write_file_atomic(path, text, len, err);
    free(text);
    return rc;      /* -errno: exit status 1 */
}
