/* read.c: loading the samples of a look-back window into struct xb_history.
 * It owns the SELECT; the metric columns are the metric table's rows that
 * the file has (db.c found them): a file of an older version, or written
 * before a row was added, reads NAN for the columns it lacks.
 *
 * The look-back ends at the end of the newest sample in the file, not at the
 * wall clock: planning the same database gives the same answer tomorrow, and
 * a database of old recordings is still planned.
 * It must not write.
 */
#include "store_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/rollup.h"
#include "util/grow.h"

/* Column i as a number, NAN where NULL.  One sqlite3_column_value() call
 * per column, not a type call and a value call: a plan reads millions of
 * roll-up rows with some 30 columns each, and each column_* call pays
 * SQLite's API entry and exit.  The value is used at once, on the thread
 * that owns the handle (the store is one thread per handle). */
static double col_opt(sqlite3_stmt *st, int i)
{
    sqlite3_value *v = sqlite3_column_value(st, i);
    return sqlite3_value_type(v) == SQLITE_NULL ? NAN : sqlite3_value_double(v);
}

/* ---- points: roll-ups as the sizing methods read them, VM by VM -------- */

int xb_store_data_end(struct xb_store *s, double *t_end, struct xb_err *err)
{
    const char *sql = s->has_rollup
        ? "SELECT max(e) FROM (SELECT max(t_unix + len_s) AS e FROM sample"
          " UNION ALL SELECT max(r.start_unix + r.span_s) FROM run r"
          " WHERE EXISTS (SELECT 1 FROM vm_run vr WHERE vr.run_id = r.run_id))"
        : "SELECT max(t_unix + len_s) FROM sample";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "reading samples", err);
    rc = sqlite3_step(st);
    *t_end = rc == SQLITE_ROW ? col_opt(st, 0) : NAN;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : xb_store_sqlerr(s, rc, "reading samples", err);
}

int xb_store_vm_refs(struct xb_store *s, struct xb_vm_ref **out, size_t *nout,
                     struct xb_err *err)
{
    /* A run's end is its start plus its span; VMs are found through their
     * samples and (from version 3) the runs that hold their roll-ups. */
    const char *sql = s->has_rollup
        ? "SELECT v.vm_id, h.name, v.name, max(e) FROM vm v"
          " JOIN host h ON h.host_id = v.host_id LEFT JOIN"
          " (SELECT vr.vm_id AS vm_id, r.start_unix + coalesce(r.span_s, 0) AS e"
          " FROM vm_run vr JOIN run r ON r.run_id = vr.run_id UNION ALL"
          " SELECT vm_id, max(t_unix + len_s) FROM sample GROUP BY vm_id) x"
          " ON x.vm_id = v.vm_id GROUP BY v.vm_id ORDER BY h.name, v.name"
        : "SELECT v.vm_id, h.name, v.name, max(s.t_unix + s.len_s) FROM vm v"
          " JOIN host h ON h.host_id = v.host_id LEFT JOIN sample s"
          " ON s.vm_id = v.vm_id GROUP BY v.vm_id ORDER BY h.name, v.name";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "reading VMs", err);
    struct xb_vm_ref *v = NULL;
    size_t n = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (xb_grow((void **)&v, &cap, n, sizeof *v, 64)) {
            rc = SQLITE_NOMEM;
            break;
        }
        v[n].vm_id = sqlite3_column_int64(st, 0);
        snprintf(v[n].host, sizeof v[n].host, "%s", sqlite3_column_text(st, 1));
        snprintf(v[n].name, sizeof v[n].name, "%s", sqlite3_column_text(st, 2));
        v[n].end_unix = col_opt(st, 3);
        n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return rc == SQLITE_NOMEM ? xb_err_set(err, -ENOMEM, "out of memory")
                                  : xb_store_sqlerr(s, rc, "reading VMs", err);
    }
    *out = v;
    *nout = n;
    return 0;
}

static double scaled(sqlite3_stmt *st, int i, double f)
{
    return col_opt(st, i) / f;
}

static int grow_series(struct xb_series *v)
{
    return xb_grow((void **)&v->s, &v->cap, v->n, sizeof *v->s, 256) ? -ENOMEM : 0;
}

static int cmp_point(const void *a, const void *b)
{
    double x = ((const struct xb_sample *)a)->t_unix;
    double y = ((const struct xb_sample *)b)->t_unix;
    return (x > y) - (x < y);
}

/* The columns every roll-up query selects, the metric pairs after them. */
#define ROLLUP_COLS \
    "r.t_unix, r.n, r.len_ms, r.covered_ms, r.vcpus, r.mem_alloc_kib," \
    " r.cpu_max_mc, r.cpu_mean_mc, r.demand_max_mc, r.demand_mean_mc," \
    " r.waited_mean_mc, r.blocked_mean_mc, ru.cpu_mhz, h.host_mflops, r.domid"
enum { RC_T, RC_N, RC_LEN, RC_COV, RC_VCPUS, RC_MEM, RC_CPU_MAX, RC_CPU_MEAN,
       RC_DEM_MAX, RC_DEM_MEAN, RC_WAIT, RC_BLOCK, RC_MHZ, RC_MFLOPS, RC_DOMID,
       RC_METRICS };

/* A mean column: NULL in a bucket of one window, where it is the maximum. */
static double mean_col(sqlite3_stmt *st, int mean, int max, double f)
{
    double x = col_opt(st, mean);
    if (isnan(x) && sqlite3_column_int(st, RC_N) == 1)
        return scaled(st, max, f);
    return x / f;
}

/* One roll-up row as a point of each statistic asked (either may be NULL). */
static void rollup_points(struct xb_store *s, sqlite3_stmt *st, struct xb_sample *mx,
                          struct xb_sample *mn)
{
    struct xb_sample x;
    xb_sample_init(&x);
    x.t_unix = sqlite3_column_double(st, RC_T);
    x.len_s = sqlite3_column_double(st, RC_LEN) / 1000;
    x.interval_s = x.len_s;
    x.known_frac = x.len_s > 0 ? sqlite3_column_double(st, RC_COV) / 1000 / x.len_s : 0;
    x.vcpus = (uint32_t)sqlite3_column_int(st, RC_VCPUS);
    x.mem_alloc_bytes = col_opt(st, RC_MEM) * 1024;
    x.waited_cores = scaled(st, RC_WAIT, 1000);
    x.blocked_cores = scaled(st, RC_BLOCK, 1000);
    x.cpu_mhz = col_opt(st, RC_MHZ);
    x.host_mflops = col_opt(st, RC_MFLOPS);
    double cpu_mean = mean_col(st, RC_CPU_MEAN, RC_CPU_MAX, 1000);
    double dem_mean = mean_col(st, RC_DEM_MEAN, RC_DEM_MAX, 1000);
    if (isnan(dem_mean))        /* waited unknown: the use is the demand */
        dem_mean = cpu_mean;
    x.demand_mean = dem_mean;
    if (mn) {
        *mn = x;
        mn->cpu_cores = cpu_mean;
        mn->demand_cores = dem_mean;
    }
    if (mx) {
        *mx = x;
        mx->cpu_cores = scaled(st, RC_CPU_MAX, 1000);
        mx->demand_cores = scaled(st, RC_DEM_MAX, 1000);
        if (isnan(mx->demand_cores))
            mx->demand_cores = mx->cpu_cores;
    }
    for (unsigned i = 0, k = RC_METRICS; i < xb_nmetrics; i++) {
        if (!s->has_rcol[i])
            continue;
        double f = xb_rollup_factor(&xb_metrics[i]);
        if (mx)
            mx->m[i] = scaled(st, (int)k, f);
        if (mn)
            mn->m[i] = mean_col(st, (int)k + 1, (int)k, f);
        k += 2;
    }
}

/* One VM's roll-ups of a period in [?3, ?4) (for the raw view: only where
 * its run kept no windows). */
static int prepare_rollups(struct xb_store *s, bool raw_view, sqlite3_stmt **st,
                           struct xb_err *err)
{
    char sql[4096];
    size_t n = (size_t)snprintf(sql, sizeof sql, "SELECT " ROLLUP_COLS);
    for (unsigned i = 0; i < xb_nmetrics && n < sizeof sql; i++)
        if (s->has_rcol[i])
            n += (size_t)snprintf(sql + n, sizeof sql - n, ", r.%s_max, r.%s_mean",
                                  xb_metrics[i].column, xb_metrics[i].column);
    if (n < sizeof sql)
        snprintf(sql + n, sizeof sql - n,
            " FROM vm_run vr JOIN rollup r ON r.run_id = vr.run_id AND r.vm_id = vr.vm_id"
            " JOIN run ru ON ru.run_id = r.run_id JOIN host h ON h.host_id = ru.host_id"
            " WHERE vr.vm_id = ?1 AND r.period = ?2 AND r.t_unix + ?2 > ?3"
            " AND r.t_unix < ?4%s",
            raw_view ? " AND r.t_unix + ?2 <= coalesce((SELECT min(x.t_unix) FROM"
                       " sample x WHERE x.vm_id = r.vm_id AND x.run_id = r.run_id),"
                       " 1e300)" : "");
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? 0 : xb_store_sqlerr(s, rc, "reading roll-ups", err);
}

static int prepare_samples(struct xb_store *s, sqlite3_stmt **st, struct xb_err *err)
{
    char sql[2048];
    size_t n = (size_t)snprintf(sql, sizeof sql,
        "SELECT s.domid, s.t_unix, s.len_s, r.interval_s, s.vcpus, s.cpu_cores,"
        " s.waited_cores, s.blocked_cores, s.known_frac, r.cpu_mhz, h.host_mflops,"
        " s.mem_alloc_bytes");
    for (unsigned i = 0; i < xb_nmetrics && n < sizeof sql; i++)
        if (s->has_col[i])
            n += (size_t)snprintf(sql + n, sizeof sql - n, ", s.%s", xb_metrics[i].column);
    if (n < sizeof sql)
        snprintf(sql + n, sizeof sql - n,
                 " FROM sample s JOIN run r ON r.run_id = s.run_id"
                 " JOIN host h ON h.host_id = r.host_id"
                 " WHERE s.vm_id = ?1 AND s.t_unix + s.len_s > ?2 AND s.t_unix < ?3"
                 " ORDER BY s.t_unix, r.run_key, s.win, s.instance");
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? 0 : xb_store_sqlerr(s, rc, "reading samples", err);
}

static int read_samples(struct xb_store *s, sqlite3_stmt *st, struct xb_series *out,
                        struct xb_err *err)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (grow_series(out))
            return xb_err_set(err, -ENOMEM, "out of memory");
        struct xb_sample *x = &out->s[out->n++];
        xb_sample_init(x);
        out->domid = (uint32_t)sqlite3_column_int(st, 0);
        x->t_unix = sqlite3_column_double(st, 1);
        x->len_s = sqlite3_column_double(st, 2);
        x->interval_s = sqlite3_column_double(st, 3);
        x->vcpus = (uint32_t)sqlite3_column_int(st, 4);
        x->cpu_cores = sqlite3_column_double(st, 5);
        x->waited_cores = sqlite3_column_double(st, 6);
        x->blocked_cores = sqlite3_column_double(st, 7);
        x->known_frac = sqlite3_column_double(st, 8);
        if (s->version < 3 && x->known_frac > 0 && x->known_frac < 1) {
            /* stored over the whole window before version 3: over the known
             * part, as the migration to 3 rewrites them */
            x->cpu_cores /= x->known_frac;
            x->waited_cores /= x->known_frac;
            x->blocked_cores /= x->known_frac;
        }
        x->cpu_mhz = col_opt(st, 9);
        x->host_mflops = col_opt(st, 10);
        x->mem_alloc_bytes = col_opt(st, 11);
        for (unsigned i = 0, k = 12; i < xb_nmetrics; i++)
            if (s->has_col[i])
                x->m[i] = col_opt(st, (int)k++);
    }
    return rc == SQLITE_DONE ? 0 : xb_store_sqlerr(s, rc, "reading samples", err);
}

static int read_rollups(struct xb_store *s, sqlite3_stmt *st, struct xb_series *mx,
                        struct xb_series *mn, struct xb_err *err)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((mx && grow_series(mx)) || (mn && grow_series(mn)))
            return xb_err_set(err, -ENOMEM, "out of memory");
        rollup_points(s, st, mx ? &mx->s[mx->n++] : NULL, mn ? &mn->s[mn->n++] : NULL);
        uint32_t domid = (uint32_t)sqlite3_column_int(st, RC_DOMID);
        if (mx)
            mx->domid = domid;
        if (mn)
            mn->domid = domid;
    }
    return rc == SQLITE_DONE ? 0 : xb_store_sqlerr(s, rc, "reading roll-ups", err);
}

/* A file of schema 1 or 2: the windows rolled up here. */
static int rollup_in_memory(const struct xb_series *w, unsigned period,
                            struct xb_series *mx, struct xb_series *mn,
                            struct xb_err *err)
{
    struct xb_rollup_acc a;
    xb_rollup_init(&a, period);
    int rc = 0;
    for (size_t k = 0; !rc && k <= w->n; k++) {
        struct xb_rollup_row r;
        bool done;
        if (k < w->n) {
            if (xb_rollup_add(&a, &w->s[k], &r, &done))
                rc = xb_err_set(err, -ENOMEM, "out of memory");
        } else
            xb_rollup_finish(&a, &r, &done);
        if (rc || !done)
            continue;
        struct xb_sample x;
        xb_sample_init(&x);
        x.t_unix = r.t_unix;
        x.len_s = x.interval_s = r.len_s;
        x.known_frac = r.len_s > 0 ? r.covered_s / r.len_s : 0;
        x.vcpus = r.vcpus;
        x.mem_alloc_bytes = r.mem_alloc_bytes;
        x.waited_cores = r.waited_mean;
        x.blocked_cores = r.blocked_mean;
        x.cpu_mhz = w->s[0].cpu_mhz;
        x.host_mflops = w->s[0].host_mflops;
        x.demand_mean = isnan(r.demand.mean) ? r.cpu.mean : r.demand.mean;
        struct xb_series *out[2] = { mx, mn };
        for (int j = 0; j < 2; j++) {
            if (!out[j])
                continue;
            if (grow_series(out[j])) {
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                break;
            }
            struct xb_sample *p = &out[j]->s[out[j]->n++];
            *p = x;
            p->cpu_cores = j == 0 ? r.cpu.max : r.cpu.mean;
            p->demand_cores = j == 0 ? r.demand.max : r.demand.mean;
            if (isnan(p->demand_cores))
                p->demand_cores = p->cpu_cores;
            for (unsigned i = 0; i < xb_nmetrics; i++)
                p->m[i] = j == 0 ? r.m[i].max : r.m[i].mean;
            out[j]->domid = w->domid;
        }
    }
    xb_rollup_free(&a);
    return rc;
}

int xb_store_vm_points(struct xb_store *s, const struct xb_vm_ref *vm, double t_begin,
                       double t_until, unsigned period, struct xb_series *mx,
                       struct xb_series *mn, struct xb_err *err)
{
    struct xb_series *outs[2] = { mx, mn };
    for (int j = 0; j < 2; j++) {
        if (!outs[j])
            continue;
        outs[j]->n = 0;
        snprintf(outs[j]->host, sizeof outs[j]->host, "%s", vm->host);
        snprintf(outs[j]->name, sizeof outs[j]->name, "%s", vm->name);
    }
    int rc = 0;
    bool raw = period == 0 || !s->has_rollup;
    if (raw) {
        /* Windows: the raw view itself, or what an old file rolls up. */
        if (!s->samples_st)
            rc = prepare_samples(s, &s->samples_st, err);
        struct xb_series w = { 0 }, *into = period == 0 ? (mn ? mn : mx) : &w;
        if (!rc) {
            sqlite3_bind_int64(s->samples_st, 1, vm->vm_id);
            sqlite3_bind_double(s->samples_st, 2, t_begin);
            sqlite3_bind_double(s->samples_st, 3, t_until);
            rc = read_samples(s, s->samples_st, into, err);
            sqlite3_reset(s->samples_st);
        }
        if (!rc && period != 0)
            rc = rollup_in_memory(&w, period, mx, mn, err);
        free(w.s);
        if (rc || !s->has_rollup)
            return rc;
    }
    /* Roll-ups (for the raw view: where no windows were kept). */
    sqlite3_stmt **st = period == 0 ? &s->rollups_raw_st : &s->rollups_st;
    if (!*st)
        rc = prepare_rollups(s, period == 0, st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(*st, 1, vm->vm_id);
    sqlite3_bind_int(*st, 2, (int)(period ? period : 300));
    sqlite3_bind_double(*st, 3, t_begin);
    sqlite3_bind_double(*st, 4, t_until);
    rc = period == 0 ? read_rollups(s, *st, NULL, mn ? mn : mx, err)
                     : read_rollups(s, *st, mx, mn, err);
    sqlite3_reset(*st);
    /* Runs come one after the other: points into time order. */
    for (int j = 0; !rc && j < 2; j++) {
        if (!outs[j])
            continue;
        bool sorted = true;
        for (size_t k = 1; sorted && k < outs[j]->n; k++)
            sorted = outs[j]->s[k - 1].t_unix <= outs[j]->s[k].t_unix;
        if (!sorted)
            qsort(outs[j]->s, outs[j]->n, sizeof *outs[j]->s, cmp_point);
    }
    return rc;
}

int xb_store_load(struct xb_store *s, double lookback_s, struct xb_history *h,
                  struct xb_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT max(t_unix + len_s) FROM sample",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "reading samples", err);
    rc = sqlite3_step(st);
    h->t_end = rc == SQLITE_ROW ? col_opt(st, 0) : NAN;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return xb_store_sqlerr(s, rc, "reading samples", err);
    if (isnan(h->t_end)) {
        h->t_begin = h->t_end = 0;
        return 0;
    }
    h->t_begin = lookback_s > 0 ? h->t_end - lookback_s : -INFINITY;
    struct xb_vm_ref *refs;
    size_t n;
    rc = xb_store_vm_refs(s, &refs, &n, err);
    if (!rc && !s->samples_st)
        rc = prepare_samples(s, &s->samples_st, err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct xb_series v = { 0 };
        snprintf(v.host, sizeof v.host, "%s", refs[i].host);
        snprintf(v.name, sizeof v.name, "%s", refs[i].name);
        sqlite3_bind_int64(s->samples_st, 1, refs[i].vm_id);
        sqlite3_bind_double(s->samples_st, 2, lookback_s > 0 ? h->t_begin : -1e300);
        sqlite3_bind_double(s->samples_st, 3, 1e300);
        rc = read_samples(s, s->samples_st, &v, err);
        sqlite3_reset(s->samples_st);
        if (!rc && v.n) {
            if (xb_grow((void **)&h->vm, &h->cap, h->n, sizeof *h->vm, 16)) {
                free(v.s);
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                break;
            }
            h->vm[h->n++] = v;
        } else
            free(v.s);
    }
    free(refs);
    return rc;
}
