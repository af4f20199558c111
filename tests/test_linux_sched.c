/* test_linux_sched.c: the Linux scheduler-event decoder
 * (src/decode/linux_sched.c) on tracefs pages made by tests/linux/page_writer
 * with the committed formats (tests/linux/formats), fed into a real engine.
 * Every test states the exact figures of every window (hand-computed from
 * the engine's charging rules, engine.h) and checks conservation in every
 * window; then damaged pages and broken format directories.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "account/engine.h"
#include "check_window.h"
#include "decode/linux_sched.h"
#include "linux/page_writer.h"

#ifndef XB_LINUX_FORMATS
#error "XB_LINUX_FORMATS: the tests/linux/formats directory (tests/meson.build)"
#endif

#define MS 1000000ull
#define T0 5000000000000ull            /* CLOCK_MONOTONIC of engine time 0 */
#define AT(ms) (T0 + (uint64_t)(ms) * MS)
#define PAGE 4096u

/* prev_state bits */
#define S_R 0L
#define S_S 1L
#define S_D 2L
#define S_X 0x10L
#define S_Z 0x20L
#define S_RPLUS 0x100L                 /* preempted: TASK_REPORT_MAX */

/* cells: (domain, vCPU, pCPU, state) or a pCPU's unknown time */
#define IDLE 0x7fffu
#define HOST 0u
#define PUNK 0xffffffffu               /* dom of a pCPU-unknown cell */
#define U 2u                           /* "unplaced" with 2 pCPUs */
enum { RUN = XB_RUNNING, WAIT = XB_RUNNABLE, BLK = XB_BLOCKED,
       OFF = XB_OFFLINE, UNK = XB_UNKNOWN };

struct cell {
    unsigned win;
    uint32_t dom, vcpu;
    unsigned pcpu, state;
    uint64_t ms;                       /* expected; captured: ns */
};

#define MAXCELLS 256
struct capture {
    unsigned nwin, bad;
    uint64_t start[16], end[16], mismatches[16];
    struct cell c[MAXCELLS];
    unsigned n;
};

static int on_window(const struct xb_window *w, void *ctx)
{
    struct capture *c = ctx;
    if (xb_check_conservation(w))
        c->bad++;
    if (w->index != c->nwin || c->nwin >= 16) {
        c->bad++;
        return 0;
    }
    c->start[c->nwin] = w->t_start_ns;
    c->end[c->nwin] = w->t_end_ns;
    c->mismatches[c->nwin] = w->mismatches;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        for (unsigned k = 0; k < d->nvcpu; k++)
            for (unsigned p = 0; p <= w->npcpu; p++)
                for (unsigned s = 0; s < XB_NSTATES; s++) {
                    uint64_t ns = d->vcpus[k].pcpu[p].ns[s];
                    if (ns && c->n < MAXCELLS)
                        c->c[c->n++] = (struct cell){ c->nwin, d->domid,
                                                      d->vcpus[k].vcpu, p, s, ns };
                }
    }
    for (unsigned p = 0; p < w->npcpu; p++)
        if (w->pcpu_unknown_ns[p] && c->n < MAXCELLS)
            c->c[c->n++] = (struct cell){ c->nwin, PUNK, 0, p, 0,
                                          w->pcpu_unknown_ns[p] };
    c->nwin++;
    return 0;
}

struct fix {
    struct xb_lsched *d;
    struct xb_engine *e;
    struct pw *w[2];
    struct capture cap;
    unsigned ncpu;
};

/* Two CPUs; domain 1 has threads 100 (vCPU 0) and 101 (vCPU 1); windows of
 * interval_ms (0: one). */
static void fix_init(struct fix *f, uint64_t interval_ms)
{
    memset(f, 0, sizeof *f);
    f->ncpu = 2;
    struct xb_err err = { 0 };
    assert_int_equal(xb_lsched_new(&f->d, XB_LINUX_FORMATS, f->ncpu, PAGE, T0, &err), 0);
    f->e = xb_engine_new(f->ncpu, interval_ms * MS, on_window, &f->cap);
    assert_non_null(f->e);
    for (unsigned i = 0; i < f->ncpu; i++) {
        xb_engine_pcpu_start(f->e, i, 0);
        f->w[i] = pw_new(XB_LINUX_FORMATS);
        assert_non_null(f->w[i]);
        assert_int_equal(pw_page_size(f->w[i]), PAGE);
    }
    assert_int_equal(xb_lsched_domain(f->d, 1, false), 0);
    assert_int_equal(xb_lsched_thread(f->d, 100, 1, 0), 0);
    assert_int_equal(xb_lsched_thread(f->d, 101, 1, 1), 0);
}

static void fix_feed(struct fix *f)
{
    for (unsigned i = 0; i < f->ncpu; i++)
        for (size_t k = 0; k < pw_npages(f->w[i]); k++)
            assert_int_equal(xb_lsched_add_page(f->d, i, pw_page(f->w[i], k), PAGE), 0);
}

static void fix_finish(struct fix *f, uint64_t span_ms)
{
    struct xb_err err = { 0 };
    assert_int_equal(xb_lsched_drain(f->d, f->e, UINT64_MAX, &err), 0);
    assert_int_equal(xb_engine_finish(f->e, span_ms * MS), 0);
}

static void fix_free(struct fix *f)
{
    xb_engine_free(f->e);
    xb_lsched_free(f->d);
    for (unsigned i = 0; i < f->ncpu; i++)
        pw_free(f->w[i]);
}

static const char *const stname[] = { "run", "wait", "blk", "off", "unk" };

static void dump(const struct capture *c)
{
    for (unsigned i = 0; i < c->n; i++)
        fprintf(stderr, "  got { %u, %s, %u, %u, %s, %.3f },\n", c->c[i].win,
                c->c[i].dom == PUNK ? "PUNK" : c->c[i].dom == IDLE ? "IDLE" : "d",
                c->c[i].dom == PUNK || c->c[i].dom == IDLE ? c->c[i].vcpu
                : c->c[i].dom * 1000 + c->c[i].vcpu,
                c->c[i].pcpu, stname[c->c[i].state], (double)c->c[i].ms / MS);
}

/* The windows hold exactly the cells of want (ms), no others. */
static void expect(const struct fix *f, unsigned nwin, const struct cell *want,
                   size_t n)
{
    const struct capture *c = &f->cap;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cell *w = &want[i];
        bool found = false;
        for (unsigned k = 0; k < c->n && !found; k++) {
            const struct cell *g = &c->c[k];
            if (g->win == w->win && g->dom == w->dom && g->vcpu == w->vcpu &&
                g->pcpu == w->pcpu && g->state == w->state) {
                found = true;
                if (g->ms != w->ms * MS) {
                    fprintf(stderr, "window %u d%u v%u p%u %s: %llu ns, want %llu ms\n",
                            w->win, w->dom, w->vcpu, w->pcpu, stname[w->state],
                            (unsigned long long)g->ms, (unsigned long long)w->ms);
                    bad++;
                }
            }
        }
        if (!found) {
            fprintf(stderr, "window %u d%u v%u p%u %s: missing (want %llu ms)\n",
                    w->win, w->dom, w->vcpu, w->pcpu, stname[w->state],
                    (unsigned long long)w->ms);
            bad++;
        }
    }
    for (unsigned k = 0; k < c->n; k++) {
        const struct cell *g = &c->c[k];
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = want[i].win == g->win && want[i].dom == g->dom &&
                    want[i].vcpu == g->vcpu && want[i].pcpu == g->pcpu &&
                    want[i].state == g->state;
        if (!found) {
            fprintf(stderr, "window %u d%u v%u p%u %s: %llu ns not expected\n",
                    g->win, g->dom, g->vcpu, g->pcpu, stname[g->state],
                    (unsigned long long)g->ms);
            bad++;
        }
    }
    if (bad)
        dump(c);
    assert_int_equal(bad, 0);
    assert_int_equal(c->nwin, nwin);
    assert_int_equal(c->bad, 0);           /* conservation in every window */
    assert_true(c->n < MAXCELLS);
}

#define EXPECT(f, nwin, ...) do { \
        const struct cell want_[] = { __VA_ARGS__ }; \
        expect(f, nwin, want_, sizeof want_ / sizeof want_[0]); \
    } while (0)

/* ---- known answers ---- */

/* 100 runs on CPU 0, blocks (S), is woken onto CPU 1 and runs there after
 * 200 is preempted; its wait is charged to CPU 1, 200's wait to CPU 0
 * where it next runs. */
static void block_wake_run(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 50);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(30), 100, S_S, 0);
    pw_wakeup(f.w[0], AT(50), 100, 1);
    pw_switch(f.w[0], AT(90), 0, S_R, 200);
    pw_switch(f.w[1], AT(5), 0, S_R, 200);
    pw_switch(f.w[1], AT(60), 200, S_R, 100);
    pw_switch(f.w[1], AT(80), 100, S_S, 0);
    fix_feed(&f);
    fix_finish(&f, 100);
    EXPECT(&f, 2,
        { 0, HOST, 0, U, UNK, 5 }, { 0, HOST, 0, 1, RUN, 45 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 20 }, { 0, 1, 0, 0, BLK, 20 },
        { 0, IDLE, 0, 0, RUN, 30 }, { 0, IDLE, 0, 0, WAIT, 20 },
        { 0, IDLE, 1, 1, RUN, 5 }, { 0, IDLE, 1, 1, WAIT, 45 },
        { 1, HOST, 0, 1, RUN, 10 }, { 1, HOST, 0, 0, WAIT, 30 },
        { 1, HOST, 0, 0, RUN, 10 },
        { 1, 1, 0, 1, WAIT, 10 }, { 1, 1, 0, 1, RUN, 20 }, { 1, 1, 0, 1, BLK, 20 },
        { 1, IDLE, 0, 0, RUN, 40 }, { 1, IDLE, 0, 0, WAIT, 10 },
        { 1, IDLE, 1, 1, WAIT, 30 }, { 1, IDLE, 1, 1, RUN, 20 });
    assert_int_equal(xb_lsched_events(f.d), 7);
    assert_int_equal(xb_lsched_repaired(f.d), 0);
    assert_int_equal(xb_lsched_implied_wakeups(f.d), 0);
    assert_int_equal(xb_lsched_last_ns(f.d), 90 * MS);
    assert_null(xb_lsched_warning(f.d));
    for (unsigned w = 0; w < 2; w++)
        assert_int_equal(f.cap.mismatches[w], 0);
    fix_free(&f);
}

/* Preemption: prev_state 0 (R) and 0x100 (R+) leave the thread runnable,
 * queued where it ran; CPU 1 has no event (unknown throughout). */
static void preempted_waits(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 50);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(20), 100, S_R, 200);
    pw_switch(f.w[0], AT(35), 200, S_RPLUS, 100);
    pw_switch(f.w[0], AT(45), 100, S_S, 0);
    fix_feed(&f);
    fix_finish(&f, 50);
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 15 }, { 0, IDLE, 0, 0, WAIT, 35 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 20 }, { 0, 1, 0, 0, WAIT, 15 },
        { 0, 1, 0, 0, BLK, 5 },
        { 0, HOST, 0, U, UNK, 20 }, { 0, HOST, 0, 0, RUN, 15 },
        { 0, HOST, 0, 0, WAIT, 15 },
        { 0, PUNK, 0, 1, 0, 50 });
    assert_int_equal(f.cap.mismatches[0], 0);
    fix_free(&f);
}

/* prev_state X or Z: the thread exited (offline); D: blocked. */
static void exit_offline(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(20), 100, S_X, 0);
    pw_switch(f.w[1], AT(5), 0, S_R, 101);
    pw_switch(f.w[1], AT(25), 101, S_Z, 0);
    pw_switch(f.w[1], AT(30), 0, S_R, 102);
    pw_switch(f.w[1], AT(40), 102, S_D, 0);
    fix_feed(&f);
    fix_finish(&f, 50);
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 40 }, { 0, IDLE, 0, 0, WAIT, 10 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 10 }, { 0, 1, 0, 0, OFF, 30 },
        { 0, IDLE, 1, 1, RUN, 20 }, { 0, IDLE, 1, 1, WAIT, 30 },
        { 0, 1, 1, U, UNK, 5 }, { 0, 1, 1, 1, RUN, 20 }, { 0, 1, 1, 1, OFF, 25 },
        { 0, HOST, 0, U, UNK, 30 }, { 0, HOST, 0, 1, RUN, 10 },
        { 0, HOST, 0, 1, BLK, 10 });
    fix_free(&f);
}

/* The kernel leaves out idle -> thread switches (docs/linux-recording.md).
 * The example: CPU 1 goes idle at 10 ms; 100 is woken onto CPU 0 at
 * 20 ms; 100 is switched out on CPU 1 at 40 ms.  Its run there is put back
 * no earlier than its wake-up (20 ms): 20 ms of running, not 30 (before, it
 * was dated at idle's start, 10 ms, while the trace shows it blocked until
 * 20).  Then 101, of which nothing is known, is switched out on CPU 1 at
 * 70: nothing bounds its start, so CPU 1's time since idle began there
 * (40 ms) is unknown for idle, for 101 and for the CPU; not running. */
static void repair_untraced_switch(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    pw_switch(f.w[0], AT(2), 0, S_R, 100);
    pw_switch(f.w[0], AT(8), 100, S_S, 0);
    pw_wakeup(f.w[0], AT(20), 100, 0);
    pw_switch(f.w[1], AT(10), 300, S_S, 0);
    /* untraced: 0 -> 100 on CPU 1, after 20 */
    pw_switch(f.w[1], AT(40), 100, S_S, 0);
    /* untraced: 0 -> 101 */
    pw_switch(f.w[1], AT(70), 101, S_S, 0);
    fix_feed(&f);
    fix_finish(&f, 100);
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 94 }, { 0, IDLE, 0, 0, WAIT, 6 },
        { 0, IDLE, 1, U, UNK, 10 }, { 0, IDLE, 1, 1, RUN, 40 },
        { 0, IDLE, 1, 1, WAIT, 20 }, { 0, IDLE, 1, 1, UNK, 30 },
        { 0, 1, 0, U, UNK, 2 }, { 0, 1, 0, 0, RUN, 6 }, { 0, 1, 0, 0, BLK, 12 },
        { 0, 1, 0, 1, RUN, 20 }, { 0, 1, 0, 1, BLK, 60 },
        { 0, 1, 1, U, UNK, 70 }, { 0, 1, 1, 1, BLK, 30 },
        { 0, HOST, 0, 1, RUN, 10 }, { 0, HOST, 0, 1, BLK, 90 },
        { 0, PUNK, 0, 1, 0, 30 });
    const struct xb_lsched_repairs *r = xb_lsched_repairs(f.d);
    assert_int_equal(r->bounded, 1);
    assert_int_equal(r->bounded_ns, 20 * MS);
    assert_int_equal(r->unbounded, 1);
    assert_int_equal(r->unbounded_ns, 30 * MS);
    assert_int_equal(xb_lsched_repaired(f.d), 2);
    assert_int_equal(xb_lsched_implied_wakeups(f.d), 0);
    assert_int_equal(f.cap.mismatches[0], 0);
    fix_free(&f);
}

/* ns of cell (win, dom, vcpu, pcpu, state), 0 when there is none. */
static uint64_t cell_ns(const struct fix *f, unsigned win, uint32_t dom, uint32_t vcpu,
                        unsigned pcpu, unsigned st)
{
    for (unsigned i = 0; i < f->cap.n; i++) {
        const struct cell *c = &f->cap.c[i];
        if (c->win == win && c->dom == dom && c->vcpu == vcpu && c->pcpu == pcpu &&
            c->state == st)
            return c->ms;
    }
    return 0;
}

/* A sparse trace (tests/place/replay_truth.py's solo runs): 100, always
 * busy on CPU 0, is preempted by host thread 300 at 100 ms; 300's switch
 * back to 100 is not traced, and 100's next event is 600 ms later while
 * CPU 1's events go on.  The repair goes back to 100 ms, past the 200 ms a
 * live decoder holds: bounded, 100 ran 700 ms, nothing unknown. */
static void sparse_trace(struct fix *f, bool live)
{
    fix_init(f, 0);
    if (live)
        xb_lsched_set_live(f->d);
    pw_switch(f->w[0], AT(1), 0, S_R, 100);
    pw_wakeup(f->w[0], AT(99), 300, 0);
    pw_switch(f->w[0], AT(100), 100, S_R, 300);
    /* untraced: 300 -> 100 */
    pw_switch(f->w[0], AT(700), 100, S_S, 0);
    for (unsigned t = 10; t < 900; t += 10) {
        pw_wakeup(f->w[1], AT(t), 101, 1);
        pw_switch(f->w[1], AT(t), 0, S_R, 101);
        pw_switch(f->w[1], AT(t + 5), 101, S_S, 0);
    }
    fix_feed(f);
    fix_finish(f, 1000);
}

static void repair_sparse_trace(void **state)
{
    (void)state;
    struct fix f;
    sparse_trace(&f, false);
    const struct xb_lsched_repairs *r = xb_lsched_repairs(f.d);
    assert_int_equal(r->bounded, 1);
    assert_int_equal(r->bounded_ns, 600 * MS);
    assert_int_equal(r->unbounded, 0);
    assert_int_equal(cell_ns(&f, 0, 1, 0, 0, RUN), 699 * MS);
    assert_int_equal(cell_ns(&f, 0, 1, 0, 0, UNK), 0);
    assert_int_equal(cell_ns(&f, 0, PUNK, 0, 0, 0), 0);
    assert_int_equal(f.cap.bad, 0);
    fix_free(&f);
    /* A live decoder (and every decoder before the long hold): the engine
     * is past 100 ms when the repair is seen, so from there to 700 ms is
     * unknown (less the 200 ms held). */
    sparse_trace(&f, true);
    r = xb_lsched_repairs(f.d);
    assert_int_equal(r->bounded, 0);
    assert_int_equal(r->unbounded, 1);
    assert_true(cell_ns(&f, 0, 1, 0, 0, UNK) > 300 * MS);
    assert_int_equal(f.cap.bad, 0);
    fix_free(&f);
}

/* A repair after a thread (not idle) held the CPU: that thread is not
 * taken to have blocked (as it was before); it leaves into unknown, and is
 * blocked only when known to be: its next event is a wake-up (only a
 * sleeping thread is woken).  200 is put out twice: woken next (blocked),
 * then switched in elsewhere next (unknown). */
static void repair_previous_occupant(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    pw_wakeup(f.w[1], AT(5), 100, 0);
    pw_switch(f.w[0], AT(10), 0, S_R, 200);
    /* untraced: 200 -> 100 */
    pw_switch(f.w[0], AT(30), 100, S_S, 0);
    pw_wakeup(f.w[1], AT(45), 200, 0);
    pw_switch(f.w[0], AT(50), 0, S_R, 200);
    pw_wakeup(f.w[1], AT(52), 300, 0);
    /* untraced: 200 -> 300 */
    pw_switch(f.w[0], AT(60), 300, S_S, 0);
    pw_switch(f.w[1], AT(70), 0, S_R, 200);
    pw_switch(f.w[1], AT(80), 200, S_S, 0);
    fix_feed(&f);
    fix_finish(&f, 100);
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 70 }, { 0, IDLE, 0, 0, WAIT, 30 },
        { 0, IDLE, 1, 1, RUN, 90 }, { 0, IDLE, 1, 1, WAIT, 10 },
        { 0, 1, 0, U, UNK, 5 }, { 0, 1, 0, 0, WAIT, 5 }, { 0, 1, 0, 0, RUN, 20 },
        { 0, 1, 0, 0, BLK, 70 },
        { 0, HOST, 0, U, UNK, 10 }, { 0, HOST, 0, 0, BLK, 35 },
        { 0, HOST, 0, 0, WAIT, 5 }, { 0, HOST, 0, 0, RUN, 2 },
        { 0, HOST, 0, 0, UNK, 18 }, { 0, HOST, 0, 1, RUN, 10 },
        { 0, HOST, 0, 1, BLK, 20 },
        { 0, HOST, 1, U, UNK, 52 }, { 0, HOST, 1, 0, RUN, 8 },
        { 0, HOST, 1, 0, BLK, 40 });
    assert_int_equal(xb_lsched_repairs(f.d)->bounded, 2);
    assert_int_equal(xb_lsched_repairs(f.d)->bounded_ns, 28 * MS);
    assert_int_equal(f.cap.mismatches[0], 0);
    fix_free(&f);
}

/* A blocked thread switched in without a wake-up: woken untraced, ran at
 * once. */
static void implied_wakeup(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(20), 100, S_S, 0);
    pw_switch(f.w[0], AT(40), 0, S_R, 100);
    pw_switch(f.w[0], AT(45), 100, S_S, 0);
    fix_feed(&f);
    fix_finish(&f, 50);
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 35 }, { 0, IDLE, 0, 0, WAIT, 15 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 15 }, { 0, 1, 0, 0, BLK, 25 },
        { 0, PUNK, 0, 1, 0, 50 });
    assert_int_equal(xb_lsched_implied_wakeups(f.d), 1);
    assert_int_equal(xb_lsched_repaired(f.d), 0);
    assert_int_equal(f.cap.mismatches[0], 0);
    fix_free(&f);
}

static uint64_t get64(const uint8_t *p);
static void put64(uint8_t *p, uint64_t v);

/* Pages after missed events: the gap begins at the CPU's last event and
 * ends at its first after (xenalyze's rule, engine.h): its occupant and
 * every thread not running are unknown from the gap's start until each is
 * next switched in; so is the pCPU until its next switch-in.  Page 2 stores
 * its count (5), page 3 does not and starts with a discarded event (its
 * first record is not an event).  Before this rule, 100 stayed runnable
 * until the first window's end, and 400 (blocked at 70, just before the
 * second gap) blocked to the end.  With kernel_form the flag is written as
 * a 64-bit kernel adds it: the int 1 << 31 sign-extended, the upper half
 * all ones (seen on this project's 6.18 kernel). */
static void missed_events(bool kernel_form)
{
    struct fix f;
    fix_init(&f, 50);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(20), 100, S_R, 0);
    pw_missed(f.w[0], 5);
    pw_switch(f.w[0], AT(60), 0, S_R, 400);
    pw_switch(f.w[0], AT(70), 400, S_S, 0);
    pw_missed(f.w[0], -1);
    pw_discarded(f.w[0], AT(75), 40);
    pw_switch(f.w[0], AT(80), 0, S_R, 100);
    pw_switch(f.w[0], AT(90), 100, S_S, 0);
    assert_int_equal(pw_npages(f.w[0]), 3);
    for (size_t i = 1; kernel_form && i < 3; i++) {
        uint8_t *c = pw_page(f.w[0], i) + pw_commit_offset(f.w[0]);
        assert_true(get64(c) & (1ull << 31));
        put64(c, get64(c) - (1ull << 31) + 0xffffffff80000000ull);
    }
    fix_feed(&f);
    fix_finish(&f, 100);
    EXPECT(&f, 2,
        { 0, IDLE, 0, 0, RUN, 10 }, { 0, IDLE, 0, 0, WAIT, 10 },
        { 0, IDLE, 0, 0, UNK, 30 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 10 }, { 0, 1, 0, 0, UNK, 30 },
        { 0, PUNK, 0, 0, 0, 30 }, { 0, PUNK, 0, 1, 0, 50 },
        { 1, IDLE, 0, 0, UNK, 40 }, { 1, IDLE, 0, 0, RUN, 10 },
        { 1, 1, 0, 0, UNK, 30 }, { 1, 1, 0, 0, RUN, 10 }, { 1, 1, 0, 0, BLK, 10 },
        { 1, HOST, 0, U, UNK, 10 }, { 1, HOST, 0, 0, RUN, 10 },
        { 1, HOST, 0, 0, UNK, 30 },
        { 1, PUNK, 0, 0, 0, 20 }, { 1, PUNK, 0, 1, 0, 50 });
    assert_int_equal(xb_lsched_lost(f.d, 0), 5);
    assert_int_equal(xb_lsched_lost_pages(f.d, 0), 2);
    assert_int_equal(xb_lsched_lost(f.d, 1), 0);
    assert_int_equal(xb_lsched_lost_pages(f.d, 1), 0);
    assert_null(xb_lsched_warning(f.d));
    fix_free(&f);
}

static void missed_events_gap(void **state)
{
    (void)state;
    missed_events(false);
}

static void missed_events_kernel_form(void **state)
{
    (void)state;
    missed_events(true);
}

/* A run cut short (no stop time): after a CPU's last event, what ran there
 * and the CPU are unknown (before, idle kept running to the span's end). */
static void cut_run_cpu_end(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    xb_lsched_set_cut(f.d);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(90), 100, S_S, 0);
    pw_switch(f.w[1], AT(5), 0, S_R, 200);
    pw_switch(f.w[1], AT(40), 200, S_R, 0);
    fix_feed(&f);
    fix_finish(&f, 100);
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 10 }, { 0, IDLE, 0, 0, WAIT, 80 },
        { 0, IDLE, 0, 0, UNK, 10 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 80 }, { 0, 1, 0, 0, BLK, 10 },
        { 0, IDLE, 1, 1, RUN, 5 }, { 0, IDLE, 1, 1, WAIT, 35 },
        { 0, IDLE, 1, 1, UNK, 60 },
        { 0, HOST, 0, U, UNK, 5 }, { 0, HOST, 0, 1, RUN, 35 },
        { 0, HOST, 0, 1, WAIT, 60 },
        { 0, PUNK, 0, 0, 0, 10 }, { 0, PUNK, 0, 1, 0, 60 });
    fix_free(&f);
}

/* sched_process_fork: a child of a domain thread joins the domain (next
 * vCPU; in a QEMU domain an emulator thread), a child of a host thread
 * stays host. */
static void fork_inheritance(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    assert_int_equal(xb_lsched_domain(f.d, 2, true), 0);
    assert_int_equal(xb_lsched_thread(f.d, 150, 2, 0), 0);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_fork(f.w[0], AT(12), 100, 110);
    pw_wakeup_new(f.w[0], AT(13), 110, 0);
    pw_switch(f.w[0], AT(20), 100, S_R, 110);
    pw_switch(f.w[0], AT(30), 110, S_S, 0);
    pw_wakeup(f.w[0], AT(38), 200, 0);
    pw_switch(f.w[0], AT(40), 0, S_R, 200);
    pw_fork(f.w[0], AT(42), 200, 210);
    pw_wakeup_new(f.w[0], AT(43), 210, 0);
    pw_switch(f.w[0], AT(44), 200, S_S, 210);
    pw_switch(f.w[0], AT(48), 210, S_S, 0);
    pw_switch(f.w[1], AT(5), 0, S_R, 150);
    pw_fork(f.w[1], AT(15), 150, 160);
    pw_wakeup_new(f.w[1], AT(16), 160, 1);
    pw_switch(f.w[1], AT(25), 150, S_S, 160);
    pw_switch(f.w[1], AT(35), 160, S_X, 0);
    fix_feed(&f);
    fix_finish(&f, 50);
    EXPECT(&f, 1,
        /* 100 and its child 110: domain 1, vCPU 2 (0 and 1 declared) */
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 10 }, { 0, 1, 0, 0, WAIT, 30 },
        { 0, 1, 2, U, UNK, 13 }, { 0, 1, 2, 0, WAIT, 7 }, { 0, 1, 2, 0, RUN, 10 },
        { 0, 1, 2, 0, BLK, 20 },
        /* 150 and its child 160: QEMU domain 2, the first emulator thread */
        { 0, 2, 0, U, UNK, 5 }, { 0, 2, 0, 1, RUN, 20 }, { 0, 2, 0, 1, BLK, 25 },
        { 0, 2, 1000, U, UNK, 16 }, { 0, 2, 1000, 1, WAIT, 9 },
        { 0, 2, 1000, 1, RUN, 10 }, { 0, 2, 1000, 1, OFF, 15 },
        /* host 200 and its child 210 */
        { 0, HOST, 0, U, UNK, 38 }, { 0, HOST, 0, 0, WAIT, 2 },
        { 0, HOST, 0, 0, RUN, 4 }, { 0, HOST, 0, 0, BLK, 6 },
        { 0, HOST, 1, U, UNK, 43 }, { 0, HOST, 1, 0, WAIT, 1 },
        { 0, HOST, 1, 0, RUN, 4 }, { 0, HOST, 1, 0, BLK, 2 },
        { 0, IDLE, 0, 0, RUN, 22 }, { 0, IDLE, 0, 0, WAIT, 28 },
        { 0, IDLE, 1, 1, RUN, 20 }, { 0, IDLE, 1, 1, WAIT, 30 });
    assert_int_equal(xb_lsched_events(f.d), 16);
    assert_int_equal(f.cap.mismatches[0], 0);
    fix_free(&f);
}

/* Thread ids are reused: 101 (domain 1) exits, and host thread 500 forks a
 * new 101: that one is the host's.  100 (domain 1) exits and shows up again
 * without a traced fork: a new host thread, not domain 1's (before, both
 * ran as domain 1's exited threads). */
static void reused_tids(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    pw_switch(f.w[0], AT(10), 0, S_R, 101);
    pw_switch(f.w[0], AT(20), 101, S_X, 0);
    pw_fork(f.w[0], AT(30), 500, 101);
    pw_wakeup_new(f.w[0], AT(35), 101, 0);
    pw_switch(f.w[0], AT(40), 0, S_R, 101);
    pw_switch(f.w[0], AT(60), 101, S_S, 0);
    pw_switch(f.w[1], AT(5), 0, S_R, 100);
    pw_switch(f.w[1], AT(50), 100, S_X, 0);
    pw_wakeup(f.w[1], AT(70), 100, 1);
    pw_switch(f.w[1], AT(80), 0, S_R, 100);
    pw_switch(f.w[1], AT(90), 100, S_S, 0);
    fix_feed(&f);
    fix_finish(&f, 100);
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 70 }, { 0, IDLE, 0, 0, WAIT, 30 },
        { 0, IDLE, 1, 1, RUN, 45 }, { 0, IDLE, 1, 1, WAIT, 55 },
        { 0, 1, 1, U, UNK, 10 }, { 0, 1, 1, 0, RUN, 10 }, { 0, 1, 1, 0, OFF, 80 },
        { 0, 1, 0, U, UNK, 5 }, { 0, 1, 0, 1, RUN, 45 }, { 0, 1, 0, 1, OFF, 50 },
        { 0, HOST, 0, U, UNK, 35 }, { 0, HOST, 0, 0, WAIT, 5 },
        { 0, HOST, 0, 0, RUN, 20 }, { 0, HOST, 0, 0, BLK, 40 },
        { 0, HOST, 1, U, UNK, 70 }, { 0, HOST, 1, 1, WAIT, 10 },
        { 0, HOST, 1, 1, RUN, 10 }, { 0, HOST, 1, 1, BLK, 10 });
    assert_int_equal(xb_lsched_repairs(f.d)->reused_tids, 2);
    assert_int_equal(f.cap.mismatches[0], 0);
    fix_free(&f);
}

/* Events of both CPUs, several pages each, are merged by time: the
 * wake-ups on CPU 1 (30, 70 ms) land before 100's switch-ins on CPU 0
 * (40, 80 ms), so no wake-up is implied. */
static void cross_cpu_merge(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 50);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(20), 100, S_S, 0);
    pw_break(f.w[0]);
    pw_switch(f.w[0], AT(40), 0, S_R, 100);
    pw_switch(f.w[0], AT(50), 100, S_S, 0);
    pw_break(f.w[0]);
    pw_switch(f.w[0], AT(80), 0, S_R, 100);
    pw_switch(f.w[0], AT(95), 100, S_R, 0);
    pw_switch(f.w[1], AT(5), 0, S_R, 200);
    pw_wakeup(f.w[1], AT(30), 100, 0);
    pw_break(f.w[1]);
    pw_switch(f.w[1], AT(45), 200, S_S, 0);
    pw_wakeup(f.w[1], AT(70), 100, 0);
    pw_wakeup(f.w[1], AT(75), 200, 1);
    pw_break(f.w[1]);
    pw_switch(f.w[1], AT(90), 0, S_R, 200);
    assert_int_equal(pw_npages(f.w[0]), 3);
    assert_int_equal(pw_npages(f.w[1]), 3);
    fix_feed(&f);
    fix_finish(&f, 100);
    EXPECT(&f, 2,
        { 0, IDLE, 0, 0, RUN, 30 }, { 0, IDLE, 0, 0, WAIT, 20 },
        { 0, IDLE, 1, 1, RUN, 10 }, { 0, IDLE, 1, 1, WAIT, 40 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 20 }, { 0, 1, 0, 0, BLK, 10 },
        { 0, 1, 0, 0, WAIT, 10 },
        { 0, HOST, 0, U, UNK, 5 }, { 0, HOST, 0, 1, RUN, 40 },
        { 0, HOST, 0, 1, BLK, 5 },
        { 1, IDLE, 0, 0, RUN, 35 }, { 1, IDLE, 0, 0, WAIT, 15 },
        { 1, IDLE, 1, 1, RUN, 40 }, { 1, IDLE, 1, 1, WAIT, 10 },
        { 1, 1, 0, 0, BLK, 20 }, { 1, 1, 0, 0, WAIT, 15 }, { 1, 1, 0, 0, RUN, 15 },
        { 1, HOST, 0, 1, BLK, 25 }, { 1, HOST, 0, 1, WAIT, 15 },
        { 1, HOST, 0, 1, RUN, 10 });
    assert_int_equal(xb_lsched_events(f.d), 12);
    assert_int_equal(xb_lsched_implied_wakeups(f.d), 0);
    assert_int_equal(xb_lsched_repaired(f.d), 0);
    fix_free(&f);
}

/* Deltas over 2^27 ns need time-extend records; the long record form
 * (type_len 0) reads the same; draining in steps (as top does) gives the
 * same figures as draining at once. */
static void time_extend_long_form(void **state)
{
    (void)state;
    for (int pass = 0; pass < 2; pass++) {
        struct fix f;
        fix_init(&f, 500);
        pw_set_long_form(f.w[0], pass == 1);
        pw_switch(f.w[0], AT(100), 0, S_R, 100);
        pw_switch(f.w[0], AT(400), 100, S_S, 0);
        pw_other(f.w[0], AT(450), 9999, 24);       /* an event not decoded */
        pw_wakeup(f.w[0], AT(700), 100, 0);
        pw_switch(f.w[0], AT(1000), 0, S_R, 100);
        pw_discarded(f.w[0], AT(1200), 60);
        pw_switch(f.w[0], AT(1500), 100, S_R, 0);
        assert_int_equal(pw_npages(f.w[0]), 1);
        fix_feed(&f);
        struct xb_err err = { 0 };
        for (uint64_t t = 0; t <= 2000; t += 250)
            assert_int_equal(xb_lsched_drain(f.d, f.e, AT(t), &err), 0);
        fix_finish(&f, 2000);
        EXPECT(&f, 4,
            { 0, IDLE, 0, 0, RUN, 200 }, { 0, IDLE, 0, 0, WAIT, 300 },
            { 0, 1, 0, U, UNK, 100 }, { 0, 1, 0, 0, RUN, 300 }, { 0, 1, 0, 0, BLK, 100 },
            { 0, PUNK, 0, 1, 0, 500 },
            { 1, IDLE, 0, 0, RUN, 500 },
            { 1, 1, 0, 0, BLK, 200 }, { 1, 1, 0, 0, WAIT, 300 },
            { 1, PUNK, 0, 1, 0, 500 },
            { 2, IDLE, 0, 0, WAIT, 500 }, { 2, 1, 0, 0, RUN, 500 },
            { 2, PUNK, 0, 1, 0, 500 },
            { 3, IDLE, 0, 0, RUN, 500 }, { 3, 1, 0, 0, WAIT, 500 },
            { 3, PUNK, 0, 1, 0, 500 });
        assert_int_equal(xb_lsched_events(f.d), 6);
        fix_free(&f);
    }
}

static char *tmp_path(char *buf, size_t n, const char *name)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, n, "%s/xb-lsched-%d-%s", dir && *dir ? dir : "/tmp",
             (int)getpid(), name);
    return buf;
}

/* Write CPU cpu's pages (plus `extra` bytes: a partial page) to a
 * temporary cpuN.raw, path in path, and give it to the decoder. */
static void write_and_map(struct fix *f, unsigned cpu, size_t extra, char *path,
                          size_t len)
{
    char name[16];
    snprintf(name, sizeof name, "cpu%u.raw", cpu);
    tmp_path(path, len, name);
    assert_int_equal(pw_write(f->w[cpu], path, extra), 0);
    struct xb_err err = { 0 };
    assert_int_equal(xb_lsched_map_file(f->d, cpu, path, &err), 0);
}

/* A mapped cpuN.raw whose last page is cut short: a warning, the whole
 * pages decoded (the preemption case of preempted_waits over 2 pages). */
static void partial_trailing_page(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 50);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(20), 100, S_R, 200);
    pw_break(f.w[0]);
    pw_switch(f.w[0], AT(35), 200, S_RPLUS, 100);
    pw_switch(f.w[0], AT(45), 100, S_S, 0);
    char p0[512], p1[512], want[700];
    tmp_path(p0, sizeof p0, "cpu0.raw");
    tmp_path(p1, sizeof p1, "cpu1.raw");
    assert_int_equal(pw_write(f.w[0], p0, 100), 0);
    assert_int_equal(pw_write(f.w[1], p1, 0), 0);       /* empty */
    struct xb_err err = { 0 };
    assert_int_equal(xb_lsched_map_file(f.d, 0, p0, &err), 0);
    assert_int_equal(xb_lsched_map_file(f.d, 1, p1, &err), 0);
    snprintf(want, sizeof want, "%s: 100 bytes at the end are not a whole "
             "4096-byte page (recording cut short?): ignored", p0);
    assert_non_null(xb_lsched_warning(f.d));
    assert_string_equal(xb_lsched_warning(f.d), want);
    fix_finish(&f, 50);
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 15 }, { 0, IDLE, 0, 0, WAIT, 35 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 20 }, { 0, 1, 0, 0, WAIT, 15 },
        { 0, 1, 0, 0, BLK, 5 },
        { 0, HOST, 0, U, UNK, 20 }, { 0, HOST, 0, 0, RUN, 15 },
        { 0, HOST, 0, 0, WAIT, 15 },
        { 0, PUNK, 0, 1, 0, 50 });
    fix_free(&f);
    unlink(p0);
    unlink(p1);
}

/* ---- damage ---- */

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* A page of cpu1.raw at offset 8192 claims 5000 bytes: skipped with a
 * warning naming file and offset; the CPU's time from its last event
 * before it to its first after it is a gap. */
static void damaged_page_in_file(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    pw_switch(f.w[0], AT(10), 0, S_R, 100);
    pw_switch(f.w[0], AT(20), 100, S_S, 0);
    pw_break(f.w[0]);
    pw_wakeup(f.w[0], AT(30), 100, 0);
    pw_switch(f.w[0], AT(40), 0, S_R, 100);
    pw_break(f.w[0]);
    pw_switch(f.w[0], AT(60), 100, S_S, 0);
    pw_break(f.w[0]);
    pw_switch(f.w[0], AT(80), 0, S_R, 100);
    assert_int_equal(pw_npages(f.w[0]), 4);
    put64(pw_page(f.w[0], 2) + pw_commit_offset(f.w[0]), 5000);
    char p0[512], want[700];
    write_and_map(&f, 0, 0, p0, sizeof p0);
    assert_null(xb_lsched_warning(f.d));     /* pages are read as decoded */
    fix_finish(&f, 100);
    snprintf(want, sizeof want, "%s: page at offset 8192: commit length 5000 "
             "exceeds the page: skipped", p0);
    assert_non_null(xb_lsched_warning(f.d));
    assert_string_equal(xb_lsched_warning(f.d), want);
    /* idle, runnable when the gap began, is unknown until it runs again
     * (it never does) */
    EXPECT(&f, 1,
        { 0, IDLE, 0, 0, RUN, 30 }, { 0, IDLE, 0, 0, WAIT, 10 },
        { 0, IDLE, 0, 0, UNK, 60 },
        { 0, 1, 0, U, UNK, 10 }, { 0, 1, 0, 0, RUN, 30 }, { 0, 1, 0, 0, BLK, 10 },
        { 0, 1, 0, 0, WAIT, 10 }, { 0, 1, 0, 0, UNK, 40 },
        { 0, PUNK, 0, 0, 0, 40 }, { 0, PUNK, 0, 1, 0, 100 });
    assert_int_equal(xb_lsched_events(f.d), 5);   /* 60 ms one skipped */
    assert_int_equal(xb_lsched_lost_pages(f.d, 0), 0);
    fix_free(&f);
    unlink(p0);
}

/* One live page (add_page) damaged in the way `damage` says; returns the
 * warning's reason (after "page at offset 4096: "). */
static void live_damage(void (*damage)(struct pw *w, uint8_t *pg), const char *reason)
{
    struct fix f;
    fix_init(&f, 0);
    pw_switch(f.w[1], AT(10), 0, S_R, 100);
    pw_break(f.w[1]);
    damage(f.w[1], NULL);                  /* writes page 2 */
    pw_break(f.w[1]);
    pw_switch(f.w[1], AT(90), 100, S_S, 0);
    assert_int_equal(pw_npages(f.w[1]), 3);
    damage(f.w[1], pw_page(f.w[1], 1));
    fix_feed(&f);
    char want[512];
    snprintf(want, sizeof want, "cpu1 (live): page at offset 4096: %s: skipped",
             reason);
    assert_non_null(xb_lsched_warning(f.d));
    assert_string_equal(xb_lsched_warning(f.d), want);
    fix_finish(&f, 100);
    assert_int_equal(f.cap.bad, 0);
    assert_int_equal(xb_lsched_events(f.d), 2);
    fix_free(&f);
}

static void dmg_past_commit(struct pw *w, uint8_t *pg)
{
    if (!pg) {
        pw_wakeup(w, AT(30), 100, 1);
        pw_switch(w, AT(40), 0, S_R, 100);
        return;
    }
    uint8_t *c = pg + pw_commit_offset(w);
    put64(c, get64(c) - 8);                /* cuts the switch record */
}

static void dmg_long_len(struct pw *w, uint8_t *pg)
{
    if (!pg) {
        pw_set_long_form(w, true);
        pw_switch(w, AT(40), 0, S_R, 100);
        pw_set_long_form(w, false);
        return;
    }
    put32(pg + pw_data_offset(w) + 4, 2);  /* length word below 4 */
}

static void dmg_huge_long_len(struct pw *w, uint8_t *pg)
{
    if (!pg) {
        pw_set_long_form(w, true);
        pw_switch(w, AT(40), 0, S_R, 100);
        pw_set_long_form(w, false);
        return;
    }
    put32(pg + pw_data_offset(w) + 4, 0x7fffff00u);
}

static void dmg_padding(struct pw *w, uint8_t *pg)
{
    if (!pg) {
        pw_discarded(w, AT(30), 8);
        pw_switch(w, AT(40), 0, S_R, 100);
        return;
    }
    put32(pg + pw_data_offset(w) + 4, 0xffffffffu);   /* -1 for kbuffer */
}

static void dmg_short_switch(struct pw *w, uint8_t *pg)
{
    if (!pg) {
        pw_switch(w, AT(40), 0, S_R, 100);
        return;
    }
    /* type_len 4: 16 data bytes, and the commit ends there */
    uint8_t *h = pg + pw_data_offset(w);
    uint32_t word;
    memcpy(&word, h, 4);
    put32(h, (word & ~31u) | 4u);
    put64(pg + pw_commit_offset(w), 20);
}

static void dmg_header_at_end(struct pw *w, uint8_t *pg)
{
    if (!pg) {
        pw_switch(w, AT(40), 0, S_R, 100);
        return;
    }
    /* the commit ends 2 bytes into a second record's header */
    uint8_t *c = pg + pw_commit_offset(w);
    put64(c, get64(c) + 2);
}

static void dmg_missed_no_room(struct pw *w, uint8_t *pg)
{
    if (!pg) {
        pw_switch(w, AT(40), 0, S_R, 100);
        return;
    }
    put64(pg + pw_commit_offset(w),
          (uint64_t)(PAGE - pw_data_offset(w) - 4) | 3ull << 30);
}

static void live_damaged_pages(void **state)
{
    (void)state;
    live_damage(dmg_past_commit, "record at byte 40 runs past the commit length 100");
    live_damage(dmg_long_len, "record at byte 0 has length 2");
    live_damage(dmg_huge_long_len, "record at byte 0 runs past the commit length 72");
    live_damage(dmg_padding, "padding at byte 0 has length 4294967295");
    live_damage(dmg_short_switch,
                "record at byte 0 holds 16 bytes, too few for sched_switch (60)");
    live_damage(dmg_header_at_end, "record at byte 68 runs past the commit length 70");
    live_damage(dmg_missed_no_room,
                "commit length 4076 leaves no room for the missed-events count");
}

/* Two damaged pages: the count and the first; the partial-page warning
 * comes first. */
static void several_damaged_pages(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    pw_switch(f.w[1], AT(10), 0, S_R, 100);
    pw_break(f.w[1]);
    pw_switch(f.w[1], AT(20), 100, S_R, 0);
    pw_break(f.w[1]);
    pw_switch(f.w[1], AT(30), 0, S_R, 100);
    put64(pw_page(f.w[1], 0) + pw_commit_offset(f.w[1]), 1u << 29);
    put64(pw_page(f.w[1], 2) + pw_commit_offset(f.w[1]), 4081);
    char p1[512], want[1400];
    write_and_map(&f, 1, 7, p1, sizeof p1);
    /* the partial page is known at once, the damaged ones as decoded */
    snprintf(want, sizeof want, "%s: 7 bytes at the end are not a whole 4096-byte "
             "page (recording cut short?): ignored", p1);
    assert_non_null(xb_lsched_warning(f.d));
    assert_string_equal(xb_lsched_warning(f.d), want);
    fix_finish(&f, 50);
    snprintf(want, sizeof want, "%s: 7 bytes at the end are not a whole 4096-byte "
             "page (recording cut short?): ignored; 2 damaged pages skipped, the "
             "first: %s: page at offset 0: commit length 536870912 exceeds the page",
             p1, p1);
    assert_non_null(xb_lsched_warning(f.d));
    assert_string_equal(xb_lsched_warning(f.d), want);
    assert_int_equal(xb_lsched_events(f.d), 1);
    assert_int_equal(f.cap.bad, 0);
    fix_free(&f);
    unlink(p1);
}

/* --strict: the first damaged page of a file stops the decoding with an
 * error naming the file and the page's offset. */
static void damaged_page_strict(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    xb_lsched_set_strict(f.d, true);
    pw_switch(f.w[1], AT(10), 0, S_R, 100);
    pw_break(f.w[1]);
    pw_switch(f.w[1], AT(20), 100, S_R, 0);
    put64(pw_page(f.w[1], 1) + pw_commit_offset(f.w[1]), 4081);
    char p1[512], want[700];
    write_and_map(&f, 1, 0, p1, sizeof p1);
    struct xb_err err = { 0 };
    assert_int_equal(xb_lsched_drain(f.d, f.e, UINT64_MAX, &err), -XB_EINPUT);
    snprintf(want, sizeof want, "%s: page at offset 4096: commit length 4081 "
             "exceeds the page (--strict)", p1);
    assert_string_equal(err.msg, want);
    fix_free(&f);
    unlink(p1);
}

/* Calls out of range are refused, not followed. */
static void bad_arguments(void **state)
{
    (void)state;
    struct fix f;
    fix_init(&f, 0);
    uint8_t page[PAGE + 1] = { 0 };
    assert_int_equal(xb_lsched_add_page(f.d, 2, page, PAGE), -EINVAL);
    assert_int_equal(xb_lsched_add_page(f.d, 0, page, PAGE + 1), -EINVAL);
    assert_int_equal(xb_lsched_add_page(f.d, 0, page, 0), 0);   /* empty page */
    struct xb_err err = { 0 };
    assert_int_equal(xb_lsched_map_file(f.d, 2, "cpu2.raw", &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "cpu2.raw"));
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_lsched_map_file(f.d, 0, "/nonexistent/cpu0.raw", &err),
                     -XB_EINPUT);
    assert_non_null(strstr(err.msg, "/nonexistent/cpu0.raw"));
    fix_finish(&f, 10);
    assert_int_equal(xb_lsched_events(f.d), 0);
    fix_free(&f);
}

/* ---- broken format directories ---- */

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        assert_int_equal(fwrite(buf, 1, n, b), n);
    fclose(a);
    assert_int_equal(fclose(b), 0);
}

static const char *const fmt_files[] = {
    "header_page", "sched-sched_switch.format", "sched-sched_wakeup.format",
    "sched-sched_wakeup_new.format", "sched-sched_process_fork.format",
};

/* A copy of the formats with file `name` replaced by `text` (NULL:
 * removed; len 0: strlen); xb_lsched_new must fail with a message holding
 * the file's name and `why`. */
static void broken_format(const char *name, const char *text, size_t len,
                          size_t page, const char *why)
{
    char dir[512], from[1024], to[1024];
    tmp_path(dir, sizeof dir, "formats");
    assert_int_equal(mkdir(dir, 0700), 0);
    for (size_t i = 0; i < sizeof fmt_files / sizeof fmt_files[0]; i++) {
        snprintf(from, sizeof from, "%s/%s", XB_LINUX_FORMATS, fmt_files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, fmt_files[i]);
        if (strcmp(fmt_files[i], name) != 0) {
            copy_file(from, to);
        } else if (text) {
            FILE *f = fopen(to, "wb");
            assert_non_null(f);
            size_t n = len ? len : strlen(text);
            assert_int_equal(fwrite(text, 1, n, f), n);
            fclose(f);
        }
    }
    struct xb_lsched *d = (struct xb_lsched *)&d;
    struct xb_err err = { 0 };
    int rc = xb_lsched_new(&d, dir, 2, page, T0, &err);
    if (rc != -XB_EINPUT || !strstr(err.msg, name) || !strstr(err.msg, why))
        fprintf(stderr, "%s: rc %d, message: %s\n", name, rc, err.msg);
    assert_int_equal(rc, -XB_EINPUT);
    assert_null(d);
    assert_non_null(strstr(err.msg, name));
    assert_non_null(strstr(err.msg, why));
    for (size_t i = 0; i < sizeof fmt_files / sizeof fmt_files[0]; i++) {
        snprintf(to, sizeof to, "%s/%s", dir, fmt_files[i]);
        unlink(to);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* The real file with the first occurrence of `from` replaced by `to`. */
static char *edited(const char *name, const char *from, const char *to)
{
    static char out[8192];
    char path[1024], in[8192];
    snprintf(path, sizeof path, "%s/%s", XB_LINUX_FORMATS, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(in, 1, sizeof in - 1, f);
    fclose(f);
    in[n] = 0;
    char *p = strstr(in, from);
    assert_non_null(p);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(p - in), in, to, p + strlen(from));
    return out;
}

static void broken_formats(void **state)
{
    (void)state;
    const char *sw = "sched-sched_switch.format";
    broken_format("header_page", NULL, 0, PAGE, "No such file");
    broken_format("header_page", "garbage\n", 0, PAGE, "line 1: not a format line");
    broken_format("header_page", edited("header_page", "commit;\toffset:8;", "commit;\toffset:0;"),
                  0, PAGE, "not the page layout read here");
    broken_format("header_page", edited("header_page", "offset:16;", "offset:1000;"),
                  0, PAGE, "field 'data' (offset 1000, size 4080) does not fit a page");
    broken_format("header_page", edited("header_page", "data", "data"), 0, 8,
                  "page size 8 is too small");
    broken_format(sw, NULL, 0, PAGE, "No such file");
    broken_format(sw, "", 0, PAGE, "no name");
    broken_format(sw, "\x7f" "ELF\0\1\2", 7, PAGE, "binary data");
    /* cut inside a field line: libtraceevent's parser would crash */
    broken_format(sw, edited(sw, "prev_comm[16];", "prev_comm["), 0, PAGE,
                  "line 9: not a format line");
    /* the print format names a field the list lacks: it would crash too */
    broken_format(sw, edited(sw, "long prev_state;", "long prev_stat;"), 0, PAGE,
                  "no field 'prev_state'");
    broken_format(sw, edited(sw, "offset:24;", "offset:5000;"), 0, PAGE,
                  "line 10: field 'prev_pid' (offset 5000, size 4) does not fit a page");
    broken_format(sw, edited(sw, "offset:24;", "offset:-8;"), 0, PAGE,
                  "field 'prev_pid' (offset -8, size 4)");
    broken_format(sw, edited(sw, "offset:32;\tsize:8;", "offset:32;\tsize:3;"), 0,
                  PAGE, "field 'prev_state' has 3 bytes, not a number");
    broken_format(sw, edited(sw, "common_type;", "common_kind;"), 0, PAGE,
                  "no field 'common_type'");
    broken_format(sw, edited(sw, "ID: 372", "ID: x"), 0, PAGE, "line 2: bad ID");
    broken_format(sw, edited("sched-sched_wakeup.format", "name", "name"), 0, PAGE,
                  "line 1: not the sched_switch format");
    broken_format("sched-sched_wakeup.format",
                  edited("sched-sched_wakeup.format", "ID: 374", "ID: 372"), 0, PAGE,
                  "ID 372 is also sched_switch's");
    broken_format("sched-sched_process_fork.format",
                  edited("sched-sched_process_fork.format", "child_pid;", "child;"),
                  0, PAGE, "no field 'child_pid'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_wake_run),
        cmocka_unit_test(preempted_waits),
        cmocka_unit_test(exit_offline),
        cmocka_unit_test(repair_untraced_switch),
        cmocka_unit_test(repair_sparse_trace),
        cmocka_unit_test(repair_previous_occupant),
        cmocka_unit_test(implied_wakeup),
        cmocka_unit_test(missed_events_gap),
        cmocka_unit_test(missed_events_kernel_form),
        cmocka_unit_test(cut_run_cpu_end),
        cmocka_unit_test(fork_inheritance),
        cmocka_unit_test(reused_tids),
        cmocka_unit_test(cross_cpu_merge),
        cmocka_unit_test(time_extend_long_form),
        cmocka_unit_test(partial_trailing_page),
        cmocka_unit_test(damaged_page_in_file),
        cmocka_unit_test(live_damaged_pages),
        cmocka_unit_test(several_damaged_pages),
        cmocka_unit_test(damaged_page_strict),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(broken_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
