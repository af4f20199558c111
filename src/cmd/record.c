/* record.c: `xenbench record`: options, signal handling, then one source's
 * recorder (source/linux, source/xen, or pipeline/aggregate.c for
 * --aggregate).  It must not touch a source's files
 * or the manifest (source/record.c). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "cmd/notes.h"
#include "cmd/opt.h"
#include "pipeline/aggregate.h"
#include "source/record.h"
#include "source/xen/dom0.h"
#include "store/record_db.h"
#include "util/err.h"
#include "util/signals.h"

volatile sig_atomic_t xb_record_stop;

static void on_signal(int sig)
{
    xb_record_stop = sig;
}

void xb_cmd_record_usage(FILE *out)
{
    fputs(
"Usage: xenbench record [OPTION]...\n"
"Record the scheduler events and counters of every domain into a run folder\n"
"that `xenbench report` analyses (here or on another machine).\n"
"\n"
"  -d, --duration=SECS   stop after SECS, 0.1 s to 366 d (10, 250ms, 5m, 1h,\n"
"                        2d; default: at SIGINT/SIGTERM)\n"
"  -i, --interval=SECS   counter sampling interval, 0.1 s to 1 h (default 1)\n"
"  -o, --output=RUNDIR   run folder to create (default xenbench-DATE-TIME)\n"
"      --domains=MODE    libvirt, qemu, cgroup, process or auto (default):\n"
"                        libvirt when libvirtd answers and runs domains, else\n"
"                        QEMU processes when any run, else processes\n"
"      --match=REGEX     only domains whose name matches REGEX: the guest's\n"
"                        name (libvirt, qemu), the cgroup path, the command\n"
"                        (comm) of a process; none matching: exit 1\n"
"      --require         no domain found is an error (exit 1), not a warning\n"
"      --source=SRC      linux, xen or auto (default: xen in a Xen dom0)\n"
"      --buffer-kb=KB    trace buffer per CPU, 4 to 262144 KiB (default 4096;\n"
"                        Linux: all CPUs' buffers within half the free memory)\n"
"      --use-xentrace    Xen: capture with Debian's xentrace instead\n"
"      --aggregate       Linux: decode as it records and keep only each\n"
"                        interval's figures (windows.jsonl.gz, tens of MB an\n"
"                        hour), not the raw events: for long recordings\n"
"      --max-size=MB     Linux, raw: stop when the trace reaches MB (10^6\n"
"                        bytes), 1 to 10000000; the run stays complete\n"
"      --ring            with --max-size: keep recording, and keep only the\n"
"                        newest pages within MB (older ones are dropped,\n"
"                        counted; report reads the span kept)\n"
"      --db=FILE         Linux: also write each finished window into the\n"
"                        history database FILE as it goes, as `import` of\n"
"                        the run folder would (implies --aggregate)\n"
"      --keep-raw=AGE    with --db: delete windows older than AGE (5m to\n"
"                        100 y: 2d, 36h) once their roll-ups are written\n"
"      --keep=AGE        with --db: delete roll-ups older than AGE (400d);\n"
"                        ages count back from the newest data, once an hour\n"
"  -q, --quiet           no progress lines\n"
"  -h, --help            this help\n"
"\n"
"Needs root (tracefs; on Xen, the hypervisor's trace buffers).  Exit status:\n"
"0 ok, 1 environment or I/O failure (the folder keeps what was recorded),\n"
"2 bad usage.  See xenbench(1) and docs/run-folder.md.\n", out);
}

int xb_cmd_record(int argc, char **argv)
{
    enum { OPT_DOMAINS = 256, OPT_MATCH, OPT_REQUIRE, OPT_SOURCE, OPT_BUFFER,
           OPT_XENTRACE, OPT_AGGREGATE, OPT_MAX_SIZE, OPT_DB, OPT_KEEP_RAW, OPT_KEEP,
           OPT_RING };
    static const struct option opts[] = {
        { "duration", required_argument, NULL, 'd' },
        { "interval", required_argument, NULL, 'i' },
        { "output", required_argument, NULL, 'o' },
        { "domains", required_argument, NULL, OPT_DOMAINS },
        { "match", required_argument, NULL, OPT_MATCH },
        { "require", no_argument, NULL, OPT_REQUIRE },
        { "source", required_argument, NULL, OPT_SOURCE },
        { "buffer-kb", required_argument, NULL, OPT_BUFFER },
        { "use-xentrace", no_argument, NULL, OPT_XENTRACE },
        { "aggregate", no_argument, NULL, OPT_AGGREGATE },
        { "max-size", required_argument, NULL, OPT_MAX_SIZE },
        { "ring", no_argument, NULL, OPT_RING },
        { "db", required_argument, NULL, OPT_DB },
        { "keep-raw", required_argument, NULL, OPT_KEEP_RAW },
        { "keep", required_argument, NULL, OPT_KEEP },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_record_opts o = { .domains = "auto", .source = "auto",
                                .interval_ns = 1000000000ull };
    bool quiet = false, aggregate = false;
    const char *db = NULL;
    struct xb_opt_keep keep = { 0, 0 };
    char defdir[64];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:i:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (xb_opt_duration("record", "--duration", optarg,
                                XB_RECORD_DURATION_MIN_S, XB_RECORD_DURATION_MAX_S,
                                &o.duration_ns))
                return XB_EXIT_INPUT;
            break;
        case 'i':
            if (xb_opt_duration("record", "--interval", optarg,
                                XB_RECORD_INTERVAL_MIN_S, XB_RECORD_INTERVAL_MAX_S,
                                &o.interval_ns))
                return XB_EXIT_INPUT;
            break;
        case 'o': o.outdir = optarg; break;
        case OPT_DOMAINS: o.domains = optarg; break;
        case OPT_MATCH: o.match = optarg; o.require = true; break;
        case OPT_REQUIRE: o.require = true; break;
        case OPT_SOURCE: o.source = optarg; break;
        case OPT_BUFFER: {
            uint64_t kb;
            if (xb_opt_uint("record", "--buffer-kb", optarg, XB_BUFFER_KB_MIN,
                            XB_BUFFER_KB_MAX, "KiB per CPU", &kb))
                return XB_EXIT_INPUT;
            o.buffer_kb = (unsigned)kb;
            break;
        }
        case OPT_XENTRACE: o.use_xentrace = true; break;
        case OPT_AGGREGATE: aggregate = true; break;
        case OPT_MAX_SIZE: {
            uint64_t mb;
            if (xb_opt_uint("record", "--max-size", optarg, 1, 10000000, "MB", &mb))
                return XB_EXIT_INPUT;
            o.max_size_bytes = mb * 1000000ull;
            break;
        }
        case OPT_RING: o.ring = true; break;
        case OPT_DB: db = optarg; aggregate = true; break;
        case OPT_KEEP_RAW:
        case OPT_KEEP:
            if (xb_opt_keep_arg("record", c == OPT_KEEP_RAW, optarg, &keep))
                return XB_EXIT_INPUT;
            break;
        case 'q': quiet = true; break;
        case 'h': xb_cmd_record_usage(stdout); return XB_EXIT_OK;
        default: fputs("Try 'xenbench record --help'.\n", stderr); return XB_EXIT_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenbench record: unexpected argument '%s' (the run "
                "folder is given with -o)\n", argv[optind]);
        return XB_EXIT_INPUT;
    }
    if (!o.outdir) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(defdir, sizeof defdir, "xenbench-%Y%m%d-%H%M%S", &tm);
        o.outdir = defdir;
    }
    bool dom0 = xb_xen_is_dom0();
    bool xen;
    if (strcmp(o.source, "xen") == 0)
        xen = true;
    else if (strcmp(o.source, "linux") == 0)
        xen = false;
    else if (strcmp(o.source, "auto") == 0)
        xen = dom0;
    else {
        fprintf(stderr, "xenbench record: --source: '%s' is not one of linux, "
                "xen, auto\n", o.source);
        return XB_EXIT_INPUT;
    }
    if ((keep.raw_ns || keep.all_ns) && !db) {
        fputs("xenbench record: --keep-raw and --keep apply to the history: give "
              "--db FILE\n", stderr);
        return XB_EXIT_INPUT;
    }
    if (xb_opt_keep("record", &keep))
        return XB_EXIT_INPUT;
    if (db && xen) {
        fputs("xenbench record: --db: writes the history as it records on Linux "
              "only (--source linux); on Xen, import the run folder after "
              "the recording (xenbench import --db FILE RUNDIR)\n", stderr);
        return XB_EXIT_INPUT;
    }
    if (aggregate && (xen || o.max_size_bytes)) {
        fprintf(stderr, "xenbench record: --aggregate: %s\n", xen
                ? "records Linux scheduler events only (use --source linux)"
                : "keeps no raw trace for --max-size to bound");
        return XB_EXIT_INPUT;
    }
    if (o.ring && !o.max_size_bytes) {
        fputs("xenbench record: --ring: needs --max-size (the bound the ring "
              "keeps)\n", stderr);
        return XB_EXIT_INPUT;
    }
    if (xen && o.max_size_bytes) {
        fputs("xenbench record: --max-size: bounds a Linux raw trace only\n", stderr);
        return XB_EXIT_INPUT;
    }
    if (xen && !dom0) {
        struct xb_err why = { 0 };
        xb_xen_check_dom0(&why);
        fprintf(stderr, "xenbench record: --source xen: %s\n", why.msg[0] ? why.msg
                : "this host is not a Xen dom0; use --source linux");
        return XB_EXIT_FAIL;
    }

    struct xb_cmd_notes notes;
    o.notes = xb_cmd_notes(&notes, "record", quiet);
    struct xb_err err = { 0 };
    struct xb_record_db *hist = NULL;
    if (db) {
        struct xb_record_db_opts ho = {
            .path = db, .run_path = o.outdir,
            .interval_s = (double)o.interval_ns / 1e9, .notes = o.notes,
            .keep = { .keep_raw_s = (double)keep.raw_ns / 1e9,
                      .keep_s = (double)keep.all_ns / 1e9 },
        };
        int rc = xb_record_db_open(&hist, &ho, &err);
        if (rc) {
            fprintf(stderr, "xenbench record: --db: %s\n", err.msg);
            return xb_err_exit_status(rc);
        }
        o.source_opts = xb_record_db_source_opts(hist);
    }
    xb_catch_stop_signals(on_signal);
    int rc = xb_record(xen ? &xb_recorder_xen : aggregate ? &xb_recorder_aggregate
                           : &xb_recorder_linux, &o, &err);
    if (!rc && hist)
        xb_note(o.notes, XB_NOTE_PROGRESS, "%u windows, %zu samples into %s",
                xb_record_db_windows(hist), xb_record_db_samples(hist), db);
    xb_record_db_close(hist);
    if (rc) {
        fprintf(stderr, "xenbench record: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    return XB_EXIT_OK;
}
