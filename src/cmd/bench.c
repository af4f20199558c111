/* bench.c: `xenbench bench SCENARIO`: options, the run (workload/run.c), then
 * the report of the run folder (cmd/report.c).  xb_bench_and_report is also
 * what `demo` runs: progress on a terminal, the exit status of an
 * interrupted run, the report.  It must not start loads or record itself
 * (workload/, source/). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "workload/run.h"
#include "workload/scenario.h"
#include "cmd/commands.h"
#include "cmd/notes.h"
#include "cmd/opt.h"
#include "source/record.h"
#include "util/err.h"
#include "util/signals.h"

static void on_signal(int sig)
{
    xb_record_stop = sig;
}

void xb_cmd_bench_usage(FILE *out)
{
    fputs(
"Usage: xenbench bench [OPTION]... SCENARIO\n"
"Run the loads a scenario file names, each domain in its own cgroups\n"
"(xenbench/bench-PID/DOMAIN), record them with the Linux recorder for the\n"
"scenario's duration, stop them, and print the report of the run folder.\n"
"Needs root (cgroups, tracefs) and stress-ng.\n"
"\n"
"  -o, --output=RUNDIR   run folder to create (default:\n"
"                        bench-NAME-YYYYMMDD-HHMMSS in the current folder);\n"
"                        it gets scenario.scn and each load's log too\n"
"  -d, --duration=SECS   record SECS instead of the scenario's duration (and\n"
"                        run each load that long unless it has its own),\n"
"                        0.1 s to 366 d\n"
"  -i, --interval=SECS   counter sampling interval instead of the scenario's,\n"
"                        0.1 s to 1 h\n"
"  -f, --format=FMT      report format: table (default), csv or json\n"
"  -q, --quiet           no progress lines on stderr\n"
"  -h, --help            this help\n"
"\n"
"Scenario files: docs/scenarios.md; examples/mixed.scn, examples/\n"
"contention.scn.  On a terminal a line counts the seconds recorded.  SIGINT\n"
"or SIGTERM stops the run early, keeps what was recorded and exits 130 (143\n"
"for SIGTERM) without a report; the loads and their cgroups are removed on\n"
"every path.  Exit status: 0 ok, 1 failure, 2 bad scenario or usage (the\n"
"message names the file and line).\n", out);
}

struct progress {
    const char *cmd;
    long shown;                 /* last second printed, -1: none */
};

/* "\rxenbench bench: recording 3 / 10 s", once a second, on a terminal. */
static void show_progress(uint64_t elapsed_ns, uint64_t total_ns, bool done, void *ctx)
{
    struct progress *p = ctx;
    long s = (long)(elapsed_ns / 1000000000u);
    if (done) {
        if (p->shown >= 0)
            fputs("\r\033[K", stderr);
        p->shown = -1;
        return;
    }
    if (s == p->shown)
        return;
    p->shown = s;
    fprintf(stderr, "\r\033[Kxenbench %s: recording %ld / %.0f s", p->cmd, s,
            total_ns / 1e9);
    fflush(stderr);
}

int xb_bench_and_report(const char *cmd, const struct xb_scenario *s,
                        const char *outdir, bool quiet, const char *format,
                        bool vcpu)
{
    struct progress prog = { cmd, -1 };
    struct xb_cmd_notes notes;
    struct xb_bench_opts bo = { .cmd = cmd, .outdir = outdir,
                                .notes = xb_cmd_notes(&notes, cmd, quiet) };
    if (!quiet && isatty(STDERR_FILENO)) {
        bo.progress = show_progress;
        bo.progress_ctx = &prog;
    }
    xb_catch_stop_signals(on_signal);
    struct xb_err err = { 0 };
    int rc = xb_bench_run(s, &bo, &err);
    if (rc) {
        fprintf(stderr, "xenbench %s: %s\n", cmd, err.msg);
        return xb_err_exit_status(rc);
    }
    if (xb_record_stop) {
        char man[4200];
        snprintf(man, sizeof man, "%s/manifest.json", outdir);
        if (access(man, F_OK) == 0)
            fprintf(stderr, "xenbench %s: stopped by %s: the loads are stopped; "
                    "%s holds what was recorded until then (xenbench report "
                    "%s)\n", cmd, xb_record_stop == SIGINT ? "SIGINT" : "SIGTERM", outdir, outdir);
        else
            fprintf(stderr, "xenbench %s: stopped by %s before the recording "
                    "started: nothing was recorded\n", cmd,
                    xb_record_stop == SIGINT ? "SIGINT" : "SIGTERM");
        return 128 + xb_record_stop;
    }
    if (!quiet)
        fprintf(stderr, "xenbench %s: run folder %s\n", cmd, outdir);
    char *rargv[6];
    int n = 0;
    rargv[n++] = "report";
    rargv[n++] = "-f";
    rargv[n++] = (char *)format;
    if (vcpu)
        rargv[n++] = "--vcpu";
    rargv[n++] = (char *)outdir;
    rargv[n] = NULL;
    return xb_cmd_report(n, rargv);
}

int xb_cmd_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "duration", required_argument, NULL, 'd' },
        { "interval", required_argument, NULL, 'i' },
        { "format", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *outdir = NULL, *format = "table";
    uint64_t duration_ns = 0, interval_ns = 0;
    int quiet = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:d:i:f:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outdir = optarg; break;
        case 'q': quiet = 1; break;
        case 'd':
            if (xb_opt_duration("bench", "--duration", optarg,
                                XB_RECORD_DURATION_MIN_S, XB_RECORD_DURATION_MAX_S,
                                &duration_ns))
                return XB_EXIT_INPUT;
            break;
        case 'i':
            if (xb_opt_duration("bench", "--interval", optarg,
                                XB_RECORD_INTERVAL_MIN_S, XB_RECORD_INTERVAL_MAX_S,
                                &interval_ns))
                return XB_EXIT_INPUT;
            break;
        case 'f': {
            enum xb_format f;
            if (xb_opt_format("bench", optarg, &f))
                return XB_EXIT_INPUT;
            format = optarg;
            break;
        }
        case 'h':
            xb_cmd_bench_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench bench --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "xenbench bench: %s\nTry 'xenbench bench --help'.\n",
                optind >= argc ? "which scenario? give a SCENARIO file"
                               : "give one SCENARIO file");
        return XB_EXIT_INPUT;
    }

    struct xb_err err = { 0 };
    struct xb_scenario s;
    int rc = xb_scenario_load(argv[optind], &s, &err);
    if (rc) {
        fprintf(stderr, "xenbench bench: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    if (duration_ns)
        xb_scenario_set_duration(&s, duration_ns);
    if (interval_ns)
        s.interval_ns = interval_ns;
    char defdir[512];
    if (!outdir) {
        const char *base = strrchr(s.path, '/');
        base = base ? base + 1 : s.path;
        size_t len = strcspn(base, ".");
        char stamp[32];
        time_t now = time(NULL);
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
        snprintf(defdir, sizeof defdir, "bench-%.*s-%s", (int)(len < 64 ? len : 64),
                 base, stamp);
        outdir = defdir;
    }
    rc = xb_bench_and_report("bench", &s, outdir, quiet, format, false);
    xb_scenario_free(&s);
    return rc;
}
