/* fuzz_xentrace.c: libFuzzer harness for the xentrace reader and the engine.
 *
 * Every input is decoded twice, all records (one window for the recording)
 * and then the scheduler records only (a few short windows), and fed to an
 * accounting engine.  The window callback aborts when a window breaks the
 * conservation rules of engine.h or the reader breaks its own promises.
 * A damaged input only ends a pass: xb_xtrace_next() errors are expected.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "account/engine.h"
#include "check_window.h"
#include "decode/xen_sched.h"
#include "decode/xentrace.h"

#define TSC_HZ 1000000000u     /* 1 tick = 1 ns */
#define NWINDOWS 8             /* windows wanted in the second pass */
#define MAX_WINDOWS 64         /* far more than NWINDOWS + 2: a loop */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
    uint64_t interval;
    unsigned windows;
    uint64_t next_start;       /* t_start_ns the next window must have */
    uint64_t digest;           /* something computed from every accumulator */
};

static void broken(const struct xb_window *w, const char *what, unsigned a,
                   unsigned b, uint64_t got)
{
    fprintf(stderr, "fuzz_xentrace: window %u [%llu, %llu) ns: %s (%u, %u): "
            "%llu\n", w->index, (unsigned long long)w->t_start_ns,
            (unsigned long long)w->t_end_ns, what, a, b,
            (unsigned long long)got);
    abort();
}

static int on_window(const struct xb_window *w, void *ctx)
{
    struct check *c = ctx;
    uint64_t len = w->t_end_ns - w->t_start_ns;

    if (w->t_end_ns < w->t_start_ns)
        broken(w, "window ends before it starts", 0, 0, 0);
    if (w->index != c->windows || w->t_start_ns != c->next_start)
        broken(w, "windows not contiguous", w->index, c->windows, c->next_start);
    if (c->interval ? len > c->interval : c->windows > 0)
        broken(w, "window too long (or a 2nd one with no interval)", 0, 0, len);
    if (w->npcpu > XB_XT_MAX_CPUS)
        broken(w, "too many pCPUs", w->npcpu, 0, 0);
    c->windows++;
    c->next_start = w->t_end_ns;
    c->digest += w->mismatches;

    if (xb_check_conservation(w))
        broken(w, "conservation (see above)", 0, 0, 0);
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        if (i > 0 && (d[-1].domid > d->domid ||
                      (d[-1].domid == d->domid && d[-1].instance >= d->instance)))
            broken(w, "domains not sorted", d->domid, d->instance, 0);
        for (unsigned k = 0; k < d->nvcpu; k++) {
            const struct xb_vcpu_acc *v = &d->vcpus[k];
            if (k > 0 && v[-1].vcpu >= v->vcpu)
                broken(w, "vCPUs not sorted", d->domid, v->vcpu, 0);
            for (unsigned p = 0; p <= w->npcpu; p++)
                c->digest += v->pcpu[p].execs;
            if (w->final && (unsigned)v->final_state >= XB_NSTATES)
                broken(w, "bad final state", d->domid, v->vcpu, v->final_state);
        }
    }
    return c->windows >= MAX_WINDOWS;   /* stop a runaway engine */
}

/* One pass; returns the recording's span in ns. */
static uint64_t pass(const uint8_t *data, size_t size, xb_xt_filter want,
                     uint64_t tolerance, uint64_t interval)
{
    static struct check c;
    struct xb_err err = { 0 };
    struct xb_xtrace *t;

    if (xb_xtrace_open_mem(&t, data, size, "fuzz", &err))
        return 0;
    xb_xtrace_set_filter(t, want);
    xb_xtrace_set_tsc_tolerance(t, tolerance);
    unsigned ncpu = xb_xtrace_ncpu(t);
    c.interval = interval;
    c.windows = 0;
    c.next_start = 0;
    struct xb_engine *e = xb_engine_new(ncpu, interval, on_window, &c);
    if (!e) {
        xb_xtrace_close(t);
        return 0;
    }
    struct xb_tsc_clock clk = { 0, TSC_HZ };
    struct xb_xrec r;
    uint64_t prev_tsc = 0;
    bool first = true;
    int rc = 0;
    while (xb_xtrace_next(t, &r, &err) == 1) {
        if (first) {          /* as the pipeline does */
            clk.tsc0 = xb_xtrace_first_tsc(t);
            for (unsigned i = 0; i < ncpu; i++) {
                uint64_t tsc;
                if (xb_xtrace_cpu_first_tsc(t, i, &tsc))
                    xb_engine_pcpu_start(e, i, xb_tsc_to_ns(&clk, tsc));
            }
            first = false;
        }
        if (r.cpu >= ncpu || r.nextra > 7 || r.offset >= size || r.tsc < prev_tsc ||
            (want && !want(r.event))) {
            fprintf(stderr, "fuzz_xentrace: bad record at offset %llu\n",
                    (unsigned long long)r.offset);
            abort();
        }
        prev_tsc = r.tsc;
        if ((rc = xb_xen_sched_feed(e, &clk, &r)))
            break;
    }
    if (first)
        clk.tsc0 = xb_xtrace_first_tsc(t);
    uint64_t span = xb_tsc_to_ns(&clk, xb_xtrace_last_tsc(t));
    if (!rc)
        xb_engine_finish(e, span);
    xb_engine_free(e);
    xb_xtrace_close(t);
    return span;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t span = pass(data, size, NULL, 0, 0);
    pass(data, size, xb_xen_sched_wanted, TSC_HZ / 1000,
         span / NWINDOWS + 1);
    return 0;
}
