/* test_decode.c: the xentrace reader (src/decode/xentrace.c) on files made
 * by tests/trace_writer.c: merge order, padding, lost notices, and every
 * kind of damage with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <xen/trace.h>

#include "decode/xen_sched.h"
#include "decode/xentrace.h"
#include "trace_writer.h"

static struct xb_xtrace *open_buf(const uint8_t *b, size_t len, struct xb_err *err)
{
    struct xb_xtrace *t = NULL;
    memset(err, 0, sizeof *err);
    int rc = xb_xtrace_open_mem(&t, b, len, "t.bin", err);
    return rc ? NULL : t;
}

/* Walk to the end; return the error code (0 at a clean end). */
static int walk(struct xb_xtrace *t, struct xb_err *err, unsigned *n)
{
    struct xb_xrec r;
    int rc;
    *n = 0;
    while ((rc = xb_xtrace_next(t, &r, err)) == 1)
        (*n)++;
    return rc;
}

static void merge_by_tsc(void **state)
{
    (void)state;
    struct tw *w = tw_new(3);
    /* interleaved times across CPUs, several windows each */
    for (uint64_t i = 0; i < 30; i++)
        tw_runstate(w, (unsigned)(i % 3), 1000 + 10 * i, 1, 0, 1, 0);
    uint32_t x = 7;
    tw_rec(w, 1, TRC_TRACE_WRAP_BUFFER, 1, 2000, 0, NULL);    /* padding */
    tw_rec(w, 1, TRC_SCHED_WAKE, 0, 0, 1, &x);                 /* no TSC */
    size_t len;
    const uint8_t *b = tw_bytes(w, 4, &len);
    struct xb_err err;
    struct xb_xtrace *t = open_buf(b, len, &err);
    assert_non_null(t);
    assert_int_equal(xb_xtrace_ncpu(t), 3);
    struct xb_xrec r;
    uint64_t last = 0;
    unsigned n = 0, wake = 0;
    while (xb_xtrace_next(t, &r, &err) == 1) {
        assert_true(r.tsc >= last);
        last = r.tsc;
        assert_int_not_equal(r.event, TRC_TRACE_WRAP_BUFFER);
        if (r.event == TRC_SCHED_WAKE) {
            wake++;
            assert_false(r.has_tsc);
            assert_int_equal(r.tsc, 2000);     /* the CPU's previous TSC */
            assert_int_equal(r.extra[0], 7);
        }
        n++;
    }
    assert_int_equal(n, 31);
    assert_int_equal(wake, 1);
    assert_int_equal(xb_xtrace_records(t), 32);
    assert_int_equal(xb_xtrace_first_tsc(t), 1000);
    assert_int_equal(xb_xtrace_last_tsc(t), 2000);
    assert_null(xb_xtrace_warning(t));
    xb_xtrace_close(t);
    tw_free(w);
}

static void filter_and_lost(void **state)
{
    (void)state;
    struct tw *w = tw_new(2);
    uint32_t x[2] = { 1, 0 };
    tw_rec(w, 0, TRC_SCHED_WAKE, 1, 100, 2, x);
    tw_runstate(w, 0, 110, 1, 0, 1, 0);
    tw_lost(w, 1, 150, 42, 120);
    tw_lost(w, 1, 190, 8, 170);
    size_t len;
    const uint8_t *b = tw_bytes(w, 0, &len);
    struct xb_err err;
    struct xb_xtrace *t = open_buf(b, len, &err);
    xb_xtrace_set_filter(t, &xb_xen_sched_filter);
    /* a notice is handed out at its first_tsc and again, as its end, at its
     * own TSC; each CPU's end follows its last record */
    static const struct { uint32_t event; unsigned cpu; uint64_t tsc; } want[] = {
        { TRC_SCHED_RUNSTATE_CHANGE | 1 << 8, 0, 110 },
        { XB_XT_CPU_END, 0, 110 },
        { TRC_LOST_RECORDS, 1, 120 }, { XB_XT_LOST_RECORDS_END, 1, 150 },
        { TRC_LOST_RECORDS, 1, 170 }, { XB_XT_LOST_RECORDS_END, 1, 190 },
        { XB_XT_CPU_END, 1, 190 },
    };
    struct xb_xrec r;
    unsigned n = 0;
    int rc;
    while ((rc = xb_xtrace_next(t, &r, &err)) == 1) {
        assert_true(n < sizeof want / sizeof want[0]);
        assert_int_equal(r.event, want[n].event);
        assert_int_equal(r.cpu, want[n].cpu);
        assert_int_equal(r.tsc, want[n].tsc);
        if (r.event == TRC_LOST_RECORDS || r.event == XB_XT_LOST_RECORDS_END) {
            assert_int_equal(r.split, r.event == TRC_LOST_RECORDS);
            assert_int_equal(r.extra[0], n < 4 ? 42 : 8);
        }
        n++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, sizeof want / sizeof want[0]);
    assert_int_equal(xb_xtrace_lost(t, 1), 50);
    assert_int_equal(xb_xtrace_lost_notices(t, 1), 2);
    assert_int_equal(xb_xtrace_lost(t, 0), 0);
    xb_xtrace_close(t);
    tw_free(w);
}

static void expect_open_error(const uint8_t *b, size_t len, const char *needle)
{
    struct xb_err err;
    assert_null(open_buf(b, len, &err));
    assert_int_equal(err.code, -XB_EINPUT);
    if (!strstr(err.msg, needle))
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void expect_walk_error(const uint8_t *b, size_t len, const char *needle)
{
    struct xb_err err;
    struct xb_xtrace *t = open_buf(b, len, &err);
    assert_non_null(t);
    unsigned n;
    assert_int_equal(walk(t, &err, &n), -XB_EINPUT);
    if (!strstr(err.msg, needle))
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    xb_xtrace_close(t);
}

/* The same with the pipeline's limit on forward jumps (an hour at 1 GHz). */
static void expect_walk_error_jump(const uint8_t *b, size_t len, const char *needle)
{
    struct xb_err err;
    struct xb_xtrace *t = open_buf(b, len, &err);
    assert_non_null(t);
    xb_xtrace_set_max_jump(t, 3600ull * 1000000000ull, 1000000000ull);
    unsigned n;
    assert_int_equal(walk(t, &err, &n), -XB_EINPUT);
    if (!strstr(err.msg, needle))
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    xb_xtrace_close(t);
}

static uint8_t *sample(size_t *len)
{
    struct tw *w = tw_new(2);
    for (uint64_t i = 0; i < 8; i++)
        tw_runstate(w, (unsigned)(i % 2), 100 + i, 1, 0, 1, 0);
    const uint8_t *b = tw_bytes(w, 2, len);
    uint8_t *copy = malloc(*len);
    memcpy(copy, b, *len);
    tw_free(w);
    return copy;
}

static void damage(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = sample(&len);           /* windows of 2 records: 12 + 2*16 */
    const size_t win = 12 + 2 * 16;

    expect_open_error(b, 0, "empty file");
    expect_open_error((const uint8_t *)"hello, world, not a trace", 25,
                      "byte offset 0: not a xentrace file");

    assert_true(len >= win + 8);
    uint8_t *c = malloc(len);
    if (!c)                             /* (GCC's bounds check needs it said) */
        abort();
    memcpy(c, b, len);
    memset(c + win, 0xab, 4);           /* second window header */
    expect_open_error(c, len, "byte offset 44: expected a CPU_CHANGE window header");

    memcpy(c, b, len);
    int32_t cpu = 5000;
    memcpy(c + win + 4, &cpu, 4);
    expect_open_error(c, len, "byte offset 48: window header names CPU 5000, out of range");

    memcpy(c, b, len);
    uint32_t hdr;
    memcpy(&hdr, c + 12, 4);
    hdr = (hdr & 0xf0000000u) | 0x0100f123u;    /* class 0x100: none */
    memcpy(c + 12, &hdr, 4);
    expect_walk_error(c, len, "byte offset 12: CPU 0: unknown event class");

    memcpy(c, b, len);
    uint64_t tsc = 1;                            /* second record of cpu 0 */
    memcpy(c + 12 + 16 + 4, &tsc, 8);
    expect_walk_error(c, len, "byte offset 28: CPU 0: TSC steps back");

    /* a TSC far forward (an hour and more at 1 GHz): not a clock */
    memcpy(c, b, len);
    tsc = 100 + 3601000000000ull;
    memcpy(c + 12 + 16 + 4, &tsc, 8);
    expect_walk_error_jump(c, len, "byte offset 28: CPU 0: TSC jumps forward by "
                           "3601000000000 ticks (3601 s at 1000000000 Hz");
    /* a CPU whose first TSC lies an hour after the others' */
    memcpy(c, b, len);
    for (size_t off = win; off < win + 2 * 16; off += 16) {
        memcpy(&tsc, c + off + 12 + 4, 8);
        tsc += 3601000000000ull;
        memcpy(c + off + 12 + 4, &tsc, 8);
    }
    expect_walk_error_jump(c, len, "CPU 1: first TSC 3601000000101 lies 3601 s after");

    memcpy(c, b, len);
    uint32_t big = 40;                           /* window shorter than records */
    memcpy(c + 8, &big, 4);
    expect_open_error(c, len, "byte offset 52: expected a CPU_CHANGE window header");

    memcpy(c, b, len);
    uint32_t small = 30;                         /* record runs past window end */
    memcpy(c + 8, &small, 4);
    /* make the bytes after the shortened window a valid empty window */
    uint32_t empty[3] = { 0x2001f003u, 0, 88 - 54 };
    memcpy(c + 12 + small, empty, 12);
    expect_walk_error(c, len, "runs past the end of its window");
    free(c);
    free(b);
}

static void truncated(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = sample(&len);
    struct xb_err err;
    /* cut inside the last record: everything before it is read */
    struct xb_xtrace *t = open_buf(b, len - 3, &err);
    assert_non_null(t);
    assert_non_null(xb_xtrace_warning(t));
    assert_non_null(strstr(xb_xtrace_warning(t), "file ends inside the window at byte offset"));
    unsigned n;
    assert_int_equal(walk(t, &err, &n), 0);
    assert_int_equal(n, 7);
    xb_xtrace_close(t);
    /* cut inside a window header */
    t = open_buf(b, 44 + 5, &err);
    assert_non_null(t);
    assert_non_null(strstr(xb_xtrace_warning(t), "inside a window header at byte offset 44"));
    assert_int_equal(walk(t, &err, &n), 0);
    assert_int_equal(n, 2);
    xb_xtrace_close(t);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merge_by_tsc),
        cmocka_unit_test(filter_and_lost),
        cmocka_unit_test(damage),
        cmocka_unit_test(truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
