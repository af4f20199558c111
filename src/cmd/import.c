/* import.c: `xenbench import`: recordings into the history database.
 * Options, then calls; the old form `import --catalog` is handed to
 * cmd/catalog.c with a note of the new one.  It must not print what the
 * library tells (notes do). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/notes.h"
#include "cmd/opt.h"
#include "catalog/cat_import.h"
#include "util/parse.h"
#include "plan/profiles.h"
#include "pipeline/pipeline.h"
#include "store/import.h"
#include "store/prom_import.h"
#include "store/import_gwa.h"
#include "store/retention.h"
#include "store/import_csv.h"
#include "store/store.h"
#include "util/err.h"
#include "util/parse.h"

void xb_cmd_import_usage(FILE *out)
{
    fputs(
"Usage: xenbench import [OPTION]... RUNDIR|FILE...\n"
"       xenbench import --prometheus URL [--since AGE] [--step SECS] [--db FILE]\n"
"       xenbench import --format gwa [--host NAME] DIR|FILE...\n"
"       xenbench import --format csv [--host NAME] [--interval SECS] FILE...\n"
"Append recordings to the history database: one sample per window and\n"
"domain (cores used, waited, blocked, vCPUs, memory, disk, network, cache).\n"
"RUNDIR is a run folder (manifest.json) or a Xen capture folder\n"
"(trace-*.bin with xl-info.txt/cpu_mhz.txt and xl-list.txt: each trace is a\n"
"run).  Re-importing a run replaces it: rows are never duplicated.  All runs\n"
"of one command go in one transaction: on any error nothing is written.\n"
"\n"
"      --db=FILE         history database (default $XENBENCH_DB, else\n"
"                        ./xenbench.db); created when missing\n"
"      --format=F        run (default: run folders, capture folders, traces)\n"
"                        or gwa (GWA-T-12 traces: a folder of VM files or\n"
"                        files; docs/history-db.md) or csv (samples of any\n"
"                        number of VMs, columns time,vm,vcpus,cpu_cores...:\n"
"                        docs/commands/import.md)\n"
"      --host=NAME       gwa: the host of the VMs (default: the folder's name);\n"
"                        csv: of rows without a host (default: the file's name)\n"
"  -i, --interval=SECS   window (sample) length, 10 ms to 366 d, default 1;\n"
"                        gwa 300; csv: each VM's step from its rows\n"
"  -t, --tsc-hz=RATE     TSC rate for a bare trace FILE (as for report)\n"
"  -n, --names=FILE      domain names from the text of `xl list`\n"
"      --start=TIME      start (ISO 8601 UTC) of a recording without one in a\n"
"                        manifest (else: a bare trace's file time)\n"
"      --strict          a recording cut short is an error; so are lost\n"
"                        records, contradictions and unbounded repairs\n"
"      --keep-raw=AGE    then delete windows older than AGE (5m to 100 y:\n"
"                        2d, 36h) whose roll-ups are written\n"
"      --keep=AGE        then delete roll-ups older than AGE (400d); ages\n"
"                        count back from the newest data in the file\n"
"\n"
"From Prometheus (every host it scrapes from `xenbench serve`; one run per\n"
"serve session, one sample per step; see docs/serve.md):\n"
"      --prometheus=URL  the Prometheus server (http://127.0.0.1:9090)\n"
"      --since=AGE       look-back ending now: 14d (default), 36h, 90m\n"
"      --step=SECS       sample length, 1 s to 1 d (default 60)\n"
"\n"
"  -h, --help            this help\n"
"\n"
"Price lists go into a catalogue with `xenbench catalog import` (the old\n"
"form, import --catalog FORMAT -o OUT.csv, still works in this release).\n"
"\n"
"Exit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

/* Each run's lines, kept until the transaction commits (ctx: a FILE). */
static void print_run(const struct xb_import_result *r, void *ctx)
{
    FILE *o = ctx;
    fprintf(o, "imported %s: %u windows, %u domains, %zu samples, %zu roll-ups%s; "
            "host %s; run %s%s\n", r->path, r->windows, r->domains, r->samples,
            r->rollups, r->raw_kept ? "" : " (windows of 5 min or more: kept as roll-ups)",
            r->host, r->run_key, r->replaced ? " (replaced the earlier import)" : "");
    if (r->fixed_epoch)
        fprintf(o, "  no start time in the recording: samples dated from the fixed "
                "epoch " XB_FIXED_EPOCH_TEXT " (give --start)\n");
    else if (strcmp(r->start_from, "file-time") == 0)
        fprintf(o, "  no start time in the recording: dated by the trace file's "
                "modification time, about its end (give --start)\n");
    fprintf(o, "  host core clock: %s\n", r->clock_note);
}

/* Each Prometheus run's lines, kept like print_run's (ctx: a FILE). */
static void print_prom_run(const struct xb_prom_import_result *r, void *ctx)
{
    FILE *o = ctx;
    fprintf(o, "imported %s (host %s): %u domains, %zu samples; run %s%s\n",
            r->instance, r->host, r->domains, r->samples, r->run_key,
            r->replaced ? " (replaced the earlier import)" : "");
    if (r->skipped_steps)
        fprintf(o, "  %u steps left out: a restart of serve or a gap in the scrapes\n",
                r->skipped_steps);
}

/* The counts of every file of one GWA path, printed once for the path. */
struct gwa_sum {
    size_t files, runs, windows, rollups, mem_clamped, replaced;
    struct xb_gwa_stats st;
    char host[128];
};

static void sum_gwa(const struct xb_gwa_file_result *r, void *ctx)
{
    struct gwa_sum *g = ctx;
    g->files++;
    g->runs += r->runs;
    g->windows += r->windows;
    g->rollups += r->rollups;
    g->mem_clamped += r->mem_clamped;
    g->replaced += r->replaced;
    g->st.rows += r->st.rows;
    g->st.down += r->st.down;
    g->st.duplicates += r->st.duplicates;
    g->st.contradictions += r->st.contradictions;
    g->st.sci += r->st.sci;
    g->st.cpu_over += r->st.cpu_over;
    g->st.mem_over += r->st.mem_over;
    g->st.resized += r->st.resized;
    g->st.ms |= r->st.ms;
    snprintf(g->host, sizeof g->host, "%s", r->host);
}

static void print_gwa(FILE *o, const char *path, const struct gwa_sum *g)
{
    fprintf(o, "imported %s (GWA-T-12): %zu VMs on host %s, %zu runs, %zu rows -> %zu "
           "windows, %zu roll-ups%s\n", path, g->files, g->host, g->runs, g->st.rows,
           g->windows, g->rollups, g->replaced ? " (replacing earlier imports)" : "");
    fprintf(o, "  %zu rows of a VM down (unknown time), %zu repeated rows dropped, %zu "
           "rows at the same time as the one before with other values dropped (the "
           "first kept), %zu with scientific notation, %zu resized\n", g->st.down,
           g->st.duplicates, g->st.contradictions, g->st.sci, g->st.resized);
    fprintf(o, "  %zu rows use more CPU than provisioned (kept: turbo), %zu more memory "
           "than provisioned (held at the allocation); timestamps in %s\n",
           g->st.cpu_over, g->mem_clamped, g->st.ms ? "milliseconds"
           : "seconds (the header says ms)");
}

/* One samples CSV file's counts (ctx: a FILE). */
static void print_csv(const struct xb_csv_file_result *r, void *ctx)
{
    FILE *o = ctx;
    char lo[32], hi[32];
    xb_duration_text(r->step_min, lo, sizeof lo);
    xb_duration_text(r->step_max, hi, sizeof hi);
    fprintf(o, "imported %s (samples CSV): %zu rows, %zu VMs on %zu host%s, %zu runs -> "
            "%zu windows, %zu samples, %zu roll-ups%s\n", r->path, r->rows, r->vms,
            r->hosts, r->hosts == 1 ? "" : "s", r->runs, r->windows, r->samples, r->rollups,
            r->replaced ? " (replacing earlier imports)" : "");
    fprintf(o, "  step %s%s%s; %zu gaps longer than the step (unknown time); %zu rows "
            "use more memory than allocated (held at the allocation)\n", lo,
            r->step_min == r->step_max ? "" : " to ",
            r->step_min == r->step_max ? "" : hi, r->gaps, r->mem_clamped);
}

enum hist_format { FMT_RUN, FMT_GWA, FMT_CSV };

/* What one import command writes, inside one transaction. */
struct import_job {
    char **paths;                       /* run folders and files, or NULL */
    int n;
    enum hist_format fmt;               /* what the paths are */
    const struct xb_import_opts *o;
    const struct xb_gwa_import_opts *go;    /* --format gwa */
    const struct xb_csv_import_opts *cso;   /* --format csv */
    const struct xb_prom_import_opts *po;   /* --prometheus, or NULL */
    const struct xb_retention *keep;        /* --keep-raw, --keep, or NULL */
};

/* Open the database, import everything in one transaction, print the counts. */
static int import_into(const char *db, const struct import_job *j, struct xb_err *err)
{
    struct xb_store *s;
    int rc = xb_store_open(&s, db, XB_STORE_WRITE, err);
    if (rc)
        return rc;
    char *lines = NULL;
    size_t len = 0;
    FILE *held = open_memstream(&lines, &len);
    if (!held) {
        xb_store_close(s);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    rc = xb_store_begin(s, err);
    for (int i = 0; !rc && i < j->n; i++) {
        if (j->fmt == FMT_GWA) {
            struct gwa_sum g = { 0 };
            rc = xb_import_gwa_path(s, j->paths[i], j->go, sum_gwa, &g, err);
            if (!rc)
                print_gwa(held, j->paths[i], &g);
        } else if (j->fmt == FMT_CSV)
            rc = xb_import_csv_file(s, j->paths[i], j->cso, print_csv, held, err);
        else
            rc = xb_import_path(s, j->paths[i], j->o, print_run, held, err);
    }
    if (!rc && j->po)
        rc = xb_prom_import(s, j->po, print_prom_run, held, err);
    struct xb_retention_result kept;
    if (!rc && j->keep && !(rc = xb_store_retain(s, j->keep, &kept, err)))
        fprintf(held, "retention: deleted %lld windows, %lld roll-ups, %lld runs\n",
                (long long)kept.samples, (long long)kept.rollups, (long long)kept.runs);
    if (!rc)
        rc = xb_store_commit(s, err);
    fclose(held);
    if (rc) {
        xb_store_rollback(s);
        size_t msg = strlen(err->msg);
        snprintf(err->msg + msg, sizeof err->msg - msg, "; nothing was imported "
                 "(one transaction: %s is as it was)", db);
    } else if (lines)
        fputs(lines, stdout);
    free(lines);
    int64_t runs = 0, vms = 0, samples = 0, rollups = 0;
    if (!rc && !xb_store_count(s, "run", &runs, err) &&
        !xb_store_count(s, "vm", &vms, err) &&
        !xb_store_count(s, "sample", &samples, err) &&
        !xb_store_count(s, "rollup", &rollups, err))
        printf("%s: %lld runs, %lld VMs, %lld samples, %lld roll-ups\n", db,
               (long long)runs, (long long)vms, (long long)samples, (long long)rollups);
    xb_store_close(s);
    return rc;
}

int xb_cmd_import(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_STRICT, OPT_CATALOG, OPT_SIZES, OPT_ASOF, OPT_REGION,
           OPT_PROM, OPT_SINCE, OPT_STEP, OPT_START, OPT_FORMAT, OPT_HOST,
           OPT_KEEP_RAW, OPT_KEEP };
    static const struct option opts[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "interval", required_argument, NULL, 'i' },
        { "tsc-hz", required_argument, NULL, 't' },
        { "names", required_argument, NULL, 'n' },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "keep-raw", required_argument, NULL, OPT_KEEP_RAW },
        { "keep", required_argument, NULL, OPT_KEEP },
        { "start", required_argument, NULL, OPT_START },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "host", required_argument, NULL, OPT_HOST },
        { "catalog", required_argument, NULL, OPT_CATALOG },
        { "output", required_argument, NULL, 'o' },
        { "sizes", required_argument, NULL, OPT_SIZES },
        { "as-of", required_argument, NULL, OPT_ASOF },
        { "region", required_argument, NULL, OPT_REGION },
        { "prometheus", required_argument, NULL, OPT_PROM },
        { "since", required_argument, NULL, OPT_SINCE },
        { "step", required_argument, NULL, OPT_STEP },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_import_opts io = { .start_unix = NAN };
    struct xb_gwa_import_opts go = { 0 };
    struct xb_csv_import_opts cso = { 0 };
    enum hist_format hfmt = FMT_RUN;
    struct xb_cat_import_opts co = { 0 };
    const char *db = NULL, *format = NULL, *out = NULL;
    struct xb_prom_import_opts po = { .since_s = 14 * 86400.0, .step_s = 60 };
    bool prom_only = false;
    struct xb_opt_keep keep = { 0, 0 };
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "i:t:n:o:h", opts, NULL)) != -1) {
        const char *bad = NULL;
        switch (c) {
        case OPT_DB: db = optarg; break;
        case 'i':
            if (xb_opt_duration("import", "--interval", optarg, XB_WINDOW_MIN_S,
                                XB_WINDOW_MAX_S, &io.interval_ns))
                return XB_EXIT_INPUT;
            break;
        case 't':
            if (xb_parse_hz(optarg, &io.tsc_hz))
                bad = "--tsc-hz: not a rate (e.g. 2596138000, 2596.138M)";
            break;
        case 'n': io.names_file = optarg; break;
        case OPT_STRICT: io.strict = true; break;
        case OPT_KEEP_RAW:
        case OPT_KEEP:
            if (xb_opt_keep_arg("import", c == OPT_KEEP_RAW, optarg, &keep))
                return XB_EXIT_INPUT;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "gwa") == 0)
                hfmt = FMT_GWA;
            else if (strcmp(optarg, "csv") == 0)
                hfmt = FMT_CSV;
            else if (strcmp(optarg, "run") == 0)
                hfmt = FMT_RUN;
            else
                bad = "--format: not one of run, gwa, csv";
            break;
        case OPT_HOST: go.host = cso.host = optarg; break;
        case OPT_START:
            if (xb_parse_utc(optarg, &io.start_unix))
                bad = "--start: not an ISO 8601 time (2026-11-20T10:00:00Z)";
            break;
        case OPT_CATALOG:
            format = optarg;
            if (!xb_catalog_format_known(format))
                bad = "--catalog: not one of aws-offer, azure-retail, aws-ec2details";
            break;
        case 'o': out = optarg; break;
        case OPT_SIZES: co.sizes_csv = optarg; break;
        case OPT_ASOF:
            co.as_of = optarg;
            if (!xb_is_date(optarg))
                bad = "--as-of: not a date YYYY-MM-DD";
            break;
        case OPT_REGION: co.region = optarg; break;
        case OPT_PROM: po.url = optarg; break;
        case OPT_SINCE:
            prom_only = true;
            if (xb_parse_lookback(optarg, &po.since_s) || po.since_s <= 0)
                bad = "--since: not a look-back (14d, 36h, 90m, 2w)";
            break;
        case OPT_STEP: {
            uint64_t ns;
            prom_only = true;
            if (xb_opt_duration("import", "--step", optarg, 1, 86400, &ns))
                return XB_EXIT_INPUT;
            po.step_s = (double)ns / 1e9;
            break;
        }
        case 'h':
            xb_cmd_import_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench import --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
        if (bad) {
            fprintf(stderr, "xenbench import: %s: '%s'\n", bad, optarg);
            return XB_EXIT_INPUT;
        }
    }
    const char *usage = po.url && (optind < argc || format)
                            ? "--prometheus takes no RUNDIR, FILE or --catalog"
                      : prom_only && !po.url ? "--since and --step go with --prometheus"
                      : po.url ? NULL
                      : optind >= argc ? "what to import? give RUNDIR or FILE"
                      : format && !out ? "--catalog needs -o OUT.csv"
                      : !format && (out || co.sizes_csv || co.as_of || co.region)
                            ? "-o, --sizes, --as-of and --region go with --catalog"
                            : NULL;
    if (!usage && format && (keep.raw_ns || keep.all_ns))
        usage = "--keep-raw and --keep apply to the history, not to --catalog";
    if (usage) {
        fprintf(stderr, "xenbench import: %s\nTry 'xenbench import --help'.\n", usage);
        return XB_EXIT_INPUT;
    }
    if (xb_opt_keep("import", &keep))
        return XB_EXIT_INPUT;
    struct xb_retention ret = { (double)keep.raw_ns / 1e9, (double)keep.all_ns / 1e9 };
    struct xb_cmd_notes notes;
    io.notes = xb_cmd_notes(&notes, "import", false);
    if (format)
        xb_note(io.notes, XB_NOTE_WARNING, "`import --catalog FORMAT -o OUT.csv` is "
                "the old form, kept for this release: use `xenbench catalog import "
                "%s -o %s FILE...`", format, out);
    struct xb_err err = { 0 };
    if (io.interval_ns)
        go.interval_s = cso.interval_s = (double)io.interval_ns / 1e9;
    struct import_job job = { po.url ? NULL : argv + optind, po.url ? 0 : argc - optind,
                              hfmt, &io, &go, &cso, po.url ? &po : NULL,
                              keep.raw_ns || keep.all_ns ? &ret : NULL };
    int rc = format ? xb_catalog_import_files(format, out, argv + optind,
                                              argc - optind, &co, &err)
                    : import_into(xb_db_path(db), &job, &err);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench import: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
