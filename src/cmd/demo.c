/* demo.c: `xenbench demo`, the main job on a fresh machine (`make run`):
 * four domains with known loads in their own cgroups, recorded for 10 s,
 * and the report.  The scenario is built in (docs/scenarios.md explains the
 * format; `xenbench bench FILE` runs any other). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench/run.h"
#include "bench/scenario.h"
#include "cmd/commands.h"
#include "source/record.h"
#include "util/err.h"
#include "util/signals.h"

static const char demo_scn[] =
    "# the built-in scenario of `xenbench demo`\n"
    "[run]\n"
    "duration = 10s\n"
    "interval = 1s\n"
    "[domain spin]\n"
    "stressor = cpu\nworkers = 1\ncpu-load = 100\ncpus = 1\n"
    "[domain half]\n"
    "stressor = cpu\nworkers = 1\ncpu-load = 50\ncpus = 0\n"
    "[domain writer]\n"
    "stressor = hdd\nworkers = 1\nrate = 10M\nbytes = 256M\n"
    "[domain idle]\n"
    "stressor = idle\n";

static void on_signal(int sig) { xb_record_stop = sig; }

void xb_cmd_demo_usage(FILE *out)
{
    fputs(
"Usage: xenbench demo [-o|--output RUNDIR]\n"
"Start four domains with known loads, each in its own cgroup (spin: one\n"
"worker busy on core 1; half: one worker 50 % busy on core 0; writer:\n"
"10 MiB/s of direct writes; idle: asleep), record 10 s with --domains\n"
"cgroup, and print the report with per-vCPU rows.  Needs root and\n"
"stress-ng.  The run folder stays (default xenbench-demo-DATE-TIME).\n", out);
}

int xb_cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *outdir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outdir = optarg; break;
        case 'h': xb_cmd_demo_usage(stdout); return XB_EXIT_OK;
        default: xb_cmd_demo_usage(stderr); return XB_EXIT_INPUT;
        }
    }
    char defdir[64];
    if (!outdir) {
        time_t now = time(NULL);
        strftime(defdir, sizeof defdir, "xenbench-demo-%Y%m%d-%H%M%S",
                 localtime(&now));
        outdir = defdir;
    }
    struct xb_err err = { 0 };
    struct xb_scenario s;
    /* The scenario goes into the run folder first: bench copies it from
     * there as the run's scenario.scn. */
    char path[4200];
    snprintf(path, sizeof path, "%s/demo.scn", outdir);
    int rc = 0;
    FILE *f = NULL;
    if ((mkdir(outdir, 0755) < 0 && errno != EEXIST) || !(f = fopen(path, "w")) ||
        fwrite(demo_scn, 1, sizeof demo_scn - 1, f) != sizeof demo_scn - 1) {
        fprintf(stderr, "xenbench demo: %s: %s\n", f ? path : outdir, strerror(errno));
        if (f)
            fclose(f);
        return XB_EXIT_FAIL;
    }
    if (fclose(f)) {
        fprintf(stderr, "xenbench demo: %s: %s\n", path, strerror(errno));
        return XB_EXIT_FAIL;
    }
    rc = xb_scenario_load(path, &s, &err);
    if (rc) {
        fprintf(stderr, "xenbench demo: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    xb_catch_stop_signals(on_signal);
    fprintf(stderr, "xenbench demo: 4 domains (spin, half, writer, idle), "
            "recording 10 s into %s\n", outdir);
    rc = xb_bench_run(&s, outdir, false, &err);
    xb_scenario_free(&s);
    if (rc) {
        fprintf(stderr, "xenbench demo: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    char *rargv[] = { "report", "--vcpu", (char *)outdir, NULL };
    return xb_cmd_report(3, rargv);
}
