/* pipeline.c: the one loop that drives decoder, engine and presenter. */
#include "pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode/xen_sched.h"
#include "decode/xentrace.h"
#include "pipeline/counters_load.h"
#include "pipeline/linux_run.h"
#include "pipeline/rundir.h"

int xb_pipeline_on_window(const struct xb_window *w, void *c)
{
    struct xb_pipeline_ctx *r = c;
    return r->p->window ? r->p->window(w, r->info, r->ctx) : 0;
}

static void fill_counts(struct xb_run_info *info, struct xb_xtrace *t,
                        uint64_t *lost, uint64_t *notices)
{
    info->records = xb_xtrace_records(t);
    for (unsigned i = 0; i < info->npcpu; i++) {
        lost[i] = xb_xtrace_lost(t, i);
        notices[i] = xb_xtrace_lost_notices(t, i);
    }
}

int xb_pipeline_run(const struct xb_input_opts *o, const struct xb_presenter *p,
                    void *ctx, struct xb_err *err)
{
    struct xb_names names = { 0 };
    struct xb_manifest man = { 0 };
    char manifest_path[4200];
    const char *trace = o->path;
    struct xb_xtrace *t = NULL;
    struct xb_engine *e = NULL;
    uint64_t *lost = NULL, *notices = NULL;
    struct xb_counters *counters = NULL;
    struct xb_run_info info = { 0 };
    struct stat st;
    int rc;

    if (stat(o->path, &st) < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", o->path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        rc = xb_rundir_load(o->path, &man, &names, err);
        if (rc)
            goto out;
        trace = man.trace;
        snprintf(manifest_path, sizeof manifest_path, "%s/manifest.json", o->path);
    }
    if (o->names_file && (rc = xb_names_load_xl_list(&names, o->names_file, err)))
        goto out;
    if (strcmp(man.source, "linux") == 0) {
        rc = xb_pipeline_linux(o, &man, &names, p, ctx, err);
        goto out;
    }
    info.source = "xen";
    info.host = man.host[0] ? man.host : NULL;
    info.cpu_model = man.cpu_model[0] ? man.cpu_model : NULL;
    info.cpu_mhz = man.cpu_mhz;
    info.start_utc = man.start_utc[0] ? man.start_utc : NULL;
    info.run_id = man.run_id[0] ? man.run_id : NULL;
    info.missing = man.missing[0] ? man.missing : NULL;
    info.cache_na = man.cache_na[0] ? man.cache_na : NULL;

    info.tsc_hz = o->tsc_hz ? o->tsc_hz : man.tsc_hz;
    info.tsc_hz_from = o->tsc_hz ? "--tsc-hz" : manifest_path;
    if (!info.tsc_hz) {
        rc = xb_err_set(err, -XB_EUSAGE, "%s: the trace does not contain the "
                        "TSC rate; give it with --tsc-hz (cpu_mhz of `xl info`, "
                        "e.g. --tsc-hz 2596.138M)%s", o->path,
                        S_ISDIR(st.st_mode) ? " or as tsc_hz in manifest.json" : "");
        goto out;
    }
    if ((rc = xb_xtrace_open(&t, trace, err)))
        goto out;
    info.warning = xb_xtrace_warning(t);
    char failed[700];
    if (!info.warning && strncmp(man.state, "failed", 6) == 0) {
        snprintf(failed, sizeof failed, "the recorder failed (%s): the run "
                 "holds what was recorded until then",
                 man.failure[0] ? man.failure : "no reason given");
        info.warning = failed;
    }
    if (info.warning && o->strict) {
        rc = xb_err_set(err, -XB_EINPUT, "%s (--strict)", info.warning);
        goto out;
    }
    if (info.warning)
        fprintf(stderr, "xenbench: warning: %s\n", info.warning);
    xb_xtrace_set_filter(t, xb_xen_sched_wanted);
    xb_xtrace_set_tsc_tolerance(t, info.tsc_hz / 1000);   /* 1 ms */

    info.trace_path = trace;
    info.npcpu = xb_xtrace_ncpu(t);
    info.names = &names;
    lost = calloc(info.npcpu + 1, sizeof *lost);
    notices = calloc(info.npcpu + 1, sizeof *notices);
    info.lost = lost;
    info.lost_notices = notices;
    struct xb_pipeline_ctx run = { p, ctx, &info };
    e = xb_engine_new(info.npcpu, o->interval_ns, xb_pipeline_on_window, &run);
    if (!e || !lost || !notices) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }

    struct xb_xrec r;
    struct xb_tsc_clock clk = { 0, info.tsc_hz };
    bool first = true;
    while ((rc = xb_xtrace_next(t, &r, err)) == 1) {
        if (first) {
            clk.tsc0 = xb_xtrace_first_tsc(t);
            info.first_tsc = clk.tsc0;
            struct xb_timebase tb = { clk.tsc0, info.tsc_hz };
            if ((rc = xb_counters_load_all(&man, &tb, &counters, err)))
                break;
            info.counters = counters;
            for (unsigned i = 0; i < info.npcpu; i++) {
                uint64_t tsc;
                if (xb_xtrace_cpu_first_tsc(t, i, &tsc))
                    xb_engine_pcpu_start(e, i, xb_tsc_to_ns(&clk, tsc));
            }
            if (p->begin && (rc = p->begin(&info, ctx)))
                break;
            first = false;
        }
        if ((rc = xb_xen_sched_feed(e, &clk, &r)))
            break;
    }
    if (rc)
        goto out;
    if (first) {
        info.first_tsc = clk.tsc0 = xb_xtrace_first_tsc(t);
        fprintf(stderr, "xenbench: warning: %s: no scheduler runstate records "
                "(record with xentrace -e 0x0002f000 or -e all)\n", trace);
        if (p->begin && (rc = p->begin(&info, ctx)))
            goto out;
    }
    info.last_tsc = xb_xtrace_last_tsc(t);
    info.span_ns = xb_tsc_to_ns(&clk, info.last_tsc);
    fill_counts(&info, t, lost, notices);
    if ((rc = xb_engine_finish(e, info.span_ns)))
        goto out;
    if (p->end)
        rc = p->end(&info, ctx);
out:
    if (rc > 0)
        rc = xb_err_set(err, -EIO, "writing the report failed");
    else if (rc < 0 && err->code == 0)
        rc = xb_err_set(err, -ENOMEM, "out of memory");
    xb_engine_free(e);
    xb_xtrace_close(t);
    free(lost);
    free(notices);
    xb_names_free(&names);
    xb_manifest_free(&man);
    xb_counters_free(counters);
    return rc;
}
