/* read.c: loading the samples of a look-back window into struct xb_history.
 *
 * The look-back ends at the end of the newest sample in the file, not at the
 * wall clock: planning the same database gives the same answer tomorrow, and
 * a database of old recordings is still planned.
 */
#include "store_int.h"

#include <errno.h>
#include <math.h>

static double col_opt(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN
                                                     : sqlite3_column_double(st, i);
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

    rc = sqlite3_prepare_v2(s->db,
        "SELECT h.name, v.name, s.domid, s.t_unix, s.len_s, r.interval_s,"
        " s.vcpus, s.cpu_cores, s.waited_cores, s.blocked_cores, s.known_frac,"
        " r.cpu_mhz, h.host_mflops, s.mem_alloc_bytes, s.mem_used_bytes,"
        " s.disk_read_Bps, s.disk_write_Bps, s.disk_read_iops, s.disk_write_iops,"
        " s.net_rx_Bps, s.net_tx_Bps, s.llc_refs_ps, s.llc_misses_ps"
        " FROM sample s JOIN run r ON r.run_id = s.run_id"
        " JOIN vm v ON v.vm_id = s.vm_id JOIN host h ON h.host_id = v.host_id"
        " WHERE s.t_unix + s.len_s > ?1"
        " ORDER BY h.name, v.name, s.t_unix, r.run_key, s.win, s.instance",
        -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "reading samples", err);
    sqlite3_bind_double(st, 1, lookback_s > 0 ? h->t_begin : -1e300);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct xb_sample x;
        x.t_unix = sqlite3_column_double(st, 3);
        x.len_s = sqlite3_column_double(st, 4);
        x.interval_s = sqlite3_column_double(st, 5);
        x.vcpus = (uint32_t)sqlite3_column_int(st, 6);
        x.cpu_cores = sqlite3_column_double(st, 7);
        x.waited_cores = sqlite3_column_double(st, 8);
        x.blocked_cores = sqlite3_column_double(st, 9);
        x.known_frac = sqlite3_column_double(st, 10);
        x.cpu_mhz = col_opt(st, 11);
        x.host_mflops = col_opt(st, 12);
        x.mem_alloc_bytes = col_opt(st, 13);
        x.mem_used_bytes = col_opt(st, 14);
        x.disk_read_Bps = col_opt(st, 15);
        x.disk_write_Bps = col_opt(st, 16);
        x.disk_read_iops = col_opt(st, 17);
        x.disk_write_iops = col_opt(st, 18);
        x.net_rx_Bps = col_opt(st, 19);
        x.net_tx_Bps = col_opt(st, 20);
        x.llc_refs_ps = col_opt(st, 21);
        x.llc_misses_ps = col_opt(st, 22);
        if (xb_history_add(h, (const char *)sqlite3_column_text(st, 0),
                           (const char *)sqlite3_column_text(st, 1),
                           (uint32_t)sqlite3_column_int(st, 2), &x)) {
            sqlite3_finalize(st);
            return xb_err_set(err, -ENOMEM, "out of memory");
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return xb_store_sqlerr(s, rc, "reading samples", err);
    return 0;
}
