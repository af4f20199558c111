/* demo.c: `xenbench demo`, the main job on a fresh machine (`make run`):
 * four domains with known loads in their own cgroups, recorded for 10 s,
 * and the report.  The scenario is built in (docs/scenarios.md explains the
 * format; `xenbench bench FILE` runs any other).  It must not record or
 * report itself: xb_bench_and_report does. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "workload/run.h"
#include "workload/scenario.h"
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

void xb_cmd_demo_usage(FILE *out)
{
    fputs(
"Usage: xenbench demo [OPTION]...\n"
"Start four domains with known loads, each in its own cgroup (spin: one\n"
"worker busy on core 1; half: one worker 50 % busy on core 0; writer:\n"
"10 MiB/s of direct writes; idle: asleep), record 10 s with --domains\n"
"cgroup, and print the report with per-vCPU rows.  Needs root and\n"
"stress-ng.  What `make run` runs.\n"
"\n"
"  -o, --output=RUNDIR   run folder to create (default\n"
"                        xenbench-demo-YYYYMMDD-HHMMSS); it stays\n"
"  -h, --help            this help\n"
"\n"
"SIGINT or SIGTERM stops it as they stop `bench` (exit 130 or 143).\n", out);
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
        default: fputs("Try 'xenbench demo --help'.\n", stderr); return XB_EXIT_INPUT;
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
    int rc = xb_record_check_outdir(outdir, &err);
    if (rc) {
        fprintf(stderr, "xenbench demo: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
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
    fprintf(stderr, "xenbench demo: 4 domains (spin, half, writer, idle), "
            "recording 10 s into %s\n", outdir);
    rc = xb_bench_and_report("demo", &s, outdir, false, "table", true);
    xb_scenario_free(&s);
    return rc;
}
