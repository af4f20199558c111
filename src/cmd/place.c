/* place.c: `xenbench place`: pack the VMs of the history onto owned hosts,
 * or decide which to move to a cloud.  Options, then calls (src/place/).  It
 * must not pack or price (src/place/, src/plan/). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/catalog.h"
#include "cmd/commands.h"
#include "cmd/opt.h"
#include "place/hybrid.h"
#include "place/inputs.h"
#include "place/pack.h"
#include "place/place_out.h"
#include "plan/sizing.h"
#include "util/err.h"
#include "util/format.h"
#include "util/parse.h"

void xb_cmd_place_usage(FILE *out)
{
    fputs(
"Usage: xenbench place --hosts FILE [OPTION]...\n"
"Place the VMs of the history on the hosts of FILE from their demand over\n"
"time: per roll-up window the sum of each host's VMs stays under capacity x\n"
"target (CPU, disk, network; memory in use), memory allocations within the\n"
"host's memory x overcommit, hot vCPUs on cores of their own.  First-fit\n"
"decreasing, a balanced repack into fewer hosts, then local search.  Prints\n"
"per host the predicted utilisation (P95 and max of the summed series), per\n"
"VM its host and pinning advice, the lower bound and the gap to it\n"
"(docs/planning.md).\n"
"\n"
"      --hosts=FILE      the hosts (CSV: host,count,sockets,cores_per_socket,\n"
"                        threads_per_core,mflops_per_core,ghz,memory_gib,\n"
"                        disk_mbps,net_gbps,monthly_cost_usd)\n"
"      --assignment=FILE today's vm,host (moves are counted from it)\n"
"      --max-moves=N     at most N VMs leave their host of today\n"
"      --from=TIME       samples from TIME: 2013-07-23T22:00:00Z, or -7d (7 days\n"
"                        before the newest sample)\n"
"      --until=TIME      samples before TIME (the same forms)\n"
"      --window=SECONDS  roll-up window: the peak of the samples in it\n"
"                        (default 300s)\n"
"      --align=MODE      auto (default), time (one clock for all), start (each VM\n"
"                        from its first sample: recordings made one by one)\n"
"      --target=PCT      of capacity in each window (default 85%)\n"
"      --allow=PCT       of windows that may exceed the target, never capacity\n"
"                        (default 0%)\n"
"      --mem-overcommit=R  allocations <= memory x R (default 1.0)\n"
"      --spare=N         survive the loss of any N hosts (default 0)\n"
"      --anti-affinity=FILE  CSV group,vm: VMs of a group never share a host\n"
"      --cache-heavy=RATE  LLC misses/s from which a VM is spread (default 1e7)\n"
"      --peaks-only      baseline: each VM as its peak, not time-aware\n"
"      --cloud=P         aws, azure or gcp: move VMs to the cloud where owned +\n"
"                        cloud cost is lowest (needs monthly_cost_usd)\n"
"      --max-hosts=N     with --cloud: at most N owned hosts\n"
"      --region=R        with --cloud: the provider's region (as `plan`)\n"
"      --percentile=P    with --cloud: sizing percentile (default 95)\n"
"      --headroom=H      with --cloud: sizing headroom (default 30%)\n"
"  -o, --output=FILE     write the plan (vm,host,cores) for `xenbench simulate`\n"
"  -f, --format=FMT      table (default), csv, json or html (one page to\n"
"                        share, with the figures of json)\n"
"      --db=FILE         history database (default $XENBENCH_DB, else\n"
"                        ./xenbench.db)\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 ok (VMs that find no room are listed), 1 I/O failure, 2 bad\n"
"input, usage or impossible constraints (a VM larger than every host, an\n"
"anti-affinity group larger than the pool, too few moves allowed).\n", out);
}

struct place_args {
    struct xb_place_src src;
    struct xb_pack_opts po;
    struct xb_size_opts so;
    const char *cloud, *output;
    unsigned max_hosts;
    enum xb_format fmt;
};

static int parse_pct(const char *s, double lo, double hi, bool lo_open, double *v)
{
    double f;
    if (xb_parse_headroom(s, &f))
        return -1;
    if (f * 100 > hi + 1e-9 || f * 100 < lo - 1e-9 || (lo_open && f * 100 <= lo))
        return -1;
    *v = f;
    return 0;
}

static int parse_args(int argc, char **argv, struct place_args *a)
{
    enum { O_HOSTS = 256, O_ASSIGN, O_MOVES, O_FROM, O_UNTIL, O_WINDOW, O_ALIGN,
           O_TARGET, O_ALLOW, O_MEMOC, O_SPARE, O_AA, O_CACHE, O_PEAKS, O_CLOUD,
           O_MAXH, O_REGION, O_PCT, O_HEAD, O_DB };
    static const struct option opts[] = {
        { "hosts", required_argument, NULL, O_HOSTS },
        { "assignment", required_argument, NULL, O_ASSIGN },
        { "max-moves", required_argument, NULL, O_MOVES },
        { "from", required_argument, NULL, O_FROM },
        { "until", required_argument, NULL, O_UNTIL },
        { "window", required_argument, NULL, O_WINDOW },
        { "align", required_argument, NULL, O_ALIGN },
        { "target", required_argument, NULL, O_TARGET },
        { "allow", required_argument, NULL, O_ALLOW },
        { "mem-overcommit", required_argument, NULL, O_MEMOC },
        { "spare", required_argument, NULL, O_SPARE },
        { "anti-affinity", required_argument, NULL, O_AA },
        { "cache-heavy", required_argument, NULL, O_CACHE },
        { "peaks-only", no_argument, NULL, O_PEAKS },
        { "cloud", required_argument, NULL, O_CLOUD },
        { "max-hosts", required_argument, NULL, O_MAXH },
        { "region", required_argument, NULL, O_REGION },
        { "percentile", required_argument, NULL, O_PCT },
        { "headroom", required_argument, NULL, O_HEAD },
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, 'f' },
        { "db", required_argument, NULL, O_DB },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    bool sizing = false;
    while ((c = getopt_long(argc, argv, "o:f:h", opts, NULL)) != -1) {
        const char *bad = NULL;
        uint64_t n = 0;
        uint64_t ns = 0;
        double x = 0;
        switch (c) {
        case O_HOSTS: a->src.hosts = optarg; break;
        case O_ASSIGN: a->src.assignment = optarg; break;
        case O_MOVES:
            if (xb_parse_uint(optarg, 100000000, &n))
                bad = "--max-moves: not a whole number >= 0";
            a->po.max_moves = (long)n;
            break;
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
            if (parse_pct(optarg, 0, 100, true, &a->po.target))
                bad = "--target: not a percentage in (0, 100] (85%)";
            break;
        case O_ALLOW:
            if (parse_pct(optarg, 0, 99.999, false, &a->po.allow_frac))
                bad = "--allow: not a percentage in [0, 100) (1%)";
            break;
        case O_MEMOC:
            if (xb_parse_num(optarg, &x) || x <= 0 || x > 100)
                bad = "--mem-overcommit: not a ratio in (0, 100] (1.0, 1.5)";
            a->po.mem_overcommit = x;
            break;
        case O_SPARE:
            if (xb_parse_uint(optarg, 1000, &n))
                bad = "--spare: not a whole number 0..1000";
            a->po.spare = (unsigned)n;
            break;
        case O_AA: a->src.groups = optarg; break;
        case O_CACHE:
            if (xb_parse_num(optarg, &x) || x <= 0)
                bad = "--cache-heavy: not a rate > 0 (misses/s, 1e7)";
            a->po.cache_heavy_ps = x;
            break;
        case O_PEAKS: a->po.peaks_only = true; break;
        case O_CLOUD:
            if (strcmp(optarg, "aws") && strcmp(optarg, "azure") && strcmp(optarg, "gcp"))
                bad = "--cloud: not one of aws, azure, gcp";
            a->cloud = optarg;
            break;
        case O_MAXH:
            if (xb_parse_uint(optarg, 1000000, &n) || n == 0)
                bad = "--max-hosts: not a whole number >= 1";
            a->max_hosts = (unsigned)n;
            break;
        case O_REGION: a->so.region = optarg; sizing = true; break;
        case O_PCT:
            if (xb_parse_percentile(optarg, &a->so.percentile))
                bad = "--percentile: not a percentile in (0, 100] (95, 99.5)";
            sizing = true;
            break;
        case O_HEAD:
            if (xb_parse_headroom(optarg, &a->so.headroom))
                bad = "--headroom: not a percentage 0..1000 (30%, 20)";
            sizing = true;
            break;
        case 'o': a->output = optarg; break;
        case 'f':
            if (xb_opt_format_html("place", optarg, &a->fmt))
                return XB_EXIT_INPUT;
            break;
        case O_DB: a->src.db = optarg; break;
        case 'h':
            xb_cmd_place_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench place --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
        if (bad) {
            fprintf(stderr, "xenbench place: %s: '%s'\n", bad, optarg);
            return XB_EXIT_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenbench place: unexpected argument '%s'\nTry 'xenbench "
                "place --help'.\n", argv[optind]);
        return XB_EXIT_INPUT;
    }
    if (!a->src.hosts) {
        fputs("xenbench place: --hosts FILE is required\n", stderr);
        return XB_EXIT_INPUT;
    }
    if ((a->max_hosts || sizing) && !a->cloud) {
        fputs("xenbench place: --max-hosts, --region, --percentile and --headroom "
              "go with --cloud\n", stderr);
        return XB_EXIT_INPUT;
    }
    if (a->po.max_moves >= 0 && !a->src.assignment) {
        fputs("xenbench place: --max-moves needs --assignment (today's vm,host)\n",
              stderr);
        return XB_EXIT_INPUT;
    }
    return -1;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int run_place(struct place_args *a, struct xb_err *err)
{
    struct xb_place_inputs in;
    struct xb_catalog cat = { 0 };
    struct xb_sizer z = { 0 };
    struct xb_hybrid hy = { 0 };
    struct xb_placement pl = { 0 };
    a->src.keep_series = a->cloud != NULL;
    int rc = xb_place_inputs_load(&a->src, &in, err);
    struct xb_pack_in pin = {
        .d = &in.d, .hs = &in.hs, .current = in.current, .on_outside = in.outside,
        .groups = in.g.n ? &in.g : NULL, .o = a->po,
    };
    double t0 = now_s();
    if (!rc && a->cloud) {
        a->so.provider = a->cloud;
        rc = xb_catalog_load_list(&cat, getenv("XENBENCH_CATALOG"), err);
        if (!rc) {
            xb_catalog_merge(&cat);
            rc = xb_sizer_init(&z, &cat, &a->so, err);
        }
        if (!rc)
            rc = xb_hybrid_price(&in.h, &in.d, &z, in.t_from, in.t_until, &hy, err);
        if (!rc)
            rc = xb_hybrid_decide(&pin, a->max_hosts, &hy, &pl, err);
    } else if (!rc)
        rc = xb_pack(&pin, &pl, err);
    double t1 = now_s();
    struct xb_place_report r = {
        .in = &pin, .pl = &pl, .hy = a->cloud ? &hy : NULL,
        .hosts_path = a->src.hosts, .t_from = in.t_from, .t_until = in.t_until,
        .seconds = t1 - t0,
    };
    if (!rc && a->output)
        rc = xb_place_write_plan(a->output, &r, err);
    if (!rc && xb_place_print(stdout, &r, a->fmt))
        rc = xb_err_set(err, -EIO, "writing the placement failed");
    xb_placement_free(&pl);
    xb_hybrid_free(&hy);
    xb_sizer_free(&z);
    xb_catalog_free(&cat);
    xb_place_inputs_free(&in);
    return rc;
}

int xb_cmd_place(int argc, char **argv)
{
    struct place_args a = { .fmt = XB_FMT_TABLE, .so = { .percentile = 95,
                                                          .headroom = 0.30 } };
    xb_pack_opts_init(&a.po);
    xb_demand_opts_init(&a.src.dopt);
    a.src.outside_ok = true;
    int st = parse_args(argc, argv, &a);
    if (st >= 0)
        return st;
    struct xb_err err = { 0 };
    int rc = run_place(&a, &err);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench place: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
