/* test_xenstat_load.c: decode/xenstat_load.c (xenstat.jsonl -> counter
 * series, domid reuse) and source/xen/lost.c (record and lost counting). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xen/trace.h>

#include "decode/xenstat_load.h"
#include "source/xen/lost.h"

static char path[64];

static void write_file(const char *text)
{
    snprintf(path, sizeof path, "/tmp/xb-xenstat-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* TSC at 1 GHz from 1000: tsc 1000 + n*1e9 is n seconds. */
static const struct xb_timebase tb = { 1000, 1000000000 };

#define DOM(id, uuid, cpu, wr) \
    "{\"id\":" #id ",\"uuid\":\"" uuid "\",\"name\":\"g\",\"cpu_ns\":" #cpu \
    ",\"mem_bytes\":1048576,\"vcpus\":[{\"id\":0,\"online\":1,\"ns\":" #cpu "}]," \
    "\"nets\":[{\"id\":0,\"rx_bytes\":100,\"tx_bytes\":200},{\"id\":1,\"rx_bytes\":1," \
    "\"tx_bytes\":2}],\"vbds\":[{\"dev\":51712,\"rd_reqs\":1,\"wr_reqs\":2," \
    "\"rd_sects\":0,\"wr_sects\":" #wr "}]}"

static void test_rates(void **state)
{
    (void)state;
    write_file("{\"tsc\":1000,\"domains\":[" DOM(0, "a", 0, 0) "," DOM(3, "u1", 0, 0) "]}\n"
               "{\"tsc\":1000001000,\"domains\":[" DOM(0, "a", 500000000, 0) ","
               DOM(3, "u1", 250000000, 2048) "]}\n");
    struct xb_counters *c = xb_counters_new();
    struct xb_err err = { 0, "" };
    assert_int_equal(xb_xenstat_load(path, &tb, c, &err), 0);
    double v;
    assert_true(xb_counters_rate(c, "dom:0.0", "cpu_ns", 0, 1000000000, &v));
    assert_true(v > 0.4999e9 && v < 0.5001e9);
    assert_true(xb_counters_rate(c, "dom:3.0", "vcpu0_ns", 0, 1000000000, &v));
    assert_true(v > 0.2499e9 && v < 0.2501e9);
    /* 2048 sectors of 512 bytes in one second */
    assert_true(xb_counters_rate(c, "dom:3.0", "disk_write_bytes", 0, 1000000000, &v));
    assert_true(v > 1048575 && v < 1048577);
    /* vifs summed: constant, so rate 0 */
    assert_true(xb_counters_rate(c, "dom:3.0", "net_tx_bytes", 0, 1000000000, &v));
    assert_true(v == 0);
    assert_true(xb_counters_has(c, "dom:3.0", "mem_bytes"));
    xb_counters_free(c);
    unlink(path);
}

static void test_reuse_and_cut_short(void **state)
{
    (void)state;
    /* domid 3 gets a new UUID (reuse); domid 4 disappears for one reading;
     * the last line has no newline (recording cut short) and is skipped. */
    write_file("{\"tsc\":1000,\"domains\":[" DOM(3, "u1", 0, 0) "," DOM(4, "v", 0, 0) "]}\n"
               "{\"tsc\":1000001000,\"domains\":[" DOM(3, "u2", 0, 0) "]}\n"
               "{\"tsc\":2000001000,\"domains\":[" DOM(3, "u2", 9, 0) "," DOM(4, "v", 0, 0) "]}\n"
               "{\"tsc\":3000001000,\"domains\":[");
    struct xb_counters *c = xb_counters_new();
    struct xb_err err = { 0, "" };
    assert_int_equal(xb_xenstat_load(path, &tb, c, &err), 0);
    assert_true(xb_counters_has(c, "dom:3.0", "cpu_ns"));
    assert_true(xb_counters_has(c, "dom:3.1", "cpu_ns"));
    assert_false(xb_counters_has(c, "dom:3.2", "cpu_ns"));
    assert_true(xb_counters_has(c, "dom:4.1", "cpu_ns"));
    xb_counters_free(c);
    unlink(path);
}

static void test_bad_line(void **state)
{
    (void)state;
    write_file("{\"tsc\":1000,\"domains\":[]}\n{\"tsc\":\"x\",\"domains\":[]}\n");
    struct xb_counters *c = xb_counters_new();
    struct xb_err err = { 0, "" };
    assert_int_equal(xb_xenstat_load(path, &tb, c, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "line 2"));
    xb_counters_free(c);
    unlink(path);
    struct xb_err e2 = { 0, "" };
    c = xb_counters_new();
    assert_int_equal(xb_xenstat_load("/nonexistent/x.jsonl", &tb, c, &e2), -XB_EINPUT);
    xb_counters_free(c);
}

static void test_lost_scan(void **state)
{
    (void)state;
    uint32_t w[32];
    size_t n = 0;
    /* a record with TSC and 1 word, a lost notice {7 lost, ...}, a record
     * without TSC and no words */
    w[n++] = 0x00021011u | (1u << 28) | (1u << 31); w[n++] = 1; w[n++] = 0; w[n++] = 5;
    w[n++] = TRC_LOST_RECORDS | (4u << 28) | (1u << 31); w[n++] = 2; w[n++] = 0;
    w[n++] = 7; w[n++] = 0; w[n++] = 0; w[n++] = 0;
    w[n++] = 0x00028008u;
    struct xb_lost_count cnt = { 0, 0, 0 };
    assert_int_equal(xb_lost_scan_window(w, n * 4, &cnt), 0);
    assert_int_equal(cnt.records, 3);
    assert_int_equal(cnt.notices, 1);
    assert_int_equal(cnt.lost, 7);
    /* cut inside the second record */
    struct xb_lost_count c2 = { 0, 0, 0 };
    assert_int_equal(xb_lost_scan_window(w, 6 * 4, &c2), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_reuse_and_cut_short),
        cmocka_unit_test(test_bad_line),
        cmocka_unit_test(test_lost_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
