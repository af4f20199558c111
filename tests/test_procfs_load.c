/* test_procfs_load.c: decode/procfs_load.c, the network namespace block
 * (`@ T_NS net.dev DOMID NETNS`): every interface but lo summed, a
 * namespace two domains share given to neither, a damaged line named; and
 * the /proc/stat block (`@ T_NS stat HZ`): each CPU's steal in ns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "decode/procfs_load.h"

/* nanoseconds as they are */
static const struct xb_timebase tb = { 0, 1000000000 };

#define HEAD "Inter-|   Receive                                                |  Transmit\n" \
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets " \
    "errs drop fifo colls carrier compressed\n"
#define IF(name, rx, tx) "  " name ": " #rx " 10 0 0 0 0 0 0 " #tx " 20 0 0 0 0 0 0\n"

static int load(const char *text, struct xb_counters *c, struct xb_procfs_damage *d)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    struct xb_err err = { 0, "" };
    int rc = xb_procfs_load_stream_checked(f, "procfs.txt", &tb, c, d, &err);
    fclose(f);
    return rc;
}

static void test_netns(void **state)
{
    (void)state;
    /* domain 1 alone in namespace 77 (eth0 and eth1, lo left out);
     * domains 2 and 3 share namespace 88: neither has network figures */
    const char *text =
        "@ 0 net.dev 1 77\n" HEAD IF("lo", 5000000, 5000000) IF("eth0", 0, 0) IF("eth1", 0, 0)
        "@ 0 net.dev 2 88\n" HEAD IF("eth0", 0, 0)
        "@ 0 net.dev 3 88\n" HEAD IF("eth0", 0, 0)
        "@ 1000000000 net.dev 1 77\n" HEAD IF("lo", 9000000, 9000000)
        IF("eth0", 1000000, 3000000) IF("eth1", 500000, 0)
        "@ 1000000000 net.dev 2 88\n" HEAD IF("eth0", 7000, 7000)
        "@ 1000000000 net.dev 3 88\n" HEAD IF("eth0", 7000, 7000);
    struct xb_counters *c = xb_counters_new();
    struct xb_procfs_damage d;
    assert_int_equal(load(text, c, &d), 0);
    assert_int_equal(d.lines, 0);
    double v;
    assert_true(xb_counters_rate(c, "dom:1.0", "net_rx_bytes", 0, 1000000000, &v));
    assert_true(v > 1499999 && v < 1500001);
    assert_true(xb_counters_rate(c, "dom:1.0", "net_tx_bytes", 0, 1000000000, &v));
    assert_true(v > 2999999 && v < 3000001);
    assert_true(xb_counters_has(c, "dom:1.0", "net_rx_packets"));
    assert_false(xb_counters_has(c, "dom:2.0", "net_rx_bytes"));
    assert_false(xb_counters_has(c, "dom:3.0", "net_tx_bytes"));
    xb_counters_free(c);
}

static void test_netns_damaged(void **state)
{
    (void)state;
    const char *text = "@ 0 net.dev 1\n" HEAD IF("eth0", 0, 0)
                       "@ 1000000000 net.dev 1 77\n" HEAD "  eth0: 12 x\n";
    struct xb_counters *c = xb_counters_new();
    struct xb_procfs_damage d;
    assert_int_equal(load(text, c, &d), 0);
    assert_int_equal(d.lines, 2);
    assert_int_equal(d.line, 1);
    assert_string_equal(d.why, "bad 'net.dev' header (expected DOMID NETNS)");
    assert_false(xb_counters_has(c, "dom:1.0", "net_rx_bytes"));
    xb_counters_free(c);
}

static void test_steal(void **state)
{
    (void)state;
    /* HZ 100: cpu1 steals 30 ticks (300 ms) in 2 s, cpu0 none; a line that
     * is not a cpu line is named and its block left out */
    const char *text =
        "@ 0 stat 100\n"
        "cpu0 10 0 5 900 0 0 1 7 0 0\n"
        "cpu1 10 0 5 900 0 0 1 20 0 0\n"
        "@ 2000000000 stat 100\n"
        "cpu0 60 0 5 1050 0 0 1 7 0 0\n"
        "cpu1 60 0 5 1020 0 0 1 50 0 0\n"
        "@ 3000000000 stat 100\n"
        "intr 12 3 4\n"
        "cpu1 60 0 5 1020 0 0 1 99 0 0\n";
    struct xb_counters *c = xb_counters_new();
    struct xb_procfs_damage d;
    assert_int_equal(load(text, c, &d), 0);
    assert_int_equal(d.lines, 1);
    assert_int_equal(d.line, 8);
    assert_string_equal(d.why, "not a '/proc/stat' cpu line (cpuN and 8 counts)");
    double v;
    assert_true(xb_counters_rate(c, "cpu:1", "steal_ns", 0, 2000000000, &v));
    assert_true(v > 149999999 && v < 150000001);      /* ns per s: 15 % */
    assert_true(xb_counters_rate(c, "cpu:0", "steal_ns", 0, 2000000000, &v));
    assert_true(v == 0);
    assert_false(xb_counters_rate(c, "cpu:1", "steal_ns", 0, 3000000000, &v) && v > 1.6e8);
    xb_counters_free(c);
}

/* A ring run's counters from the kept span's start: a cumulative series
 * takes its value there, between the samples either side (before, the
 * sample 0.5 s earlier counted as if it were at the start: 30 units in the
 * first 0.5 s here, not 15); a gauge its last reading before. */
static void test_rebase(void **state)
{
    (void)state;
    struct xb_counters *c = xb_counters_new();
    assert_non_null(c);
    for (unsigned k = 0; k < 3; k++) {
        assert_int_equal(xb_counters_add(c, "cpu:1", "steal_ns", XB_CUMULATIVE,
                                         k * 1000000000ull, k * k * 10.0), 0);
        assert_int_equal(xb_counters_add(c, "dom:1.0", "mem_bytes", XB_GAUGE,
                                         k * 1000000000ull, 5.0 + k), 0);
    }
    xb_counters_rebase(c, 1500000000ull);
    double r;
    /* 10 at 1 s, 40 at 2 s: 25 at 1.5 s, so 15 in the first 0.5 s */
    assert_true(xb_counters_rate(c, "cpu:1", "steal_ns", 0, 500000000ull, &r));
    assert_true(r > 30 - 1e-9 && r < 30 + 1e-9);
    assert_true(xb_counters_rate(c, "dom:1.0", "mem_bytes", 0, 100000000ull, &r));
    assert_true(r == 6.0);
    assert_true(xb_counters_rate(c, "dom:1.0", "mem_bytes", 400000000ull, 600000000ull, &r));
    assert_true(r == 7.0);
    xb_counters_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_netns),
        cmocka_unit_test(test_netns_damaged),
        cmocka_unit_test(test_steal),
        cmocka_unit_test(test_rebase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
