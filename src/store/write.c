/* write.c: writing runs and samples into the history database.  It owns
 * the INSERTs; the schema is db.c's, the sample's metric columns are the
 * metric table's (model/metric.h), bound by name, never by a fixed position.
 *
 * The caller holds the transaction (xb_store_begin); nothing here commits,
 * and nothing here may change the schema (db.c) or read figures back (read.c).
 * Replacing a run deletes its samples by the foreign key's ON DELETE CASCADE,
 * then VMs and hosts that are left without samples or runs are removed, so
 * the file holds exactly what the imported runs say.
 */
#include "store_int.h"

#include "store/rollup.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/version.h"

static void bind_opt(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Step a statement that returns no row (or one id row when id != NULL). */
static int step_done(struct xb_store *s, sqlite3_stmt *st, const char *what,
                     int64_t *id, struct xb_err *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && id) {
        *id = sqlite3_column_int64(st, 0);
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE)
        rc = xb_store_sqlerr(s, rc, what, err);
    else
        rc = 0;
    sqlite3_reset(st);
    return rc;
}

static int prepare(struct xb_store *s, sqlite3_stmt **st, const char *sql,
                   struct xb_err *err)
{
    if (*st)
        return 0;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? 0 : xb_store_sqlerr(s, rc, "preparing SQL", err);
}

static int upsert_host(struct xb_store *s, const struct xb_run_rec *r,
                       struct xb_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
        "INSERT INTO host (name, cpu_model, cpu_mhz) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (name) DO UPDATE SET "
        " cpu_model = coalesce(excluded.cpu_model, cpu_model),"
        " cpu_mhz = coalesce(excluded.cpu_mhz, cpu_mhz) "
        "RETURNING host_id", err);
    if (rc)
        return rc;
    bind_text(st, 1, r->host);
    bind_text(st, 2, r->cpu_model);
    bind_opt(st, 3, r->cpu_mhz);
    rc = step_done(s, st, "writing the host", &s->host_id, err);
    s->vm_id = 0;       /* VM names are per host: forget the last one */
    sqlite3_finalize(st);
    return rc;
}

int xb_store_put_run(struct xb_store *s, const struct xb_run_rec *r,
                     int64_t *run_id, bool *replaced, struct xb_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = upsert_host(s, r, err);
    if (rc)
        return rc;
    /* Roll-ups have no foreign key (db.c): their rows go first. */
    rc = prepare(s, &st, "DELETE FROM rollup WHERE run_id IN (SELECT run_id FROM run"
                 " WHERE run_key = ?1)", err);
    if (rc)
        return rc;
    bind_text(st, 1, r->run_key);
    rc = step_done(s, st, "replacing the run", NULL, err);
    sqlite3_finalize(st);
    st = NULL;
    if (rc)
        return rc;
    rc = prepare(s, &st, "DELETE FROM run WHERE run_key = ?1", err);
    if (rc)
        return rc;
    bind_text(st, 1, r->run_key);
    rc = step_done(s, st, "replacing the run", NULL, err);
    *replaced = sqlite3_changes(s->db) > 0;
    sqlite3_finalize(st);
    if (rc)
        return rc;

    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    st = NULL;
    rc = prepare(s, &st,
        "INSERT INTO run (run_key, host_id, source, path, start_unix, start_from,"
        " interval_s, npcpu, cpu_mhz, cpu_mhz_from, imported_utc, tool_version)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING run_id",
        err);
    if (rc)
        return rc;
    bind_text(st, 1, r->run_key);
    sqlite3_bind_int64(st, 2, s->host_id);
    bind_text(st, 3, r->source);
    bind_text(st, 4, r->path);
    sqlite3_bind_double(st, 5, r->start_unix);
    bind_text(st, 6, r->start_from);
    sqlite3_bind_double(st, 7, r->interval_s);
    sqlite3_bind_int(st, 8, (int)r->npcpu);
    bind_opt(st, 9, r->cpu_mhz);
    bind_text(st, 10, r->cpu_mhz_from);
    bind_text(st, 11, now);
    bind_text(st, 12, xb_version_string());
    rc = step_done(s, st, "writing the run", run_id, err);
    sqlite3_finalize(st);
    return rc;
}

static int vm_lookup(struct xb_store *s, const char *name, int64_t *id,
                     struct xb_err *err);

static int vm_id_of(struct xb_store *s, const char *name, int64_t *id,
                    struct xb_err *err)
{
    if (s->vm_id > 0 && strcmp(s->vm_name, name) == 0) {
        *id = s->vm_id;         /* the same VM as the last sample: no lookup */
        return 0;
    }
    int rc = vm_lookup(s, name, id, err);
    if (!rc && strlen(name) < sizeof s->vm_name) {
        snprintf(s->vm_name, sizeof s->vm_name, "%s", name);
        s->vm_id = *id;
    }
    return rc;
}

static int vm_lookup(struct xb_store *s, const char *name, int64_t *id,
                     struct xb_err *err)
{
    int rc = prepare(s, &s->get_vm,
                     "SELECT vm_id FROM vm WHERE host_id = ?1 AND name = ?2", err);
    if (!rc)
        rc = prepare(s, &s->ins_vm, "INSERT INTO vm (host_id, name) "
                     "VALUES (?1, ?2) RETURNING vm_id", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s->get_vm, 1, s->host_id);
    bind_text(s->get_vm, 2, name);
    *id = -1;
    rc = step_done(s, s->get_vm, "finding the VM", id, err);
    if (rc || *id >= 0)
        return rc;
    sqlite3_bind_int64(s->ins_vm, 1, s->host_id);
    bind_text(s->ins_vm, 2, name);
    return step_done(s, s->ins_vm, "writing the VM", id, err);
}

/* INSERT INTO sample with the fixed columns (?1..?13) and one parameter per
 * metric column after them, in table order. */
static void sample_sql(char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len,
        "INSERT INTO sample (run_id, win, domid, instance, vm_id, t_unix,"
        " len_s, vcpus, cpu_cores, waited_cores, blocked_cores, known_frac,"
        " mem_alloc_bytes");
    for (unsigned i = 0; i < xb_nmetrics && n < len; i++)
        if (xb_metrics[i].column)
            n += (size_t)snprintf(buf + n, len - n, ", %s", xb_metrics[i].column);
    n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                          " ?11, ?12, ?13");
    for (unsigned i = 0, k = 14; i < xb_nmetrics && n < len; i++)
        if (xb_metrics[i].column)
            n += (size_t)snprintf(buf + n, len - n, ", ?%u", k++);
    if (n < len)
        snprintf(buf + n, len - n, ")");
}

int xb_store_put_sample(struct xb_store *s, int64_t run_id, unsigned win,
                        uint32_t domid, uint32_t instance, const char *name,
                        const struct xb_sample *x, struct xb_err *err)
{
    int64_t vm;
    int rc = vm_id_of(s, name, &vm, err);
    if (!rc && !s->ins_sample) {
        char sql[2048];
        sample_sql(sql, sizeof sql);
        rc = prepare(s, &s->ins_sample, sql, err);
    }
    if (rc)
        return rc;
    sqlite3_stmt *st = s->ins_sample;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int(st, 2, (int)win);
    sqlite3_bind_int(st, 3, (int)domid);
    sqlite3_bind_int(st, 4, (int)instance);
    sqlite3_bind_int64(st, 5, vm);
    sqlite3_bind_double(st, 6, x->t_unix);
    sqlite3_bind_double(st, 7, x->len_s);
    sqlite3_bind_int(st, 8, (int)x->vcpus);
    sqlite3_bind_double(st, 9, x->cpu_cores);
    sqlite3_bind_double(st, 10, x->waited_cores);
    sqlite3_bind_double(st, 11, x->blocked_cores);
    sqlite3_bind_double(st, 12, x->known_frac);
    bind_opt(st, 13, x->mem_alloc_bytes);
    for (unsigned i = 0, k = 14; i < xb_nmetrics; i++)
        if (xb_metrics[i].column)
            bind_opt(st, (int)k++, x->m[i]);
    return step_done(s, st, "writing a sample", NULL, err);
}

/* INSERT INTO rollup: the fixed columns (?1..?18), then <column>_max and
 * _mean of each metric column, in table order. */
static void rollup_insert_sql(char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len,
        "INSERT INTO rollup (vm_id, period, t_unix, run_id, domid, n, len_ms,"
        " covered_ms, vcpus, mem_alloc_kib, cpu_max_mc, cpu_mean_mc, cpu_p_mc,"
        " demand_max_mc, demand_mean_mc, demand_p_mc, waited_mean_mc, blocked_mean_mc");
    unsigned k = 18;
    for (unsigned i = 0; i < xb_nmetrics && n < len; i++)
        if (xb_metrics[i].column)
            n += (size_t)snprintf(buf + n, len - n, ", %s_max, %s_mean",
                                  xb_metrics[i].column, xb_metrics[i].column);
    n += (size_t)snprintf(buf + n, n < len ? len - n : 0, ") VALUES (?1");
    for (unsigned i = 2; i <= k && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, ", ?%u", i);
    for (unsigned i = 0; i < xb_nmetrics && n < len; i++)
        if (xb_metrics[i].column) {
            n += (size_t)snprintf(buf + n, len - n, ", ?%u, ?%u", k + 1, k + 2);
            k += 2;
        }
    if (n < len)
        snprintf(buf + n, len - n, ")");
}

/* v x f rounded to an integer, or NULL. */
static void bind_scaled(sqlite3_stmt *st, int i, double v, double f)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, (sqlite3_int64)llround(v * f));
}

/* vm_run: the run holds roll-ups of the VM (once per pair). */
static int note_vm_run(struct xb_store *s, int64_t run_id, int64_t vm,
                       struct xb_err *err)
{
    if (s->vr_run == run_id && s->vr_vm == vm)
        return 0;
    int rc = prepare(s, &s->ins_vm_run, "INSERT OR IGNORE INTO vm_run (vm_id, run_id)"
                     " VALUES (?1, ?2)", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s->ins_vm_run, 1, vm);
    sqlite3_bind_int64(s->ins_vm_run, 2, run_id);
    rc = step_done(s, s->ins_vm_run, "writing a roll-up", NULL, err);
    if (!rc) {
        s->vr_run = run_id;
        s->vr_vm = vm;
    }
    return rc;
}

int xb_store_put_rollup(struct xb_store *s, int64_t run_id, uint32_t domid,
                        const char *name, const struct xb_rollup_row *r,
                        struct xb_err *err)
{
    int64_t vm;
    int rc = vm_id_of(s, name, &vm, err);
    if (!rc)
        rc = note_vm_run(s, run_id, vm, err);
    if (!rc && !s->ins_rollup) {
        char sql[4096];
        rollup_insert_sql(sql, sizeof sql);
        rc = prepare(s, &s->ins_rollup, sql, err);
    }
    if (rc)
        return rc;
    bool one = r->n == 1;       /* one window: mean and percentile = max */
    /* The nearest-rank percentile of up to 20 windows is their maximum. */
    bool pct_is_max = ceil(XB_ROLLUP_PCT / 100.0 * r->n) >= r->n;
    sqlite3_stmt *st = s->ins_rollup;
    sqlite3_bind_int64(st, 1, vm);
    sqlite3_bind_int(st, 2, (int)r->period);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)llround(r->t_unix));
    sqlite3_bind_int64(st, 4, run_id);
    sqlite3_bind_int(st, 5, (int)domid);
    sqlite3_bind_int(st, 6, (int)r->n);
    bind_scaled(st, 7, r->len_s, 1000);
    bind_scaled(st, 8, r->covered_s, 1000);
    sqlite3_bind_int(st, 9, (int)r->vcpus);
    bind_scaled(st, 10, r->mem_alloc_bytes, 1.0 / 1024);
    const struct xb_rstat *c[] = { &r->cpu, &r->demand };
    for (int k = 0; k < 2; k++) {
        bind_scaled(st, 11 + 3 * k, c[k]->max, 1000);
        bind_scaled(st, 12 + 3 * k, one ? NAN : c[k]->mean, 1000);
        bind_scaled(st, 13 + 3 * k, pct_is_max ? NAN : c[k]->pct, 1000);
    }
    bind_scaled(st, 17, r->waited_mean, 1000);
    bind_scaled(st, 18, r->blocked_mean, 1000);
    for (unsigned i = 0, k = 19; i < xb_nmetrics; i++) {
        if (!xb_metrics[i].column)
            continue;
        double f = xb_rollup_factor(&xb_metrics[i]);
        bind_scaled(st, (int)k++, r->m[i].max, f);
        bind_scaled(st, (int)k++, one ? NAN : r->m[i].mean, f);
    }
    return step_done(s, st, "writing a roll-up", NULL, err);
}

int xb_store_end_run(struct xb_store *s, int64_t run_id, double span_s,
                     struct xb_err *err)
{
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE run SET span_s = %.9f WHERE run_id = %lld",
             span_s, (long long)run_id);
    int rc = xb_store_exec(s, sql, err);
    s->vm_id = 0;
    if (!rc)
        rc = xb_store_exec(s,
            "DELETE FROM vm WHERE NOT EXISTS"
            " (SELECT 1 FROM sample WHERE sample.vm_id = vm.vm_id)"
            " AND NOT EXISTS (SELECT 1 FROM vm_run WHERE vm_run.vm_id = vm.vm_id);"
            "DELETE FROM host WHERE NOT EXISTS"
            " (SELECT 1 FROM run WHERE run.host_id = host.host_id)"
            " AND NOT EXISTS (SELECT 1 FROM vm WHERE vm.host_id = host.host_id)"
            " AND host_mflops IS NULL;", err);
    return rc;
}

int xb_store_set_host_mflops(struct xb_store *s, const char *host, double mflops,
                             struct xb_err *err)
{
    if (!(mflops > 0) || isinf(mflops))
        return xb_err_set(err, -XB_EUSAGE, "host MFLOPS must be a positive number");
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "INSERT INTO host (name, host_mflops) VALUES (?1, ?2)"
                     " ON CONFLICT (name) DO UPDATE SET host_mflops = ?2", err);
    if (rc)
        return rc;
    bind_text(st, 1, host);
    sqlite3_bind_double(st, 2, mflops);
    rc = step_done(s, st, "writing the host", NULL, err);
    sqlite3_finalize(st);
    return rc;
}
