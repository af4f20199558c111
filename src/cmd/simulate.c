/* simulate.c: `xenbench simulate PLAN`: replay the history onto a placement
 * and predict utilisation, waited time and overloads.  Options, then calls
 * (src/place/replay.c).  It must not compute the replay
 * (src/place/replay.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/opt.h"
#include "place/inputs.h"
#include "place/replay.h"
#include "place/replay_out.h"
#include "util/err.h"
#include "util/format.h"
#include "util/parse.h"

void xb_cmd_simulate_usage(FILE *out)
{
    fputs(
"Usage: xenbench simulate --hosts FILE [OPTION]... PLAN\n"
"Replay each VM's recorded demand per window onto the placement PLAN (the\n"
"vm,host CSV that `xenbench place -o` writes, or today's assignment) and\n"
"report per host and window the CPU utilisation, each VM's predicted waited\n"
"time from the runnable vCPUs sharing the host's pCPUs, and the windows over\n"
"target and over capacity (docs/planning.md, \"What-if replay\").\n"
"\n"
"      --hosts=FILE      the hosts (as for `xenbench place`)\n"
"      --from=TIME       samples from TIME: 2013-07-23T22:00:00Z, or -7d\n"
"      --until=TIME      samples before TIME (the same forms)\n"
"      --window=SECONDS  roll-up window (default 300s)\n"
"      --align=MODE      auto (default), time, start (recordings made one by\n"
"                        one, replayed as if together)\n"
"      --target=PCT      utilisation counted as over target (default 85%)\n"
"      --windows         JSON: the per-window series too\n"
"  -f, --format=FMT      table (default), csv (one row per host and window) or\n"
"                        json\n"
"      --db=FILE         history database (default $XENBENCH_DB, else\n"
"                        ./xenbench.db)\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

struct sim_args {
    struct xb_place_src src;
    double target;
    bool windows;
    enum xb_format fmt;
};

static int parse_args(int argc, char **argv, struct sim_args *a)
{
    enum { O_HOSTS = 256, O_FROM, O_UNTIL, O_WINDOW, O_ALIGN, O_TARGET, O_WINDOWS,
           O_DB };
    static const struct option opts[] = {
        { "hosts", required_argument, NULL, O_HOSTS },
        { "from", required_argument, NULL, O_FROM },
        { "until", required_argument, NULL, O_UNTIL },
        { "window", required_argument, NULL, O_WINDOW },
        { "align", required_argument, NULL, O_ALIGN },
        { "target", required_argument, NULL, O_TARGET },
        { "windows", no_argument, NULL, O_WINDOWS },
        { "format", required_argument, NULL, 'f' },
        { "db", required_argument, NULL, O_DB },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        const char *bad = NULL;
        uint64_t ns = 0;
        double f = 0;
        switch (c) {
        case O_HOSTS: a->src.hosts = optarg; break;
        case O_FROM: a->src.from = optarg; break;
        case O_UNTIL: a->src.until = optarg; break;
        case O_WINDOW:
            if (xb_parse_seconds(optarg, &ns) || ns < 1000000)
                bad = "--window: not a duration >= 1 ms (300s)";
            a->src.dopt.win_s = (double)ns / 1e9;
            break;
        case O_ALIGN:
            if (xb_align_parse(optarg, &a->src.dopt.align))
                bad = "--align: not one of auto, time, start";
            break;
        case O_TARGET:
            if (xb_parse_headroom(optarg, &f) || f <= 0 || f > 1)
                bad = "--target: not a percentage in (0, 100] (85%)";
            a->target = f;
            break;
        case O_WINDOWS: a->windows = true; break;
        case 'f':
            if (xb_opt_format("simulate", optarg, &a->fmt))
                return XB_EXIT_INPUT;
            break;
        case O_DB: a->src.db = optarg; break;
        case 'h':
            xb_cmd_simulate_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench simulate --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
        if (bad) {
            fprintf(stderr, "xenbench simulate: %s: '%s'\n", bad, optarg);
            return XB_EXIT_INPUT;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "xenbench simulate: %s\nTry 'xenbench simulate --help'.\n",
                optind == argc ? "PLAN (a vm,host CSV) is required"
                               : "one PLAN only");
        return XB_EXIT_INPUT;
    }
    a->src.assignment = argv[optind];
    if (!a->src.hosts) {
        fputs("xenbench simulate: --hosts FILE is required\n", stderr);
        return XB_EXIT_INPUT;
    }
    return -1;
}

static int run_simulate(struct sim_args *a, struct xb_err *err)
{
    struct xb_place_inputs in;
    struct xb_replay r = { 0 };
    int rc = xb_place_inputs_load(&a->src, &in, err);
    if (!rc)
        rc = xb_replay_run(&in.d, &in.hs, in.current, a->target, &r, err);
    if (!rc) {
        struct xb_replay_report rr = {
            .d = &in.d, .hs = &in.hs, .r = &r, .plan_path = a->src.assignment,
            .hosts_path = a->src.hosts, .t_from = in.t_from, .t_until = in.t_until,
            .windows = a->windows, .absent = in.absent,
        };
        if (xb_replay_print(stdout, &rr, a->fmt))
            rc = xb_err_set(err, -EIO, "writing the replay failed");
    }
    xb_replay_free(&r);
    xb_place_inputs_free(&in);
    return rc;
}

int xb_cmd_simulate(int argc, char **argv)
{
    struct sim_args a = { .target = 0.85, .fmt = XB_FMT_TABLE };
    xb_demand_opts_init(&a.src.dopt);
    a.src.dopt.fill = XB_FILL_ZERO;
    a.src.absent_ok = true;     /* a plan replayed on a range where some VM was down */
    int st = parse_args(argc, argv, &a);
    if (st >= 0)
        return st;
    struct xb_err err = { 0 };
    int rc = run_simulate(&a, &err);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench simulate: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
