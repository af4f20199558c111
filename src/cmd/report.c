/* report.c: `xenbench report FILE|RUNDIR`: options, then the pipeline. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "pipeline/pipeline.h"
#include "present/present.h"
#include "util/err.h"
#include "util/units.h"

void xb_cmd_report_usage(FILE *out)
{
    fputs(
"Usage: xenbench report [OPTION]... FILE|RUNDIR\n"
"Analyse a xentrace recording (FILE) or a xenbench run folder (RUNDIR): per\n"
"domain and per physical CPU, the time its vCPUs ran, waited (runnable but\n"
"not running) and were blocked, in % of each window.\n"
"\n"
"  -t, --tsc-hz=RATE     TSC rate of the traced host: Hz (2596138000) or with\n"
"                        a K/M/G suffix (2596.138M); `cpu_mhz` of `xl info`.\n"
"                        Required for a bare FILE; a run folder's manifest\n"
"                        has it.\n"
"  -i, --interval=SECS   one table per window of SECS seconds (0.5, 250ms);\n"
"                        default (or 0): the whole recording as one window\n"
"  -v, --vcpu            rows per vCPU (dDvV) under each domain\n"
"      --idle            add the idle domain (32767) rows after the total\n"
"      --execs           add rows: switch-ins and mean ms run per switch-in\n"
"  -f, --format=FMT      table (default), csv or json\n"
"  -n, --names=FILE      domain names from the text of `xl list`\n"
"      --strict          a recording cut short is an error, not a warning\n"
"  -h, --help            this help\n"
"\n"
"CSV/JSON fields: t_start_s,t_end_s,domain,name,vcpu,pcpu,cpu_pct,waited_pct,\n"
"blocked_pct,offline_pct,unknown_pct,execs; one row per window, domain, vCPU\n"
"(or all) and pCPU (or total).  Exit status: 0 ok, 1 I/O failure, 2 bad\n"
"input or usage.  See xenbench(1) and docs/metrics.md.\n", out);
}

int xb_cmd_report(int argc, char **argv)
{
    enum { OPT_IDLE = 256, OPT_EXECS, OPT_STRICT };
    static const struct option opts[] = {
        { "tsc-hz", required_argument, NULL, 't' },
        { "interval", required_argument, NULL, 'i' },
        { "vcpu", no_argument, NULL, 'v' },
        { "idle", no_argument, NULL, OPT_IDLE },
        { "execs", no_argument, NULL, OPT_EXECS },
        { "format", required_argument, NULL, 'f' },
        { "names", required_argument, NULL, 'n' },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_input_opts in = { 0 };
    struct xb_present pr = { .out = stdout };
    const struct xb_presenter *p = &xb_present_table;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "t:i:vf:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (xb_parse_hz(optarg, &in.tsc_hz)) {
                fprintf(stderr, "xenbench report: --tsc-hz: '%s' is not a rate "
                        "(e.g. 2596138000, 2596.138M, 2.6G)\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 'i':
            if (strcmp(optarg, "0") != 0 && xb_parse_seconds(optarg, &in.interval_ns)) {
                fprintf(stderr, "xenbench report: --interval: '%s' is not a "
                        "duration (e.g. 1, 0.5, 250ms)\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 'v': pr.vcpu = true; break;
        case OPT_IDLE: pr.idle = true; break;
        case OPT_EXECS: pr.execs = true; break;
        case OPT_STRICT: in.strict = true; break;
        case 'n': in.names_file = optarg; break;
        case 'f':
            if (strcmp(optarg, "table") == 0)
                p = &xb_present_table;
            else if (strcmp(optarg, "csv") == 0)
                p = &xb_present_csv;
            else if (strcmp(optarg, "json") == 0)
                p = &xb_present_json;
            else {
                fprintf(stderr, "xenbench report: --format: '%s' is not one of "
                        "table, csv, json\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 'h':
            xb_cmd_report_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench report --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "xenbench report: %s\nTry 'xenbench report --help'.\n",
                optind >= argc ? "which recording? give FILE or RUNDIR"
                               : "give one FILE or RUNDIR");
        return XB_EXIT_INPUT;
    }
    in.path = argv[optind];

    struct xb_err err = { 0 };
    int rc = xb_pipeline_run(&in, p, &pr, &err);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench report: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
