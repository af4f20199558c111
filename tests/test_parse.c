/* test_parse.c: option and field parsing (src/util/parse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/parse.h"

static void hz_forms(void **state)
{
    (void)state;
    uint64_t hz;
    assert_int_equal(xb_parse_hz("2596138000", &hz), 0);
    assert_int_equal(hz, 2596138000u);
    assert_int_equal(xb_parse_hz("2596.138M", &hz), 0);
    assert_int_equal(hz, 2596138000u);
    assert_int_equal(xb_parse_hz("2.6G", &hz), 0);
    assert_int_equal(hz, 2600000000u);
    assert_int_equal(xb_parse_hz("2596138k", &hz), 0);
    assert_int_equal(hz, 2596138000u);
    assert_int_equal(xb_parse_hz("2596138.5K", &hz), 0);
    assert_int_equal(hz, 2596138500u);
}

static void hz_rejects(void **state)
{
    (void)state;
    uint64_t hz = 7;
    const char *bad[] = { "", "M", "-5", "0", "2.6X", "2.6 G", " 26", "abc",
                          "1e400", "nan", "2596M2" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(xb_parse_hz(bad[i], &hz), -1);
    assert_int_equal(hz, 7);
}

static void seconds_forms(void **state)
{
    (void)state;
    uint64_t ns;
    assert_int_equal(xb_parse_seconds("1", &ns), 0);
    assert_int_equal(ns, 1000000000u);
    assert_int_equal(xb_parse_seconds("0.5", &ns), 0);
    assert_int_equal(ns, 500000000u);
    assert_int_equal(xb_parse_seconds("250ms", &ns), 0);
    assert_int_equal(ns, 250000000u);
    assert_int_equal(xb_parse_seconds("-1", &ns), -1);
    assert_int_equal(xb_parse_seconds("0", &ns), -1);
    assert_int_equal(xb_parse_seconds("1h", &ns), 0);
    assert_int_equal(ns, 3600000000000u);
    assert_int_equal(xb_parse_seconds("5m", &ns), 0);
    assert_int_equal(ns, 300000000000u);
    assert_int_equal(xb_parse_seconds("2d", &ns), 0);
    assert_int_equal(ns, 172800000000000u);
    assert_int_equal(xb_parse_seconds("10us", &ns), 0);
    assert_int_equal(ns, 10000u);
    const char *bad[] = { "", "s", " 1", "+1", "1 s", "1x", "1hh", "nan", "inf",
                          "1e400", "99999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(xb_parse_seconds(bad[i], &ns), -1);
}

/* Bounded durations tell "not a duration" from "out of range". */
static void duration_bounds(void **state)
{
    (void)state;
    uint64_t ns = 7;
    assert_int_equal(xb_parse_duration_in("1us", 0.1, 3600, &ns), -2);
    assert_int_equal(xb_parse_duration_in("2h", 0.1, 3600, &ns), -3);
    assert_int_equal(xb_parse_duration_in("soon", 0.1, 3600, &ns), -1);
    assert_int_equal(ns, 7);
    assert_int_equal(xb_parse_duration_in("100ms", 0.1, 3600, &ns), 0);
    assert_int_equal(ns, 100000000u);
    assert_int_equal(xb_parse_duration_in("1h", 0.1, 3600, &ns), 0);
    assert_int_equal(ns, 3600000000000u);
    assert_int_equal(xb_parse_duration_in("99999999999", 0.1, 366 * 86400.0, &ns), -3);
}

static void byte_sizes(void **state)
{
    (void)state;
    uint64_t b;
    assert_int_equal(xb_parse_bytes("4096", &b), 0);
    assert_int_equal(b, 4096);
    assert_int_equal(xb_parse_bytes("1g", &b), 0);
    assert_int_equal(b, 1ull << 30);
    assert_int_equal(xb_parse_bytes("0", &b), -1);
    assert_int_equal(xb_parse_bytes("-1M", &b), -1);
    assert_int_equal(xb_parse_bytes("1.5M", &b), -1);
    assert_int_equal(xb_parse_bytes("3MB", &b), -1);
    assert_int_equal(xb_parse_bytes("", &b), -1);
    assert_int_equal(xb_parse_bytes("99999999999999999999", &b), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hz_forms),
        cmocka_unit_test(hz_rejects),
        cmocka_unit_test(seconds_forms),
        cmocka_unit_test(duration_bounds),
        cmocka_unit_test(byte_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
