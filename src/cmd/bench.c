/* bench.c: `xenbench bench SCENARIO`: options, the run (bench/run.c), then
 * the report of the run folder (cmd/report.c). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench/run.h"
#include "bench/scenario.h"
#include "cmd/commands.h"
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
"  -f, --format=FMT      report format: table (default), csv or json\n"
"  -q, --quiet           no progress lines on stderr\n"
"  -h, --help            this help\n"
"\n"
"Scenario files: docs/scenarios.md; examples/mixed.scn, examples/\n"
"contention.scn.  SIGINT or SIGTERM stops the run early; the loads and\n"
"their cgroups are removed on every path.  Exit status: 0 ok, 1 failure,\n"
"2 bad scenario or usage (the message names the file and line).\n", out);
}

int xb_cmd_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *outdir = NULL, *format = "table";
    int quiet = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:f:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outdir = optarg; break;
        case 'q': quiet = 1; break;
        case 'f':
            if (strcmp(optarg, "table") && strcmp(optarg, "csv") &&
                strcmp(optarg, "json")) {
                fprintf(stderr, "xenbench bench: --format: '%s' is not one of "
                        "table, csv, json\n", optarg);
                return XB_EXIT_INPUT;
            }
            format = optarg;
            break;
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

    xb_catch_stop_signals(on_signal);

    rc = xb_bench_run(&s, outdir, quiet, &err);
    xb_scenario_free(&s);
    if (rc) {
        fprintf(stderr, "xenbench bench: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    if (!quiet)
        fprintf(stderr, "xenbench bench: run folder %s\n", outdir);
    char *rargv[] = { "report", "-f", (char *)format, (char *)outdir, NULL };
    return xb_cmd_report(4, rargv);
}
