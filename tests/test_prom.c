/* test_prom.c: running totals (account/totals.c) and their Prometheus
 * exposition (present/prom.c): exact values, vCPU grouping, counters from
 * sampled series, the format's rules (one HELP and TYPE per family before
 * its samples, escaping, names), and Prometheus's own linter (promtool
 * check metrics, from Debian's prometheus package) on the output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "account/totals.h"
#include "present/prom.h"
#include "synth_window.h"

static char *render_at(const struct xb_totals *t, const struct xb_run_info *info,
                       int64_t sample_ms)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    struct xb_prom_facts f = { .info = info, .version = "test", .interval_ns = 1000000000,
                               .start_unix = 1.5e9, .repaired = 3, .implied_wakeups = 4,
                               .sample_ms = sample_ms };
    assert_int_equal(xb_prom_write(m, t, &f), 0);
    fclose(m);
    return buf;
}

static char *render(const struct xb_totals *t, const struct xb_run_info *info)
{
    return render_at(t, info, 0);
}

static void expect_line(const char *text, const char *line)
{
    char want[1024];
    snprintf(want, sizeof want, "\n%s\n", line);
    if (!strstr(text, want)) {
        fprintf(stderr, "missing line: %s\n", line);
        fail();
    }
}

static void test_seconds_and_escaping(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    xb_prom_seconds(m, 0);
    fputc(' ', m);
    xb_prom_seconds(m, 1);
    fputc(' ', m);
    xb_prom_seconds(m, 1500000000ull);
    fputc(' ', m);
    xb_prom_seconds(m, 3000000000ull);
    fputc(' ', m);
    xb_prom_seconds(m, 18446744073709551615ull);
    fputc(' ', m);
    xb_prom_label_value(m, "a\"b\\c\nd");
    fclose(m);
    assert_string_equal(buf, "0 0.000000001 1.5 3 18446744073.709551615 a\\\"b\\\\c\\nd");
    free(buf);
}

/* Two windows of two domains; names with characters that need escaping. */
static void test_exact_totals(void **state)
{
    (void)state;
    struct xb_names names = { 0 };
    assert_int_equal(xb_names_set(&names, 1, "we\"b\\1"), 0);
    assert_int_equal(xb_names_set(&names, 2, "db"), 0);
    uint64_t lost[2] = { 5, 0 };
    struct xb_run_info info = { .source = "xen", .npcpu = 2, .names = &names,
                                .lost = lost, .host = "h1", .cpu_model = "CPU \"X\"" };
    struct xb_totals t;
    assert_int_equal(xb_totals_init(&t, 2, false), 0);
    for (unsigned i = 0; i < 2; i++) {
        struct xb_window *w = synth_window(2, 2, 2, i * 1000000000ull, 1000000000ull, i);
        ((uint64_t *)w->pcpu_unknown_ns)[1] = 250000000;
        assert_int_equal(xb_totals_add(&t, w, NULL), 0);
        xb_window_free(w);
    }
    assert_int_equal(t.windows, 2);
    assert_int_equal(t.nrow, 4);
    char *text = render(&t, &info);
    /* vCPU 0 on pCPU 0: running 0.5 s / 2 = 0.25 s per window, twice. */
    expect_line(text, "xenbench_cpu_seconds_total{domain=\"1\",name=\"we\\\"b\\\\1\","
                      "vcpu=\"0\",pcpu=\"0\",state=\"running\"} 0.5");
    /* vCPU 1: running 0.5 s / 3 per window = 166666666 ns, twice. */
    expect_line(text, "xenbench_cpu_seconds_total{domain=\"2\",name=\"db\",vcpu=\"1\","
                      "pcpu=\"1\",state=\"running\"} 0.333333332");
    expect_line(text, "xenbench_cpu_seconds_total{domain=\"2\",name=\"db\",vcpu=\"1\","
                      "pcpu=\"1\",state=\"runnable\"} 0.1");
    expect_line(text, "xenbench_cpu_seconds_total{domain=\"2\",name=\"db\",vcpu=\"1\","
                      "pcpu=\"1\",state=\"blocked\"} 0.566666668");
    expect_line(text, "xenbench_cpu_seconds_total{domain=\"2\",name=\"db\",vcpu=\"1\","
                      "pcpu=\"1\",state=\"unknown\"} 0");
    assert_null(strstr(text, "pcpu=\"unplaced\",state"));   /* nothing there */
    assert_null(strstr(text, "state=\"offline\""));
    expect_line(text, "xenbench_pcpu_unknown_seconds_total{pcpu=\"1\"} 0.5");
    expect_line(text, "xenbench_lost_events_total{pcpu=\"0\"} 5");
    expect_line(text, "xenbench_windows_total 2");
    expect_line(text, "xenbench_recorded_seconds_total 2");
    expect_line(text, "xenbench_repairs_total{kind=\"untraced_switch\"} 3");
    expect_line(text, "xenbench_host_info{host=\"h1\",cpu_model=\"CPU \\\"X\\\"\","
                      "source=\"xen\",version=\"test\"} 1");
    expect_line(text, "xenbench_domain_info{domain=\"2\",name=\"db\"} 1");
    assert_null(strstr(text, "xenbench_disk_read_bytes_total"));  /* no counters: no family */
    free(text);
    xb_totals_free(&t);
    xb_names_free(&names);
}

/* Linux: the host's threads are one row; emulator threads one row; vCPU
 * indexes from XB_TOTALS_MAX_VCPU one row: rows do not grow with threads. */
static void test_grouping(void **state)
{
    (void)state;
    struct xb_totals t;
    assert_int_equal(xb_totals_init(&t, 1, true), 0);
    for (unsigned round = 0; round < 3; round++) {
        struct xb_window *w = synth_window(2, 3, 1, round * 1000000000ull, 1000000000ull,
                                           round);
        struct xb_domain_acc *d = (struct xb_domain_acc *)w->domains;
        d[0].domid = 0;                       /* the host: new threads each round */
        for (unsigned k = 0; k < 3; k++)
            d[0].vcpus[k].vcpu = 10 * round + k;
        d[1].vcpus[0].vcpu = 0;
        d[1].vcpus[1].vcpu = XB_VCPU_EMU + round;
        d[1].vcpus[2].vcpu = XB_TOTALS_MAX_VCPU + round;
        assert_int_equal(xb_totals_add(&t, w, NULL), 0);
        xb_window_free(w);
    }
    assert_int_equal(t.nrow, 4);   /* host all; 2: 0, emu, other */
    assert_int_equal(t.row[0].group, XB_TOTALS_ALL);
    /* host: each round 3 threads of 1 s: running 1/2 + 1/3 + 1/4 s */
    uint64_t r = 3 * (500000000ull + 333333333ull + 250000000ull);
    assert_int_equal(t.row[0].pcpu[0].ns[XB_RUNNING], r);
    char *text = render(&t, &(struct xb_run_info){ .source = "linux", .npcpu = 1 });
    expect_line(text, "xenbench_cpu_seconds_total{domain=\"0\",name=\"d0\",vcpu=\"all\","
                      "pcpu=\"0\",state=\"running\"} 3.249999999");
    expect_line(text, "xenbench_cpu_seconds_total{domain=\"2\",name=\"d2\",vcpu=\"emu\","
                      "pcpu=\"0\",state=\"running\"} 0.999999999");
    expect_line(text, "xenbench_cpu_seconds_total{domain=\"2\",name=\"d2\",vcpu=\"other\","
                      "pcpu=\"0\",state=\"running\"} 0.75");
    free(text);
    xb_totals_free(&t);
}

/* Counter families from sampled series: rate x window length, summed. */
static void test_io_counters(void **state)
{
    (void)state;
    struct xb_counters *c = xb_counters_new();
    assert_non_null(c);
    const uint64_t s = 1000000000ull;
    assert_int_equal(xb_counters_add(c, "dom:1.0", "disk_read_bytes", XB_CUMULATIVE, 0, 0), 0);
    assert_int_equal(xb_counters_add(c, "dom:1.0", "disk_read_bytes", XB_CUMULATIVE, s, 1000), 0);
    assert_int_equal(xb_counters_add(c, "dom:1.0", "disk_read_bytes", XB_CUMULATIVE, 2 * s,
                                     3000), 0);
    assert_int_equal(xb_counters_add(c, "dom:1.0", "mem_bytes", XB_GAUGE, s, 4096), 0);
    assert_int_equal(xb_counters_add(c, "dom:1.0", "mem_bytes", XB_GAUGE, 2 * s, 4096), 0);
    struct xb_totals t;
    assert_int_equal(xb_totals_init(&t, 1, false), 0);
    for (unsigned i = 0; i < 2; i++) {
        struct xb_window *w = synth_window(1, 1, 1, i * s, s, i);
        assert_int_equal(xb_totals_add(&t, w, c), 0);
        xb_window_free(w);
    }
    char *text = render(&t, &(struct xb_run_info){ .source = "xen", .npcpu = 1 });
    expect_line(text, "xenbench_disk_read_bytes_total{domain=\"1\",name=\"d1\"} 3000");
    expect_line(text, "xenbench_memory_used_bytes{domain=\"1\",name=\"d1\"} 4096");
    assert_null(strstr(text, "xenbench_disk_written_bytes_total"));
    assert_null(strstr(text, "xenbench_pcpu_stolen_seconds_total"));   /* not sampled */
    free(text);
    xb_totals_free(&t);
    /* pCPU 0's steal: 0.25 s in the first second, 0.5 s in the second */
    assert_int_equal(xb_counters_add(c, "cpu:0", "steal_ns", XB_CUMULATIVE, 0, 0), 0);
    assert_int_equal(xb_counters_add(c, "cpu:0", "steal_ns", XB_CUMULATIVE, s, 2.5e8), 0);
    assert_int_equal(xb_counters_add(c, "cpu:0", "steal_ns", XB_CUMULATIVE, 2 * s, 7.5e8), 0);
    assert_int_equal(xb_totals_init(&t, 1, false), 0);
    for (unsigned i = 0; i < 2; i++) {
        struct xb_window *w = synth_window(1, 1, 1, i * s, s, i);
        assert_int_equal(xb_totals_add(&t, w, c), 0);
        xb_window_free(w);
    }
    text = render(&t, &(struct xb_run_info){ .source = "linux", .npcpu = 1 });
    expect_line(text, "xenbench_pcpu_stolen_seconds_total{pcpu=\"0\"} 0.75");
    free(text);
    xb_totals_free(&t);
    xb_counters_free(c);
}

static bool valid_name(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                  c == ':' || (i && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return n > 0;
}

/* The format's structure, line by line, and promtool's verdict. */
static void test_format_rules(void **state)
{
    (void)state;
    struct xb_names names = { 0 };
    assert_int_equal(xb_names_set(&names, 3, "line\nfeed"), 0);
    struct xb_totals t;
    assert_int_equal(xb_totals_init(&t, 4, true), 0);
    struct xb_window *w = synth_window(50, 2, 4, 0, 1000000000ull, 0);
    assert_int_equal(xb_totals_add(&t, w, NULL), 0);
    xb_window_free(w);
    uint64_t lost[4] = { 0 };
    char *text = render(&t, &(struct xb_run_info){ .source = "linux", .npcpu = 4,
                                                   .names = &names, .lost = lost });
    size_t len = strlen(text);
    assert_true(len > 0 && text[len - 1] == '\n');
    char fam[64][96];
    unsigned nfam = 0;
    char cur[96] = "";
    bool typed = false;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = 0;
        if (strncmp(line, "# HELP ", 7) == 0) {
            const char *name = line + 7, *sp = strchr(name, ' ');
            size_t nlen = sp ? (size_t)(sp - name) : strlen(name);
            snprintf(cur, sizeof cur, "%.*s", (int)nlen, name);
            for (unsigned i = 0; i < nfam; i++)
                assert_string_not_equal(fam[i], cur);     /* one HELP per family */
            snprintf(fam[nfam++], sizeof fam[0], "%s", cur);
            typed = false;
        } else if (strncmp(line, "# TYPE ", 7) == 0) {
            assert_int_equal(strncmp(line + 7, cur, strlen(cur)), 0);
            const char *type = line + 7 + strlen(cur) + 1;
            assert_true(strcmp(type, "counter") == 0 || strcmp(type, "gauge") == 0);
            if (strcmp(type, "counter") == 0) {
                size_t cl = strlen(cur);
                assert_true(cl > 6 && strcmp(cur + cl - 6, "_total") == 0);
            }
            typed = true;
        } else {
            size_t n = strcspn(line, "{ ");
            assert_true(valid_name(line, n));
            assert_true(typed);                          /* TYPE before samples */
            assert_int_equal(strncmp(line, cur, n), 0);  /* inside its family */
            assert_int_equal(n, strlen(cur));
            assert_null(strchr(line, '\n'));
        }
        line = nl + 1;
    }
    assert_true(nfam >= 10);
    free(text);
    text = render(&t, &(struct xb_run_info){ .source = "linux", .npcpu = 4,
                                             .names = &names, .lost = lost });
    FILE *p = popen("promtool check metrics >/dev/null", "w");
    assert_non_null(p);
    fputs(text, p);
    int st = pclose(p);
    if (st)
        fprintf(stderr, "promtool check metrics failed (%d): is Debian's prometheus "
                "installed (scripts/deps.sh)?\n", st);
    assert_int_equal(st, 0);
    free(text);

    /* with the time the totals stand at: on every sample line, and still
     * accepted by promtool */
    text = render_at(&t, &(struct xb_run_info){ .source = "linux", .npcpu = 4,
                                                .names = &names, .lost = lost },
                     1500000001250);
    unsigned samples = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = 0;
        if (line[0] != '#') {
            size_t n = strlen(line);
            assert_true(n > 14 && strcmp(line + n - 14, " 1500000001250") == 0);
            samples++;
        }
        *nl = '\n';
        line = nl + 1;
    }
    assert_true(samples >= 20);
    p = popen("promtool check metrics >/dev/null", "w");
    assert_non_null(p);
    fputs(text, p);
    assert_int_equal(pclose(p), 0);
    free(text);
    xb_totals_free(&t);
    xb_names_free(&names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seconds_and_escaping),
        cmocka_unit_test(test_exact_totals),
        cmocka_unit_test(test_grouping),
        cmocka_unit_test(test_io_counters),
        cmocka_unit_test(test_format_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
