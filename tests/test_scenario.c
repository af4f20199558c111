/* test_scenario.c: bench/scenario.c: every key parsed into its field, the
 * shipped examples, and each kind of bad file with its message and line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload/scenario.h"

static void full_file(void **state)
{
    (void)state;
    static const char text[] =
        "# comment\n"
        "; another\n"
        "[run]\n"
        "duration = 12s   # trailing comment\n"
        "interval = 250ms\n"
        "\n"
        "[domain cpu]\n"
        "stressor = cpu\n"
        "workers = 2\n"
        "cpu-load = 50\n"
        "cpus = 0-1,3\n"
        "[ domain  io_1 ]\r\n"
        "stressor=hdd\r\n"
        "rate = 20M\n"
        "bytes = 64K\n"
        "duration = 5\n"
        "[domain nothing]\n"
        "stressor = idle\n";
    struct xb_scenario s;
    struct xb_err err = { 0 };
    assert_int_equal(xb_scenario_parse(text, strlen(text), "t.scn", &s, &err), 0);
    assert_int_equal(s.duration_ns, 12000000000ull);
    assert_int_equal(s.interval_ns, 250000000ull);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.d[0].name, "cpu");
    assert_string_equal(s.d[0].st->name, "cpu");
    assert_int_equal(s.d[0].workers, 2);
    assert_int_equal(s.d[0].cpu_load_pct, 50);
    assert_string_equal(s.d[0].cpus, "0-1,3");
    assert_int_equal(s.d[0].duration_ns, 12000000000ull);  /* the run's */
    assert_int_equal(s.d[0].line, 7);
    assert_string_equal(s.d[1].name, "io_1");
    assert_int_equal(s.d[1].rate_bps, 20u << 20);
    assert_int_equal(s.d[1].bytes, 64u << 10);
    assert_int_equal(s.d[1].duration_ns, 5000000000ull);
    assert_int_equal(s.d[1].workers, 1);
    assert_int_equal(s.d[1].cpu_load_pct, -1);
    assert_string_equal(s.d[1].cpus, "");
    assert_null(s.d[2].st->ng_opt);
    xb_scenario_free(&s);
}

static void examples_parse(void **state)
{
    (void)state;
    const char *dir = getenv("XB_EXAMPLES");
    assert_non_null(dir);
    char path[1024];
    struct xb_scenario s;
    struct xb_err err = { 0 };
    snprintf(path, sizeof path, "%s/mixed.scn", dir);
    assert_int_equal(xb_scenario_load(path, &s, &err), 0);
    assert_int_equal(s.n, 4);
    static const char *const names[] = { "cpu", "io", "idle", "cache" };
    for (int i = 0; i < 4; i++)
        assert_string_equal(s.d[i].name, names[i]);
    assert_string_equal(s.d[0].cpus, "1");
    assert_int_equal(s.d[0].cpu_load_pct, 100);
    assert_true(s.d[1].rate_bps > 0);
    xb_scenario_free(&s);
    snprintf(path, sizeof path, "%s/contention.scn", dir);
    assert_int_equal(xb_scenario_load(path, &s, &err), 0);
    assert_int_equal(s.n, 3);
    xb_scenario_free(&s);
}

static void missing_file(void **state)
{
    (void)state;
    struct xb_scenario s;
    struct xb_err err = { 0 };
    assert_int_equal(xb_scenario_load("/nonexistent/x.scn", &s, &err), -XB_EINPUT);
    assert_string_equal(err.msg, "/nonexistent/x.scn: No such file or directory");
}

#define RUN "[run]\nduration = 5\n"
static const struct {
    const char *text;
    const char *msg;   /* the whole message */
} bad[] = {
    { RUN "[domain a]\nstressor = fork\n",
      "b.scn:4: unknown stressor 'fork' (one of cpu, vm, cache, stream, hdd, "
      "iomix, sock, udp, idle)" },
    { RUN "[domain a]\nworkers = 2\n",
      "b.scn:3: domain 'a' has no 'stressor =' (one of cpu, vm, cache, stream, "
      "hdd, iomix, sock, udp, idle)" },
    { "[run]\ninterval = 1\n[domain a]\nstressor = cpu\n",
      "b.scn:1: [run] has no 'duration =' (how long to record)" },
    { "[run]\nduration = -5s\n[domain a]\nstressor = cpu\n",
      "b.scn:2: duration: negative duration '-5s'" },
    { RUN "[domain a]\nstressor = cpu\nduration = -1\n",
      "b.scn:5: duration: negative duration '-1'" },
    { RUN "[domain a]\nstressor = cpu\nduration = 0\n",
      "b.scn:5: duration: '0' is not a duration (e.g. 10, 0.5, 250ms, 5m, 1h; "
      "0.1 s to 366 d)" },
    { "[run]\nduration = 5\ninterval = 1us\n[domain a]\nstressor = cpu\n",
      "b.scn:3: interval: '1us' is less than the minimum, 0.1 s (0.1 s to 1 h)" },
    { RUN "[domain a]\nstressor = cpu\nspeed = 3\n",
      "b.scn:5: unknown key 'speed' in [domain] (known: stressor, workers, "
      "cpu-load, cpus, duration, bytes, rate)" },
    { "[run]\nduration = 5\nworkers = 1\n",
      "b.scn:3: unknown key 'workers' in [run] (known: duration, interval)" },
    { RUN "[domain a]\nstressor = cpu\nworkers = two\n",
      "b.scn:5: workers: 'two' is not a number" },
    { RUN "[domain a]\nstressor = cpu\nworkers = 3x\n",
      "b.scn:5: workers: '3x' is not a number" },
    { RUN "[domain a]\nstressor = cpu\nworkers = 0\n",
      "b.scn:5: workers: 0 is out of range (1..256)" },
    { RUN "[domain a]\nstressor = cpu\ncpu-load = 101\n",
      "b.scn:5: cpu-load: 101 is out of range (1..100)" },
    { RUN "[domain a]\nstressor = hdd\nrate = fast\n",
      "b.scn:5: rate: 'fast' is not a size in bytes (e.g. 4096, 64K, 20M, 1G) "
      "per second" },
    { RUN "[domain a]\nstressor = vm\nbytes = -3M\n",
      "b.scn:5: bytes: negative size '-3M'" },
    { RUN "[domain a]\nstressor = cpu\ncpus = 1-0\n",
      "b.scn:5: cpus: '1-0' is not a cpu list (e.g. 1, 0-1, 0,2)" },
    { RUN "[domain a]\ncpu-load = 5\nstressor = hdd\n",
      "b.scn:3: domain 'a': 'cpu-load' does not apply to stressor 'hdd'" },
    { RUN "[domain a]\nstressor = cpu\nrate = 1M\n",
      "b.scn:3: domain 'a': 'rate' does not apply to stressor 'cpu'" },
    { RUN "[domain a]\nstressor = cpu\n[domain a]\nstressor = cpu\n",
      "b.scn:5: domain 'a' is defined twice (first on line 3)" },
    { RUN "[domain a]\nstressor = cpu\nstressor = vm\n",
      "b.scn:5: 'stressor' is given twice in this section" },
    { RUN "[domain a b]\nstressor = cpu\n",
      "b.scn:3: domain name 'a b': use 1 to 47 letters, digits, '_' or '-'" },
    { "stressor = cpu\n",
      "b.scn:1: 'stressor =' comes before any [run] or [domain NAME] section" },
    { RUN "[domains x]\n",
      "b.scn:3: unknown section '[domains x]' (want [run] or [domain NAME])" },
    { RUN "[domain x\n",
      "b.scn:3: bad section header '[domain x' (want [run] or [domain NAME])" },
    { RUN "[domain x]\nstressor cpu\n",
      "b.scn:4: 'stressor cpu' is not 'key = value' or a [section]" },
    { RUN "[domain x]\nstressor =\n",
      "b.scn:4: 'stressor =' has no value" },
    { "[domain a]\nstressor = cpu\n",
      "b.scn:2: no [run] section (it gives 'duration =', how long to record)" },
    { RUN "\n",
      "b.scn:3: no [domain NAME] section: nothing to run" },
    { "", "b.scn:1: no [run] section (it gives 'duration =', how long to record)" },
    { RUN "[run]\nduration = 1\n",
      "b.scn:3: second [run] section (the first is on line 1)" },
};

static void bad_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct xb_scenario s;
        struct xb_err err = { 0 };
        int rc = xb_scenario_parse(bad[i].text, strlen(bad[i].text), "b.scn",
                                   &s, &err);
        if (rc != -XB_EINPUT || strcmp(err.msg, bad[i].msg) != 0)
            fail_msg("case %zu: rc %d, message\n  got:  %s\n  want: %s", i, rc,
                     err.msg, bad[i].msg);
        assert_null(s.d);
    }
}

static void long_line_and_nul(void **state)
{
    (void)state;
    char text[2100];
    memset(text, 'x', sizeof text);
    memcpy(text, "[run]\n#", 7);
    struct xb_scenario s;
    struct xb_err err = { 0 };
    assert_int_equal(xb_scenario_parse(text, sizeof text, "l.scn", &s, &err),
                     -XB_EINPUT);
    assert_string_equal(err.msg, "l.scn:2: line longer than 1023 bytes");
    static const char nul[] = "[run]\nduration = 1\0\n";
    struct xb_err e2 = { 0 };
    assert_int_equal(xb_scenario_parse(nul, sizeof nul - 1, "n.scn", &s, &e2),
                     -XB_EINPUT);
    assert_string_equal(e2.msg, "n.scn:2: NUL byte: not a text file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_file),
        cmocka_unit_test(examples_parse),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(bad_files),
        cmocka_unit_test(long_line_and_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
