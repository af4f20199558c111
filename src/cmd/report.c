/* report.c: `xenbench report FILE|RUNDIR`: options, then the pipeline.  It
 * must not decode or present beyond choosing the presenter. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/notes.h"
#include "cmd/opt.h"
#include "pipeline/pipeline.h"
#include "present/present.h"
#include "util/err.h"
#include "util/parse.h"

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
"  -i, --interval=SECS   one table per window of SECS, 10 ms to 366 d (0.5,\n"
"                        250ms, 5m, 1h); default (or 0): the whole recording\n"
"                        as one window\n"
"  -v, --vcpu            rows per vCPU (dDvV) under each domain\n"
"  -s, --sort=KEY        order of the domains: id (default), cpu, waited,\n"
"                        blocked (largest first) or name\n"
"      --top=N           only the first N domains in that order (the total\n"
"                        rows still count all)\n"
"      --idle            add the idle domain (32767) rows after the total\n"
"      --execs           add rows: switch-ins and mean ms run per switch-in\n"
"  -f, --format=FMT      table (default), csv, json or html (one page with\n"
"                        the tables and SVG plots, to share; its plots are\n"
"                        per window: --interval, default 1 s)\n"
"  -T, --table=TABLE     one table: cpu (CSV's default), io (disk, network,\n"
"                        memory per domain), disk (host disks), cache, or run\n"
"                        (the run's facts); the text table shows all by\n"
"                        default, JSON always has all\n"
"  -n, --names=FILE      domain names from the text of `xl list`\n"
"      --start=TIME      time 0 of the recording on the wall clock, ISO 8601\n"
"                        UTC (2026-11-20T10:00:00Z): a bare FILE has none; a\n"
"                        run folder's manifest has it (start_utc)\n"
"      --strict          a recording cut short or damaged (trace pages,\n"
"                        procfs.txt lines) is an error, not a warning; so\n"
"                        are lost records, contradictions and unbounded\n"
"                        repairs, after the report\n"
"  -h, --help            this help\n"
"\n"
"CSV of the cpu table: t_start_s,t_end_s,t_start_utc,domain,name,vcpu,pcpu,\n"
"cpu_pct,waited_pct,blocked_pct,offline_pct,unknown_pct,execs; one row per\n"
"window, domain, vCPU (or all) and pCPU (or total); a CSV holds one table.\n"
"Throughput in MB/s (10^6 bytes), memory in MiB.  Exit status: 0 ok, 1 I/O failure, 2 bad\n"
"input or usage.  See xenbench(1) and docs/metrics.md.\n", out);
}

int xb_cmd_report(int argc, char **argv)
{
    enum { OPT_IDLE = 256, OPT_EXECS, OPT_STRICT, OPT_TOP, OPT_START };
    static const struct option opts[] = {
        { "tsc-hz", required_argument, NULL, 't' },
        { "interval", required_argument, NULL, 'i' },
        { "vcpu", no_argument, NULL, 'v' },
        { "sort", required_argument, NULL, 's' },
        { "top", required_argument, NULL, OPT_TOP },
        { "idle", no_argument, NULL, OPT_IDLE },
        { "execs", no_argument, NULL, OPT_EXECS },
        { "format", required_argument, NULL, 'f' },
        { "table", required_argument, NULL, 'T' },
        { "names", required_argument, NULL, 'n' },
        { "start", required_argument, NULL, OPT_START },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_input_opts in = { 0 };
    struct xb_present pr = { .out = stdout };
    const struct xb_presenter *p = &xb_present_table;
    bool interval_given = false;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "t:i:vs:f:T:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (xb_parse_hz(optarg, &in.tsc_hz)) {
                fprintf(stderr, "xenbench report: --tsc-hz: '%s' is not a rate "
                        "(e.g. 2596138000, 2596.138M, 2.6G)\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 'i':
            interval_given = true;
            if (strcmp(optarg, "0") == 0)
                in.interval_ns = 0;
            else if (xb_opt_duration("report", "--interval", optarg, XB_WINDOW_MIN_S,
                                     XB_WINDOW_MAX_S, &in.interval_ns))
                return XB_EXIT_INPUT;
            break;
        case 'v': pr.vcpu = true; break;
        case 'T':
            if (xb_table_parse(optarg, &pr.table) || pr.table == XB_TABLE_ALL) {
                fprintf(stderr, "xenbench report: --table: '%s' is not one of "
                        "cpu, io, disk, cache, run\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 's':
            if (xb_opt_sort("report", optarg, &pr.sort))
                return XB_EXIT_INPUT;
            break;
        case OPT_TOP: {
            uint64_t n;
            if (xb_opt_uint("report", "--top", optarg, 1, 1000000, "domains", &n))
                return XB_EXIT_INPUT;
            pr.top = (unsigned)n;
            break;
        }
        case OPT_IDLE: pr.idle = true; break;
        case OPT_EXECS: pr.execs = true; break;
        case OPT_STRICT: in.strict = true; break;
        case 'n': in.names_file = optarg; break;
        case OPT_START:
            if (xb_opt_utc("report", "--start", optarg))
                return XB_EXIT_INPUT;
            in.start_utc = optarg;
            break;
        case 'f': {
            enum xb_format f;
            if (xb_opt_format_html("report", optarg, &f))
                return XB_EXIT_INPUT;
            p = f == XB_FMT_CSV ? &xb_present_csv : f == XB_FMT_JSON
              ? &xb_present_json : f == XB_FMT_HTML ? &xb_present_html
              : &xb_present_table;
            break;
        }
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
    if (p == &xb_present_html && !interval_given)
        in.interval_ns = 1000000000ull;      /* the plots need windows */

    struct xb_cmd_notes notes;
    in.notes = xb_cmd_notes(&notes, "report", false);
    struct xb_err err = { 0 };
    int rc = xb_pipeline_run(&in, p, &pr, &err);
    xb_present_free(&pr);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench report: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
