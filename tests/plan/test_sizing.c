/* test_sizing.c: src/plan/stats.c, profile.c, burst.c, sizing.c on exact,
 * hand-made histories: the providers' documented examples (Azure Migrate's
 * 16 vCPU at 20 %, comfort 1.0 and 1.5; its 10-core example; AWS Compute
 * Optimizer's threshold x headroom choices), the credit model, the CPU
 * normalisation bases, findings, risk and Azure's confidence bands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "catalog/burst.h"
#include "catalog/catalog.h"
#include "catalog_rows.h"
#include "util/parse.h"
#include "plan/profile.h"
#include "plan/sizing.h"
#include "util/stats.h"
#include "store/history.h"

/* ---- helpers ---------------------------------------------------------- */

/* A VM with n samples of 60 s, cpu_cores[i] = cores[i]. */
static void make_vm(struct xb_series *vm, const char *name, unsigned vcpus,
                    const double *cores, size_t n)
{
    memset(vm, 0, sizeof *vm);
    snprintf(vm->host, sizeof vm->host, "h");
    snprintf(vm->name, sizeof vm->name, "%s", name);
    vm->domid = 1;
    vm->s = calloc(n, sizeof *vm->s);
    vm->n = vm->cap = n;
    for (size_t i = 0; i < n; i++) {
        struct xb_sample *s = &vm->s[i];
        xb_sample_init(s);
        s->t_unix = 1e9 + 60.0 * (double)i;
        s->len_s = s->interval_s = 60;
        s->vcpus = vcpus;
        s->cpu_cores = cores[i];
        /* 0.5 GiB used in the guest: memory known, never the constraint */
        s->m[XB_MET_MEM_GUEST] = 0.5 * 1073741824.0;
    }
}


/* Size vm against cat with (percentile, headroom) for one provider. */
static void size_one(struct xb_catalog *cat, const char *prov, struct xb_series *vm,
                     double pct, double headroom, struct xb_profile *p,
                     struct xb_vm_plan *out)
{
    struct xb_size_opts o = { .percentile = pct, .headroom = headroom,
                              .provider = prov };
    struct xb_sizer z;
    struct xb_err err = { 0 };
    xb_catalog_merge(cat);
    assert_int_equal(xb_sizer_init(&z, cat, &o, &err), 0);
    assert_int_equal(xb_profile_build(vm, vm->s[0].t_unix,
                                      vm->s[vm->n - 1].t_unix + vm->s[vm->n - 1].len_s,
                                      0, p), 0);
    assert_int_equal(xb_size_vm(&z, p, out), 0);
    xb_sizer_free(&z);
}

/* ---- percentiles ------------------------------------------------------ */

static void nearest_rank(void **state)
{
    (void)state;
    double v[20];
    for (int i = 0; i < 20; i++)
        v[i] = 20 - i;              /* 20..1, unsorted */
    assert_true(xb_percentile(v, 20, 95) == 19);    /* rank ceil(19.0) = 19 */
    assert_true(xb_percentile_sorted(v, 20, 50) == 10);
    assert_true(xb_percentile_sorted(v, 20, 100) == 20);
    assert_true(xb_percentile_sorted(v, 20, 1) == 1);
    assert_true(xb_percentile_sorted(v, 20, 96) == 20);   /* ceil(19.2) = 20 */
    double w[1000];
    for (int i = 0; i < 1000; i++)
        w[i] = i + 1;
    assert_true(xb_percentile(w, 1000, 99.5) == 995);
    assert_true(xb_percentile(w, 1000, 90) == 900);
    assert_true(isnan(xb_percentile(w, 0, 95)));
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The percentile selection (no full sort) against qsort. */
static void percentile_selection(void **state)
{
    (void)state;
    uint64_t r = 12345;
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + (size_t)(round * 37 % 997);
        double *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w);
        for (size_t i = 0; i < n; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            v[i] = w[i] = (double)((r >> 33) % 17);     /* many ties */
        }
        qsort(w, n, sizeof *w, cmp);
        const double ps[] = { 1, 50, 90, 95, 99.5, 100 };
        double q[6];
        xb_percentiles(v, n, ps, 6, q);
        for (int k = 0; k < 6; k++)
            assert_true(q[k] == xb_percentile_sorted(w, n, ps[k]));
        free(v);
        free(w);
    }
}


/* The hand-written sort against qsort on random arrays with many ties. */
static void sort_matches_qsort(void **state)
{
    (void)state;
    unsigned seed = 12345;
    static double a[3000], b[3000];
    for (size_t n = 0; n < 3000; n = n * 3 + 1) {
        for (int round = 0; round < 20; round++) {
            for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245 + 12345;
                a[i] = b[i] = (double)((seed >> 16) % (round % 2 ? 7 : 100000));
            }
            xb_sort_doubles(a, n);
            qsort(b, n, sizeof *b, cmp);
            assert_memory_equal(a, b, n * sizeof *a);
        }
    }
}

static void option_parsing(void **state)
{
    (void)state;
    double v;
    assert_int_equal(xb_parse_percentile("P99_5", &v), 0);   /* Compute Optimizer */
    assert_true(v == 99.5);
    assert_int_equal(xb_parse_percentile("95", &v), 0);
    assert_true(v == 95);
    assert_int_equal(xb_parse_percentile("0", &v), -1);
    assert_int_equal(xb_parse_percentile("101", &v), -1);
    assert_int_equal(xb_parse_headroom("30%", &v), 0);
    assert_true(fabs(v - 0.30) < 1e-12);
    assert_int_equal(xb_parse_headroom("20", &v), 0);
    assert_true(fabs(v - 0.20) < 1e-12);
    assert_int_equal(xb_parse_headroom("-1%", &v), -1);
    assert_int_equal(xb_parse_headroom("30%%", &v), -1);
    assert_int_equal(xb_parse_lookback("14d", &v), 0);
    assert_true(v == 14 * 86400);
    assert_int_equal(xb_parse_lookback("36h", &v), 0);
    assert_true(v == 36 * 3600);
    assert_int_equal(xb_parse_lookback("all", &v), 0);
    assert_true(v == 0);
    assert_int_equal(xb_parse_lookback("14", &v), -1);
    assert_int_equal(xb_parse_lookback("-2d", &v), -1);
    assert_true(xb_is_date("2024-02-29"));
    assert_false(xb_is_date("2023-02-29"));
    assert_false(xb_is_date("2024-13-01"));
    uint64_t u;
    assert_int_equal(xb_parse_uint("0", 10, &u), 0);
    assert_true(u == 0);
    assert_int_equal(xb_parse_uint("4294967295", UINT32_MAX, &u), 0);
    assert_true(u == UINT32_MAX);
    assert_int_equal(xb_parse_uint("4294967296", UINT32_MAX, &u), -1);
    assert_int_equal(xb_parse_uint("18446744073709551616", UINT64_MAX, &u), -1);
    assert_int_equal(xb_parse_uint("+5", 10, &u), -1);
    assert_int_equal(xb_parse_uint("-1", 10, &u), -1);
    assert_int_equal(xb_parse_uint(" 5", 10, &u), -1);
    assert_int_equal(xb_parse_uint("5x", 10, &u), -1);
    assert_int_equal(xb_parse_uint("", 10, &u), -1);
}

/* ---- Azure Migrate's documented examples ------------------------------ */

/* D-series sizes of 2, 4, 8, 16 vCPUs; no clock, so CPU counts 1:1. */
static void azure_sizes(struct xb_catalog *c)
{
    add_type(c, "azure", "Standard_D2s_v5", XB_CAT_GENERAL, 2, 8, 0.096);
    add_type(c, "azure", "Standard_D4s_v5", XB_CAT_GENERAL, 4, 16, 0.192);
    add_type(c, "azure", "Standard_D8s_v5", XB_CAT_GENERAL, 8, 32, 0.384);
    add_type(c, "azure", "Standard_D16s_v5", XB_CAT_GENERAL, 16, 64, 0.768);
}

/* target-right-sizing.md: a 16 vCPU server whose P95 is 20 % of its CPU
 * needs 4 vCPUs; with comfort factor 1.5 the recommendation is an 8 core VM. */
static void azure_16_vcpu_at_20_pct(void **state)
{
    (void)state;
    double cores[100];
    for (int i = 0; i < 100; i++)   /* P95 (rank 95) = 3.2 cores = 20 % of 16 */
        cores[i] = i < 95 ? 3.2 * (i + 1) / 95.0 : 16.0 * 0.9;
    struct xb_series vm;
    make_vm(&vm, "srv", 16, cores, 100);
    struct xb_catalog cat = { 0 };
    azure_sizes(&cat);
    struct xb_profile p;
    struct xb_vm_plan plan;

    size_one(&cat, "azure", &vm, 95, 0.0, &p, &plan);      /* comfort 1.0 */
    assert_true(fabs(plan.need.cpu_p - 3.2) < 1e-12);
    assert_true(fabs(p.m[XB_PM_CPU_PCT].p95 - 20.0) < 1e-9);
    assert_non_null(plan.choice[0].type);
    assert_int_equal(plan.choice[0].type->vcpu, 4);
    assert_string_equal(plan.choice[0].type->type, "Standard_D4s_v5");
    assert_int_equal(plan.choice[0].basis, XB_BASIS_CORE);
    assert_int_equal(plan.finding, XB_F_OVER);
    assert_true(plan.reasons & XB_R_CPU_OVER);

    size_one(&cat, "azure", &vm, 95, 0.5, &p, &plan);      /* comfort 1.5 */
    assert_true(fabs(plan.need.cpu_cores - 4.8) < 1e-12);
    assert_int_equal(plan.choice[0].type->vcpu, 8);
    assert_true(fabs(plan.choice[0].monthly_usd - 0.384 * 730) < 1e-9);
    xb_catalog_free(&cat);
    free(vm.s);
}

/* assessment properties: "a 10-core VM with 20 % utilization normally results
 * in a 2-core VM; with a comfort factor of 2.0x, a 4-core VM". */
static void azure_10_core_comfort_2(void **state)
{
    (void)state;
    double cores[10];
    for (int i = 0; i < 10; i++)
        cores[i] = 2.0;             /* 20 % of 10 cores, steady */
    struct xb_series vm;
    make_vm(&vm, "srv", 10, cores, 10);
    struct xb_catalog cat = { 0 };
    azure_sizes(&cat);
    struct xb_profile p;
    struct xb_vm_plan plan;
    size_one(&cat, "azure", &vm, 95, 0.0, &p, &plan);
    assert_int_equal(plan.choice[0].type->vcpu, 2);
    size_one(&cat, "azure", &vm, 95, 1.0, &p, &plan);
    assert_int_equal(plan.choice[0].type->vcpu, 4);
    xb_catalog_free(&cat);
    free(vm.s);
}

/* ---- AWS Compute Optimizer: every threshold x headroom it offers ------ */

static void aws_threshold_headroom(void **state)
{
    (void)state;
    /* 1000 samples 0.01 .. 10 cores of a 10 vCPU VM: P90 = 9.0, P95 = 9.5,
     * P99.5 = 9.95 (nearest rank). Sizes of 1..16 vCPUs, dearer with size. */
    double cores[1000];
    for (int i = 0; i < 1000; i++)
        cores[i] = (i + 1) / 100.0;
    struct xb_series vm;
    make_vm(&vm, "app", 10, cores, 1000);
    struct xb_catalog cat = { 0 };
    for (unsigned v = 1; v <= 16; v++) {
        char name[32];
        snprintf(name, sizeof name, "x.%uv", v);
        add_type(&cat, "aws", name, XB_CAT_GENERAL, v, 4.0 * v, 0.05 * v);
    }
    static const struct { double p, h, need; unsigned vcpu; } want[] = {
        { 90, 0.0, 9.0, 9 },   { 90, 0.2, 10.8, 11 },  { 90, 0.3, 11.7, 12 },
        { 95, 0.0, 9.5, 10 },  { 95, 0.2, 11.4, 12 },  { 95, 0.3, 12.35, 13 },
        { 99.5, 0.0, 9.95, 10 }, { 99.5, 0.2, 11.94, 12 }, { 99.5, 0.3, 12.935, 13 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct xb_profile p;
        struct xb_vm_plan plan;
        size_one(&cat, "aws", &vm, want[i].p, want[i].h, &p, &plan);
        assert_true(fabs(plan.need.cpu_cores - want[i].need) < 1e-9);
        assert_int_equal(plan.choice[0].type->vcpu, want[i].vcpu);
        /* 10 vCPUs allocated: need above 10 is under-provisioned */
        assert_int_equal(plan.finding, want[i].need > 10 ? XB_F_UNDER : XB_F_OPTIMISED);
    }
    xb_catalog_free(&cat);
    free(vm.s);
}

/* ---- the credit model -------------------------------------------------- */

static struct xb_cat_row burst_type(unsigned vcpu, double base, double per_h,
                                    double max, double init)
{
    struct xb_cat_row t;
    xb_cat_row_init(&t);
    t.category = XB_CAT_BURSTABLE;
    t.vcpu = vcpu;
    t.burst_baseline_pct = base;
    t.burst_credits_per_hour = per_h;
    t.burst_max_credits = max;
    t.burst_initial_credits = init;
    return t;
}

static void credit_model(void **state)
{
    (void)state;
    /* t3.micro: 2 vCPU, 10 % each, 12 credits/h, 288 max, no launch credits */
    struct xb_cat_row t = burst_type(2, 10, 12, 288, 0);
    double use[60], len[60], low;
    for (int i = 0; i < 60; i++) {
        use[i] = 0.2;               /* exactly the baseline: 0.2 vCPU */
        len[i] = 60;
    }
    assert_true(xb_burst_fits(&t, use, len, 60, &low));
    assert_true(fabs(low) < 1e-9);
    use[0] = 0.21;                  /* above baseline before any credit */
    assert_false(xb_burst_fits(&t, use, len, 60, &low));
    assert_true(fabs(low - (0.2 - 0.21)) < 1e-9);   /* 0.2 earned - 0.21 spent */

    /* Azure B2s: 60 launch credits carry a burst of 1 vCPU x 60 s ... */
    struct xb_cat_row b = burst_type(2, 20, 24, 576, 60);
    for (int i = 0; i < 60; i++)
        use[i] = 0.1;
    use[0] = 2.0;                   /* 2 credits spent, 0.4 earned */
    assert_true(xb_burst_fits(&b, use, len, 60, &low));
    assert_true(fabs(low - (60 - 2.0 + 0.4)) < 1e-9);
    /* ... but not a history that is above the baseline on average */
    for (int i = 0; i < 60; i++)
        use[i] = 0.5;               /* 30 spent, 24 earned: balance 54 > 0 */
    assert_false(xb_burst_fits(&b, use, len, 60, &low));
    /* the balance is capped at max_credits */
    struct xb_cat_row c = burst_type(1, 50, 30, 1, 1);
    for (int i = 0; i < 60; i++)
        use[i] = 0;
    use[59] = 1.0;                  /* needs 1 credit, minus 0.5 earned */
    assert_true(xb_burst_fits(&c, use, len, 60, &low));
    assert_true(fabs(low - 0.5) < 1e-9);
    /* no credit figures (GCP shared-core): the baseline alone */
    struct xb_cat_row g = burst_type(2, 12.5, NAN, NAN, NAN);
    use[59] = 0.25;
    assert_true(xb_burst_fits(&g, use, len, 60, &low));
    use[59] = 0.26;
    assert_false(xb_burst_fits(&g, use, len, 60, &low));
}

static void burstable_only_when_credits_last(void **state)
{
    (void)state;
    struct xb_catalog cat = { 0 };
    add_type(&cat, "aws", "big", XB_CAT_GENERAL, 2, 8, 0.096);
    struct xb_cat_row t = burst_type(2, 10, 12, 288, 0);
    snprintf(t.provider, sizeof t.provider, "aws");
    snprintf(t.type, sizeof t.type, "t3.micro");
    snprintf(t.region, sizeof t.region, "us-east-1");
    snprintf(t.source, sizeof t.source, "test");
    snprintf(t.as_of, sizeof t.as_of, "2024-01-01");
    t.mem_gib = 1;
    t.price_hour = 0.0104;
    assert_int_equal(xb_catalog_add(&cat, &t), 0);
    double idle[30], busy[30];
    for (int i = 0; i < 30; i++) {
        idle[i] = 0.05;
        busy[i] = 0.9;
    }
    struct xb_series a, b;
    make_vm(&a, "idle", 1, idle, 30);
    make_vm(&b, "busy", 1, busy, 30);
    struct xb_profile p;
    struct xb_vm_plan plan;
    size_one(&cat, "aws", &a, 95, 0.3, &p, &plan);
    assert_string_equal(plan.choice[0].type->type, "t3.micro");
    assert_int_equal(plan.finding, XB_F_OVER);
    assert_int_equal(plan.choice[0].risk, 1);   /* burstable: at least low */
    size_one(&cat, "aws", &b, 95, 0.3, &p, &plan);
    assert_string_equal(plan.choice[0].type->type, "big");
    assert_int_equal(plan.finding, XB_F_UNDER);   /* 0.9 x 1.3 > 1 vCPU */
    xb_catalog_free(&cat);
    free(a.s);
    free(b.s);
}

/* ---- CPU normalisation ------------------------------------------------- */

static void normalisation_bases(void **state)
{
    (void)state;
    struct xb_catalog cat = { 0 };
    add_type(&cat, "gcp", "one", XB_CAT_GENERAL, 1, 4, 0.01);
    add_type(&cat, "gcp", "two", XB_CAT_GENERAL, 2, 8, 0.02);
    cat.v[0].clock_ghz = cat.v[1].clock_ghz = 3.25;
    double cores[10];
    for (int i = 0; i < 10; i++)
        cores[i] = 1.2;
    struct xb_series vm;
    make_vm(&vm, "v", 2, cores, 10);
    struct xb_profile p;
    struct xb_vm_plan plan;

    /* no host clock: 1:1, 1.2 cores need the 2-vCPU type */
    size_one(&cat, "gcp", &vm, 95, 0, &p, &plan);
    assert_int_equal(plan.choice[0].basis, XB_BASIS_CORE);
    assert_string_equal(plan.choice[0].type->type, "two");

    /* host 2600 MHz vs type 3.25 GHz: 1.2 x 0.8 = 0.96 vCPU fits one */
    for (size_t i = 0; i < vm.n; i++)
        vm.s[i].cpu_mhz = 2600;
    size_one(&cat, "gcp", &vm, 95, 0, &p, &plan);
    assert_int_equal(plan.choice[0].basis, XB_BASIS_CLOCK);
    assert_true(fabs(plan.choice[0].factor - 0.8) < 1e-12);
    assert_true(fabs(plan.choice[0].vcpu_need - 0.96) < 1e-12);
    assert_string_equal(plan.choice[0].type->type, "one");

    /* hosts of different clocks: the percentile of cores x GHz (3.9 of 3.12
     * and 3.9 GHz-cores) over 3.25 GHz is 1.2 vCPUs */
    for (size_t i = 0; i < vm.n; i++)
        vm.s[i].cpu_mhz = i % 2 ? 3250 : 2600;
    size_one(&cat, "gcp", &vm, 95, 0, &p, &plan);
    assert_true(fabs(plan.need.ghz_p - 3.9) < 1e-12);
    assert_true(fabs(plan.choice[0].vcpu_need - 1.2) < 1e-12);
    assert_string_equal(plan.choice[0].type->type, "two");

    /* MFLOPS of both known: they win over the clock (host 30000 per core vs
     * 20000 per vCPU: 1.2 cores need 1.8 vCPUs) */
    for (size_t i = 0; i < vm.n; i++)
        vm.s[i].host_mflops = 30000;
    cat.v[0].mflops_per_vcpu = cat.v[1].mflops_per_vcpu = 20000;
    size_one(&cat, "gcp", &vm, 95, 0, &p, &plan);
    assert_int_equal(plan.choice[0].basis, XB_BASIS_MFLOPS);
    assert_true(fabs(plan.choice[0].vcpu_need - 1.8) < 1e-12);
    assert_string_equal(plan.choice[0].type->type, "two");
    xb_catalog_free(&cat);
    free(vm.s);
}

/* ---- profile: coverage, stars, contention, memory findings ------------- */

static void stars_and_coverage(void **state)
{
    (void)state;
    assert_int_equal(xb_stars(0), 1);
    assert_int_equal(xb_stars(20), 1);
    assert_int_equal(xb_stars(20.5), 2);
    assert_int_equal(xb_stars(40), 2);
    assert_int_equal(xb_stars(60), 3);
    assert_int_equal(xb_stars(61), 4);
    assert_int_equal(xb_stars(80), 4);
    assert_int_equal(xb_stars(81), 5);
    assert_int_equal(xb_stars(100), 5);

    double cores[10] = { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.5 };
    struct xb_series vm;
    make_vm(&vm, "v", 1, cores, 10);
    for (size_t i = 0; i < 10; i++)
        vm.s[i].waited_cores = 0.06;
    vm.s[9].known_frac = 0.4;       /* mostly lost: time counted 40 %, no stats */
    struct xb_profile p;
    double t0 = vm.s[0].t_unix;
    assert_int_equal(xb_profile_build(&vm, t0, t0 + 1800, 0, &p), 0);
    /* the mostly unknown window is left out; coverage is over the VM's own
     * span (600 s), whatever the look-back */
    assert_true(fabs(p.covered_s - 9 * 60) < 1e-9);
    assert_true(fabs(p.span_s - 600) < 1e-9);
    assert_true(fabs(p.coverage_pct - 90) < 1e-9);
    /* confidence: cpu 90 %, memory 90 %, no disk, no network */
    assert_true(fabs(p.resource_pct[XB_RESOURCE_MEM] - 90) < 1e-9);
    assert_true(p.resource_pct[XB_RESOURCE_DISK] == 0 && p.resource_pct[XB_RESOURCE_NET] == 0);
    assert_true(fabs(p.confidence_pct - 45) < 1e-9);
    assert_int_equal(p.stars, 3);
    assert_false(p.insufficient);
    struct xb_profile q;
    assert_int_equal(xb_profile_build(&vm, t0 - 86400 * 30, t0 + 1800, 0, &q), 0);
    assert_true(q.coverage_pct == p.coverage_pct && q.stars == p.stars);
    /* below the data minimum: insufficient, and rated against the minimum
     * (10 minutes of 30 hours is not 90 %) */
    assert_int_equal(xb_profile_build(&vm, t0, t0 + 1800, 30 * 3600.0, &q), 0);
    assert_true(q.insufficient);
    assert_true(fabs(q.coverage_pct - 100.0 * 540 / (30 * 3600)) < 1e-9);
    assert_int_equal(q.stars, 1);
    assert_int_equal(p.used, 9);
    assert_true(p.m[XB_PM_CPU].max == 0.1);
    assert_true(fabs(p.m[XB_PM_WAITED].mean - 6.0) < 1e-9);
    assert_true(p.contention);
    assert_true(fabs(p.burstiness - 1.0) < 1e-9);
    free(vm.s);
}

static void memory_findings(void **state)
{
    (void)state;
    struct xb_catalog cat = { 0 };
    add_type(&cat, "aws", "small", XB_CAT_GENERAL, 2, 2, 0.02);
    add_type(&cat, "aws", "large", XB_CAT_MEMORY, 2, 16, 0.1);
    double cores[10];
    for (int i = 0; i < 10; i++)
        cores[i] = 0.6;             /* x1.3 = 0.78 of 1 vCPU: CPU optimised */
    struct xb_series vm;
    make_vm(&vm, "db", 1, cores, 10);
    for (size_t i = 0; i < vm.n; i++) {
        vm.s[i].mem_alloc_bytes = 4.0 * 1073741824.0;
        vm.s[i].m[XB_MET_MEM_GUEST] = 3.5 * 1073741824.0;   /* x1.3 > 4 GiB */
        vm.s[i].m[XB_MET_MEM] = 0.1 * 1073741824.0;  /* host view: never used */
    }
    struct xb_profile p;
    struct xb_vm_plan plan;
    size_one(&cat, "aws", &vm, 95, 0.3, &p, &plan);
    assert_true(fabs(plan.need.mem_gib - 3.5 * 1.3) < 1e-9);
    assert_string_equal(plan.need.mem_from, "used");
    assert_int_equal(plan.finding, XB_F_UNDER);
    assert_true(plan.reasons & XB_R_MEM_UNDER);
    assert_string_equal(plan.choice[0].type->type, "large");
    /* not measured inside the guest: the allocation, as-is, never above */
    for (size_t i = 0; i < vm.n; i++)
        vm.s[i].m[XB_MET_MEM_GUEST] = NAN;
    size_one(&cat, "aws", &vm, 95, 0.3, &p, &plan);
    assert_string_equal(plan.need.mem_from, "allocation");
    assert_true(fabs(plan.need.mem_gib - 4.0) < 1e-9);
    assert_int_equal(plan.finding, XB_F_OPTIMISED);
    assert_int_equal(plan.reasons, 0);
    /* nothing known of memory: a finding, not "no constraint" */
    for (size_t i = 0; i < vm.n; i++)
        vm.s[i].mem_alloc_bytes = NAN;
    size_one(&cat, "aws", &vm, 95, 0.3, &p, &plan);
    assert_int_equal(plan.finding, XB_F_NODATA);
    assert_true(plan.reasons & XB_R_MEM_UNKNOWN);
    assert_null(plan.choice[0].type);
    xb_catalog_free(&cat);
    free(vm.s);
}

static void risk_and_no_fit(void **state)
{
    (void)state;
    struct xb_catalog cat = { 0 };
    add_type(&cat, "aws", "two", XB_CAT_GENERAL, 2, 8, 0.1);
    double cores[20];
    for (int i = 0; i < 20; i++)
        cores[i] = 0.5;
    cores[19] = 1.9;                /* one peak: 95 % of the type */
    struct xb_series vm;
    make_vm(&vm, "v", 2, cores, 20);
    struct xb_profile p;
    struct xb_vm_plan plan;
    size_one(&cat, "aws", &vm, 95, 0.0, &p, &plan);
    assert_int_equal(plan.choice[0].risk, 2);   /* peak 1.9 / 2 */
    cores[19] = 0.9;
    for (int i = 0; i < 20; i++)
        vm.s[i].cpu_cores = i == 19 ? 0.9 : 0.5;
    size_one(&cat, "aws", &vm, 95, 0.0, &p, &plan);
    assert_int_equal(plan.choice[0].risk, 0);   /* peak 0.9 / 2 */
    for (int i = 0; i < 20; i++)
        vm.s[i].cpu_cores = 3.0;    /* nothing in the catalogue fits */
    size_one(&cat, "aws", &vm, 95, 0.0, &p, &plan);
    assert_null(plan.choice[0].type);
    assert_int_equal(plan.choice[0].risk, 4);
    xb_catalog_free(&cat);
    free(vm.s);
}

static void unknown_provider_region(void **state)
{
    (void)state;
    struct xb_catalog cat = { 0 };
    add_type(&cat, "aws", "two", XB_CAT_GENERAL, 2, 8, 0.1);
    xb_catalog_merge(&cat);
    struct xb_sizer z;
    struct xb_err err = { 0 };
    struct xb_size_opts o = { .percentile = 95, .provider = "azure" };
    assert_int_equal(xb_sizer_init(&z, &cat, &o, &err), -XB_EUSAGE);
    assert_non_null(strstr(err.msg, "no azure types in region eastus"));
    memset(&err, 0, sizeof err);
    o.provider = "all";
    o.region = "mars-1";
    assert_int_equal(xb_sizer_init(&z, &cat, &o, &err), -XB_EUSAGE);
    assert_non_null(strstr(err.msg, "mars-1"));
    o.region = NULL;
    assert_int_equal(xb_sizer_init(&z, &cat, &o, &err), 0);
    assert_int_equal(z.nblk, 1);    /* "all": the providers the catalogue has */
    xb_sizer_free(&z);
    xb_catalog_free(&cat);
}

/* --arch, --category, --pricing, per-provider regions, and disk and
 * network held against sustained figures, "up to" ones only bounding. */
static void catalogue_options(void **state)
{
    (void)state;
    struct xb_catalog cat = { 0 };
    add_type(&cat, "aws", "x86", XB_CAT_GENERAL, 2, 8, 0.10);
    add_type(&cat, "aws", "arm", XB_CAT_GENERAL, 2, 8, 0.08);
    snprintf(cat.v[1].arch, sizeof cat.v[1].arch, "arm64");
    add_type(&cat, "aws", "gpu", XB_CAT_ACCELERATED, 2, 8, 0.05);
    double cores[10];
    for (int i = 0; i < 10; i++)
        cores[i] = 0.5;
    struct xb_series vm;
    make_vm(&vm, "v", 2, cores, 10);
    struct xb_profile p;
    struct xb_vm_plan plan;
    size_one(&cat, "aws", &vm, 95, 0.3, &p, &plan);
    assert_string_equal(plan.choice[0].type->type, "x86");

    struct xb_size_opts o = { .percentile = 95, .headroom = 0.3, .provider = "aws" };
    struct xb_err err = { 0 };
    struct xb_sizer z;
    assert_int_equal(xb_arch_mask_parse("x86_64,arm64", &o.arch_mask), 0);
    assert_int_equal(xb_sizer_init(&z, &cat, &o, &err), 0);
    assert_int_equal(xb_size_vm(&z, &p, &plan), 0);
    assert_string_equal(plan.choice[0].type->type, "arm");
    xb_sizer_free(&z);
    assert_int_equal(xb_category_mask_parse("all", &o.category_mask), 0);
    assert_int_equal(xb_sizer_init(&z, &cat, &o, &err), 0);
    assert_int_equal(xb_size_vm(&z, &p, &plan), 0);
    assert_string_equal(plan.choice[0].type->type, "gpu");
    xb_sizer_free(&z);
    assert_int_equal(xb_arch_mask_parse("riscv", &o.arch_mask), -1);
    assert_int_equal(xb_category_mask_parse("general,cheap", &o.category_mask), -1);

    /* 1y: a row's own commitment price reorders the candidates */
    o.arch_mask = o.category_mask = 0;
    o.pricing = XB_PRICING_1Y;
    for (size_t i = 0; i < cat.n; i++)
        if (strcmp(cat.v[i].type, "x86") == 0)
            cat.v[i].price_1y_hour = 0.05;
    assert_int_equal(xb_sizer_init(&z, &cat, &o, &err), 0);
    assert_int_equal(xb_size_vm(&z, &p, &plan), 0);
    assert_string_equal(plan.choice[0].type->type, "x86");
    assert_true(plan.choice[0].price_hour == 0.05 &&
                plan.choice[0].monthly_usd == 0.05 * XB_HOURS_PER_MONTH);
    xb_sizer_free(&z);
    /* 3y: nothing published for aws: left out, and said */
    o.pricing = XB_PRICING_3Y;
    o.provider = "all";
    add_type(&cat, "gcp", "g2", XB_CAT_GENERAL, 2, 8, 0.10);
    xb_catalog_merge(&cat);
    struct xb_commit_rules k = { 0 };
    k.v = calloc(1, sizeof *k.v);
    k.n = k.cap = 1;
    snprintf(k.v[0].provider, sizeof k.v[0].provider, "gcp");
    snprintf(k.v[0].pattern, sizeof k.v[0].pattern, "g*");
    k.v[0].term = XB_PRICING_3Y;
    k.v[0].discount_pct = 55;
    o.commitments = &k;
    assert_int_equal(xb_sizer_init(&z, &cat, &o, &err), 0);
    assert_int_equal(z.nblk, 1);
    assert_string_equal(z.blk[0].provider, "gcp");
    assert_non_null(strstr(z.left_out[0], "aws: no published price"));
    assert_int_equal(xb_size_vm(&z, &p, &plan), 0);
    assert_true(fabs(plan.choice[0].price_hour - 0.045) < 1e-12);
    xb_sizer_free(&z);
    xb_commit_rules_free(&k);
    o.pricing = XB_PRICING_ONDEMAND;
    o.commitments = NULL;

    /* regions per provider */
    assert_int_equal(xb_size_opts_regions(&o, "gcp=us-central1,aws=mars-1", &err), 0);
    assert_string_equal(o.region_of[0], "mars-1");
    assert_int_equal(xb_sizer_init(&z, &cat, &o, &err), -XB_EUSAGE);
    assert_non_null(strstr(err.msg, "no aws types in region mars-1"));
    assert_int_equal(xb_size_opts_regions(&o, "ibm=x", &err), -XB_EUSAGE);
    assert_int_equal(xb_size_opts_regions(&o, "aws=", &err), -XB_EUSAGE);
    memset(o.region_of, 0, sizeof o.region_of);
    o.provider = "aws";

    /* network: 2 Gbit/s needed (x1.3) */
    for (size_t i = 0; i < vm.n; i++)
        vm.s[i].m[XB_MET_NET_RX] = vm.s[i].m[XB_MET_NET_TX] = 2e9 / 8 / 2 / 1.3;
    xb_catalog_free(&cat);
    add_type(&cat, "aws", "slow", XB_CAT_GENERAL, 2, 8, 0.05);
    cat.v[0].net_gbps = 1;              /* sustained 1: excluded */
    cat.v[0].net_burst_gbps = 10;
    add_type(&cat, "aws", "upto", XB_CAT_GENERAL, 2, 8, 0.06);
    cat.v[1].net_burst_gbps = 10;       /* only "up to 10": not excluded */
    add_type(&cat, "aws", "fast", XB_CAT_GENERAL, 2, 8, 0.20);
    cat.v[2].net_gbps = 25;
    size_one(&cat, "aws", &vm, 95, 0.3, &p, &plan);
    assert_true(fabs(plan.need.net_gbps - 2.0) < 1e-9);
    assert_string_equal(plan.choice[0].type->type, "upto");
    /* 12 Gbit/s: above even the burst figure */
    for (size_t i = 0; i < vm.n; i++)
        vm.s[i].m[XB_MET_NET_RX] = vm.s[i].m[XB_MET_NET_TX] = 12e9 / 8 / 2 / 1.3;
    size_one(&cat, "aws", &vm, 95, 0.3, &p, &plan);
    assert_string_equal(plan.choice[0].type->type, "fast");
    xb_catalog_free(&cat);
    free(vm.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nearest_rank),
        cmocka_unit_test(sort_matches_qsort),
        cmocka_unit_test(percentile_selection),
        cmocka_unit_test(option_parsing),
        cmocka_unit_test(azure_16_vcpu_at_20_pct),
        cmocka_unit_test(azure_10_core_comfort_2),
        cmocka_unit_test(aws_threshold_headroom),
        cmocka_unit_test(credit_model),
        cmocka_unit_test(burstable_only_when_credits_last),
        cmocka_unit_test(normalisation_bases),
        cmocka_unit_test(stars_and_coverage),
        cmocka_unit_test(memory_findings),
        cmocka_unit_test(risk_and_no_fit),
        cmocka_unit_test(unknown_provider_region),
        cmocka_unit_test(catalogue_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
