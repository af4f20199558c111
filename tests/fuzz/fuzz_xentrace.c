/* fuzz_xentrace.c: libFuzzer harness for the xentrace reader and the engine.
 *
 * Every input is decoded twice, all records (one window for the recording)
 * and then the scheduler records only (a few short windows), and fed to an
 * accounting engine.  The window callback aborts when a window breaks the
 * rules of fuzz_window.h or the reader breaks its own promises.
 * A damaged input only ends a pass: xb_xtrace_next() errors are expected.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "account/engine.h"
#include "fuzz_window.h"
#include "decode/xen_sched.h"
#include "decode/xentrace.h"

#define TSC_HZ 1000000000u     /* 1 tick = 1 ns */
#define NWINDOWS 8             /* windows wanted in the second pass */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);



/* The input opened as a pass reads it; NULL when it is not a trace. */
static struct xb_xtrace *open_pass(const uint8_t *data, size_t size,
                                   const struct xb_xt_filter *want, uint64_t tolerance)
{
    struct xb_err err = { 0 };
    struct xb_xtrace *t;
    if (xb_xtrace_open_mem(&t, data, size, "fuzz", &err))
        return NULL;
    xb_xtrace_set_filter(t, want);
    xb_xtrace_set_tsc_tolerance(t, tolerance);
    return t;
}

/* One pass; returns the recording's span in ns. */
static uint64_t pass(const uint8_t *data, size_t size, const struct xb_xt_filter *want,
                     uint64_t tolerance, uint64_t interval)
{
    static struct xb_fuzz_check c;
    struct xb_err err = { 0 };
    struct xb_xtrace *t = open_pass(data, size, want, tolerance);
    if (!t)
        return 0;
    unsigned ncpu = xb_xtrace_ncpu(t);
    c.name = "fuzz_xentrace";
    c.max_npcpu = XB_XT_MAX_CPUS;
    c.interval = interval;
    c.windows = 0;
    c.next_start = 0;
    struct xb_engine *e = xb_engine_new(ncpu, interval, xb_fuzz_on_window, &c);
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
            !xb_xt_wanted(want, r.event)) {
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

/* The span a pass with this filter and tolerance will read, in ns, without
 * the engine: the second pass's windows are cut from its own span (a
 * tolerance lets TSC steps through that end the first pass, and a span many
 * times longer gave a million windows of an interval cut from the first:
 * 20 s for a 1.6 KB input, a libFuzzer timeout). */
static uint64_t span_of(const uint8_t *data, size_t size, const struct xb_xt_filter *want,
                        uint64_t tolerance)
{
    struct xb_err err = { 0 };
    struct xb_xtrace *t = open_pass(data, size, want, tolerance);
    if (!t)
        return 0;
    struct xb_xrec r;
    while (xb_xtrace_next(t, &r, &err) == 1)
        ;
    struct xb_tsc_clock clk = { xb_xtrace_first_tsc(t), TSC_HZ };
    uint64_t span = xb_tsc_to_ns(&clk, xb_xtrace_last_tsc(t));
    xb_xtrace_close(t);
    return span;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pass(data, size, NULL, 0, 0);
    uint64_t span = span_of(data, size, &xb_xen_sched_filter, TSC_HZ / 1000);
    uint64_t interval = span / NWINDOWS + 1;
    pass(data, size, &xb_xen_sched_filter, TSC_HZ / 1000,
         interval < XB_MIN_INTERVAL_NS ? XB_MIN_INTERVAL_NS : interval);
    return 0;
}
