/* test_catalog.c: src/plan/catalog.c, csvread.c, burst_rules.c and the three
 * importers on small hand-made files that follow each documented format
 * (tests/plan/fixtures/), broken ones included: every error names the file
 * and the line or JSON path, and nothing is written on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog/burst.h"
#include "catalog/cat_import.h"
#include "catalog/catalog.h"
#include "catalog/rules.h"

static char fx[4096], rules_path[4096], clocks_path[4096], commits_path[4096];

static const char *F(const char *name)
{
    static char buf[4][4200];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", fx, name);
    return buf[k];
}

static const struct xb_cat_row *find(const struct xb_catalog *c, const char *type,
                                     const char *region)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].type, type) == 0 && strcmp(c->v[i].region, region) == 0)
            return &c->v[i];
    return NULL;
}

/* Loading must fail with a message containing want. */
static void load_fails(const char *file, const char *want)
{
    struct xb_catalog c = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_catalog_load_file(&c, F(file), &err), -XB_EINPUT);
    if (!strstr(err.msg, want) || !strstr(err.msg, file))
        fail_msg("%s: got \"%s\", wanted \"%s\"", file, err.msg, want);
    assert_int_equal(c.n, 0);
    xb_catalog_free(&c);
}

static void load_good(void **state)
{
    (void)state;
    struct xb_catalog c = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_catalog_load_file(&c, F("catalog-good.csv"), &err), 0);
    assert_int_equal(c.n, 3);
    const struct xb_cat_row *m5 = find(&c, "m5.large", "us-east-1");
    assert_non_null(m5);
    assert_int_equal(m5->vcpu, 2);
    assert_true(m5->mem_gib == 8 && m5->clock_ghz == 3.1 && m5->disk_mbps == 593.75);
    assert_true(isnan(m5->mflops_per_vcpu) && isnan(m5->burst_baseline_pct));
    assert_string_equal(m5->source, "test fixture, hand-made");
    const struct xb_cat_row *t3 = find(&c, "t3.micro", "us-east-1");
    assert_int_equal(t3->category, XB_CAT_BURSTABLE);
    assert_true(t3->burst_baseline_pct == 10 && t3->burst_credits_per_hour == 12 &&
                t3->burst_max_credits == 288 && t3->burst_initial_credits == 0);
    const struct xb_cat_row *e2 = find(&c, "e2-micro", "us-central1");
    assert_true(isnan(e2->burst_credits_per_hour));
    xb_catalog_free(&c);
}

static void load_errors(void **state)
{
    (void)state;
    load_fails("catalog-bad-vcpu.csv", "line 3: field \"vcpu\": 'two'");
    load_fails("catalog-missing-col.csv", "line 1: the header has no column "
               "\"price_usd_hour\"");
    load_fails("catalog-burst-nobase.csv", "line 2: field: burst_baseline_pct");
    load_fails("catalog-bad-date.csv", "line 2: field: as_of");
    load_fails("catalog-fields.csv", "line 2: 18 fields, the header has 19");
    load_fails("catalog-quote.csv", "malformed CSV");
    load_fails("catalog-no-source.csv", "line 2: field: source");
    load_fails("no-such-file.csv", "No such file");
}

static void merge_newest_wins(void **state)
{
    (void)state;
    struct xb_catalog c = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_catalog_load_file(&c, F("catalog-good.csv"), &err), 0);
    assert_int_equal(xb_catalog_load_file(&c, F("catalog-newer.csv"), &err), 0);
    assert_int_equal(c.n, 5);
    xb_catalog_merge(&c);
    assert_int_equal(c.n, 3);
    /* newer as_of wins; on the same as_of the later file wins */
    assert_true(find(&c, "m5.large", "us-east-1")->price_hour == 0.1);
    assert_true(find(&c, "e2-micro", "us-central1")->price_hour == 0.009);
    /* sorted by provider, region, then price */
    assert_string_equal(c.v[0].type, "t3.micro");
    assert_string_equal(c.v[1].type, "m5.large");
    assert_string_equal(c.v[2].provider, "gcp");
    xb_catalog_free(&c);
}

static void write_read_back(void **state)
{
    (void)state;
    struct xb_catalog c = { 0 }, d = { 0 };
    struct xb_err err = { 0 };
    char path[] = "/tmp/xb-cat-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(xb_catalog_load_file(&c, F("catalog-good.csv"), &err), 0);
    assert_int_equal(xb_catalog_write(&c, path, &err), 0);
    assert_int_equal(xb_catalog_load_file(&d, path, &err), 0);
    assert_int_equal(c.n, d.n);
    for (size_t i = 0; i < c.n; i++) {
        assert_string_equal(c.v[i].type, d.v[i].type);
        assert_string_equal(c.v[i].source, d.v[i].source);
        assert_true(c.v[i].price_hour == d.v[i].price_hour);
        assert_true(c.v[i].disk_mbps == d.v[i].disk_mbps ||
                    (isnan(c.v[i].disk_mbps) && isnan(d.v[i].disk_mbps)));
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    struct stat st;
    assert_int_equal(stat(tmp, &st), -1);   /* renamed, nothing left over */
    /* a folder that does not exist: an I/O error, the file untouched */
    memset(&err, 0, sizeof err);
    assert_true(xb_catalog_write(&c, "/nonexistent-dir/x.csv", &err) < 0);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.csv.tmp"));
    unlink(path);
    xb_catalog_free(&c);
    xb_catalog_free(&d);
}

static void burst_rules_table(void **state)
{
    (void)state;
    struct xb_burst_rules r = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_burst_rules_load(&r, rules_path, &err), 0);
    /* every rule with credits earns baseline x vCPUs x 60 per hour and keeps
     * at most 24 hours of them (AWS and Azure both state so) */
    for (size_t i = 0; i < r.n; i++) {
        const struct xb_burst_rule *x = &r.v[i];
        if (isnan(x->credits_per_hour))
            continue;
        double want = x->baseline_pct / 100.0 * x->vcpu * 60.0;
        if (fabs(want - x->credits_per_hour) > 1e-9 ||
            fabs(24 * x->credits_per_hour - x->max_credits) > 1e-9)
            fail_msg("%s %s: inconsistent credit figures", x->provider, x->type);
    }
    const struct xb_burst_rule *t = xb_burst_rule_find(&r, "aws", "t3.micro");
    assert_non_null(t);
    assert_true(t->baseline_pct == 10 && t->credits_per_hour == 12 &&
                t->initial_credits == 0);
    assert_non_null(xb_burst_rule_find(&r, "azure", "Standard_B2s"));
    assert_null(xb_burst_rule_find(&r, "aws", "m5.large"));
    xb_burst_rules_free(&r);
}

static void import_fails(int (*fn)(const char *, const struct xb_cat_import_opts *,
                                   struct xb_catalog *, struct xb_cat_import_stats *,
                                   struct xb_err *),
                         const char *file, const struct xb_cat_import_opts *o,
                         const char *want)
{
    struct xb_catalog c = { 0 };
    struct xb_cat_import_stats st = { 0 };
    struct xb_err err = { 0 };
    assert_true(fn(F(file), o, &c, &st, &err) < 0);
    if (!strstr(err.msg, want) || !strstr(err.msg, file))
        fail_msg("%s: got \"%s\", wanted \"%s\"", file, err.msg, want);
    xb_catalog_free(&c);
}

static void aws_offer(void **state)
{
    (void)state;
    struct xb_burst_rules rules = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_burst_rules_load(&rules, rules_path, &err), 0);
    struct xb_clock_rules clocks = { 0 };
    assert_int_equal(xb_clock_rules_load(&clocks, clocks_path, &err), 0);
    struct xb_cat_import_opts o = { .rules = &rules, .clocks = &clocks };
    struct xb_catalog c = { 0 };
    struct xb_cat_import_stats st = { 0 };
    assert_int_equal(xb_import_aws_offer(F("aws-offer.json"), &o, &c, &st, &err), 0);
    assert_int_equal(c.n, 6);
    assert_int_equal(st.skipped_terms, 5);     /* Windows, Dedicated, Storage,
                                                  capacity reservation, no term */
    assert_int_equal(st.skipped_family, 0);    /* i3 is a storage type now */
    assert_int_equal(st.skipped_generation, 1);    /* m3 */
    assert_int_equal(st.skipped_region, 1);    /* a Local Zone */
    assert_int_equal(find(&c, "i3.large", "us-east-1")->category, XB_CAT_STORAGE);
    const struct xb_cat_row *m5 = find(&c, "m5.large", "us-east-1");
    assert_non_null(m5);
    assert_true(m5->price_hour == 0.096 && m5->vcpu == 2 && m5->mem_gib == 8);
    /* The clock of rules/clocks.csv, the "Up to" figures as burst only. */
    assert_true(m5->clock_ghz == 3.1 && isnan(m5->net_gbps) &&
                m5->net_burst_gbps == 10 && isnan(m5->disk_mbps) &&
                m5->disk_burst_mbps == 593.75);
    /* Reserved: standard, no upfront only. */
    assert_true(m5->price_1y_hour == 0.06 && m5->price_3y_hour == 0.041);
    assert_true(isnan(find(&c, "t3.micro", "us-east-1")->price_1y_hour));
    assert_string_equal(m5->as_of, "2024-05-01");
    assert_non_null(strstr(m5->source, "aws-offer.json"));
    assert_non_null(find(&c, "m5.large", "us-west-2"));
    const struct xb_cat_row *t3 = find(&c, "t3.micro", "us-east-1");
    assert_int_equal(t3->category, XB_CAT_BURSTABLE);
    assert_true(t3->burst_credits_per_hour == 12 && t3->disk_burst_mbps == 2085 / 8.0);
    assert_string_equal(find(&c, "c6g.large", "us-east-1")->arch, "arm64");
    assert_true(find(&c, "x1e.32xlarge", "us-east-1")->mem_gib == 3904);
    xb_catalog_free(&c);

    o.region = "us-west-2";
    memset(&st, 0, sizeof st);
    assert_int_equal(xb_import_aws_offer(F("aws-offer.json"), &o, &c, &st, &err), 0);
    assert_int_equal(c.n, 1);
    xb_catalog_free(&c);
    o.region = NULL;

    import_fails(xb_import_aws_offer, "aws-offer-bad-vcpu.json", &o,
                 "products.SKU1.attributes.vcpu: 'lots'");
    import_fails(xb_import_aws_offer, "aws-offer-no-hourly.json", &o,
                 "terms.OnDemand.SKU4: no hourly");
    import_fails(xb_import_aws_offer, "aws-offer-not.json", &o,
                 "not an AWS Price List offer file");
    import_fails(xb_import_aws_offer, "aws-offer-cut.json", &o, "line ");
    xb_burst_rules_free(&rules);
    xb_clock_rules_free(&clocks);
}

static int azure_one(const char *file, const struct xb_cat_import_opts *o,
                     struct xb_catalog *c, struct xb_cat_import_stats *st,
                     struct xb_err *err)
{
    const char *paths[] = { file };
    return xb_import_azure_retail(paths, 1, o, c, st, err);
}

static void azure_retail(void **state)
{
    (void)state;
    struct xb_burst_rules rules = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_burst_rules_load(&rules, rules_path, &err), 0);
    char sizes[4200], bad_sizes[4200];
    snprintf(sizes, sizeof sizes, "%s", F("azure-sizes.csv"));
    snprintf(bad_sizes, sizeof bad_sizes, "%s", F("azure-sizes-bad.csv"));
    struct xb_cat_import_opts o = { .rules = &rules, .as_of = "2024-06-01",
                                    .sizes_csv = sizes };
    struct xb_catalog c = { 0 };
    struct xb_cat_import_stats st = { 0 };
    const char *pages[] = { F("azure-prices.json"), F("azure-prices-page2.json") };
    assert_int_equal(xb_import_azure_retail(pages, 2, &o, &c, &st, &err), 0);
    assert_int_equal(c.n, 5);
    assert_int_equal(st.skipped_terms, 5);   /* Windows, Spot, Low Priority,
                                                Reservation, other service */
    assert_int_equal(st.skipped_family, 1);  /* NC */
    assert_int_equal(st.no_size, 1);         /* E2s_v5 not in the sizes CSV */
    const struct xb_cat_row *d2 = find(&c, "Standard_D2s_v5", "eastus");
    assert_true(d2->price_hour == 0.096 && d2->vcpu == 2 && d2->mem_gib == 8);
    assert_string_equal(d2->as_of, "2024-06-01");
    const struct xb_cat_row *b1 = find(&c, "Standard_B1s", "eastus");
    assert_int_equal(b1->category, XB_CAT_BURSTABLE);
    assert_true(b1->mem_gib == 1 && b1->burst_baseline_pct == 10 &&
                b1->burst_initial_credits == 30);
    assert_int_equal(find(&c, "Standard_F4s_v2", "westeurope")->category,
                     XB_CAT_COMPUTE);
    assert_string_equal(find(&c, "Standard_D2ps_v5", "eastus")->arch, "arm64");
    assert_true(find(&c, "Standard_D4s_v5", "eastus")->price_hour == 0.192);
    xb_catalog_free(&c);

    import_fails(azure_one, "azure-prices-eur.json", &o, "Items[0].currencyCode");
    import_fails(azure_one, "azure-prices-not.json", &o, "no \"Items\" array");
    o.sizes_csv = bad_sizes;
    import_fails(azure_one, "azure-sizes-bad.csv", &o,
                 "line 3: field \"numberOfCores\": 'x'");
    o.sizes_csv = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(azure_one(F("azure-prices.json"), &o, &c, &st, &err), -XB_EUSAGE);
    assert_non_null(strstr(err.msg, "--sizes"));
    xb_burst_rules_free(&rules);
}

/* The built-in snapshot loads: every row has a source and an as-of date and
 * every burstable row its baseline (the loader checks each). */
static void builtin_loads(void **state)
{
    (void)state;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", rules_path);
    *strrchr(dir, '/') = '\0';
    *strrchr(dir, '/') = '\0';
    struct xb_catalog c = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_catalog_load_dir(&c, dir, &err), 0);
    assert_true(c.n >= 90);
    int seen[3][XB_NCATEGORY] = { { 0 } }, arm[3] = { 0 };
    unsigned maxv[3][XB_NCATEGORY] = { { 0 } };
    size_t aws_regions = 0;
    const char *last_region = "";
    for (size_t i = 0; i < c.n; i++) {
        const struct xb_cat_row *r = &c.v[i];
        int p = strcmp(r->provider, "aws") == 0 ? 0
              : strcmp(r->provider, "azure") == 0 ? 1 : 2;
        seen[p][r->category]++;
        arm[p] += strcmp(r->arch, "arm64") == 0;
        if (r->vcpu > maxv[p][r->category])
            maxv[p][r->category] = r->vcpu;
        if (p == 0 && strcmp(r->region, last_region) != 0) {
            aws_regions++;      /* rows come sorted by (provider, region) */
            last_region = r->region;
        }
    }
    for (int p = 0; p < 3; p++) {   /* each provider: the four planned categories */
        for (int k = 0; k <= XB_CAT_BURSTABLE; k++)
            assert_true(seen[p][k] > 0);
        assert_true(arm[p] > 0);    /* Graviton, Ampere Altra (Dpsv5, T2A) */
        /* general and memory series up to at least 96 vCPU */
        assert_true(maxv[p][XB_CAT_GENERAL] >= 96 && maxv[p][XB_CAT_MEMORY] >= 96);
    }
    for (int k = 0; k < XB_NCATEGORY; k++)  /* AWS: every family of the file */
        assert_true(seen[0][k] > 0);
    assert_true(seen[0][XB_CAT_GENERAL] > 1000 && aws_regions >= 25);
    xb_catalog_free(&c);
}

/* One clock for every row: the table's figure, the same for every size and
 * region of a family, never the price list's own (m6a: AWS's Price List
 * says 2.95 GHz, its instance page 3.6 GHz all-core turbo). */
static void clock_rules(void **state)
{
    (void)state;
    struct xb_clock_rules k = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_clock_rules_load(&k, clocks_path, &err), 0);
    assert_true(xb_clock_rule_find(&k, "aws", "m6a.large")->ghz == 3.6);
    assert_null(xb_clock_rule_find(&k, "aws", "m4.large"));
    assert_true(xb_clock_rule_find(&k, "azure", "Standard_D8ps_v5")->ghz == 3.0);
    /* the narrower Dasv5 row, which says no all-core figure is published,
     * comes before Dsv5's */
    assert_true(isnan(xb_clock_rule_find(&k, "azure", "Standard_D8as_v5")->ghz));
    assert_true(xb_clock_rule_find(&k, "azure", "Standard_D8s_v5")->ghz == 3.5);
    assert_true(xb_clock_rule_find(&k, "gcp", "n2-highmem-8")->ghz == 3.4);
    assert_null(xb_clock_rule_find(&k, "gcp", "e2-standard-8"));

    char dir[4200];
    snprintf(dir, sizeof dir, "%s", rules_path);
    *strrchr(dir, '/') = '\0';
    *strrchr(dir, '/') = '\0';
    struct xb_catalog c = { 0 };
    assert_int_equal(xb_catalog_load_dir(&c, dir, &err), 0);
    size_t checked = 0;
    for (size_t i = 0; i < c.n; i++) {
        const struct xb_clock_rule *r = xb_clock_rule_find(&k, c.v[i].provider,
                                                           c.v[i].type);
        double want = r ? r->ghz : NAN;
        if (isnan(want) ? !isnan(c.v[i].clock_ghz) : c.v[i].clock_ghz != want)
            fail_msg("%s %s %s: clock %g, the table says %g", c.v[i].provider,
                     c.v[i].type, c.v[i].region, c.v[i].clock_ghz, want);
        checked++;
    }
    assert_true(checked == c.n);
    xb_catalog_free(&c);
    xb_clock_rules_free(&k);
}

/* Commitment prices: the row's own, else the table's discount, else none. */
static void commitments(void **state)
{
    (void)state;
    struct xb_commit_rules k = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_commit_rules_load(&k, commits_path, &err), 0);
    struct xb_cat_row r;
    xb_cat_row_init(&r);
    snprintf(r.provider, sizeof r.provider, "gcp");
    snprintf(r.type, sizeof r.type, "n2-standard-4");
    r.price_hour = 0.194236;
    const char *from;
    assert_true(fabs(xb_price_of(&r, XB_PRICING_1Y, &k, &from) - 0.194236 * 0.63) <
                1e-12);
    assert_non_null(strstr(from, "N2"));
    assert_true(fabs(xb_price_of(&r, XB_PRICING_3Y, &k, &from) - 0.194236 * 0.45) <
                1e-12);
    assert_true(xb_price_of(&r, XB_PRICING_ONDEMAND, &k, &from) == 0.194236);
    /* shared-core e2: no committed-use discount is published */
    snprintf(r.type, sizeof r.type, "e2-micro");
    assert_true(isnan(xb_price_of(&r, XB_PRICING_1Y, &k, &from)) && !from);
    /* AWS: no table figure; a row's own reserved price counts */
    snprintf(r.provider, sizeof r.provider, "aws");
    snprintf(r.type, sizeof r.type, "m5.large");
    r.price_hour = 0.096;
    assert_true(isnan(xb_price_of(&r, XB_PRICING_3Y, &k, NULL)));
    r.price_3y_hour = 0.041;
    assert_true(xb_price_of(&r, XB_PRICING_3Y, &k, &from) == 0.041);
    assert_string_equal(from, "row");

    /* a user's table goes first */
    char path[] = "/tmp/xb-commit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("provider,pattern,term,discount_pct,source,as_of\n"
          "gcp,n2-*,1y,50,my contract,2025-01-01\n", f);
    fclose(f);
    assert_int_equal(xb_commit_rules_load(&k, path, &err), 0);
    snprintf(r.provider, sizeof r.provider, "gcp");
    snprintf(r.type, sizeof r.type, "n2-standard-4");
    r.price_hour = 0.2;
    assert_true(xb_price_of(&r, XB_PRICING_1Y, &k, &from) == 0.1);
    assert_string_equal(from, "my contract");
    /* a bad row names the file, line and field; the table is unchanged */
    f = fopen(path, "w");
    fputs("provider,pattern,term,discount_pct,source,as_of\n"
          "gcp,n2-*,2y,50,my contract,2025-01-01\n", f);
    fclose(f);
    size_t before = k.n;
    assert_int_equal(xb_commit_rules_load(&k, path, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "line 2: field \"term\": '2y'"));
    assert_int_equal(k.n, before);
    unlink(path);
    xb_commit_rules_free(&k);
}

static void ec2details(void **state)
{
    (void)state;
    struct xb_burst_rules rules = { 0 };
    struct xb_err err = { 0 };
    assert_int_equal(xb_burst_rules_load(&rules, rules_path, &err), 0);
    struct xb_clock_rules clocks = { 0 };
    assert_int_equal(xb_clock_rules_load(&clocks, clocks_path, &err), 0);
    struct xb_cat_import_opts o = { .rules = &rules, .clocks = &clocks,
                                    .as_of = "2022-11-22" };
    struct xb_catalog c = { 0 };
    struct xb_cat_import_stats st = { 0 };
    assert_int_equal(xb_import_ec2details(F("ec2details.json"), &o, &c, &st, &err), 0);
    /* m5 x3 regions ("Europe (Spain)" is eu-south-2), t3.nano, i3, c6g */
    assert_int_equal(c.n, 6);
    assert_non_null(find(&c, "m5.large", "eu-south-2"));
    assert_int_equal(st.skipped_region, 1);    /* the Local Zone us-west-2-lax-1a */
    assert_int_equal(st.skipped_generation, 1);    /* m3 */
    assert_int_equal(st.skipped_terms, 1);     /* r5: Dedicated only */
    assert_int_equal(st.no_clock, 1);          /* i3: no all-core figure */
    const struct xb_cat_row *m5 = find(&c, "m5.large", "us-east-1");
    assert_true(m5->price_hour == 0.096 && m5->disk_burst_mbps == 265 &&
                isnan(m5->disk_mbps) && m5->clock_ghz == 3.1);
    assert_true(find(&c, "c6g.large", "us-east-1")->clock_ghz == 2.5);
    const struct xb_cat_row *t3 = find(&c, "t3.nano", "us-east-1");
    assert_true(t3->mem_gib == 0.5 && t3->burst_baseline_pct == 5);
    xb_catalog_free(&c);
    import_fails(xb_import_ec2details, "ec2details-bad.json", &o,
                 "\"t3.nano\".memory: 'lots'");
    o.as_of = NULL;
    import_fails(xb_import_ec2details, "ec2details.json", &o, "--as-of");
    xb_burst_rules_free(&rules);
    xb_clock_rules_free(&clocks);
}

int main(void)
{
    const char *f = getenv("XB_PLAN_FIXTURES"), *cat = getenv("XB_CATALOG_SRC");
    if (!f || !cat) {
        fprintf(stderr, "set XB_PLAN_FIXTURES and XB_CATALOG_SRC\n");
        return 1;
    }
    snprintf(fx, sizeof fx, "%s", f);
    snprintf(rules_path, sizeof rules_path, "%s/rules/burst.csv", cat);
    snprintf(clocks_path, sizeof clocks_path, "%s/rules/clocks.csv", cat);
    snprintf(commits_path, sizeof commits_path, "%s/rules/commitments.csv", cat);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_good),
        cmocka_unit_test(load_errors),
        cmocka_unit_test(merge_newest_wins),
        cmocka_unit_test(write_read_back),
        cmocka_unit_test(burst_rules_table),
        cmocka_unit_test(builtin_loads),
        cmocka_unit_test(aws_offer),
        cmocka_unit_test(azure_retail),
        cmocka_unit_test(ec2details),
        cmocka_unit_test(clock_rules),
        cmocka_unit_test(commitments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
