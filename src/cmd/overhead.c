/* overhead.c: `xenbench overhead`: options, then bench/overhead.c. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/overhead.h"
#include "cmd/commands.h"
#include "util/err.h"
#include "util/units.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    stop = sig;
}

void xb_cmd_overhead_usage(FILE *out)
{
    fputs(
"Usage: xenbench overhead [OPTION]...\n"
"Measure what a tool running alongside costs a CPU-bound job: LINPACK (a\n"
"dense N x N solve with LAPACKE dgesv on OpenBLAS) alternately idle (A) and\n"
"with `xenbench record` running (B), A B A B ..., in MFLOPS as HPL counts\n"
"them: (2/3 N^3 + 2 N^2) / seconds.  Prints each pair, the median MFLOPS of\n"
"A and B and, last, `overhead: X.XX % (median of N pairs, spread MIN..MAX %)`\n"
"where a pair's overhead is 100 * (A - B) / A.\n"
"\n"
"  -n, --n=N             LINPACK order; default: chosen so one solve takes\n"
"                        1-2 s\n"
"  -p, --pairs=N         A B pairs (default 10; 5 or more for a median that\n"
"                        noise does not move)\n"
"  -w, --while=COMMAND   run COMMAND (through /bin/sh -c, in its own process\n"
"                        group; stopped with SIGINT, then SIGTERM) instead of\n"
"                        xenbench record, e.g. 'perf sched record -a -o F'\n"
"  -b, --best-of=K       each measurement is the fastest of K solves\n"
"                        (default 1); K = 2 or 3 steadies it on a machine\n"
"                        shared with bursty work, and takes K times longer\n"
"  -t, --threads=N       OpenBLAS threads (default: one per online core)\n"
"  -s, --settle=SECS     pause before each measurement and after B's command\n"
"                        is ready (default 1)\n"
"  -h, --help            this help\n"
"\n"
"The recorder writes into a temporary folder ($TMPDIR or /tmp) that is\n"
"removed afterwards.  Exit status: 0 ok, 1 failure, 2 bad usage or the\n"
"command alongside failed.  See docs/overhead.md.\n", out);
}

static int parse_int(const char *opt, const char *s, int lo, int hi, int *v)
{
    char *end;
    long x = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || x < lo || x > hi) {
        fprintf(stderr, "xenbench overhead: %s: '%s' is not a whole number "
                "from %d to %d\n", opt, s, lo, hi);
        return -1;
    }
    *v = (int)x;
    return 0;
}

int xb_cmd_overhead(int argc, char **argv)
{
    static const struct option opts[] = {
        { "n", required_argument, NULL, 'n' },
        { "pairs", required_argument, NULL, 'p' },
        { "while", required_argument, NULL, 'w' },
        { "threads", required_argument, NULL, 't' },
        { "best-of", required_argument, NULL, 'b' },
        { "settle", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_overhead_opts o = {
        .pairs = 10, .best_of = 1, .self_exe = "/proc/self/exe", .settle_s = 1.0,
        .ready_timeout_s = 60, .out = stdout, .stop = &stop,
    };
    int c;
    uint64_t ns;

    optind = 1;
    while ((c = getopt_long(argc, argv, "n:p:w:t:s:b:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (parse_int("--n", optarg, 10, 40000, &o.n))
                return XB_EXIT_INPUT;
            break;
        case 'p':
            if (parse_int("--pairs", optarg, 1, 1000, &o.pairs))
                return XB_EXIT_INPUT;
            break;
        case 'b':
            if (parse_int("--best-of", optarg, 1, 20, &o.best_of))
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
