/* plan.c: `xenbench plan`: the cheapest instance type per VM and provider,
 * with findings, risk, confidence and totals.  Options, then calls.  It must
 * not size or price (plan/, catalog/). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/opt.h"
#include "catalog/catalog.h"
#include "util/format.h"
#include "util/parse.h"
#include "plan/fleet.h"
#include "plan/plan_out.h"
#include "plan/profiles.h"
#include "plan/sizing.h"
#include "util/err.h"

void xb_cmd_plan_usage(FILE *out)
{
    fputs(
"Usage: xenbench plan [OPTION]...\n"
"Map each measured VM to the cheapest instance type of each cloud provider\n"
"that covers its need: need = percentile(samples) x (1 + headroom) per\n"
"resource, CPU normalised from host cores to the type's vCPUs (by MFLOPS,\n"
"else clock, else 1:1; the output says which).  Burstable types only when\n"
"the modelled credit balance never runs out.  Per VM: finding (over-/under-\n"
"provisioned, optimised) with reason codes, performance risk, confidence\n"
"from coverage; totals per provider.  Domain 0 (Xen's control domain, or\n"
"the Linux host itself) is not planned.\n"
"\n"
"      --provider=P      aws, azure, gcp or all (default)\n"
"      --region=R        region of every provider asked, or per provider:\n"
"                        aws=eu-west-1,azure=westeurope (default: aws\n"
"                        us-east-1, azure eastus, gcp us-central1)\n"
"      --arch=LIST       x86_64 (default), arm64, or x86_64,arm64\n"
"      --category=LIST   general,compute,memory,burstable,storage (default),\n"
"                        hpc, accelerated, or all\n"
"      --pricing=P       ondemand (default), 1y or 3y: a commitment price\n"
"                        where one is published (the catalogue row's own,\n"
"                        else rules/commitments.csv); a provider without one\n"
"                        is left out and the notes say so\n"
"      --pricing-table=FILE  commitment discounts tried before the built-in\n"
"                        table (provider,pattern,term,discount_pct,source,as_of)\n"
"      --method=M        aws (the maximum of each 5 minutes), azure (the peak\n"
"                        of each 10 minutes), gcp (the 5-minute mean) or raw\n"
"                        (the recorded windows) for every provider; default:\n"
"                        each provider by its own published method\n"
"      --percentile=P    of the method's points, 0 < P <= 100 (default: the\n"
"                        method's: aws 99.5, azure 95, gcp 95, raw 95)\n"
"      --headroom=H      added to each need, in % (default: the method's: aws\n"
"                        20%, azure 30% (comfort factor 1.3), gcp and raw 30%)\n"
"      --min-coverage=AGE  a VM with less measured time is InsufficientData,\n"
"                        not priced: 30h (default, AWS's minimum); 0 for short\n"
"                        examples\n"
"      --until=TIME      the look-back ends at TIME (ISO 8601 UTC) instead of\n"
"                        at the newest data\n"
"      --since=AGE       look-back ending at the newest sample: 14d (default),\n"
"                        36h, 90m, 2w, or all\n"
"  -f, --format=FMT      table (default), csv, json or html (one page to\n"
"                        share, with the figures of json)\n"
"      --db=FILE         history database (default $XENBENCH_DB, else\n"
"                        ./xenbench.db)\n"
"  -h, --help            this help\n"
"\n"
"The catalogue is data/catalog/*.csv (a dated snapshot) unless\n"
"XENBENCH_CATALOG lists files or folders (\"builtin\" for that folder),\n"
"colon-separated; the newest as_of row of a type and region wins.\n"
"Exit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

struct plan_args {
    struct xb_size_opts so;
    const char *db, *since, *pricing_table;
    double lookback, until, min_coverage;
    enum xb_format fmt;
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct plan_args *a)
{
    enum { OPT_PROVIDER = 256, OPT_REGION, OPT_PCT, OPT_HEADROOM, OPT_SINCE, OPT_DB,
           OPT_ARCH, OPT_CATEGORY, OPT_PRICING, OPT_PRICING_TABLE, OPT_METHOD,
           OPT_MINCOV, OPT_UNTIL };
    static const struct option opts[] = {
        { "provider", required_argument, NULL, OPT_PROVIDER },
        { "region", required_argument, NULL, OPT_REGION },
        { "arch", required_argument, NULL, OPT_ARCH },
        { "category", required_argument, NULL, OPT_CATEGORY },
        { "pricing", required_argument, NULL, OPT_PRICING },
        { "pricing-table", required_argument, NULL, OPT_PRICING_TABLE },
        { "method", required_argument, NULL, OPT_METHOD },
        { "min-coverage", required_argument, NULL, OPT_MINCOV },
        { "until", required_argument, NULL, OPT_UNTIL },
        { "percentile", required_argument, NULL, OPT_PCT },
        { "headroom", required_argument, NULL, OPT_HEADROOM },
        { "since", required_argument, NULL, OPT_SINCE },
        { "format", required_argument, NULL, 'f' },
        { "db", required_argument, NULL, OPT_DB },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        const char *bad = NULL;
        switch (c) {
        case OPT_PROVIDER:
            a->so.provider = optarg;
            if (strcmp(optarg, "aws") && strcmp(optarg, "azure") &&
                strcmp(optarg, "gcp") && strcmp(optarg, "all"))
                bad = "--provider: not one of aws, azure, gcp, all";
            break;
        case OPT_REGION: {
            struct xb_err e = { 0 };
            if (xb_size_opts_regions(&a->so, optarg, &e))
                bad = "--region: not a region or PROVIDER=REGION,... (aws=us-east-1,"
                      "azure=eastus)";
            break;
        }
        case OPT_ARCH:
            if (xb_arch_mask_parse(optarg, &a->so.arch_mask))
                bad = "--arch: not x86_64, arm64 or x86_64,arm64";
            break;
        case OPT_CATEGORY:
            if (xb_category_mask_parse(optarg, &a->so.category_mask))
                bad = "--category: not a list of general, compute, memory, burstable, "
                      "storage, hpc, accelerated, or all";
            break;
        case OPT_PRICING:
            if (xb_pricing_parse(optarg, &a->so.pricing))
                bad = "--pricing: not one of ondemand, 1y, 3y";
            break;
        case OPT_PRICING_TABLE: a->pricing_table = optarg; break;
        case OPT_METHOD:
            if (xb_method_parse(optarg, &a->so.method))
                bad = "--method: not one of aws, azure, gcp, raw";
            a->so.method_forced = true;
            break;
        case OPT_MINCOV:
            if (xb_parse_duration0(optarg, &a->min_coverage))
                bad = "--min-coverage: not a duration (30h, 2d, 0)";
            break;
        case OPT_UNTIL:
            if (xb_parse_utc(optarg, &a->until))
                bad = "--until: not an ISO 8601 time (2013-07-22T00:00:00Z)";
            break;
        case OPT_PCT:
            if (xb_parse_percentile(optarg, &a->so.percentile))
                bad = "--percentile: not a percentile in (0, 100] (95, 99.5)";
            break;
        case OPT_HEADROOM:
            if (xb_parse_headroom(optarg, &a->so.headroom))
                bad = "--headroom: not a percentage 0..1000 (30%, 20)";
            break;
        case OPT_SINCE:
            a->since = optarg;
            if (xb_parse_lookback(optarg, &a->lookback))
                bad = "--since: not a look-back (14d, 36h, 90m, 2w, all)";
            break;
        case 'f':
            if (xb_opt_format_html("plan", optarg, &a->fmt))
                return XB_EXIT_INPUT;
            break;
        case OPT_DB: a->db = optarg; break;
        case 'h':
            xb_cmd_plan_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench plan --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
        if (bad) {
            fprintf(stderr, "xenbench plan: %s: '%s'\n", bad, optarg);
            return XB_EXIT_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenbench plan: unexpected argument '%s'\nTry 'xenbench "
                "plan --help'.\n", argv[optind]);
        return XB_EXIT_INPUT;
    }
    if (a->pricing_table && a->so.pricing == XB_PRICING_ONDEMAND) {
        fputs("xenbench plan: --pricing-table goes with --pricing 1y or 3y\n", stderr);
        return XB_EXIT_INPUT;
    }
    return -1;
}

static int run_plan(const struct plan_args *a, struct xb_err *err)
{
    struct xb_catalog cat = { 0 };
    struct xb_commit_rules commits = { 0 };
    struct xb_sizer z = { 0 };
    struct xb_fleet_plan fp = { 0 };
    struct xb_size_opts so = a->so;
    int rc = xb_catalog_load_list(&cat, getenv("XENBENCH_CATALOG"), err);
    if (!rc && so.pricing != XB_PRICING_ONDEMAND) {
        rc = xb_commit_rules_load_builtin(&commits, err);
        if (!rc && a->pricing_table)
            rc = xb_commit_rules_load(&commits, a->pricing_table, err);
        so.commitments = &commits;
    }
    if (!rc) {
        xb_catalog_merge(&cat);
        rc = xb_sizer_init(&z, &cat, &so, err);
    }
    struct xb_load_opts lo = { .lookback_s = a->lookback, .until_unix = a->until,
                               .min_coverage_s = a->min_coverage };
    if (!rc)
        rc = xb_fleet_plan_run(&z, xb_db_path(a->db), &lo, NULL, NULL, &fp, err);
    if (!rc) {
        struct xb_plan_report r = {
            .z = &z, .since_text = a->since, .t_begin = fp.t_begin,
            .t_end = fp.t_end, .vm = fp.vm, .n = fp.n,
            .skipped = (const char *const *)fp.skipped, .nskipped = fp.nskipped,
            .nlookback = fp.nlookback,
            .min_coverage_s = a->min_coverage,
        };
        if (xb_plan_print(stdout, &r, a->fmt))
            rc = xb_err_set(err, -EIO, "writing the plan failed");
    }
    xb_fleet_plan_free(&fp);
    xb_sizer_free(&z);
    xb_catalog_free(&cat);
    xb_commit_rules_free(&commits);
    return rc;
}

int xb_cmd_plan(int argc, char **argv)
{
    struct plan_args a = {
        .so = { .percentile = NAN, .headroom = NAN },
        .since = "14d", .lookback = 14 * 86400.0, .until = NAN,
        .min_coverage = XB_MIN_COVERAGE_S, .fmt = XB_FMT_TABLE,
    };
    int st = parse_args(argc, argv, &a);
    if (st >= 0)
        return st;
    struct xb_err err = { 0 };
    int rc = run_plan(&a, &err);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench plan: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
