/* plan.c: `xenbench plan`: the cheapest instance type per VM and provider,
 * with findings, risk, confidence and totals.  Options, then calls. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "plan/catalog.h"
#include "plan/out_util.h"
#include "plan/parse.h"
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
"      --region=R        region of every provider asked (default: aws\n"
"                        us-east-1, azure eastus, gcp us-central1)\n"
"      --percentile=P    of the samples, 0 < P <= 100 (default 95; 99.5 ok)\n"
"      --headroom=H      added to each need, in % (default 30%: Azure's comfort\n"
"                        factor 1.3; AWS's default is 20%)\n"
"      --since=AGE       look-back ending at the newest sample: 14d (default),\n"
"                        36h, 90m, 2w, or all\n"
"  -f, --format=FMT      table (default), csv or json\n"
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
    const char *db, *since;
    double lookback;
    enum xb_format fmt;
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct plan_args *a)
{
    enum { OPT_PROVIDER = 256, OPT_REGION, OPT_PCT, OPT_HEADROOM, OPT_SINCE, OPT_DB };
    static const struct option opts[] = {
        { "provider", required_argument, NULL, OPT_PROVIDER },
        { "region", required_argument, NULL, OPT_REGION },
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
        case OPT_REGION: a->so.region = optarg; break;
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
            if (xb_format_parse(optarg, &a->fmt))
                bad = "--format: not one of table, csv, json";
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
    return -1;
}

static int run_plan(const struct plan_args *a, struct xb_err *err)
{
    struct xb_catalog cat = { 0 };
    struct xb_profile_set ps = { 0 };
    struct xb_sizer z = { 0 };
    struct xb_vm_plan *vm = NULL;
    char **skipped = NULL;
    size_t n = 0, nskip = 0;
    int rc = xb_catalog_load_list(&cat, getenv("XENBENCH_CATALOG"), err);
    if (!rc) {
        xb_catalog_merge(&cat);
        rc = xb_sizer_init(&z, &cat, &a->so, err);
    }
    if (!rc)
        rc = xb_profiles_load(xb_db_path(a->db), a->lookback, &ps, err);
    if (!rc && (!(vm = calloc(ps.n, sizeof *vm)) ||
                !(skipped = calloc(ps.n, sizeof *skipped))))
        rc = xb_err_set(err, -ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < ps.n; i++) {
        const struct xb_profile *p = &ps.p[i];
        if (p->vm->domid == 0) {
            char line[384];
            snprintf(line, sizeof line, "%s on %s: domain 0 (Xen's control domain "
                     "or the host itself) is not planned", p->vm->name, p->vm->host);
            if (!(skipped[nskip++] = strdup(line)))
                rc = xb_err_set(err, -ENOMEM, "out of memory");
            continue;
        }
        if (xb_size_vm(&z, p, &vm[n++]))
            rc = xb_err_set(err, -ENOMEM, "out of memory");
    }
    if (!rc) {
        struct xb_plan_report r = {
            .z = &z, .since_text = a->since, .t_begin = ps.t_begin,
            .t_end = ps.t_end, .vm = vm, .n = n,
            .skipped = (const char *const *)skipped, .nskipped = nskip,
        };
        if (xb_plan_print(stdout, &r, a->fmt))
            rc = xb_err_set(err, -EIO, "writing the plan failed");
    }
    for (size_t i = 0; i < nskip; i++)
        free(skipped[i]);
    free(skipped);
    free(vm);
    xb_sizer_free(&z);
    xb_profiles_free(&ps);
    xb_catalog_free(&cat);
    return rc;
}

int xb_cmd_plan(int argc, char **argv)
{
    struct plan_args a = {
        .so = { .percentile = 95, .headroom = 0.30 },
        .since = "14d", .lookback = 14 * 86400.0, .fmt = XB_FMT_TABLE,
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
