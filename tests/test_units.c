/* test_units.c: option value parsing (src/util/units.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/units.h"

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
    assert_int_equal(xb_parse_seconds("1h", &ns), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hz_forms),
        cmocka_unit_test(hz_rejects),
        cmocka_unit_test(seconds_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
