/* overhead.c: `xenbench overhead`: options, then workload/overhead.c.  It
 * must not measure anything itself. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload/overhead.h"
#include "cmd/commands.h"
#include "util/err.h"
#include "util/parse.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    stop = sig;
}

void xb_cmd_overhead_usage(FILE *out)
{
    fputs(
"Usage: xenbench overhead [OPTION]...\n"
"Measure what a recorder costs the work it watches.  For each load -- idle,\n"
"a ping-pong (two threads passing a byte through pipes: nothing but context\n"
"switches, the events a recorder pays for) and LINPACK (a dense N x N solve\n"
"with dgesv of OpenBLAS, in MFLOPS as HPL counts them: (2/3 N^3 + 2 N^2) /\n"
"seconds) -- and each tool -- `xenbench record`, and `perf sched record -a`\n"
"when perf is installed -- pairs of a side without the tool (A) and one with\n"
"it (B), and as many A/A pairs (both sides without: the noise floor), in an\n"
"order shuffled from a printed seed.  A side is the median of K\n"
"measurements; a pair's overhead is 100 * (A - B) / A.  For each B side:\n"
"the tool's CPU while measuring, events it recorded per second, events it\n"
"lost.  Prints each pair, a summary and, last, for the first tool on\n"
"LINPACK (else the ping-pong):\n"
"`overhead: X.XX % (median of N pairs, spread MIN..MAX %)`.\n"
"\n"
"  -l, --loads=LIST      some of idle,pingpong,linpack (default all three;\n"
"                        with --while: linpack)\n"
"  -p, --pairs=N         A/B pairs per tool and load, and A/A pairs per load\n"
"                        (default 5)\n"
"  -k, --solves=K        measurements per side, the median counts (default 3)\n"
"  -n, --n=N             LINPACK order; default: chosen so one solve takes\n"
"                        1-2 s\n"
"  -w, --while=COMMAND   the tool is COMMAND (through /bin/sh -c, in its own\n"
"                        process group; stopped with SIGINT, then SIGTERM)\n"
"                        instead of xenbench record and perf\n"
"      --no-perf         do not measure perf sched record -a\n"
"      --seed=S          the order of the pairs (default: from the clock;\n"
"                        printed, so a run can be repeated)\n"
"  -t, --threads=N       OpenBLAS threads (default: one per online core)\n"
"  -s, --settle=SECS     pause before each side and after a tool is ready\n"
"                        (default 1)\n"
"  -h, --help            this help\n"
"\n"
"The tools write into a temporary folder ($TMPDIR or /tmp) that is removed\n"
"afterwards.  Exit status: 0 ok, 1 failure, 2 bad usage or a tool that\n"
"failed or ended during a measurement.  See docs/overhead.md.\n", out);
}

static int parse_int(const char *opt, const char *s, int lo, int hi, int *v)
{
    uint64_t x;
    if (xb_parse_uint(s, (uint64_t)hi, &x) || x < (uint64_t)lo) {
        fprintf(stderr, "xenbench overhead: %s: '%s' is not a whole number "
                "from %d to %d\n", opt, s, lo, hi);
        return -1;
    }
    *v = (int)x;
    return 0;
}

/* "idle,pingpong,linpack" (any of them, in any order) into a bit mask. */
static int parse_loads(const char *s, unsigned *mask)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    *mask = 0;
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w;
         w = strtok_r(NULL, ",", &save)) {
        int i = 0;
        while (i < XB_NLOADS && strcmp(w, xb_ovh_load_names[i]) != 0)
            i++;
        if (i == XB_NLOADS) {
            fprintf(stderr, "xenbench overhead: --loads: '%s' is not one of "
                    "idle, pingpong, linpack\n", w);
            return -1;
        }
        *mask |= 1u << i;
    }
    if (!*mask) {
        fputs("xenbench overhead: --loads: no load given\n", stderr);
        return -1;
    }
    return 0;
}

int xb_cmd_overhead(int argc, char **argv)
{
    static const struct option opts[] = {
        { "loads", required_argument, NULL, 'l' },
        { "n", required_argument, NULL, 'n' },
        { "pairs", required_argument, NULL, 'p' },
        { "solves", required_argument, NULL, 'k' },
        { "while", required_argument, NULL, 'w' },
        { "no-perf", no_argument, NULL, 'P' },
        { "seed", required_argument, NULL, 'S' },
        { "threads", required_argument, NULL, 't' },
        { "settle", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_overhead_opts o = {
        .pairs = 5, .solves = 3, .perf = true, .self_exe = "/proc/self/exe",
        .settle_s = 1.0, .ready_timeout_s = 60, .pingpong_s = 0.5, .idle_s = 1.0,
        .out = stdout, .stop = &stop,
    };
    const char *loads = NULL;
    int c;
    uint64_t ns;

    optind = 1;
    while ((c = getopt_long(argc, argv, "l:n:p:k:w:t:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            loads = optarg;
            break;
        case 'n':
            if (parse_int("--n", optarg, 10, 40000, &o.n))
                return XB_EXIT_INPUT;
            break;
        case 'p':
            if (parse_int("--pairs", optarg, 1, 1000, &o.pairs))
                return XB_EXIT_INPUT;
            break;
        case 'k':
            if (parse_int("--solves", optarg, 1, 64, &o.solves))
                return XB_EXIT_INPUT;
            break;
        case 't':
            if (parse_int("--threads", optarg, 1, 1024, &o.threads))
                return XB_EXIT_INPUT;
            break;
        case 'w':
            if (!*optarg) {
                fputs("xenbench overhead: --while: empty command\n", stderr);
                return XB_EXIT_INPUT;
            }
            o.while_cmd = optarg;
            break;
        case 'P':
            o.perf = false;
            break;
        case 'S': {
            uint64_t v;
            if (xb_parse_uint(optarg, (1ull << 48) - 1, &v)) {
                fprintf(stderr, "xenbench overhead: --seed: '%s' is not a whole "
                        "number from 0 to 2^48 - 1\n", optarg);
                return XB_EXIT_INPUT;
            }
            o.seed = (unsigned long)v;
            o.seed_given = true;
            break;
        }
        case 's':
            if (strcmp(optarg, "0") == 0)
                o.settle_s = 0;
            else if (xb_parse_seconds(optarg, &ns) == 0)
                o.settle_s = (double)ns / 1e9;
            else {
                fprintf(stderr, "xenbench overhead: --settle: '%s' is not a "
                        "duration (e.g. 1, 0.5, 250ms)\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 'h':
            xb_cmd_overhead_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench overhead --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
    }
    if (parse_loads(loads ? loads : o.while_cmd ? "linpack" : "idle,pingpong,linpack",
                    &o.loads))
        return XB_EXIT_INPUT;
    if (optind != argc) {
        fprintf(stderr, "xenbench overhead: unexpected argument '%s'\n"
                "Try 'xenbench overhead --help'.\n", argv[optind]);
        return XB_EXIT_INPUT;
    }

    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct xb_err err = { 0 };
    int rc = xb_overhead_run(&o, &err);
    if (rc == -EINTR) {
        fputs("xenbench overhead: interrupted\n", stderr);
        return XB_EXIT_FAIL;
    }
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench overhead: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
