/* write.c: writing runs and samples into the history database.
 *
 * The caller holds the transaction (xb_store_begin); nothing here commits.
 * Replacing a run deletes its samples by the foreign key's ON DELETE CASCADE,
 * then VMs and hosts that are left without samples or runs are removed, so
 * the file holds exactly what the imported runs say.
 */
#include "store_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

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
        " interval_s, npcpu, cpu_mhz, cpu_mhz_from, imported_utc)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING run_id",
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
    rc = step_done(s, st, "writing the run", run_id, err);
    sqlite3_finalize(st);
    return rc;
}

static int vm_id_of(struct xb_store *s, const char *name, int64_t *id,
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

int xb_store_put_sample(struct xb_store *s, int64_t run_id, unsigned win,
                        uint32_t domid, uint32_t instance, const char *name,
                        const struct xb_sample *x, struct xb_err *err)
{
    int64_t vm;
    int rc = vm_id_of(s, name, &vm, err);
    if (!rc)
        rc = prepare(s, &s->ins_sample,
            "INSERT INTO sample (run_id, win, domid, instance, vm_id, t_unix,"
            " len_s, vcpus, cpu_cores, waited_cores, blocked_cores, known_frac,"
            " mem_alloc_bytes, mem_used_bytes, disk_read_Bps, disk_write_Bps,"
            " disk_read_iops, disk_write_iops, net_rx_Bps, net_tx_Bps,"
            " llc_refs_ps, llc_misses_ps) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
            " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
            " ?21, ?22)", err);
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
    const double opt[] = { x->mem_alloc_bytes, x->mem_used_bytes,
                           x->disk_read_Bps, x->disk_write_Bps,
                           x->disk_read_iops, x->disk_write_iops,
                           x->net_rx_Bps, x->net_tx_Bps,
                           x->llc_refs_ps, x->llc_misses_ps };
    for (int i = 0; i < (int)(sizeof opt / sizeof opt[0]); i++)
        bind_opt(st, 13 + i, opt[i]);
    return step_done(s, st, "writing a sample", NULL, err);
}

int xb_store_end_run(struct xb_store *s, int64_t run_id, double span_s,
                     struct xb_err *err)
{
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE run SET span_s = %.9f WHERE run_id = %lld",
             span_s, (long long)run_id);
    int rc = xb_store_exec(s, sql, err);
    if (!rc)
        rc = xb_store_exec(s,
            "DELETE FROM vm WHERE NOT EXISTS"
            " (SELECT 1 FROM sample WHERE sample.vm_id = vm.vm_id);"
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
