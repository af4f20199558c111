/* samples_csv.c: reading the generic samples CSV (see samples_csv.h)
 * through the CSV reader (util/csvread.c, libcsv).  It owns the header's
 * columns, their units and every field's check.  It must not decide what a
 * row means to the history or keep anything of a VM between rows
 * (store/import_csv.c). */
#include "samples_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/csvread.h"
#include "util/parse.h"

/* The columns that are not metric table rows, in the order of the docs. */
enum {
    C_TIME, C_VM, C_HOST, C_VCPUS, C_CPU_CORES, C_CPU_PCT, C_WAITED, C_BLOCKED,
    C_MEM_ALLOC, C_CPU_MHZ, C_NFIXED
};

static const char *const fixed[C_NFIXED] = {
    "time", "vm", "host", "vcpus", "cpu_cores", "cpu_pct", "waited_cores",
    "blocked_cores", "mem_alloc_mib", "cpu_mhz",
};

struct reader {
    struct xb_csv_col cols[C_NFIXED + XB_METRIC_MAX];
    int metric[XB_METRIC_MAX];  /* cols index of xb_metrics[i], -1: not stored */
    size_t ncols;
    xb_csvs_fn fn;
    void *ctx;
    size_t *rows;
    struct xb_err *err;
};

static int header(struct reader *R, const struct xb_csv_row *h)
{
    struct xb_err *err = R->err;
    for (size_t k = 0; k < h->n; k++) {
        size_t i = 0;
        while (i < R->ncols && strcmp(R->cols[i].name, h->f[k]) != 0)
            i++;
        if (i == R->ncols)
            return xb_err_set(err, -XB_EINPUT, "%s: line %u: column %zu \"%s\" is not "
                              "a column of the samples CSV (docs/commands/import.md)",
                              h->path, h->line, k + 1, h->f[k]);
        for (size_t j = 0; j < k; j++)
            if (strcmp(h->f[j], h->f[k]) == 0)
                return xb_err_set(err, -XB_EINPUT, "%s: line %u: column \"%s\" is "
                                  "named twice (columns %zu and %zu)", h->path,
                                  h->line, h->f[k], j + 1, k + 1);
    }
    int rc = xb_csv_map(h, R->cols, R->ncols, err);
    if (rc)
        return rc;
    bool cores = R->cols[C_CPU_CORES].idx >= 0, pct = R->cols[C_CPU_PCT].idx >= 0;
    if (cores == pct)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: the header needs one of the "
                          "columns \"cpu_cores\" and \"cpu_pct\"%s", h->path, h->line,
                          cores ? ", not both" : "");
    return 0;
}

static int bad(const struct xb_csv_row *row, const struct xb_csv_col *c,
               const char *what, struct xb_err *err)
{
    return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": '%s' is not %s",
                      row->path, row->line, c->name, xb_csv_get(row, c), what);
}

static int time_field(const struct xb_csv_row *row, const struct xb_csv_col *c,
                      double *t, struct xb_err *err)
{
    const char *s = xb_csv_get(row, c);
    if (!xb_parse_utc(s, t))
        return 0;
    /* 1e11 s is the year 5138: a larger stamp is milliseconds. */
    if (!xb_parse_num(s, t) && *t >= 0 && *t < 1e11)
        return 0;
    return bad(row, c, "a time (ISO 8601 UTC, 2013-07-01T00:00:00Z, or seconds "
               "since 1970)", err);
}

static int num(const struct xb_csv_row *row, const struct xb_csv_col *c, double *v,
               struct xb_err *err)
{
    return xb_csv_get_num(row, c, !c->required, v, err);
}

static int on_row(const struct xb_csv_row *row, void *ctx)
{
    struct reader *R = ctx;
    struct xb_err *err = R->err;
    if (row->line == 1)
        return header(R, row);
    const struct xb_csv_col *c = R->cols;
    struct xb_csvs_row r = { .path = row->path, .line = row->line };
    struct xb_sample *x = &r.x;
    xb_sample_init(x);
    r.vm = xb_csv_get(row, &c[C_VM]);
    if (!*r.vm)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"vm\": empty",
                          row->path, row->line);
    const char *host = xb_csv_get(row, &c[C_HOST]);
    r.host = *host ? host : NULL;
    double vcpus, cpu, mem, waited, blocked;
    int rc = time_field(row, &c[C_TIME], &x->t_unix, err);
    if (!rc)
        rc = num(row, &c[C_VCPUS], &vcpus, err);
    if (!rc && (vcpus < 1 || vcpus != floor(vcpus) || vcpus > 1e6))
        rc = bad(row, &c[C_VCPUS], "a whole number of vCPUs >= 1", err);
    bool pct = c[C_CPU_PCT].idx >= 0;
    if (!rc)
        rc = xb_csv_get_num(row, &c[pct ? C_CPU_PCT : C_CPU_CORES], false, &cpu, err);
    /* Present, they are in every row: the sample table holds both of
     * every window it keeps (store/import_csv.h). */
    if (!rc)
        rc = xb_csv_get_num(row, &c[C_WAITED], c[C_WAITED].idx < 0, &waited, err);
    if (!rc)
        rc = xb_csv_get_num(row, &c[C_BLOCKED], c[C_BLOCKED].idx < 0, &blocked, err);
    if (!rc)
        rc = num(row, &c[C_MEM_ALLOC], &mem, err);
    if (!rc)
        rc = num(row, &c[C_CPU_MHZ], &x->cpu_mhz, err);
    if (!rc && x->cpu_mhz == 0)
        rc = bad(row, &c[C_CPU_MHZ], "a clock > 0 MHz", err);
    for (unsigned i = 0; !rc && i < xb_nmetrics; i++) {
        if (R->metric[i] < 0)
            continue;
        double v;
        rc = num(row, &c[R->metric[i]], &v, err);
        x->m[i] = v / xb_metrics[i].scale;  /* NAN stays NAN */
    }
    if (rc)
        return rc;
    x->vcpus = (uint32_t)vcpus;
    x->cpu_cores = pct ? cpu / 100.0 * vcpus : cpu;
    x->waited_cores = waited;
    x->blocked_cores = blocked;
    x->mem_alloc_bytes = mem * 1048576.0;
    (*R->rows)++;
    return R->fn(&r, R->ctx);
}

int xb_csvs_read(const char *path, xb_csvs_fn fn, void *ctx, size_t *rows,
                 struct xb_err *err)
{
    struct reader R = { .fn = fn, .ctx = ctx, .rows = rows, .err = err };
    *rows = 0;
    for (int i = 0; i < C_NFIXED; i++)
        R.cols[R.ncols++] = (struct xb_csv_col){ fixed[i], i == C_TIME ||
                                                 i == C_VM || i == C_VCPUS, -1 };
    for (unsigned i = 0; i < xb_nmetrics; i++) {
        R.metric[i] = -1;
        if (xb_metrics[i].column) {
            R.metric[i] = (int)R.ncols;
            R.cols[R.ncols++] = (struct xb_csv_col){ xb_metrics[i].name, false, -1 };
        }
    }
    int rc = xb_csv_read(path, on_row, &R, err);
    if (!rc && *rows == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: line 1: a header and no samples", path);
    return rc;
}
