/* db.c: opening the history database, its versioned schema, transactions.
 *
 * The schema is version XB_STORE_SCHEMA_VERSION, kept in PRAGMA
 * user_version and described in docs/history-db.md.  Version 2 takes the
 * sample table's metric columns from the metric table (model/metric.h: each
 * row with a store column) and describes them in the table `metric`; a
 * writer adds the column of a row the file does not have yet.  Version 3
 * adds the roll-ups (table `rollup`: 5- and 10-minute buckets per VM and
 * run, their metric columns from the same table) and states CPU over the
 * known part of each window.  Versions 1 and 2 are read as they are (the
 * reader rolls their windows up in memory) and migrated when opened for
 * writing: 1 -> 2 adds the metric table, 2 -> 3 divides each window's CPU
 * figures by its known fraction and rolls the stored windows up.
 * run.tool_version (the xenbench that imported the run, util/version.h;
 * apart from the schema version) is added by a writer to a file that lacks
 * it, as a metric column is; rows imported before read NULL.  This file
 * owns the schema and its migrations; it never rewrites a database whose
 * version it does not know, and it does not read or write samples (read.c,
 * write.c).
 */
#include "store_int.h"

#include "store/rollup.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The tables of every version; the sample table's metric columns and the
 * metric table follow (schema_sql). */
static const char schema_base[] =
    "CREATE TABLE host ("
    " host_id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " cpu_model TEXT,"
    " cpu_mhz REAL,"
    " host_mflops REAL);"
    "CREATE TABLE run ("
    " run_id INTEGER PRIMARY KEY,"
    " run_key TEXT NOT NULL UNIQUE,"
    " host_id INTEGER NOT NULL REFERENCES host(host_id),"
    " source TEXT NOT NULL,"
    " path TEXT NOT NULL,"
    " start_unix REAL NOT NULL,"
    " start_from TEXT NOT NULL,"
    " interval_s REAL NOT NULL,"
    " span_s REAL,"
    " npcpu INTEGER NOT NULL,"
    " cpu_mhz REAL,"
    " cpu_mhz_from TEXT,"
    " imported_utc TEXT NOT NULL,"
    " tool_version TEXT);"
    "CREATE TABLE vm ("
    " vm_id INTEGER PRIMARY KEY,"
    " host_id INTEGER NOT NULL REFERENCES host(host_id),"
    " name TEXT NOT NULL,"
    " UNIQUE (host_id, name));"
    "CREATE TABLE sample ("
    " run_id INTEGER NOT NULL REFERENCES run(run_id) ON DELETE CASCADE,"
    " win INTEGER NOT NULL,"
    " domid INTEGER NOT NULL,"
    " instance INTEGER NOT NULL,"
    " vm_id INTEGER NOT NULL REFERENCES vm(vm_id),"
    " t_unix REAL NOT NULL,"
    " len_s REAL NOT NULL,"
    " vcpus INTEGER NOT NULL,"
    " cpu_cores REAL NOT NULL,"
    " waited_cores REAL NOT NULL,"
    " blocked_cores REAL NOT NULL,"
    " known_frac REAL NOT NULL,"
    " mem_alloc_bytes REAL,";

static const char schema_metric[] =
    "CREATE TABLE metric ("
    " column_name TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " counter TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " scale REAL NOT NULL,"
    " unit TEXT NOT NULL);";

/* Roll-ups (store/rollup.h): integers in small units, so that SQLite
 * stores most in one to four bytes: milliseconds, milli-cores, KiB, and
 * each metric in its unit at the metric table's data precision
 * (xb_rollup_factor).  A bucket of one window (a GWA trace's 5-minute
 * sample) leaves the mean and the percentile NULL: they are the maximum.
 * The metric columns <column>_max and <column>_mean follow (rollup_sql).
 * The key leads with the run, so replacing a run deletes a range (write.c
 * deletes it: no foreign key, whose check would cost an index lookup per
 * row of this, the largest table); `vm_run` says which runs hold a VM's
 * roll-ups, so a reader finds them without a second index. */
static const char schema_rollup[] =
    "CREATE TABLE vm_run ("
    " vm_id INTEGER NOT NULL REFERENCES vm(vm_id),"
    " run_id INTEGER NOT NULL REFERENCES run(run_id) ON DELETE CASCADE,"
    " PRIMARY KEY (vm_id, run_id)) WITHOUT ROWID;"
    "CREATE TABLE rollup ("
    " run_id INTEGER NOT NULL,"
    " vm_id INTEGER NOT NULL,"
    " period INTEGER NOT NULL,"
    " t_unix INTEGER NOT NULL,"
    " domid INTEGER NOT NULL,"
    " n INTEGER NOT NULL,"
    " len_ms INTEGER NOT NULL,"
    " covered_ms INTEGER NOT NULL,"
    " vcpus INTEGER NOT NULL,"
    " mem_alloc_kib INTEGER,"
    " cpu_max_mc INTEGER, cpu_mean_mc INTEGER, cpu_p_mc INTEGER,"
    " demand_max_mc INTEGER, demand_mean_mc INTEGER, demand_p_mc INTEGER,"
    " waited_mean_mc INTEGER, blocked_mean_mc INTEGER,";

double xb_rollup_factor(const struct xb_metric *m)
{
    static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
    int d = m->data_digits;
    return m->scale * (d >= 0 && d < 7 ? p10[d] : pow(10, d));
}

/* The rollup table with every metric column, into buf from n on. */
static size_t rollup_sql(char *buf, size_t len, size_t n)
{
    n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s", schema_rollup);
    for (unsigned i = 0; i < xb_nmetrics && n < len; i++)
        if (xb_metrics[i].column)
            n += (size_t)snprintf(buf + n, len - n, " %s_max INTEGER, %s_mean INTEGER,",
                                  xb_metrics[i].column, xb_metrics[i].column);
    n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
                          " PRIMARY KEY (run_id, vm_id, period, t_unix)) WITHOUT ROWID;");
    return n;
}

/* The whole schema of a new file, into buf. */
static void schema_sql(char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "%s", schema_base);
    for (unsigned i = 0; i < xb_nmetrics && n < len; i++)
        if (xb_metrics[i].column)
            n += (size_t)snprintf(buf + n, len - n, " %s REAL,", xb_metrics[i].column);
    if (n < len)
        n += (size_t)snprintf(buf + n, len - n,
                              " PRIMARY KEY (run_id, win, domid, instance)) WITHOUT ROWID;"
                              "CREATE INDEX sample_vm_time ON sample(vm_id, t_unix);%s",
                              schema_metric);
    rollup_sql(buf, len, n < len ? n : len);
}

int xb_store_sqlerr(struct xb_store *s, int rc, const char *what, struct xb_err *err)
{
    int prim = rc & 0xff;
    const char *m = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
        return xb_err_set(err, -XB_EINPUT, "%s: not a usable SQLite database "
                          "(%s)", s->path, m);
    if (prim == SQLITE_NOMEM)
        return xb_err_set(err, -ENOMEM, "out of memory");
    return xb_err_set(err, -EIO, "%s: %s: %s", s->path, what, m);
}

int xb_store_exec(struct xb_store *s, const char *sql, struct xb_err *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : xb_store_sqlerr(s, rc, "SQL", err);
}

static int pragma_int(struct xb_store *s, const char *sql, int64_t *v,
                      struct xb_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "reading the schema", err);
    rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return xb_store_sqlerr(s, rc, "reading the schema", err);
    return 0;
}

/* Which of the metric table's columns the file's sample and rollup tables
 * have (a file before version 3 has no rollup table). */
static int read_columns(struct xb_store *s, struct xb_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT 's', name FROM pragma_table_info('sample')"
                                " UNION ALL SELECT 'r', name FROM"
                                " pragma_table_info('rollup')", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "reading the schema", err);
    memset(s->has_col, 0, sizeof s->has_col);
    memset(s->has_rcol, 0, sizeof s->has_rcol);
    s->has_rollup = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        const char *c = (const char *)sqlite3_column_text(st, 1);
        if (!t || !c)
            continue;
        if (*t == 'r')
            s->has_rollup = true;
        for (unsigned i = 0; i < xb_nmetrics; i++) {
            const char *col = xb_metrics[i].column;
            size_t len = col ? strlen(col) : 0;
            if (!col)
                continue;
            if (*t == 's' && strcmp(c, col) == 0)
                s->has_col[i] = true;
            if (*t == 'r' && strncmp(c, col, len) == 0 && strcmp(c + len, "_max") == 0)
                s->has_rcol[i] = true;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : xb_store_sqlerr(s, rc, "reading the schema", err);
}

/* Version 2 -> 3: CPU over the known part of each window, and the stored
 * windows rolled up by SQL (the same buckets and usable windows as
 * rollup.c; the percentile within is left NULL: SQL has no order
 * statistic).  Inside the caller's transaction. */
static int migrate_v3(struct xb_store *s, struct xb_err *err)
{
    int rc = xb_store_exec(s,
        "UPDATE sample SET cpu_cores = cpu_cores / known_frac,"
        " waited_cores = waited_cores / known_frac,"
        " blocked_cores = blocked_cores / known_frac"
        " WHERE known_frac > 0 AND known_frac < 1", err);
    char sql[8192];
    if (!rc) {
        rollup_sql(sql, sizeof sql, 0);
        rc = xb_store_exec(s, sql, err);
    }
    if (!rc)
        rc = read_columns(s, err);
    for (unsigned p = 0; !rc && p < XB_ROLLUP_NPERIODS; p++) {
        unsigned per = xb_rollup_periods[p];
        size_t n = (size_t)snprintf(sql, sizeof sql,
            "INSERT INTO rollup (vm_id, period, t_unix, run_id, domid, n, len_ms,"
            " covered_ms, vcpus, mem_alloc_kib, cpu_max_mc, cpu_mean_mc, demand_max_mc,"
            " demand_mean_mc, waited_mean_mc, blocked_mean_mc");
        for (unsigned i = 0; i < xb_nmetrics && n < sizeof sql; i++)
            if (xb_metrics[i].column && s->has_col[i])
                n += (size_t)snprintf(sql + n, sizeof sql - n, ", %s_max, %s_mean",
                                      xb_metrics[i].column, xb_metrics[i].column);
        n += (size_t)snprintf(sql + n, n < sizeof sql ? sizeof sql - n : 0,
            ") SELECT s.vm_id, %u, CAST(s.t_unix / %u AS INTEGER) * %u, s.run_id,"
            " max(s.domid), count(*), round(sum(s.len_s) * 1000),"
            " round(sum(s.len_s * s.known_frac) * 1000), max(s.vcpus),"
            " round(max(s.mem_alloc_bytes) / 1024), round(max(s.cpu_cores) * 1000),"
            " round(sum(s.cpu_cores * s.len_s) / sum(s.len_s) * 1000),"
            " round(max(s.cpu_cores + s.waited_cores) * 1000),"
            " round(sum((s.cpu_cores + s.waited_cores) * s.len_s) / sum(s.len_s) * 1000),"
            " round(sum(s.waited_cores * s.len_s) / sum(s.len_s) * 1000),"
            " round(sum(s.blocked_cores * s.len_s) / sum(s.len_s) * 1000)",
            per, per, per);
        for (unsigned i = 0; i < xb_nmetrics && n < sizeof sql; i++) {
            const struct xb_metric *m = &xb_metrics[i];
            if (!m->column || !s->has_col[i])
                continue;
            double f = xb_rollup_factor(m);
            n += (size_t)snprintf(sql + n, sizeof sql - n,
                ", round(max(s.%s) * %.17g), round(sum(s.%s * s.len_s) /"
                " sum(CASE WHEN s.%s IS NOT NULL THEN s.len_s END) * %.17g)",
                m->column, f, m->column, m->column, f);
        }
        if (n < sizeof sql)
            snprintf(sql + n, sizeof sql - n,
                " FROM sample s JOIN run r ON r.run_id = s.run_id"
                " WHERE s.len_s >= 0.5 * r.interval_s AND s.known_frac >= 0.5"
                " GROUP BY s.vm_id, s.run_id, CAST(s.t_unix / %u AS INTEGER)", per);
        rc = xb_store_exec(s, sql, err);
    }
    if (!rc)
        rc = xb_store_exec(s, "INSERT OR IGNORE INTO vm_run SELECT DISTINCT vm_id,"
                           " run_id FROM rollup", err);
    return rc;
}

/* Bring the file to the current version with every column of the metric
 * table: the table `metric` (new in 2), the roll-ups (new in 3), a sample
 * and a rollup column for each row the file lacks (ALTER TABLE ... ADD
 * COLUMN: existing rows read NULL, nothing is rewritten), and each row's
 * description.  Inside the caller's transaction. */
static int add_metrics(struct xb_store *s, int64_t version, struct xb_err *err)
{
    int rc = version < 2 ? xb_store_exec(s, schema_metric, err) : 0;
    if (!rc)
        rc = read_columns(s, err);
    if (!rc && version < 3)
        rc = migrate_v3(s, err);
    sqlite3_stmt *st = NULL;
    if (!rc && (rc = sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO metric"
                                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1,
                                        &st, NULL)) != SQLITE_OK)
        rc = xb_store_sqlerr(s, rc, "writing the schema", err);
    for (unsigned i = 0; !rc && i < xb_nmetrics; i++) {
        const struct xb_metric *m = &xb_metrics[i];
        if (!m->column)
            continue;
        if (!s->has_col[i]) {
            char sql[160];
            snprintf(sql, sizeof sql, "ALTER TABLE sample ADD COLUMN %s REAL",
                     m->column);
            if ((rc = xb_store_exec(s, sql, err)))
                break;
            s->has_col[i] = true;
        }
        if (!s->has_rcol[i]) {
            char sql[200];
            snprintf(sql, sizeof sql, "ALTER TABLE rollup ADD COLUMN %s_max INTEGER;"
                     "ALTER TABLE rollup ADD COLUMN %s_mean INTEGER", m->column,
                     m->column);
            if ((rc = xb_store_exec(s, sql, err)))
                break;
            s->has_rcol[i] = true;
        }
        sqlite3_bind_text(st, 1, m->column, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, m->counter, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, m->kind == XB_GAUGE ? "gauge" : "rate", -1,
                          SQLITE_STATIC);
        sqlite3_bind_double(st, 5, m->scale);
        sqlite3_bind_text(st, 6, m->unit, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        sqlite3_reset(st);
        if (r != SQLITE_DONE)
            rc = xb_store_sqlerr(s, r, "writing the schema", err);
    }
    sqlite3_finalize(st);
    if (!rc) {
        char sql[48];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", XB_STORE_SCHEMA_VERSION);
        rc = xb_store_exec(s, sql, err);
    }
    if (!rc)
        rc = xb_store_exec(s, "INSERT OR IGNORE INTO vm_run SELECT DISTINCT vm_id,"
                           " run_id FROM rollup", err);
    return rc;
}

/* run.tool_version, on a file made before it existed (existing rows: NULL). */
static int add_tool_version(struct xb_store *s, struct xb_err *err)
{
    int64_t n;
    int rc = pragma_int(s, "SELECT count(*) FROM pragma_table_info('run')"
                        " WHERE name = 'tool_version'", &n, err);
    if (!rc && n == 0)
        rc = xb_store_exec(s, "ALTER TABLE run ADD COLUMN tool_version TEXT", err);
    return rc;
}

/* Check the schema; for a writer, create it on an empty file or bring an
 * older or narrower one up to date (add_metrics), in one transaction. */
static int check_schema(struct xb_store *s, enum xb_store_mode mode,
                        struct xb_err *err)
{
    int64_t version, tables;
    int rc = pragma_int(s, "PRAGMA user_version", &version, err);
    if (!rc)
        rc = pragma_int(s, "SELECT count(*) FROM sqlite_master", &tables, err);
    if (rc)
        return rc;
    bool empty = version == 0 && tables == 0;
    if (empty && mode == XB_STORE_READ)
        return xb_err_set(err, -XB_EINPUT, "%s: empty history database: "
                          "import runs first (xenbench import RUNDIR...)",
                          s->path);
    if (!empty && version == 0)
        return xb_err_set(err, -XB_EINPUT, "%s: a SQLite database but not a "
                          "xenbench history (no schema version)", s->path);
    if (version > XB_STORE_SCHEMA_VERSION)
        return xb_err_set(err, -XB_EINPUT, "%s: schema version %lld is newer "
                          "than this xenbench reads (%d)", s->path,
                          (long long)version, XB_STORE_SCHEMA_VERSION);
    s->version = version;
    if (mode == XB_STORE_READ)
        return read_columns(s, err);
    rc = xb_store_exec(s, "BEGIN IMMEDIATE", err);
    if (!rc && empty) {
        char sql[8192];
        schema_sql(sql, sizeof sql);
        rc = xb_store_exec(s, sql, err);
        version = XB_STORE_SCHEMA_VERSION;
    }
    if (!rc)
        rc = add_metrics(s, version, err);
    s->version = XB_STORE_SCHEMA_VERSION;
    if (!rc)
        rc = add_tool_version(s, err);
    if (!rc)
        return xb_store_exec(s, "COMMIT", err);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* An import killed inside its transaction leaves PATH-journal: the next
 * connection that may write rolls it back when it first reads.  A reader
 * opens read-only, where SQLite can only refuse ("attempt to write a
 * readonly database"), so the roll-back is done here first, read-write. */
static int roll_back_hot_journal(const char *path, struct xb_err *err)
{
    char journal[4200];
    struct stat st;
    snprintf(journal, sizeof journal, "%s-journal", path);
    if (stat(journal, &st) < 0 || st.st_size == 0)
        return 0;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    }
    char why[256];
    snprintf(why, sizeof why, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    if (rc == SQLITE_OK)
        return 0;
    return xb_err_set(err, -EIO, "%s: an import was cut short (%s is left) and "
                      "rolling it back needs write access to the database and "
                      "its folder: %s; run this as a user who may write them "
                      "(the interrupted import is then undone)", path, journal,
                      why);
}

int xb_store_open(struct xb_store **out, const char *path, enum xb_store_mode mode,
                  struct xb_err *err)
{
    struct stat st;
    *out = NULL;
    if (mode == XB_STORE_READ && stat(path, &st) < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: %s (import runs first: "
                          "xenbench import --db %s RUNDIR...)", path,
                          strerror(errno), path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return xb_err_set(err, -XB_EINPUT, "%s: is a directory, not a history "
                          "database", path);
    int rc;
    if (mode == XB_STORE_READ && (rc = roll_back_hot_journal(path, err)))
        return rc;
    struct xb_store *s = calloc(1, sizeof *s);
    if (!s)
        return xb_err_set(err, -ENOMEM, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
    /* One thread per handle: no mutex on every call. */
    int flags = SQLITE_OPEN_NOMUTEX |
                (mode == XB_STORE_READ ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = xb_err_set(err, mode == XB_STORE_READ ? -XB_EINPUT : -EIO,
                        "%s: cannot open: %s", path,
                        s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        xb_store_close(s);
        return rc;
    }
    sqlite3_busy_timeout(s->db, 10000);
    /* 64 MiB of page cache: an import of a fleet writes hundreds of MB in
     * one transaction, and the default 2 MiB spills pages to disk early. */
    rc = xb_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536", err);
    if (!rc)
        rc = check_schema(s, mode, err);
    if (rc) {
        xb_store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void xb_store_close(struct xb_store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->ins_sample);
    sqlite3_finalize(s->ins_rollup);
    sqlite3_finalize(s->ins_vm_run);
    sqlite3_finalize(s->samples_st);
    sqlite3_finalize(s->rollups_st);
    sqlite3_finalize(s->rollups_raw_st);
    sqlite3_finalize(s->get_vm);
    sqlite3_finalize(s->ins_vm);
    sqlite3_close(s->db);
    free(s);
}

const char *xb_store_path(const struct xb_store *s)
{
    return s->path;
}

int xb_store_begin(struct xb_store *s, struct xb_err *err)
{
    return xb_store_exec(s, "BEGIN IMMEDIATE", err);
}

int xb_store_commit(struct xb_store *s, struct xb_err *err)
{
    return xb_store_exec(s, "COMMIT", err);
}

void xb_store_rollback(struct xb_store *s)
{
    if (s && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int xb_store_count(struct xb_store *s, const char *table, int64_t *n,
                   struct xb_err *err)
{
    static const char *const known[] = { "host", "run", "vm", "sample", "metric",
                                         "rollup", "vm_run" };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(table, known[i]) == 0) {
            char sql[64];
            snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", known[i]);
            return pragma_int(s, sql, n, err);
        }
    }
    return xb_err_set(err, -XB_EUSAGE, "no table %s", table);
}
