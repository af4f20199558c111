/* db.c: opening the history database, its versioned schema, transactions.
 *
 * The schema below is version XB_STORE_SCHEMA_VERSION, kept in PRAGMA
 * user_version and described column by column in docs/history-db.md.  A
 * future version adds a migration step from the version before it here; this
 * file never rewrites a database whose version it does not know.
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char schema_v1[] =
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
    " imported_utc TEXT NOT NULL);"
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
    " mem_alloc_bytes REAL,"
    " mem_used_bytes REAL,"
    " disk_read_Bps REAL,"
    " disk_write_Bps REAL,"
    " disk_read_iops REAL,"
    " disk_write_iops REAL,"
    " net_rx_Bps REAL,"
    " net_tx_Bps REAL,"
    " llc_refs_ps REAL,"
    " llc_misses_ps REAL,"
    " PRIMARY KEY (run_id, win, domid, instance)) WITHOUT ROWID;"
    "CREATE INDEX sample_vm_time ON sample(vm_id, t_unix);"
    "PRAGMA user_version = 1;";

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

/* Check (or, for a writer on an empty file, create) the schema. */
static int check_schema(struct xb_store *s, enum xb_store_mode mode,
                        struct xb_err *err)
{
    int64_t version, tables;
    int rc = pragma_int(s, "PRAGMA user_version", &version, err);
    if (!rc)
        rc = pragma_int(s, "SELECT count(*) FROM sqlite_master", &tables, err);
    if (rc)
        return rc;
    if (version == 0 && tables == 0) {
        if (mode == XB_STORE_READ)
            return xb_err_set(err, -XB_EINPUT, "%s: empty history database: "
                              "import runs first (xenbench import RUNDIR...)",
                              s->path);
        rc = xb_store_exec(s, "BEGIN IMMEDIATE", err);
        if (!rc)
            rc = xb_store_exec(s, schema_v1, err);
        if (!rc)
            return xb_store_exec(s, "COMMIT", err);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (version == 0)
        return xb_err_set(err, -XB_EINPUT, "%s: a SQLite database but not a "
                          "xenbench history (no schema version)", s->path);
    if (version > XB_STORE_SCHEMA_VERSION)
        return xb_err_set(err, -XB_EINPUT, "%s: schema version %lld is newer "
                          "than this xenbench reads (%d)", s->path,
                          (long long)version, XB_STORE_SCHEMA_VERSION);
    return 0;
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
    struct xb_store *s = calloc(1, sizeof *s);
    if (!s)
        return xb_err_set(err, -ENOMEM, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
    int flags = mode == XB_STORE_READ ? SQLITE_OPEN_READONLY
                                      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = xb_err_set(err, mode == XB_STORE_READ ? -XB_EINPUT : -EIO,
                        "%s: cannot open: %s", path,
                        s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        xb_store_close(s);
        return rc;
    }
    sqlite3_busy_timeout(s->db, 10000);
    rc = xb_store_exec(s, "PRAGMA foreign_keys = ON", err);
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
    static const char *const known[] = { "host", "run", "vm", "sample" };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(table, known[i]) == 0) {
            char sql[64];
            snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", known[i]);
            return pragma_int(s, sql, n, err);
        }
    }
    return xb_err_set(err, -XB_EUSAGE, "no table %s", table);
}
