/* test_report.c: `report` end to end on a scripted trace: the exact table,
 * CSV rows, run folders, and the errors a user can meet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <xen/trace.h>

#include "pipeline/pipeline.h"
#include "present/present.h"
#include "trace_writer.h"

enum { RUN = 0, RUNNABLE = 1, BLOCKED = 2 };
#define T0 1000     /* TSC of time 0; 1 GHz so 1 tick = 1 ns */

static const char *scripted_trace(unsigned per_window)
{
    struct tw *w = tw_new(2);
    tw_runstate(w, 0, T0 + 0, 0x7fff, 0, RUNNABLE, RUN);
    tw_runstate(w, 0, T0 + 100, 1, 0, BLOCKED, RUNNABLE);
    tw_runstate(w, 0, T0 + 200, 0x7fff, 0, RUN, RUNNABLE);
    tw_runstate(w, 0, T0 + 200, 1, 0, RUNNABLE, RUN);
    tw_runstate(w, 0, T0 + 700, 1, 0, RUN, BLOCKED);
    tw_runstate(w, 0, T0 + 700, 0x7fff, 0, RUNNABLE, RUN);
    tw_rec(w, 0, TRC_SCHED_CONTINUE_RUNNING, 1, T0 + 1000, 0, NULL);
    tw_runstate(w, 1, T0 + 0, 0, 0, RUNNABLE, RUN);
    tw_runstate(w, 1, T0 + 400, 0, 0, RUN, BLOCKED);
    tw_runstate(w, 1, T0 + 400, 0x7fff, 1, RUNNABLE, RUN);
    tw_rec(w, 1, TRC_SCHED_CONTINUE_RUNNING, 1, T0 + 1000, 0, NULL);
    const char *p = tw_write_tmp(w, per_window);
    tw_free(w);
    return p;
}

static const char *names_file(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/xb-names-XXXXXX");
    int fd = mkstemp(path);
    const char text[] =
        "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
        "Domain-0                                     0  1024     2     r-----      62.5\n"
        "web                                          1   128     1     -b----       4.2\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    return path;
}

/* Run the pipeline into a string. */
static int run(struct xb_input_opts *in, const struct xb_presenter *p,
               struct xb_present *pr, char **text, struct xb_err *err)
{
    size_t len;
    FILE *out = open_memstream(text, &len);
    pr->out = out;
    memset(err, 0, sizeof *err);
    int rc = xb_pipeline_run(in, p, pr, err);
    fclose(out);
    return rc;
}

/* The field NAME of a one-row CSV (--table run): header, then values. */
static void run_fact(const char *text, const char *name, char *buf, size_t len)
{
    const char *vals = strchr(text, '\n');
    assert_non_null(vals);
    unsigned col = 0;
    const char *h = text;
    size_t n = strlen(name);
    while (h < vals && !(strncmp(h, name, n) == 0 && (h[n] == ',' || h[n] == '\n'))) {
        h = strchr(h, ',');
        assert_true(h && h < vals);
        h++;
        col++;
    }
    assert_true(h < vals);
    const char *v = vals + 1;
    for (unsigned c = 0; c < col; c++) {
        if (*v == '"')                 /* a quoted field: to its closing quote */
            v = strchr(v + 1, '"') + 1;
        v = strchr(v, ',') + 1;
    }
    size_t k = strcspn(v, ",\n");
    assert_true(k < len);
    memcpy(buf, v, k);
    buf[k] = 0;
}

static const char expected_table[] =
    "=== CPU ===\t\t\t\t\t\n"
    "VM\tCore\t0\t1\ttotal\tname\n"
    "0\tcpu(%)\t0.0\t40.0\t40.0\tDomain-0\n"
    "\tblocked(%)\t0.0\t60.0\t60.0\t\n"
    "\twaited(%)\t0.0\t0.0\t0.0\t\n"
    "1\tcpu(%)\t50.0\t0.0\t50.0\tweb\n"
    "\tblocked(%)\t30.0\t0.0\t30.0\t\n"
    "\twaited(%)\t10.0\t0.0\t10.0\t\n"
    "\tunknown(%)\t0.0\t0.0\t10.0\t\n"     /* before its first record */
    "total\tcpu(%)\t50.0\t40.0\t90.0\t\n"
    "\tblocked(%)\t30.0\t60.0\t90.0\t\n"
    "\twaited(%)\t10.0\t0.0\t10.0\t\n"
    "\tunknown(%)\t0.0\t0.0\t10.0\t\n"
    "32767\tcpu(%)\t50.0\t60.0\t110.0\tidle\n"
    "\tblocked(%)\t0.0\t0.0\t0.0\t\n"
    "\twaited(%)\t50.0\t0.0\t50.0\t\n"
    "\tunknown(%)\t0.0\t0.0\t40.0\t\n"
    "\n"
    "span: 0.000001 s (TSC 1000..2000)\n"
    "records: 11 read; lost: cpu0 0 cpu1 0 (0 gaps)\n"
    "tsc: 1000000000 Hz (from --tsc-hz)\n"
    "unknown: domains' vCPU time 0.000 s (before its first record 0.000 s); "
    "pCPU time 0.000 s (lost records 0.000 s)\n"
    "contradictions: 0 records contradicting the tracked state\n";

static void exact_table(void **state)
{
    (void)state;
    /* the same timeline laid out in one window per CPU, and in many */
    for (unsigned per = 0; per <= 2; per += 2) {
        char path[64];
        snprintf(path, sizeof path, "%s", scripted_trace(per));
        struct xb_input_opts in = { .path = path, .tsc_hz = 1000000000,
                                    .names_file = names_file() };
        struct xb_present pr = { .idle = true };
        char *text;
        struct xb_err err;
        assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), 0);
        assert_string_equal(text, expected_table);
        free(text);
        unlink(path);
        unlink(in.names_file);
    }
}

/* --sort and --top: the domains in that order, the total rows of all. */
static void sorted_top(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s", scripted_trace(0));
    struct xb_input_opts in = { .path = path, .tsc_hz = 1000000000,
                                .names_file = names_file() };
    static const struct {
        enum xb_sort sort;
        unsigned top;
        const char *first, *not;
    } cases[] = {
        { XB_SORT_CPU, 0, "1\tcpu(%)", NULL },         /* 50 % before 40 % */
        { XB_SORT_BLOCKED, 0, "0\tcpu(%)", NULL },     /* 60 % before 30 % */
        { XB_SORT_NAME, 0, "0\tcpu(%)", NULL },        /* Domain-0 < web */
        { XB_SORT_CPU, 1, "1\tcpu(%)", "\n0\tcpu(%)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct xb_present pr = { .sort = cases[i].sort, .top = cases[i].top };
        char *text;
        struct xb_err err;
        assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), 0);
        const char *body = strstr(text, "name\n");
        assert_non_null(body);
        if (strncmp(body + 5, cases[i].first, strlen(cases[i].first)) != 0)
            fail_msg("case %zu: the table starts '%.20s'", i, body + 5);
        if (cases[i].not)
            assert_null(strstr(text, cases[i].not));
        assert_non_null(strstr(text, "total\tcpu(%)\t50.0\t40.0\t90.0\t\n"));
        if (cases[i].top)
            assert_non_null(strstr(text, "shown: 1 of 2 domains, by cpu (the total "
                                   "rows count all)\n"));
        free(text);
    }
    unlink(path);
    unlink(in.names_file);
}

static void csv_rows(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s", scripted_trace(0));
    struct xb_input_opts in = { .path = path, .tsc_hz = 1000000000 };
    struct xb_present pr = { 0 };
    char *text;
    struct xb_err err;
    assert_int_equal(run(&in, &xb_present_csv, &pr, &text, &err), 0);
    assert_memory_equal(text, "t_start_s,t_end_s,t_start_utc,domain,name,vcpu,pcpu,"
                        "cpu_pct,waited_pct,blocked_pct,offline_pct,unknown_pct,execs\n",
                        strlen("t_start_s,t_end_s,t_start_utc,domain,name,vcpu,pcpu,"
                               "cpu_pct,waited_pct,blocked_pct,offline_pct,unknown_pct,"
                               "execs\n"));
    assert_non_null(strstr(text, "\n0.000000,0.000001,,1,d1,all,0,50.000,10.000,30.000,0.000,0.000,1\n"));
    assert_non_null(strstr(text, "\n0.000000,0.000001,,1,d1,0,total,50.000,10.000,30.000,0.000,10.000,1\n"));
    assert_non_null(strstr(text, "\n0.000000,0.000001,,32767,idle,1,1,60.000,0.000,0.000,0.000,0.000,1\n"));
    /* 3 domains: d0 (1 vCPU), d1 (1), idle (2); rows for all + each vCPU,
     * 2 pCPUs + total */
    unsigned lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + (2 + 2 + 3) * 3);
    free(text);
    /* --table run: the run's facts, what it could not know among them */
    struct xb_present pr2 = { .table = XB_TABLE_RUN };
    assert_int_equal(run(&in, &xb_present_csv, &pr2, &text, &err), 0);
    char v[32];
    run_fact(text, "lost_gaps", v, sizeof v);
    assert_string_equal(v, "0");
    run_fact(text, "contradictions", v, sizeof v);
    assert_string_equal(v, "0");
    run_fact(text, "unknown_vcpu_before_first_record_s", v, sizeof v);
    assert_string_equal(v, "0.000000");
    run_fact(text, "repairs_bounded", v, sizeof v);
    assert_string_equal(v, "");        /* a Xen run has no repairs */
    free(text);
    unlink(path);
}

/* A CPU whose records end before the others' (a file cut short, no end
 * marker): after its last record, what ran there and the pCPU are unknown.
 * Before, d1 kept running on CPU 1 to the end of the trace: 100 %. */
static void cpu_records_end(void **state)
{
    (void)state;
    struct tw *w = tw_new(2);
    const uint64_t s = 1000000000ull;          /* 1 GHz: ticks are ns */
    tw_runstate(w, 0, s, 0x7fff, 0, RUNNABLE, RUN);
    tw_runstate(w, 1, s, 1, 0, RUNNABLE, RUN);
    tw_runstate(w, 1, s + s / 10 * 6, 1, 0, RUN, RUNNABLE);   /* CPU 1's last */
    tw_runstate(w, 1, s + s / 10 * 6, 1, 0, RUNNABLE, RUN);
    tw_runstate(w, 0, 2 * s, 0x7fff, 0, RUN, RUNNABLE);
    tw_runstate(w, 0, 2 * s, 0x7fff, 0, RUNNABLE, RUN);
    char path[64];
    snprintf(path, sizeof path, "%s", tw_write_tmp(w, 0));
    tw_free(w);
    struct xb_input_opts in = { .path = path, .tsc_hz = 1000000000 };
    struct xb_present pr = { 0 };
    char *text;
    struct xb_err err;
    assert_int_equal(run(&in, &xb_present_csv, &pr, &text, &err), 0);
    assert_non_null(strstr(text, "\n0.000000,1.000000,,1,d1,0,1,60.000,0.000,0.000,0.000,40.000,2\n"));
    free(text);
    struct xb_present pr2 = { .table = XB_TABLE_RUN };
    assert_int_equal(run(&in, &xb_present_csv, &pr2, &text, &err), 0);
    char v[32];
    run_fact(text, "unknown_pcpu_s", v, sizeof v);
    assert_string_equal(v, "0.400000");
    run_fact(text, "unknown_vcpu_after_pcpu_end_s", v, sizeof v);
    assert_string_equal(v, "0.400000");
    free(text);
    unlink(path);
}

static void run_folder(void **state)
{
    (void)state;
    char dir[] = "/tmp/xb-run-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], cmd[512];
    snprintf(cmd, sizeof cmd, "mv %s %s/xentrace.bin", scripted_trace(0), dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"source\": \"xen\", \"tsc_hz\": 1000000000, \"trace\": \"xentrace.bin\",\n"
          " \"domains\": [{\"id\": 0, \"name\": \"Domain-0\"}, {\"id\": 1, \"name\": \"db\"}]}\n", f);
    fclose(f);
    struct xb_input_opts in = { .path = dir };
    struct xb_present pr = { .idle = true };
    char *text;
    struct xb_err err;
    assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), 0);
    assert_non_null(strstr(text, "\n0\tcpu(%)\t0.0\t40.0\t40.0\tDomain-0\n"));
    assert_non_null(strstr(text, "\n1\tcpu(%)\t50.0\t0.0\t50.0\tdb\n"));
    assert_non_null(strstr(text, "/manifest.json)\n"));
    free(text);

    /* a manifest with a bad field is named */
    f = fopen(path, "w");
    fputs("{\"tsc_hz\": \"fast\"}", f);
    fclose(f);
    assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "manifest.json: field \"tsc_hz\""));
    free(text);
    f = fopen(path, "w");
    fputs("{\"tsc_hz\": 5,", f);
    fclose(f);
    assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "manifest.json: line 1"));
    free(text);
    snprintf(cmd, sizeof cmd, "rm -r %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void errors(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s", scripted_trace(0));
    struct xb_present pr = { 0 };
    char *text;
    struct xb_err err;

    struct xb_input_opts in = { .path = path };    /* no rate */
    assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), -XB_EUSAGE);
    assert_non_null(strstr(err.msg, "--tsc-hz"));
    assert_int_equal(xb_err_exit_status(err.code), 2);
    free(text);

    in.tsc_hz = 1000000000;
    in.path = "/nonexistent/trace.bin";
    assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "/nonexistent/trace.bin"));
    free(text);

    /* cut short: a warning by default, an error with strict */
    assert_int_equal(truncate(path, 12 + 16 * 3 + 5), 0);
    in.path = path;
    assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), 0);
    assert_non_null(strstr(text, "warning: "));
    free(text);
    in.strict = true;
    assert_int_equal(run(&in, &xb_present_table, &pr, &text, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "file ends inside the window at byte offset 0"));
    assert_non_null(strstr(err.msg, "--strict"));
    assert_int_equal(xb_err_exit_status(err.code), 2);
    free(text);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_table),
        cmocka_unit_test(sorted_top),
        cmocka_unit_test(csv_rows),
        cmocka_unit_test(cpu_records_end),
        cmocka_unit_test(run_folder),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
