/* profile.c: `xenbench profile`: each VM's statistics over the look-back.
 * Options, then calls.  It must not compute a statistic (plan/). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/opt.h"
#include "util/format.h"
#include "util/parse.h"
#include "plan/profile_out.h"
#include "plan/profiles.h"
#include "util/err.h"

void xb_cmd_profile_usage(FILE *out)
{
    fputs(
"Usage: xenbench profile [OPTION]... [VM]...\n"
"Per VM over the look-back: p50/p90/p95/p99/max/mean of cores used, CPU %,\n"
"waited %, blocked %, memory, disk, network and cache misses; data coverage\n"
"and its confidence stars; burstiness; the contention flag (waited %).\n"
"VM names restrict the output to those VMs.\n"
"\n"
"      --db=FILE         history database (default $XENBENCH_DB, else\n"
"                        ./xenbench.db)\n"
"      --since=AGE       look-back ending at the newest sample: 14d (default),\n"
"                        36h, 90m, 2w, or all\n"
"      --method=M        the points the statistics are over: raw (default:\n"
"                        the recorded windows), aws (maximum of each 5 min),\n"
"                        azure (peak of each 10 min), gcp (mean of each 5 min)\n"
"      --min-coverage=AGE  the data minimum for a confidence above it: 30h\n"
"                        (default, AWS's), or less for short examples (0 ok)\n"
"  -f, --format=FMT      table (default), csv or json\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

int xb_cmd_profile(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_SINCE, OPT_METHOD, OPT_MINCOV };
    static const struct option opts[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "since", required_argument, NULL, OPT_SINCE },
        { "method", required_argument, NULL, OPT_METHOD },
        { "min-coverage", required_argument, NULL, OPT_MINCOV },
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL, *since = "14d";
    double lookback = 14 * 86400.0, min_cov = XB_MIN_COVERAGE_S;
    enum xb_method method = XB_METHOD_RAW;
    enum xb_format fmt = XB_FMT_TABLE;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: db = optarg; break;
        case OPT_SINCE:
            since = optarg;
            if (xb_parse_lookback(optarg, &lookback)) {
                fprintf(stderr, "xenbench profile: --since: '%s' is not a look-back "
                        "(14d, 36h, 90m, 2w, all)\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case OPT_METHOD:
            if (xb_method_parse(optarg, &method)) {
                fprintf(stderr, "xenbench profile: --method: '%s' is not one of aws, "
                        "azure, gcp, raw\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case OPT_MINCOV:
            if (xb_parse_duration0(optarg, &min_cov)) {
                fprintf(stderr, "xenbench profile: --min-coverage: '%s' is not a "
                        "duration (30h, 2d, 0)\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 'f':
            if (xb_opt_format("profile", optarg, &fmt))
                return XB_EXIT_INPUT;
            break;
        case 'h':
            xb_cmd_profile_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench profile --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
    }
    struct xb_err err = { 0 };
    struct xb_load_opts lo = { .lookback_s = lookback, .until_unix = NAN,
                               .min_coverage_s = min_cov };
    struct xb_profile *p = NULL;
    struct xb_walk w;
    size_t n = 0;
    int rc = xb_collect_profiles(xb_db_path(db), &lo, method,
                                 (const char *const *)argv + optind,
                                 (size_t)(argc - optind), &p, &n, &w, &err);
    if (!rc && n == 0)
        rc = xb_err_set(&err, -XB_EINPUT, "no VM of that name in the look-back");
    if (!rc && xb_profile_print(stdout, p, n, since, method, w.t_begin, w.t_end,
                                w.left_out, w.nleft_out, fmt))
        rc = xb_err_set(&err, -EIO, "writing the profiles failed");
    if (!rc && fmt == XB_FMT_CSV)       /* not a row of the CSV: said aside */
        for (size_t i = 0; i < w.nleft_out; i++)
            fprintf(stderr, "xenbench profile: not in the look-back: %s on %s\n",
                    w.left_out[i].name, w.left_out[i].host);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench profile: %s\n", err.msg);
    }
    free(p);
    xb_walk_free(&w);
    return xb_err_exit_status(rc);
}
