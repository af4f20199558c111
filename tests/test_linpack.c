/* test_linpack.c: bench/linpack.c (flop count, MFLOPS against a time the
 * test measures itself, HPL's scaled residual computed independently) and
 * bench/stats.c (median and range). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workload/linpack.h"
#include "util/stats.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void flop_count_is_hpl(void **state)
{
    (void)state;
    assert_float_equal(xb_linpack_flops(1), 2.0 / 3.0 + 2.0, 1e-12);
    assert_float_equal(xb_linpack_flops(1000), 668666666.6666666, 1e-3);
    /* 5000: 2/3 * 1.25e11 + 5e7 */
    assert_float_equal(xb_linpack_flops(5000), 83383333333.33333, 1.0);
    assert_float_equal(xb_linpack_mflops(1000, 2.0), 334.3333333333333, 1e-9);
}

/* The MFLOPS the module reports for one solve, against the flop count the
 * test computes over the time the test measures around the same call: the
 * module times the dgesv call only, so its figure is at most 2 % above; and
 * it is that flop count over the module's own time (HPL's 2/3 n^3 + 2 n^2),
 * a figure that a wrong count or a wrong clock would miss. */
static void mflops_match_an_outside_clock(void **state)
{
    (void)state;
    struct xb_linpack lp;
    struct xb_err err = { 0 };
    const int n = 1500;
    assert_int_equal(xb_linpack_init(&lp, n, 7, &err), 0);
    xb_linpack_reset(&lp);
    double inner;
    double t0 = now_s();
    assert_int_equal(xb_linpack_solve(&lp, &inner, &err), 0);
    double outer = now_s() - t0;
    double dn = n;
    double mine = (2.0 / 3.0 * dn * dn * dn + 2.0 * dn * dn) / outer / 1e6;
    double theirs = xb_linpack_mflops(n, inner);
    assert_true(inner > 0 && inner <= outer);
    assert_true(theirs <= mine * 1.02);
    assert_float_equal(theirs, (2.0 / 3.0 * dn * dn * dn + 2.0 * dn * dn) / inner / 1e6,
                       1e-9 * theirs);
    xb_linpack_free(&lp);
}

/* HPL's scaled residual, written out again here from its definition. */
static double residual_here(const struct xb_linpack *lp)
{
    int n = lp->n;
    double rmax = 0, amax = 0, xmax = 0, bmax = 0;
    for (int i = 0; i < n; i++) {
        double ax = 0, rowsum = 0;
        for (int j = 0; j < n; j++) {
            double aij = lp->a0[(size_t)j * n + i];
            ax += aij * lp->x[j];
            rowsum += fabs(aij);
        }
        rmax = fmax(rmax, fabs(ax - lp->b0[i]));
        amax = fmax(amax, rowsum);
        xmax = fmax(xmax, fabs(lp->x[i]));
        bmax = fmax(bmax, fabs(lp->b0[i]));
    }
    return rmax / (DBL_EPSILON / 2 * (amax * xmax + bmax) * n);
}

static void residual_is_small(void **state)
{
    (void)state;
    static const int sizes[] = { 1, 7, 250, 1000 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        struct xb_linpack lp;
        struct xb_err err = { 0 };
        double s;
        assert_int_equal(xb_linpack_init(&lp, sizes[k], 11 + k, &err), 0);
        xb_linpack_reset(&lp);
        assert_int_equal(xb_linpack_solve(&lp, &s, &err), 0);
        double mine = residual_here(&lp), theirs = xb_linpack_residual(&lp);
        assert_true(mine < 16.0);
        assert_float_equal(theirs, mine, 1e-6 * (mine + 1e-3));
        xb_linpack_free(&lp);
    }
}

/* b = A * 1: the solution must be all ones. */
static void known_solution(void **state)
{
    (void)state;
    struct xb_linpack lp;
    struct xb_err err = { 0 };
    const int n = 300;
    double s;
    assert_int_equal(xb_linpack_init(&lp, n, 3, &err), 0);
    for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++)
            sum += lp.a0[(size_t)j * n + i];
        lp.b0[i] = sum;
    }
    xb_linpack_reset(&lp);
    assert_int_equal(xb_linpack_solve(&lp, &s, &err), 0);
    for (int i = 0; i < n; i++)
        assert_float_equal(lp.x[i], 1.0, 1e-8);
    xb_linpack_free(&lp);
}

static void singular_matrix_is_an_error(void **state)
{
    (void)state;
    struct xb_linpack lp;
    struct xb_err err = { 0 };
    double s;
    assert_int_equal(xb_linpack_init(&lp, 20, 1, &err), 0);
    for (int i = 0; i < 20 * 20; i++)
        lp.a0[i] = 0;
    xb_linpack_reset(&lp);
    assert_int_equal(xb_linpack_solve(&lp, &s, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "singular"));
    xb_linpack_free(&lp);

    struct xb_err e2 = { 0 };
    assert_int_equal(xb_linpack_init(&lp, 0, 1, &e2), -XB_EUSAGE);
    assert_non_null(strstr(e2.msg, "out of range"));
}

static void autosize_stays_in_bounds(void **state)
{
    (void)state;
    int n = 0;
    double s = 0;
    struct xb_err err = { 0 };
    assert_int_equal(xb_linpack_autosize(0.001, 0.002, 50, 400, &n, &s, &err), 0);
    assert_true(n >= 50 && n <= 400);
    assert_true(s > 0);
}

static void spread(void **state)
{
    (void)state;
    struct xb_spread sp;
    double odd[] = { 5, -1, 3, 9, 2 };
    assert_int_equal(xb_spread_of(odd, 5, &sp), 0);
    assert_float_equal(sp.median, 3, 0);
    assert_float_equal(sp.min, -1, 0);
    assert_float_equal(sp.max, 9, 0);
    assert_float_equal(odd[0], 5, 0);   /* input untouched */
    double even[] = { 4, 1, 2, 10 };
    assert_int_equal(xb_spread_of(even, 4, &sp), 0);
    assert_float_equal(sp.median, 3, 0);
    assert_int_equal(xb_spread_of(even, 0, &sp), 0);
    assert_float_equal(sp.median, 0, 0);
}

int main(void)
{
    xb_linpack_set_threads(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flop_count_is_hpl),
        cmocka_unit_test(mflops_match_an_outside_clock),
        cmocka_unit_test(residual_is_small),
        cmocka_unit_test(known_solution),
        cmocka_unit_test(singular_matrix_is_an_error),
        cmocka_unit_test(autosize_stays_in_bounds),
        cmocka_unit_test(spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
