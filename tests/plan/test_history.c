/* test_history.c: the roll-ups (src/store/rollup.c, feed.c), the points the
 * sizing methods read (store/read.c, plan/profiles.c, plan/method.c) and
 * the sizing rules built on them, on histories written through the store's
 * own API with known figures:
 *  - a bucket's maximum, time-weighted mean and percentile within, exact;
 *  - the spiky VM: 0.2 cores with a 20 s burst to 2 cores every 10
 *    minutes, recorded in 1 s windows, sizes to >= 2 cores under the AWS
 *    and Azure methods and to 0.2 x 1.3 under the raw one;
 *  - 10-minute peaks derived from 5-minute maxima equal the stored ones;
 *  - contention raises the need: a VM that ran 31 % and waited 69 % needs
 *    what it wanted, and is not called over-provisioned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog/catalog.h"
#include "catalog_rows.h"
#include "plan/fleet.h"
#include "plan/profiles.h"
#include "plan/sizing.h"
#include "store/feed.h"
#include "store/rollup.h"
#include "store/store.h"

static char db[64];

static int setup(void **state)
{
    (void)state;
    snprintf(db, sizeof db, "/tmp/xb-history-XXXXXX");
    int fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(db);
    return 0;
}

typedef double (*shape_fn)(size_t i, double *waited);

/* A fresh database holding one VM of n windows of len seconds each. */
static void write_vm(const char *name, size_t n, double len, unsigned vcpus,
                     shape_fn shape)
{
    unlink(db);
    struct xb_store *s;
    struct xb_err err = { 0 };
    assert_int_equal(xb_store_open(&s, db, XB_STORE_WRITE, &err), 0);
    assert_int_equal(xb_store_begin(s, &err), 0);
    struct xb_run_rec run = {
        .run_key = "test:1", .host = "h", .cpu_mhz = NAN, .source = "test",
        .path = "-", .start_unix = 1.6e9, .start_from = "test", .interval_s = len,
    };
    int64_t run_id;
    bool replaced;
    assert_int_equal(xb_store_put_run(s, &run, &run_id, &replaced, &err), 0);
    struct xb_feed *f;
    assert_int_equal(xb_feed_open(&f, s, run_id, xb_feed_keeps_raw(len), &err), 0);
    for (size_t i = 0; i < n; i++) {
        struct xb_sample x;
        xb_sample_init(&x);
        x.t_unix = 1599999600 + len * (double)i;    /* a multiple of 600 */
        x.len_s = x.interval_s = len;
        x.vcpus = vcpus;
        double waited = 0;
        x.cpu_cores = shape(i, &waited);
        x.waited_cores = waited;
        x.mem_alloc_bytes = 4.0 * 1073741824.0;
        x.m[XB_MET_MEM_GUEST] = 1.0 * 1073741824.0;
        assert_int_equal(xb_feed_add(f, (unsigned)i, 1, 0, name, &x, &err), 0);
    }
    assert_int_equal(xb_feed_close(f, &err), 0);
    assert_int_equal(xb_store_end_run(s, run_id, len * (double)n, &err), 0);
    assert_int_equal(xb_store_commit(s, &err), 0);
    xb_store_close(s);
}

/* 0.2 cores, 2 cores for the first 20 s of every 10 minutes. */
static double spiky(size_t i, double *waited)
{
    (void)waited;
    return i % 600 < 20 ? 2.0 : 0.2;
}


static void catalogue(struct xb_catalog *c)
{
    const char *prov[] = { "aws", "azure", "gcp" };
    for (int p = 0; p < 3; p++)
        for (unsigned v = 1; v <= 8; v *= 2) {
            char name[32];
            snprintf(name, sizeof name, "%s-%u", prov[p], v);
            add_type(c, prov[p], name, XB_CAT_GENERAL, v, 4.0 * v, 0.05 * v);
        }
    xb_catalog_merge(c);
}

/* Plan the database: each provider by its own method, or all by `forced`. */
static void plan_db(bool force, enum xb_method forced, struct xb_fleet_plan *fp,
                    struct xb_catalog *cat, struct xb_sizer *z)
{
    struct xb_err err = { 0 };
    struct xb_size_opts o = { .percentile = 95, .headroom = 0.3, .provider = "all",
                              .method_forced = force, .method = forced };
    assert_int_equal(xb_sizer_init(z, cat, &o, &err), 0);
    struct xb_load_opts lo = { .lookback_s = 0, .until_unix = NAN,
                               .min_coverage_s = 0 };
    int rc = xb_fleet_plan_run(z, db, &lo, NULL, NULL, fp, &err);
    if (rc)
        fail_msg("plan: %s", err.msg);
}

static void spiky_methods(void **state)
{
    (void)state;
    write_vm("spiky", 7200, 1.0, 2, spiky);     /* two hours of 1 s windows */
    struct xb_catalog cat = { 0 };
    catalogue(&cat);
    struct xb_fleet_plan fp;
    struct xb_sizer z;
    plan_db(false, XB_METHOD_RAW, &fp, &cat, &z);
    assert_int_equal(fp.n, 1);
    const struct xb_vm_plan *v = &fp.vm[0];
    assert_int_equal(v->nchoice, 3);
    for (size_t k = 0; k < v->nchoice; k++) {
        const struct xb_choice *c = &v->choice[k];
        if (c->method == XB_METHOD_AWS || c->method == XB_METHOD_AZURE) {
            /* every 5-minute maximum is 2.0 in half the buckets, every
             * 10-minute peak is 2.0: P95 sees the burst */
            if (!(c->need.cpu_p >= 2.0 - 1e-9))
                fail_msg("%s: P95 of the peaks %g, wanted >= 2", c->provider,
                         c->need.cpu_p);
            assert_true(c->need.cpu_cores >= 2.0);
            assert_true(c->type->vcpu >= 2);
        } else {
            assert_int_equal(c->method, XB_METHOD_GCP);     /* the 5-minute mean */
            assert_true(c->need.cpu_p < 0.5);
        }
    }
    xb_fleet_plan_free(&fp);
    xb_sizer_free(&z);
    /* the raw windows: 20 of 600 s at 2 cores, 3.3 %: P95 is 0.2, 10x under */
    plan_db(true, XB_METHOD_RAW, &fp, &cat, &z);
    for (size_t k = 0; k < fp.vm[0].nchoice; k++)
        assert_true(fabs(fp.vm[0].choice[k].need.cpu_cores - 0.2 * 1.3) < 1e-9);
    xb_fleet_plan_free(&fp);
    xb_sizer_free(&z);
    xb_catalog_free(&cat);
}

/* The stored 10-minute peaks, and those derived from the 5-minute maxima. */
static void stored_and_derived_peaks(void **state)
{
    (void)state;
    write_vm("spiky", 3600, 1.0, 2, spiky);
    struct xb_store *s;
    struct xb_err err = { 0 };
    assert_int_equal(xb_store_open(&s, db, XB_STORE_READ, &err), 0);
    struct xb_vm_ref *refs;
    size_t n;
    assert_int_equal(xb_store_vm_refs(s, &refs, &n, &err), 0);
    assert_int_equal(n, 1);
    struct xb_series m5 = { 0 }, mean5 = { 0 }, m10 = { 0 }, d10 = { 0 };
    assert_int_equal(xb_store_vm_points(s, &refs[0], -1e300, 1e300, 300, &m5, &mean5,
                                        &err), 0);
    assert_int_equal(xb_store_vm_points(s, &refs[0], -1e300, 1e300, 600, &m10, NULL,
                                        &err), 0);
    assert_int_equal(m5.n, 12);
    assert_int_equal(m10.n, 6);
    /* a 5-minute bucket: 300 windows; the first of each pair holds the burst */
    assert_true(m5.s[0].cpu_cores == 2.0 && m5.s[1].cpu_cores == 0.2);
    assert_true(fabs(mean5.s[0].cpu_cores - (20 * 2.0 + 280 * 0.2) / 300) < 1e-3);
    assert_true(m5.s[0].len_s == 300 && m5.s[0].known_frac == 1.0);
    assert_int_equal(xb_points_coarsen(&m5, 600, &d10), 0);
    assert_int_equal(d10.n, m10.n);
    for (size_t i = 0; i < d10.n; i++) {
        assert_true(d10.s[i].t_unix == m10.s[i].t_unix);
        assert_true(d10.s[i].cpu_cores == m10.s[i].cpu_cores);
        assert_true(d10.s[i].len_s == m10.s[i].len_s);
        assert_true(fabs(d10.s[i].demand_mean - m10.s[i].demand_mean) < 2e-3);
    }
    free(m5.s);
    free(mean5.s);
    free(m10.s);
    free(d10.s);
    free(refs);
    xb_store_close(s);
}

/* The bucket arithmetic itself: max, time-weighted mean, percentile within. */
static void bucket_figures(void **state)
{
    (void)state;
    struct xb_rollup_acc a;
    xb_rollup_init(&a, 300);
    struct xb_rollup_row r;
    bool done;
    for (int i = 0; i < 40; i++) {      /* 40 windows of 5 s: 0.0 .. 3.9 cores */
        struct xb_sample x;
        xb_sample_init(&x);
        x.t_unix = 3000 + 5.0 * i;
        x.len_s = x.interval_s = 5;
        x.cpu_cores = 0.1 * i;
        x.waited_cores = 0.05;
        x.m[XB_MET_DISK_READ] = i < 20 ? 1e6 : NAN;
        assert_int_equal(xb_rollup_add(&a, &x, &r, &done), 0);
        assert_false(done);
    }
    xb_rollup_finish(&a, &r, &done);
    assert_true(done);
    assert_true(r.t_unix == 3000 && r.n == 40 && r.len_s == 200);
    assert_true(fabs(r.cpu.max - 3.9) < 1e-12);
    assert_true(fabs(r.cpu.mean - 1.95) < 1e-12);
    assert_true(fabs(r.cpu.pct - 3.7) < 1e-12);     /* rank ceil(38) = 38th: 3.7 */
    assert_true(fabs(r.demand.max - 3.95) < 1e-12);
    assert_true(fabs(r.waited_mean - 0.05) < 1e-12);
    assert_true(r.m[XB_MET_DISK_READ].max == 1e6 && r.m[XB_MET_DISK_READ].mean == 1e6);
    assert_true(isnan(r.m[XB_MET_NET_RX].max));
    /* a window that is mostly unknown does not count */
    struct xb_sample x;
    xb_sample_init(&x);
    x.t_unix = 3300;
    x.len_s = x.interval_s = 5;
    x.cpu_cores = 9;
    x.known_frac = 0.4;
    assert_int_equal(xb_rollup_add(&a, &x, &r, &done), 0);
    xb_rollup_finish(&a, &r, &done);
    assert_false(done);
    xb_rollup_free(&a);
}

/* bench examples/mixed.scn's `cpu` domain: ran 31 %, waited 69 %. */
static double starved(size_t i, double *waited)
{
    (void)i;
    *waited = 0.69;
    return 0.31;
}

static void contention_raises_need(void **state)
{
    (void)state;
    write_vm("cpu", 4 * 3600, 1.0, 1, starved);
    struct xb_catalog cat = { 0 };
    catalogue(&cat);
    struct xb_fleet_plan fp;
    struct xb_sizer z;
    plan_db(false, XB_METHOD_RAW, &fp, &cat, &z);
    const struct xb_vm_plan *v = &fp.vm[0];
    for (size_t k = 0; k < v->nchoice; k++)
        assert_true(fabs(v->choice[k].need.cpu_p - 1.0) < 1e-3);   /* 0.31 + 0.69 */
    assert_true(v->reasons & XB_R_CPU_CONTENTION);
    assert_false(v->reasons & XB_R_CPU_OVER);
    assert_int_equal(v->finding, XB_F_UNDER);       /* 1.3 cores wanted of 1 */
    xb_fleet_plan_free(&fp);
    xb_sizer_free(&z);
    xb_catalog_free(&cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bucket_figures),
        cmocka_unit_test(spiky_methods),
        cmocka_unit_test(stored_and_derived_peaks),
        cmocka_unit_test(contention_raises_need),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
