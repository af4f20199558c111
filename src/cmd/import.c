/* import.c: `xenbench import`: recordings into the history database, or a
 * provider's price list into a catalogue CSV.  Options, then calls. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "plan/burst.h"
#include "plan/cat_import.h"
#include "plan/catalog.h"
#include "plan/parse.h"
#include "plan/profiles.h"
#include "store/import.h"
#include "store/store.h"
#include "util/err.h"
#include "util/units.h"

void xb_cmd_import_usage(FILE *out)
{
    fputs(
"Usage: xenbench import [OPTION]... RUNDIR|FILE...\n"
"       xenbench import --catalog FORMAT -o OUT.csv [OPTION]... FILE...\n"
"Append recordings to the history database: one sample per window and\n"
"domain (cores used, waited, blocked, vCPUs, memory, disk, network, cache).\n"
"RUNDIR is a run folder (manifest.json) or a Xen capture folder\n"
"(trace-*.bin with xl-info.txt/cpu_mhz.txt and xl-list.txt: each trace is a\n"
"run).  Re-importing a run replaces it: rows are never duplicated.  All runs\n"
"of one command go in one transaction: on any error nothing is written.\n"
"\n"
"      --db=FILE         history database (default $XENBENCH_DB, else\n"
"                        ./xenbench.db); created when missing\n"
"  -i, --interval=SECS   window (sample) length, default 1\n"
"  -t, --tsc-hz=RATE     TSC rate for a bare trace FILE (as for report)\n"
"  -n, --names=FILE      domain names from the text of `xl list`\n"
"      --strict          a recording cut short is an error\n"
"\n"
"Catalogue import (writes OUT.csv atomically; plan reads it through\n"
"XENBENCH_CATALOG, see docs/planning.md):\n"
"      --catalog=FORMAT  aws-offer (AWS Price List offer index.json),\n"
"                        azure-retail (Retail Prices API pages, with --sizes),\n"
"                        aws-ec2details (tedivm/ec2details JSON)\n"
"  -o, --output=FILE     the catalogue CSV to write\n"
"      --sizes=FILE      azure-retail: VM sizes CSV (name,numberOfCores,\n"
"                        memoryInMB)\n"
"      --as-of=DATE      YYYY-MM-DD the prices were fetched (required for\n"
"                        azure-retail and aws-ec2details)\n"
"      --region=R        keep only region R\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

static void print_run(const struct xb_import_result *r, void *ctx)
{
    (void)ctx;
    printf("imported %s: %u windows, %u domains, %zu samples; host %s; run %s%s\n",
           r->path, r->windows, r->domains, r->samples, r->host, r->run_key,
           r->replaced ? " (replaced the earlier import)" : "");
    if (r->fixed_epoch)
        printf("  no start time in the recording: samples dated from the fixed "
               "epoch " XB_FIXED_EPOCH_TEXT "\n");
    printf("  host core clock: %s\n", r->clock_note);
}

static int import_runs(const char *db, char **paths, int n,
                       const struct xb_import_opts *o, struct xb_err *err)
{
    struct xb_store *s;
    int rc = xb_store_open(&s, db, XB_STORE_WRITE, err);
    if (rc)
        return rc;
    rc = xb_store_begin(s, err);
    for (int i = 0; !rc && i < n; i++)
        rc = xb_import_path(s, paths[i], o, print_run, NULL, err);
    if (!rc)
        rc = xb_store_commit(s, err);
    if (rc)
        xb_store_rollback(s);
    int64_t runs = 0, vms = 0, samples = 0;
    if (!rc && !xb_store_count(s, "run", &runs, err) &&
        !xb_store_count(s, "vm", &vms, err) &&
        !xb_store_count(s, "sample", &samples, err))
        printf("%s: %lld runs, %lld VMs, %lld samples\n", db, (long long)runs,
               (long long)vms, (long long)samples);
    xb_store_close(s);
    return rc;
}

static int import_catalog(const char *format, const char *out_path, char **paths,
                          int n, const struct xb_cat_import_opts *co,
                          struct xb_err *err)
{
    struct xb_burst_rules rules = { 0 };
    struct xb_catalog cat = { 0 };
    struct xb_cat_import_stats st = { 0 };
    struct xb_cat_import_opts o = *co;
    int rc = xb_burst_rules_load_builtin(&rules, err);
    o.rules = &rules;
    if (!rc && strcmp(format, "azure-retail") == 0)
        rc = xb_import_azure_retail((const char *const *)paths, (size_t)n, &o, &cat,
                                    &st, err);
    else if (!rc && n != 1)
        rc = xb_err_set(err, -XB_EUSAGE, "--catalog %s reads one FILE", format);
    else if (!rc && strcmp(format, "aws-offer") == 0)
        rc = xb_import_aws_offer(paths[0], &o, &cat, &st, err);
    else if (!rc)
        rc = xb_import_ec2details(paths[0], &o, &cat, &st, err);
    if (!rc && cat.n == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: no instance type matched (%zu other "
                        "families, %zu other terms, %zu other regions, %zu without "
                        "a size): nothing written", paths[0], st.skipped_family,
                        st.skipped_terms, st.skipped_region, st.no_size);
    if (!rc) {
        xb_catalog_merge(&cat);
        rc = xb_catalog_write(&cat, out_path, err);
    }
    if (!rc)
        printf("wrote %s: %zu rows (%zu read; skipped: %zu of other families, %zu of "
               "other terms or OS, %zu of other regions, %zu without a size, %zu "
               "burstable without credit rules)\n", out_path, cat.n, st.rows,
               st.skipped_family, st.skipped_terms, st.skipped_region, st.no_size,
               st.no_rule);
    xb_catalog_free(&cat);
    xb_burst_rules_free(&rules);
    return rc;
}

int xb_cmd_import(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_STRICT, OPT_CATALOG, OPT_SIZES, OPT_ASOF, OPT_REGION };
    static const struct option opts[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "interval", required_argument, NULL, 'i' },
        { "tsc-hz", required_argument, NULL, 't' },
        { "names", required_argument, NULL, 'n' },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "catalog", required_argument, NULL, OPT_CATALOG },
        { "output", required_argument, NULL, 'o' },
        { "sizes", required_argument, NULL, OPT_SIZES },
        { "as-of", required_argument, NULL, OPT_ASOF },
        { "region", required_argument, NULL, OPT_REGION },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_import_opts io = { 0 };
    struct xb_cat_import_opts co = { 0 };
    const char *db = NULL, *format = NULL, *out = NULL;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "i:t:n:o:h", opts, NULL)) != -1) {
        const char *bad = NULL;
        switch (c) {
        case OPT_DB: db = optarg; break;
        case 'i':
            if (xb_parse_seconds(optarg, &io.interval_ns))
                bad = "--interval: not a duration (e.g. 1, 0.5, 250ms)";
            break;
        case 't':
            if (xb_parse_hz(optarg, &io.tsc_hz))
                bad = "--tsc-hz: not a rate (e.g. 2596138000, 2596.138M)";
            break;
        case 'n': io.names_file = optarg; break;
        case OPT_STRICT: io.strict = true; break;
        case OPT_CATALOG:
            format = optarg;
            if (strcmp(format, "aws-offer") && strcmp(format, "azure-retail") &&
                strcmp(format, "aws-ec2details"))
                bad = "--catalog: not one of aws-offer, azure-retail, aws-ec2details";
            break;
        case 'o': out = optarg; break;
        case OPT_SIZES: co.sizes_csv = optarg; break;
        case OPT_ASOF:
            co.as_of = optarg;
            if (!xb_is_date(optarg))
                bad = "--as-of: not a date YYYY-MM-DD";
            break;
        case OPT_REGION: co.region = optarg; break;
        case 'h':
            xb_cmd_import_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench import --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
        if (bad) {
            fprintf(stderr, "xenbench import: %s: '%s'\n", bad, optarg);
            return XB_EXIT_INPUT;
        }
    }
    const char *usage = optind >= argc ? "what to import? give RUNDIR or FILE"
                      : format && !out ? "--catalog needs -o OUT.csv"
                      : !format && (out || co.sizes_csv || co.as_of || co.region)
                            ? "-o, --sizes, --as-of and --region go with --catalog"
                            : NULL;
    if (usage) {
        fprintf(stderr, "xenbench import: %s\nTry 'xenbench import --help'.\n", usage);
        return XB_EXIT_INPUT;
    }
    struct xb_err err = { 0 };
    int rc = format ? import_catalog(format, out, argv + optind, argc - optind, &co, &err)
                    : import_runs(xb_db_path(db), argv + optind, argc - optind, &io,
                                  &err);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench import: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
