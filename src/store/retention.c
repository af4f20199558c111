/* retention.c: deleting what the history keeps no longer (retention.h).
 * It owns the DELETEs of retention; it must not write rows (write.c) nor
 * change the schema (db.c). */
#include "store_int.h"

#include "store/retention.h"
#include "store/rollup.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Run one statement with up to two bound reals; *changes: rows deleted. */
static int run_sql(struct xb_store *s, const char *sql, double a, double b,
                   int64_t *changes, struct xb_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "retention", err);
    int np = sqlite3_bind_parameter_count(st);
    if (np >= 1)
        sqlite3_bind_double(st, 1, a);
    if (np >= 2)
        sqlite3_bind_double(st, 2, b);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return xb_store_sqlerr(s, rc, "retention", err);
    if (changes)
        *changes += sqlite3_changes(s->db);
    return 0;
}

int xb_store_retain(struct xb_store *s, const struct xb_retention *r,
                    struct xb_retention_result *res, struct xb_err *err)
{
    memset(res, 0, sizeof *res);
    int rc = xb_store_data_end(s, &res->t_end, err);
    if (rc || isnan(res->t_end))
        return rc;
    bool raw = r->keep_raw_s > 0, all = r->keep_s > 0;
    double cut_raw = floor((res->t_end - r->keep_raw_s) / 300.0) * 300.0;
    double cut = res->t_end - r->keep_s;
    /* The VM index (vm_id, t_unix) finds each VM's old windows. */
    if (raw && s->has_rollup)
        rc = run_sql(s, "DELETE FROM sample WHERE vm_id IN (SELECT vm_id FROM vm)"
                     " AND t_unix < ?1 AND EXISTS (SELECT 1 FROM rollup r"
                     " WHERE r.run_id = sample.run_id AND r.vm_id = sample.vm_id"
                     " AND r.period = 300"
                     " AND r.t_unix >= CAST(sample.t_unix / 300 AS INTEGER) * 300)",
                     cut_raw, 0, &res->samples, err);
    if (!rc && all)
        rc = run_sql(s, "DELETE FROM sample WHERE vm_id IN (SELECT vm_id FROM vm)"
                     " AND t_unix < ?1 AND t_unix + len_s <= ?1", cut, 0,
                     &res->samples, err);
    /* Roll-ups by their key (run, VM, period, time): one range per pair. */
    for (int p = 0; !rc && all && s->has_rollup && p < XB_ROLLUP_NPERIODS; p++)
        rc = run_sql(s, "DELETE FROM rollup WHERE (run_id, vm_id) IN"
                     " (SELECT vr.run_id, vr.vm_id FROM vm_run vr JOIN run ru"
                     " ON ru.run_id = vr.run_id WHERE ru.start_unix < ?1)"
                     " AND period = ?2 AND t_unix <= ?1 - ?2", cut,
                     xb_rollup_periods[p], &res->rollups, err);
    if (!rc && all && s->has_rollup)
        rc = run_sql(s, "DELETE FROM vm_run WHERE NOT EXISTS (SELECT 1 FROM rollup r"
                     " WHERE r.run_id = vm_run.run_id AND r.vm_id = vm_run.vm_id)",
                     0, 0, NULL, err);
    /* A run left without data, once it ended (a live one's span grows);
     * then VMs without data.  A file before version 3 has no vm_run. */
    char sql[400];
    const char *rl = s->has_rollup ? " AND NOT EXISTS (SELECT 1 FROM vm_run v"
                                     " WHERE v.run_id = run.run_id)" : "";
    const char *vl = s->has_rollup ? " AND NOT EXISTS (SELECT 1 FROM vm_run v"
                                     " WHERE v.vm_id = vm.vm_id)" : "";
    snprintf(sql, sizeof sql, "DELETE FROM run WHERE start_unix + coalesce(span_s, 0)"
             " <= ?1 AND NOT EXISTS (SELECT 1 FROM sample x WHERE x.run_id ="
             " run.run_id)%s", rl);
    if (!rc && (raw || all))
        rc = run_sql(s, sql, all ? cut : cut_raw, 0, &res->runs, err);
    snprintf(sql, sizeof sql, "DELETE FROM vm WHERE NOT EXISTS (SELECT 1 FROM sample x"
             " WHERE x.vm_id = vm.vm_id)%s", vl);
    if (!rc && (raw || all))
        rc = run_sql(s, sql, 0, 0, NULL, err);
    if (!rc && (raw || all))
        rc = run_sql(s, "DELETE FROM host WHERE NOT EXISTS"
                     " (SELECT 1 FROM run r WHERE r.host_id = host.host_id)"
                     " AND NOT EXISTS (SELECT 1 FROM vm v WHERE v.host_id = host.host_id)"
                     " AND host_mflops IS NULL", 0, 0, NULL, err);
    /* The writer's caches may name what is gone. */
    s->vm_id = 0;
    s->vm_name[0] = 0;
    s->vr_run = s->vr_vm = 0;
    return rc;
}
