/* xen_run.c: the pipeline's input for a xentrace file, bare or in a run
 * folder (xb_input_xen, pipeline/input.h).  It owns the file's reader, the
 * TSC clock (time 0 is the earliest CPU's first record; a rate no CPU has
 * and a TSC that jumps an hour are errors), each pCPU's start,
 * the run folder's counters on that clock, and the counts of records and
 * lost records; it must not touch the manifest's other facts, the warning
 * block or the presenter (pipeline.c). */
#include "pipeline/input.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/xen_sched.h"
#include "decode/xentrace.h"
#include "pipeline/counters_load.h"

struct xen_in {
    struct xb_xtrace *t;
    const struct xb_manifest *m;    /* NULL for a bare file */
    struct xb_tsc_clock clk;
    struct xb_xrec pending;         /* the first record, read by start */
    bool have_pending;
    struct xb_counters *counters;
    uint64_t *lost, *notices;
};

/* A CPU's TSC may not jump forward by more than this between two of its
 * records (nor its first TSC lie this far after another CPU's): an hour. */
#define MAX_JUMP_S 3600ull
/* No CPU clock runs below 1 MHz or above 100 GHz. */
#define HZ_MIN 1000000ull
#define HZ_MAX 100000000000ull

/* A TSC rate no CPU has: what names the option or field, with the likely
 * meaning (`xl info` prints cpu_mhz in MHz: -t 2596 means 2596M). */
static int check_hz(uint64_t hz, const char *what, struct xb_err *err)
{
    if (hz >= HZ_MIN && hz <= HZ_MAX)
        return 0;
    char hint[64] = "";
    if (hz < HZ_MIN && hz * 1000000ull >= 100000000ull && hz * 1000000ull <= HZ_MAX)
        snprintf(hint, sizeof hint, "; did you mean %" PRIu64 "M? (xl info "
                 "prints cpu_mhz in MHz)", hz);
    else if (hz < HZ_MIN && hz * 1000000000ull >= 100000000ull &&
             hz * 1000000000ull <= HZ_MAX)
        snprintf(hint, sizeof hint, "; did you mean %" PRIu64 "G?", hz);
    return xb_err_set(err, -XB_EUSAGE, "%s: a TSC rate of %" PRIu64 " Hz is %s "
                      "any CPU clock (1 MHz .. 100 GHz)%s", what, hz,
                      hz < HZ_MIN ? "below" : "above", hint);
}

static int xen_open(void **state, const struct xb_input_opts *o,
                    const struct xb_manifest *m, struct xb_names *names,
                    struct xb_run_info *info, struct xb_err *err)
{
    (void)names;
    struct xen_in *x = calloc(1, sizeof *x);
    if (!x)
        return xb_err_set(err, -ENOMEM, "out of memory");
    *state = x;
    x->m = m;
    const char *trace = m ? m->trace : o->path;
    info->tsc_hz = o->tsc_hz ? o->tsc_hz : m ? m->tsc_hz : 0;
    if (!info->tsc_hz)
        return xb_err_set(err, -XB_EUSAGE, "%s: the trace does not contain the "
                          "TSC rate; give it with --tsc-hz (cpu_mhz of `xl info`, "
                          "e.g. --tsc-hz 2596.138M)%s", o->path,
                          m ? " or as tsc_hz in manifest.json" : "");
    int rc = check_hz(info->tsc_hz, o->tsc_hz ? "--tsc-hz" : "manifest.json: "
                      "tsc_hz", err);
    if (rc || (rc = xb_xtrace_open(&x->t, trace, err)))
        return rc;
    info->warning = xb_xtrace_warning(x->t);
    xb_xtrace_set_filter(x->t, &xb_xen_sched_filter);
    xb_xtrace_set_tsc_tolerance(x->t, info->tsc_hz / 1000);   /* 1 ms */
    xb_xtrace_set_max_jump(x->t, info->tsc_hz * MAX_JUMP_S, info->tsc_hz);
    info->trace_file = trace;
    info->npcpu = xb_xtrace_ncpu(x->t);
    x->lost = calloc(info->npcpu + 1, sizeof *x->lost);
    x->notices = calloc(info->npcpu + 1, sizeof *x->notices);
    if (!x->lost || !x->notices)
        return xb_err_set(err, -ENOMEM, "out of memory");
    info->lost = x->lost;
    info->lost_notices = x->notices;
    x->clk.hz = info->tsc_hz;
    return 0;
}

/* Time 0 and each pCPU's start are known once the first record is read;
 * the counters are put on that clock. */
static int xen_start(void *state, struct xb_engine *e, struct xb_run_info *info,
                     const struct xb_notes *notes, struct xb_err *err)
{
    struct xen_in *x = state;
    int rc = xb_xtrace_next(x->t, &x->pending, err);
    if (rc < 0)
        return rc;
    x->have_pending = rc == 1;
    info->first_tsc = x->clk.tsc0 = xb_xtrace_first_tsc(x->t);
    if (!x->have_pending) {
        xb_note(notes, XB_NOTE_WARNING, "%s: no scheduler runstate records "
                "(record with xentrace -e 0x0002f000 or -e all)", info->trace_file);
        return 0;
    }
    if (x->m) {
        struct xb_timebase tb = { x->clk.tsc0, info->tsc_hz };
        char damage[700];
        if ((rc = xb_counters_load_all(x->m, &tb, &x->counters, damage,
                                       sizeof damage, err)))
            return rc;
        if (damage[0])
            xb_note(notes, XB_NOTE_WARNING, "%s", damage);
        info->counters = x->counters;
    }
    for (unsigned i = 0; i < info->npcpu; i++) {
        uint64_t tsc;
        if (xb_xtrace_cpu_first_tsc(x->t, i, &tsc))
            xb_engine_pcpu_start(e, i, xb_tsc_to_ns(&x->clk, tsc));
    }
    return 0;
}

static int xen_feed(void *state, struct xb_engine *e, struct xb_run_info *info,
                    struct xb_err *err)
{
    struct xen_in *x = state;
    int rc = 0;
    if (x->have_pending) {
        x->have_pending = false;
        rc = xb_xen_sched_feed(e, &x->clk, &x->pending);
    }
    struct xb_xrec r;
    while (!rc && (rc = xb_xtrace_next(x->t, &r, err)) == 1)
        rc = xb_xen_sched_feed(e, &x->clk, &r);
    if (rc)
        return rc;
    info->last_tsc = xb_xtrace_last_tsc(x->t);
    info->span_ns = xb_tsc_to_ns(&x->clk, info->last_tsc);
    info->records = xb_xtrace_records(x->t);
    for (unsigned i = 0; i < info->npcpu; i++) {
        x->lost[i] = xb_xtrace_lost(x->t, i);
        x->notices[i] = xb_xtrace_lost_notices(x->t, i);
    }
    return 1;
}

static void xen_close(void *state)
{
    struct xen_in *x = state;
    xb_xtrace_close(x->t);
    xb_counters_free(x->counters);
    free(x->lost);
    free(x->notices);
    free(x);
}

const struct xb_input_ops xb_input_xen = {
    .name = "xentrace",
    .open = xen_open,
    .start = xen_start,
    .feed = xen_feed,
    .close = xen_close,
};
