/* catalog.c: `xenbench catalog import FORMAT -o OUT.csv FILE...`: a
 * provider's price list into a catalogue CSV that `plan` reads.  Options,
 * then the catalogue importers (src/catalog/); `import --catalog`, the old
 * form, comes here too.  It must not touch the history database. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "catalog/burst.h"
#include "catalog/cat_import.h"
#include "catalog/catalog.h"
#include "cmd/commands.h"
#include "util/err.h"
#include "util/parse.h"

void xb_cmd_catalog_usage(FILE *out)
{
    fputs(
"Usage: xenbench catalog import FORMAT -o OUT.csv [OPTION]... FILE...\n"
"Turn a provider's price list into a catalogue CSV (written whole, then\n"
"renamed) that plan reads through XENBENCH_CATALOG (docs/planning.md).\n"
"FORMAT: aws-offer (AWS Price List offer index.json), azure-retail (Retail\n"
"Prices API pages, with --sizes), aws-ec2details (tedivm/ec2details JSON).\n"
"\n"
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

bool xb_catalog_format_known(const char *format)
{
    return strcmp(format, "aws-offer") == 0 || strcmp(format, "azure-retail") == 0 ||
           strcmp(format, "aws-ec2details") == 0;
}

int xb_catalog_import_files(const char *format, const char *out_path, char **paths,
                            int n, const struct xb_cat_import_opts *co,
                            struct xb_err *err)
{
    struct xb_burst_rules rules = { 0 };
    struct xb_clock_rules clocks = { 0 };
    struct xb_catalog cat = { 0 };
    struct xb_cat_import_stats st = { 0 };
    struct xb_cat_import_opts o = *co;
    int rc = xb_burst_rules_load_builtin(&rules, err);
    if (!rc)
        rc = xb_clock_rules_load_builtin(&clocks, err);
    o.rules = &rules;
    o.clocks = &clocks;
    if (!rc && strcmp(format, "azure-retail") == 0)
        rc = xb_import_azure_retail((const char *const *)paths, (size_t)n, &o, &cat,
                                    &st, err);
    else if (!rc && n != 1)
        rc = xb_err_set(err, -XB_EUSAGE, "%s reads one FILE", format);
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
               "previous generations, %zu of other terms or OS, %zu of other "
               "regions or zones, %zu without a size, %zu burstable without credit "
               "rules); %zu rows without a published all-core clock "
               "(rules/clocks.csv): CPU counted 1:1 for them\n", out_path, cat.n,
               st.rows, st.skipped_family, st.skipped_generation, st.skipped_terms,
               st.skipped_region, st.no_size, st.no_rule, st.no_clock);
    xb_catalog_free(&cat);
    xb_burst_rules_free(&rules);
    xb_clock_rules_free(&clocks);
    return rc;
}

int xb_cmd_catalog(int argc, char **argv)
{
    enum { OPT_SIZES = 256, OPT_ASOF, OPT_REGION };
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "sizes", required_argument, NULL, OPT_SIZES },
        { "as-of", required_argument, NULL, OPT_ASOF },
        { "region", required_argument, NULL, OPT_REGION },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_cat_import_opts co = { 0 };
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case OPT_SIZES: co.sizes_csv = optarg; break;
        case OPT_REGION: co.region = optarg; break;
        case OPT_ASOF:
            co.as_of = optarg;
            if (!xb_is_date(optarg)) {
                fprintf(stderr, "xenbench catalog: --as-of: not a date YYYY-MM-DD: "
                        "'%s'\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 'h':
            xb_cmd_catalog_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench catalog --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
    }
    char **words = argv + optind;
    int nw = argc - optind;
    const char *usage = nw < 1 ? "what to do? give: import FORMAT -o OUT.csv FILE..."
                      : strcmp(words[0], "import") != 0 ? "the only subcommand is import"
                      : nw < 2 ? "import: which FORMAT? aws-offer, azure-retail or "
                                 "aws-ec2details"
                      : !xb_catalog_format_known(words[1])
                            ? "import: FORMAT is not one of aws-offer, azure-retail, "
                              "aws-ec2details"
                      : nw < 3 ? "import: which price-list FILE?"
                      : !out ? "import: give the catalogue to write with -o OUT.csv"
                      : NULL;
    if (usage) {
        fprintf(stderr, "xenbench catalog: %s\nTry 'xenbench catalog --help'.\n", usage);
        return XB_EXIT_INPUT;
    }
    struct xb_err err = { 0 };
    int rc = xb_catalog_import_files(words[1], out, words + 2, nw - 2, &co, &err);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench catalog import: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
