/* test_store.c: src/store/ on a scripted trace with known times (written by
 * tests/trace_writer.c into a bare capture folder): the exact sample rows,
 * re-import replacing instead of duplicating, the look-back, rollback of a
 * failed import, and refusal of files that are not a history database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <xen/trace.h>

#include "store/import.h"
#include "util/parse.h"
#include "store/store.h"
#include "trace_writer.h"

enum { RUN = 0, RUNNABLE = 1, BLOCKED = 2 };
#define T0 1000000  /* TSC of time 0; the rate is 1 MHz, so K(1000) ticks = 1 s */
#define K(ms) ((ms) * 1000ull)

static char dir[64], db[128];

static void write_text(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Domain 0 runs 0.4 s then blocks; domain 1 ("web") is unknown for 0.1 s,
 * waits 0.1 s, runs 0.5 s, blocks 0.3 s.  (test_report.c's timeline.) */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/xb-capture-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/history.db", dir);
    struct tw *w = tw_new(2);
    tw_runstate(w, 0, T0 + K(0), 0x7fff, 0, RUNNABLE, RUN);
    tw_runstate(w, 0, T0 + K(100), 1, 0, BLOCKED, RUNNABLE);
    tw_runstate(w, 0, T0 + K(200), 0x7fff, 0, RUN, RUNNABLE);
    tw_runstate(w, 0, T0 + K(200), 1, 0, RUNNABLE, RUN);
    tw_runstate(w, 0, T0 + K(700), 1, 0, RUN, BLOCKED);
    tw_runstate(w, 0, T0 + K(700), 0x7fff, 0, RUNNABLE, RUN);
    tw_rec(w, 0, TRC_SCHED_CONTINUE_RUNNING, 1, T0 + K(1000), 0, NULL);
    tw_runstate(w, 1, T0 + K(0), 0, 0, RUNNABLE, RUN);
    tw_runstate(w, 1, T0 + K(400), 0, 0, RUN, BLOCKED);
    tw_runstate(w, 1, T0 + K(400), 0x7fff, 1, RUNNABLE, RUN);
    tw_rec(w, 1, TRC_SCHED_CONTINUE_RUNNING, 1, T0 + K(1000), 0, NULL);
    size_t len;
    const uint8_t *bytes = tw_bytes(w, 0, &len);
    char path[256];
    snprintf(path, sizeof path, "%s/trace-sched.bin", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    tw_free(w);
    write_text("xl-info.txt", "host                   : testhost\n"
                              "nr_cpus                : 2\n"
                              "cpu_mhz                : 1\n");
    write_text("xl-list.txt", "Name                ID   Mem VCPUs\tState\tTime(s)\n"
                              "Domain-0             0  1024     2     r-----  1.0\n"
                              "web                  1   128     1     -b----  0.2\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = { "trace-sched.bin", "xl-info.txt", "xl-list.txt",
                            "history.db", "bad.db", "foreign.db", "newer.db",
                            "twins.txt" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static struct xb_import_result last;

static void keep(const struct xb_import_result *r, void *ctx)
{
    (void)ctx;
    last = *r;
}

static void import_dir(uint64_t interval_ns)
{
    struct xb_store *s;
    struct xb_err err = { 0 };
    struct xb_import_opts o = { .interval_ns = interval_ns };
    assert_int_equal(xb_store_open(&s, db, XB_STORE_WRITE, &err), 0);
    assert_int_equal(xb_store_begin(s, &err), 0);
    int rc = xb_import_path(s, dir, &o, keep, NULL, &err);
    if (rc)
        fail_msg("import: %s", err.msg);
    assert_int_equal(xb_store_commit(s, &err), 0);
    xb_store_close(s);
}

static void load_all(struct xb_history *h, double lookback)
{
    struct xb_store *s;
    struct xb_err err = { 0 };
    memset(h, 0, sizeof *h);
    assert_int_equal(xb_store_open(&s, db, XB_STORE_READ, &err), 0);
    assert_int_equal(xb_store_load(s, lookback, h, &err), 0);
    xb_store_close(s);
}

static int64_t count(const char *table)
{
    struct xb_store *s;
    struct xb_err err = { 0 };
    int64_t n = -1;
    assert_int_equal(xb_store_open(&s, db, XB_STORE_READ, &err), 0);
    assert_int_equal(xb_store_count(s, table, &n, &err), 0);
    xb_store_close(s);
    return n;
}

static void exact_samples(void **state)
{
    (void)state;
    unlink(db);
    import_dir(1000000000);          /* one 1 s window */
    /* no start time in a bare capture folder: dated by the trace's file time */
    assert_false(last.fixed_epoch);
    assert_string_equal(last.start_from, "file-time");
    char trace[300];
    snprintf(trace, sizeof trace, "%s/trace-sched.bin", dir);
    struct stat st;
    assert_int_equal(stat(trace, &st), 0);
    double mtime = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
    assert_false(last.replaced);
    assert_string_equal(last.host, "testhost");
    assert_int_equal(strncmp(last.run_key, "xen-trace:", 10), 0);
    assert_int_equal(last.samples, 2);          /* idle domain left out */
    struct xb_history h;
    load_all(&h, 0);
    assert_int_equal(h.n, 2);
    const struct xb_series *d0 = &h.vm[0], *web = &h.vm[1];
    assert_string_equal(d0->name, "Domain-0");
    assert_string_equal(web->name, "web");
    assert_string_equal(web->host, "testhost");
    const struct xb_sample *a = &d0->s[0], *b = &web->s[0];
    assert_true(a->t_unix == mtime && a->len_s == 1.0);
    assert_true(fabs(a->cpu_cores - 0.4) < 1e-12 && fabs(a->blocked_cores - 0.6) < 1e-12);
    assert_true(a->waited_cores == 0 && a->known_frac == 1.0);
    /* over the known 0.9 s of the window: running 0.5, waited 0.1, blocked 0.3 */
    assert_true(fabs(b->cpu_cores - 0.5 / 0.9) < 1e-12);
    assert_true(fabs(b->waited_cores - 0.1 / 0.9) < 1e-12);
    assert_true(fabs(b->blocked_cores - 0.3 / 0.9) < 1e-12);
    assert_true(fabs(b->known_frac - 0.9) < 1e-12);
    assert_int_equal(b->vcpus, 1);
    assert_true(b->mem_alloc_bytes == 128.0 * 1048576);
    assert_true(a->mem_alloc_bytes == 1024.0 * 1048576);
    assert_true(fabs(b->cpu_mhz - 1.0) < 1e-12);
    for (unsigned i = 0; i < xb_nmetrics; i++)
        assert_true(isnan(b->m[i]));    /* a bare trace has no counters */
    assert_true(isnan(b->host_mflops));
    xb_history_free(&h);
}

static void reimport_replaces(void **state)
{
    (void)state;
    unlink(db);
    import_dir(500000000);           /* two windows of 0.5 s */
    assert_int_equal(count("sample"), 4);
    import_dir(500000000);
    assert_true(last.replaced);
    assert_int_equal(count("run"), 1);
    assert_int_equal(count("vm"), 2);
    assert_int_equal(count("sample"), 4);
    struct xb_history h;
    load_all(&h, 0);
    const struct xb_series *web = &h.vm[1];
    assert_int_equal(web->n, 2);
    /* 0..0.5 s: unknown 0.1, waited 0.1, ran 0.3 (of the known 0.4 s);
     * 0.5..1 s: ran 0.2, blocked 0.3 */
    assert_true(fabs(web->s[0].cpu_cores - 0.75) < 1e-12);
    assert_true(fabs(web->s[0].waited_cores - 0.25) < 1e-12);
    assert_true(fabs(web->s[0].known_frac - 0.8) < 1e-12);
    assert_true(fabs(web->s[1].cpu_cores - 0.4) < 1e-12);
    assert_true(fabs(web->s[1].blocked_cores - 0.6) < 1e-12);
    assert_true(web->s[1].t_unix == web->s[0].t_unix + 0.5);
    xb_history_free(&h);
    /* a look-back of 0.5 s keeps the second window only */
    load_all(&h, 0.5);
    assert_int_equal(h.vm[1].n, 1);
    assert_true(h.t_end == h.vm[1].s[0].t_unix + 0.5);
    xb_history_free(&h);
    /* a different window length is the same recording: still replaced */
    import_dir(1000000000);
    assert_int_equal(count("run"), 1);
    assert_int_equal(count("sample"), 2);
}

static void failed_import_rolls_back(void **state)
{
    (void)state;
    unlink(db);
    struct xb_store *s;
    struct xb_err err = { 0 };
    struct xb_import_opts o = { 0 };
    assert_int_equal(xb_store_open(&s, db, XB_STORE_WRITE, &err), 0);
    assert_int_equal(xb_store_begin(s, &err), 0);
    assert_int_equal(xb_import_path(s, dir, &o, NULL, NULL, &err), 0);
    char bad[256];
    snprintf(bad, sizeof bad, "%s/xl-info.txt", dir);   /* not a trace */
    o.tsc_hz = 1000000;
    assert_int_equal(xb_import_path(s, bad, &o, NULL, NULL, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "xl-info.txt"));
    xb_store_rollback(s);
    xb_store_close(s);
    assert_int_equal(count("sample"), 0);
    assert_int_equal(count("run"), 0);
}

static void make_db(const char *name, const char *sql)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    unlink(p);
    sqlite3 *d;
    assert_int_equal(sqlite3_open(p, &d), SQLITE_OK);
    assert_int_equal(sqlite3_exec(d, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(d);
}

static void refuses_other_files(void **state)
{
    (void)state;
    char p[256];
    struct xb_store *s;
    struct xb_err err;

    snprintf(p, sizeof p, "%s/bad.db", dir);
    FILE *f = fopen(p, "w");
    fputs("this is not a database, but long enough to have a header.......\n"
          "................................................................\n", f);
    fclose(f);
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_store_open(&s, p, XB_STORE_WRITE, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "bad.db: not a usable SQLite database"));

    make_db("foreign.db", "CREATE TABLE t (x)");
    snprintf(p, sizeof p, "%s/foreign.db", dir);
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_store_open(&s, p, XB_STORE_WRITE, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "not a xenbench history"));

    make_db("newer.db", "CREATE TABLE t (x); PRAGMA user_version = 99");
    snprintf(p, sizeof p, "%s/newer.db", dir);
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_store_open(&s, p, XB_STORE_READ, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "schema version 99 is newer"));

    snprintf(p, sizeof p, "%s/missing.db", dir);
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_store_open(&s, p, XB_STORE_READ, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "missing.db"));
    assert_int_equal(access(p, F_OK), -1);     /* a reader creates nothing */
}

static void host_mflops(void **state)
{
    (void)state;
    unlink(db);
    import_dir(1000000000);
    struct xb_store *s;
    struct xb_err err = { 0 };
    assert_int_equal(xb_store_open(&s, db, XB_STORE_WRITE, &err), 0);
    assert_int_equal(xb_store_set_host_mflops(s, "testhost", 12345.5, &err), 0);
    xb_store_close(s);
    struct xb_history h;
    load_all(&h, 0);
    assert_true(h.vm[0].s[0].host_mflops == 12345.5);
    xb_history_free(&h);
}

/* Names identify VMs: two domains of one name (Linux processes of one comm)
 * are told apart by their domain id, not merged. */
static void shared_names_kept_apart(void **state)
{
    (void)state;
    unlink(db);
    write_text("twins.txt", "Name   ID   Mem VCPUs\tState\tTime(s)\n"
                            "twin    0  1024     2     r-----  1.0\n"
                            "twin    1   128     1     -b----  0.2\n");
    char names[256];
    snprintf(names, sizeof names, "%s/twins.txt", dir);
    struct xb_store *s;
    struct xb_err err = { 0 };
    struct xb_import_opts o = { .names_file = names };
    assert_int_equal(xb_store_open(&s, db, XB_STORE_WRITE, &err), 0);
    assert_int_equal(xb_import_path(s, dir, &o, NULL, NULL, &err), 0);
    xb_store_close(s);
    unlink(names);
    struct xb_history h;
    load_all(&h, 0);
    assert_int_equal(h.n, 2);
    assert_string_equal(h.vm[0].name, "twin/d0");
    assert_string_equal(h.vm[1].name, "twin/d1");
    xb_history_free(&h);
}

static void utc_times(void **state)
{
    (void)state;
    double t;
    assert_int_equal(xb_parse_utc("2000-01-01T00:00:00Z", &t), 0);
    assert_true(t == XB_FIXED_EPOCH_UNIX);
    assert_int_equal(xb_parse_utc("2000-01-01T01:00:00.25+01:00", &t), 0);
    assert_true(t == XB_FIXED_EPOCH_UNIX + 0.25);
    assert_int_equal(xb_parse_utc("1999-12-31T23:00:00-01:00", &t), 0);
    assert_true(t == XB_FIXED_EPOCH_UNIX);
    assert_int_equal(xb_parse_utc("2000-01-01 00:00:00Z", &t), -1);
    assert_int_equal(xb_parse_utc("2000-13-01T00:00:00Z", &t), -1);
    assert_int_equal(xb_parse_utc("2000-01-01T00:00:00", &t), -1);
    assert_int_equal(xb_parse_utc("2000-01-01T00:00:00Zjunk", &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_samples),
        cmocka_unit_test(reimport_replaces),
        cmocka_unit_test(failed_import_rolls_back),
        cmocka_unit_test(refuses_other_files),
        cmocka_unit_test(host_mflops),
        cmocka_unit_test(shared_names_kept_apart),
        cmocka_unit_test(utc_times),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
