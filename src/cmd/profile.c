/* profile.c: `xenbench profile`: each VM's statistics over the look-back.
 * Options, then calls. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "plan/out_util.h"
#include "plan/parse.h"
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
"  -f, --format=FMT      table (default), csv or json\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

int xb_cmd_profile(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_SINCE };
    static const struct option opts[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "since", required_argument, NULL, OPT_SINCE },
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL, *since = "14d";
    double lookback = 14 * 86400.0;
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
        case 'f':
            if (xb_format_parse(optarg, &fmt)) {
                fprintf(stderr, "xenbench profile: --format: '%s' is not one of "
                        "table, csv, json\n", optarg);
                return XB_EXIT_INPUT;
            }
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
    struct xb_profile_set ps;
    int rc = xb_profiles_load(xb_db_path(db), lookback, &ps, &err);
    size_t n = 0;
    for (size_t i = 0; !rc && i < ps.n; i++) {
        bool want = optind >= argc;
        for (int k = optind; !want && k < argc; k++)
            want = strcmp(argv[k], ps.p[i].vm->name) == 0;
        if (want)
            ps.p[n++] = ps.p[i];
    }
    if (!rc && n == 0)
        rc = xb_err_set(&err, -XB_EINPUT, "no VM of that name in the look-back");
    if (!rc && xb_profile_print(stdout, ps.p, n, since, ps.t_begin, ps.t_end, fmt))
        rc = xb_err_set(&err, -EIO, "writing the profiles failed");
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench profile: %s\n", err.msg);
    }
    xb_profiles_free(&ps);
    return xb_err_exit_status(rc);
}
