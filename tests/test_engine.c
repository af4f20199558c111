/* test_engine.c: charging rules and conservation of the accounting engine
 * (src/account/engine.c), on hand-made timelines with exact nanoseconds.
 * Times are written in ms (MS); every window is checked for conservation;
 * and a timeline with every kind of event is run with several --interval
 * values, whose windows must add up cell by cell to the one-window run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "account/engine.h"
#include "check_window.h"

#define MS 1000000ull
#define R XB_RUNNING
#define Q XB_RUNNABLE
#define B XB_BLOCKED
#define O XB_OFFLINE
#define U XB_UNKNOWN
#define IDLE XB_IDLE_DOMID
#define NCOL 5                          /* up to 4 pCPUs + unplaced */

/* Every cell of every window: (window, domain, instance, vCPU, column). */
struct cell {
    unsigned win;
    uint32_t dom, inst, vcpu;
    unsigned col;
    struct xb_acc a;
};

struct seen {
    unsigned nwin, npcpu;
    uint64_t start[512], len[512], punk[512][4], mism[512];
    struct cell *c;
    size_t n, cap;
};

static int capture(const struct xb_window *w, void *ctx)
{
    struct seen *s = ctx;
    assert_int_equal(xb_check_conservation(w), 0);
    assert_true(s->nwin < 512);
    assert_int_equal(w->index, s->nwin);
    s->npcpu = w->npcpu;
    s->start[s->nwin] = w->t_start_ns;
    s->len[s->nwin] = w->t_end_ns - w->t_start_ns;
    s->mism[s->nwin] = w->mismatches;
    for (unsigned p = 0; p < w->npcpu; p++)
        s->punk[s->nwin][p] = w->pcpu_unknown_ns[p];
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        for (uint32_t k = 0; k < d->nvcpu; k++) {
            for (unsigned p = 0; p <= w->npcpu; p++) {
                if (s->n == s->cap) {
                    s->cap = s->cap ? 2 * s->cap : 256;
                    s->c = realloc(s->c, s->cap * sizeof *s->c);
                    assert_non_null(s->c);
                }
                s->c[s->n++] = (struct cell){ s->nwin, d->domid, d->instance,
                                              d->vcpus[k].vcpu, p,
                                              d->vcpus[k].pcpu[p] };
            }
        }
    }
    s->nwin++;
    return 0;
}

static const struct xb_acc *acc_i(struct seen *s, unsigned win, uint32_t dom,
                                  uint32_t inst, uint32_t vcpu, unsigned col)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->c[i].win == win && s->c[i].dom == dom && s->c[i].inst == inst &&
            s->c[i].vcpu == vcpu && s->c[i].col == col)
            return &s->c[i].a;
    fail_msg("d%u#%uv%u col %u not in window %u", dom, inst, vcpu, col, win);
    return NULL;
}

static const struct xb_acc *acc(struct seen *s, unsigned win, uint32_t dom,
                                uint32_t vcpu, unsigned col)
{
    return acc_i(s, win, dom, 0, vcpu, col);
}

static bool listed(struct seen *s, unsigned win, uint32_t dom, uint32_t inst)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->c[i].win == win && s->c[i].dom == dom && s->c[i].inst == inst)
            return true;
    return false;
}

#define TR(t, p, d, v, o, n) xb_engine_transition(e, (t) * MS, p, d, v, o, n, -1)

/* One pCPU: idle and d1v0 take turns; the switch-out is dated at the next
 * switch-in, so the pCPU has no holes. */
static void switch_dating(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 0, capture, &s);
    TR(0, 0, IDLE, 0, Q, R);
    TR(100, 0, 1, 0, B, Q);      /* wake */
    TR(200, 0, IDLE, 0, R, Q);   /* idle out ... */
    TR(210, 0, 1, 0, Q, R);      /* ... d1 in */
    TR(700, 0, 1, 0, R, B);      /* d1 blocks ... */
    TR(705, 0, IDLE, 0, Q, R);   /* ... idle in */
    xb_engine_finish(e, 1000 * MS);
    xb_engine_free(e);

    assert_int_equal(s.nwin, 1);
    const struct xb_acc *d1 = acc(&s, 0, 1, 0, 0);
    assert_int_equal(d1->ns[R], (705 - 210) * MS);
    assert_int_equal(d1->ns[Q], (210 - 100) * MS);      /* waited on pCPU 0 */
    assert_int_equal(d1->ns[B], (1000 - 705) * MS);
    assert_int_equal(d1->execs, 1);
    /* before its first record: unknown, and on no pCPU */
    assert_int_equal(acc(&s, 0, 1, 0, 1)->ns[U], 100 * MS);
    const struct xb_acc *idle = acc(&s, 0, IDLE, 0, 0);
    assert_int_equal(idle->ns[R], (210 + (1000 - 705)) * MS);
    assert_int_equal(idle->ns[Q], (705 - 210) * MS);
    assert_int_equal(idle->execs, 2);
    assert_int_equal(s.punk[0][0], 0);
    free(s.c);
}

/* A wait is charged to the pCPU where it ends by running, in every window
 * it covers: a wait across a window edge is not split between pCPUs (it
 * was, before windows were held back: the part before the edge went to the
 * pCPU it last ran on). */
static void wait_across_window_edge(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(2, 100 * MS, capture, &s);
    TR(0, 0, IDLE, 0, Q, R);
    TR(0, 1, 2, 0, Q, R);
    TR(150, 1, 2, 0, R, Q);      /* preempted on pCPU 1 ... */
    TR(150, 1, IDLE, 1, Q, R);
    TR(260, 0, IDLE, 0, R, Q);   /* ... runs on pCPU 0 */
    TR(260, 0, 2, 0, Q, R);
    xb_engine_finish(e, 280 * MS);
    xb_engine_free(e);

    assert_int_equal(s.nwin, 3);
    assert_int_equal(s.len[2], 80 * MS);
    assert_int_equal(acc(&s, 0, 2, 0, 1)->ns[R], 100 * MS);
    assert_int_equal(acc(&s, 1, 2, 0, 1)->ns[R], 50 * MS);
    assert_int_equal(acc(&s, 1, 2, 0, 0)->ns[Q], 50 * MS);
    assert_int_equal(acc(&s, 1, 2, 0, 1)->ns[Q], 0);
    assert_int_equal(acc(&s, 2, 2, 0, 0)->ns[Q], 60 * MS);
    assert_int_equal(acc(&s, 2, 2, 0, 0)->ns[R], 20 * MS);
    assert_int_equal(s.punk[0][1], 0);
    free(s.c);
}

/* A wait longer than the settling step: the part settled before it ends
 * goes to its queue or last pCPU, the same with any interval. */
static void long_wait_settled(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(2, 0, capture, &s);
    TR(0, 0, IDLE, 0, Q, R);
    TR(0, 1, 2, 0, Q, R);
    TR(1500, 1, 2, 0, R, Q);
    TR(1500, 1, IDLE, 1, Q, R);
    TR(2600, 0, IDLE, 0, R, Q);  /* settles up to 2000 ms first */
    TR(2600, 0, 2, 0, Q, R);
    xb_engine_finish(e, 2800 * MS);
    xb_engine_free(e);
    assert_int_equal(acc(&s, 0, 2, 0, 1)->ns[Q], 500 * MS);
    assert_int_equal(acc(&s, 0, 2, 0, 0)->ns[Q], 600 * MS);
    free(s.c);
}

/* A record whose old state contradicts the tracked one: the time since the
 * last state change is unknown, in every window it covers (before windows
 * were held back, the earlier windows kept it blocked). */
static void contradiction_is_unknown(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 100 * MS, capture, &s);
    TR(0, 0, 3, 0, Q, R);
    TR(50, 0, 3, 0, R, B);
    TR(50, 0, IDLE, 0, Q, R);
    /* says runnable -> running, but it was blocked: the wake was lost */
    TR(250, 0, IDLE, 0, R, Q);
    TR(250, 0, 3, 0, Q, R);
    xb_engine_finish(e, 300 * MS);
    xb_engine_free(e);

    assert_int_equal(s.nwin, 3);
    assert_int_equal(acc(&s, 0, 3, 0, 0)->ns[R], 50 * MS);
    assert_int_equal(acc(&s, 0, 3, 0, 0)->ns[U], 50 * MS);
    assert_int_equal(acc(&s, 0, 3, 0, 0)->ns[B], 0);
    assert_int_equal(acc(&s, 1, 3, 0, 0)->ns[U], 100 * MS);
    assert_int_equal(acc(&s, 1, 3, 0, 0)->ns[B], 0);
    assert_int_equal(acc(&s, 2, 3, 0, 0)->ns[U], 50 * MS);
    assert_int_equal(acc(&s, 2, 3, 0, 0)->ns[R], 50 * MS);
    assert_int_equal(s.mism[0] + s.mism[1], 0);
    assert_int_equal(s.mism[2], 1);
    free(s.c);
}

/* ... but no further back than settled time (1 to 2 settling steps). */
static void contradiction_look_back_bounded(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 0, capture, &s);
    TR(0, 0, 3, 0, Q, R);
    TR(0, 0, 3, 0, R, B);
    TR(0, 0, IDLE, 0, Q, R);
    TR(3000, 0, IDLE, 0, R, Q);  /* settled to 2500 ms */
    TR(3000, 0, 3, 0, Q, R);
    xb_engine_finish(e, 3100 * MS);
    xb_engine_free(e);
    assert_int_equal(acc(&s, 0, 3, 0, 0)->ns[B], 2500 * MS);
    assert_int_equal(acc(&s, 0, 3, 0, 0)->ns[U], 500 * MS);
    assert_int_equal(acc(&s, 0, 3, 0, 0)->ns[R], 100 * MS);
    assert_int_equal(s.mism[0], 1);
    free(s.c);
}

/* Lost records on pCPU 0 from 300 to 400 ms, xenalyze's rule: its occupant
 * and every vCPU not running become unknown at the gap's start until each
 * is next switched in; a vCPU that stops running inside the gap too.  Before
 * this rule, d2v0 (woken at 250 onto pCPU 0's queue, last ran on pCPU 1)
 * stayed runnable through the gap, and d4v0 (blocked, last ran on pCPU 1)
 * blocked. */
static void lost_records_rule(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(2, 0, capture, &s);
    TR(0, 0, 1, 0, Q, R);
    TR(0, 1, 2, 0, Q, R);
    TR(100, 1, 2, 0, R, B);
    TR(100, 1, 4, 0, Q, R);
    TR(150, 1, 4, 0, R, B);
    TR(150, 1, 3, 0, Q, R);
    TR(250, 1, 2, 0, B, Q);                  /* woken, queued */
    xb_engine_lost_begin(e, 300 * MS, 0);
    TR(350, 1, 3, 0, R, Q);                  /* stops running in the gap */
    TR(350, 1, IDLE, 1, Q, R);
    TR(380, 1, 2, 0, B, Q);                  /* a lost vCPU's other records */
    xb_engine_lost_end(e, 400 * MS, 0, 1, 0); /* d1v0 runs on pCPU 0 */
    TR(500, 1, IDLE, 1, R, Q);
    TR(500, 1, 2, 0, Q, R);                  /* seen again: known again */
    TR(600, 0, 1, 0, R, B);                  /* after the gap: known */
    TR(600, 0, 3, 0, Q, R);
    xb_engine_finish(e, 700 * MS);
    const struct xb_engine_stats *st = xb_engine_stats(e);
    assert_int_equal(st->lost_gaps, 1);
    assert_int_equal(st->contradictions, 0);
    assert_int_equal(st->unknown_ns[XB_UNK_LOST],
                     (100 + 200 + 250 + 400) * MS);
    assert_int_equal(st->pcpu_lost_ns, 100 * MS);
    xb_engine_free(e);

    /* the occupant of pCPU 0: unknown from the gap's start to the end */
    assert_int_equal(acc(&s, 0, 1, 0, 0)->ns[R], (300 + 200) * MS);
    assert_int_equal(acc(&s, 0, 1, 0, 0)->ns[U], 100 * MS);
    assert_int_equal(acc(&s, 0, 1, 0, 0)->ns[B], 100 * MS);
    /* woken before the gap: unknown from it until switched in at 500 */
    assert_int_equal(acc(&s, 0, 2, 0, 1)->ns[Q], 50 * MS);
    assert_int_equal(acc(&s, 0, 2, 0, 1)->ns[U], 200 * MS);
    assert_int_equal(acc(&s, 0, 2, 0, 1)->ns[R], (100 + 200) * MS);
    /* running elsewhere: known until it stops inside the gap, then
     * unknown until switched in again (600) */
    assert_int_equal(acc(&s, 0, 3, 0, 1)->ns[R], 200 * MS);
    assert_int_equal(acc(&s, 0, 3, 0, 1)->ns[U], 250 * MS);
    assert_int_equal(acc(&s, 0, 3, 0, 0)->ns[R], 100 * MS);
    /* blocked on pCPU 1 all along, never seen again: unknown to the end */
    assert_int_equal(acc(&s, 0, 4, 0, 1)->ns[B], 150 * MS);
    assert_int_equal(acc(&s, 0, 4, 0, 1)->ns[U], 400 * MS);
    assert_int_equal(s.punk[0][0], 100 * MS);
    assert_int_equal(s.punk[0][1], 0);
    free(s.c);
}

/* A pCPU whose records end before the recording: what ran there and the
 * pCPU are unknown from its last record (before, it kept running to the
 * end: time the trace never showed). */
static void pcpu_records_end(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(2, 0, capture, &s);
    TR(0, 0, IDLE, 0, Q, R);
    TR(0, 1, 1, 0, Q, R);
    TR(100, 1, 1, 0, R, Q);
    TR(100, 1, 1, 0, Q, R);
    xb_engine_pcpu_end(e, 1, 600 * MS);
    xb_engine_pcpu_end(e, 0, 1000 * MS);
    xb_engine_finish(e, 1000 * MS);
    assert_int_equal(xb_engine_stats(e)->unknown_ns[XB_UNK_CPU_END], 400 * MS);
    xb_engine_free(e);
    assert_int_equal(acc(&s, 0, 1, 0, 1)->ns[R], 600 * MS);
    assert_int_equal(acc(&s, 0, 1, 0, 1)->ns[U], 400 * MS);
    assert_int_equal(s.punk[0][1], 400 * MS);
    assert_int_equal(acc(&s, 0, IDLE, 0, 0)->ns[R], 1000 * MS);
    free(s.c);
}

/* A removed domain's vCPUs are unknown from the removal, on no pCPU; the
 * domain leaves later windows; a re-used domid is a new instance. */
static void domain_churn(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 1000 * MS, capture, &s);
    TR(0, 0, IDLE, 0, Q, R);
    xb_engine_domain_add(e, 10 * MS, 5);
    TR(20, 0, 5, 0, O, B);
    xb_engine_domain_remove(e, 600 * MS, 5);
    xb_engine_domain_add(e, 1200 * MS, 5);
    TR(1300, 0, 5, 0, O, B);
    xb_engine_finish(e, 2000 * MS);
    assert_int_equal(xb_engine_stats(e)->contradictions, 0);
    xb_engine_free(e);

    assert_int_equal(s.nwin, 2);
    assert_int_equal(acc(&s, 0, 5, 0, 1)->ns[U], (20 + 400) * MS);
    assert_int_equal(acc(&s, 0, 5, 0, 1)->ns[B], 580 * MS);
    /* window 1: only the new instance of domain 5 (and idle) */
    assert_false(listed(&s, 1, 5, 0));
    assert_int_equal(acc_i(&s, 1, 5, 1, 0, 1)->ns[U], 300 * MS);
    assert_int_equal(acc_i(&s, 1, 5, 1, 0, 1)->ns[B], 700 * MS);
    free(s.c);
}

/* DOM_ADD of a domid still live (its DOM_REM was lost): the old domain's
 * vCPUs are unknown from the DOM_ADD on, not blocked to the end (as they
 * were); records after a DOM_REM with no DOM_ADD are counted. */
static void domain_readded_and_after_removal(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 0, capture, &s);
    TR(0, 0, IDLE, 0, Q, R);
    TR(0, 0, 6, 0, R, B);
    xb_engine_domain_add(e, 400 * MS, 6);
    TR(500, 0, 6, 0, O, B);
    xb_engine_domain_remove(e, 600 * MS, 6);
    TR(700, 0, 6, 0, B, Q);                 /* after the removal */
    xb_engine_finish(e, 1000 * MS);
    const struct xb_engine_stats *st = xb_engine_stats(e);
    assert_int_equal(st->readded, 1);
    assert_int_equal(st->after_removal, 1);
    assert_int_equal(st->contradictions, 2);
    xb_engine_free(e);
    assert_int_equal(acc_i(&s, 0, 6, 0, 0, 1)->ns[B], 400 * MS);
    assert_int_equal(acc_i(&s, 0, 6, 0, 0, 1)->ns[U], 600 * MS);
    assert_int_equal(acc_i(&s, 0, 6, 1, 0, 1)->ns[B], 100 * MS);
    assert_int_equal(acc_i(&s, 0, 6, 1, 0, 1)->ns[U], 900 * MS);
    assert_int_equal(acc_i(&s, 0, 6, 2, 0, 1)->ns[U], 700 * MS);
    assert_int_equal(acc_i(&s, 0, 6, 2, 0, 1)->ns[Q], 300 * MS);
    assert_int_equal(s.mism[0], 2);
    free(s.c);
}

/* Switched out and back in on the same pCPU with nobody in between. */
static void switch_back_in(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 0, capture, &s);
    TR(0, 0, 1, 0, Q, R);
    TR(100, 0, 1, 0, R, Q);
    TR(101, 0, 1, 0, Q, R);
    xb_engine_finish(e, 200 * MS);
    xb_engine_free(e);
    assert_int_equal(acc(&s, 0, 1, 0, 0)->ns[R], 200 * MS);
    assert_int_equal(acc(&s, 0, 1, 0, 0)->execs, 2);
    free(s.c);
}

/* A first record that has a vCPU leave running on a pCPU: it ran there since
 * that pCPU's records began (a switch there would have been recorded), in
 * an earlier window too, which then lists the vCPU. */
static void first_record_leaving_running(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(2, 100 * MS, capture, &s);
    xb_engine_pcpu_start(e, 0, 0);
    xb_engine_pcpu_start(e, 1, 50 * MS);
    TR(0, 0, IDLE, 0, Q, R);
    TR(300, 1, 4, 0, R, Q);
    TR(300, 1, IDLE, 1, Q, R);
    /* a first record leaving runnable says nothing of the time before */
    TR(400, 0, 5, 0, Q, B);
    xb_engine_finish(e, 1000 * MS);
    xb_engine_free(e);
    assert_int_equal(acc(&s, 0, 4, 0, 1)->ns[R], 50 * MS);
    assert_int_equal(acc(&s, 0, 4, 0, 2)->ns[U], 50 * MS);
    assert_int_equal(acc(&s, 2, 4, 0, 1)->ns[R], 100 * MS);
    assert_int_equal(acc(&s, 3, 4, 0, 1)->ns[Q], 100 * MS);
    assert_int_equal(s.punk[0][1], 50 * MS);
    assert_false(listed(&s, 3, 5, 0));
    assert_int_equal(acc(&s, 4, 5, 0, 2)->ns[U], 0);
    assert_int_equal(acc(&s, 4, 5, 0, 2)->ns[B], 100 * MS);
    free(s.c);
}

/* A pCPU whose first occupant came and left into unknown at its very start
 * (a Linux repair that nothing bounds, found by fuzz_linux_sched): a later
 * thread's first record leaving running there is not dated back over the
 * unknown time; it had an occupant since its start. */
static void no_dating_back_after_an_occupant(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(2, 0, capture, &s);
    xb_engine_pcpu_start(e, 0, 0);
    xb_engine_pcpu_start(e, 1, 0);
    TR(0, 1, 4, 0, Q, R);
    TR(0, 1, 4, 0, R, U);
    TR(55, 1, 5, 0, R, Q);
    xb_engine_finish(e, 100 * MS);
    xb_engine_free(e);
    assert_int_equal(acc(&s, 0, 5, 0, 1)->ns[R], 0);
    assert_int_equal(s.punk[0][1], 100 * MS);
    free(s.c);
}

/* ---- every --interval adds up to the whole run ---- */

enum { E_TR, E_ADD, E_REM, E_LB, E_LE, E_START, E_END };
struct ev {
    int kind;
    uint64_t us;
    unsigned p;
    uint32_t d, v;
    int o, n;
};
#define EV(us, p, d, v, o, n) { E_TR, us, p, d, v, o, n }

static const struct ev script[] = {
    { E_START, 0, 0, 0, 0, 0, 0 }, { E_START, 3000, 1, 0, 0, 0, 0 },
    { E_START, 0, 2, 0, 0, 0, 0 },
    EV(0, 0, IDLE, 0, Q, R), EV(100, 2, 1, 1, Q, R),
    EV(5000, 1, 1, 0, R, Q),          /* dated back to pCPU 1's start */
    EV(5000, 1, 2, 0, Q, R),
    EV(77000, 0, 3, 0, B, Q), EV(99999, 0, IDLE, 0, R, Q),
    EV(100001, 0, 3, 0, Q, R),
    EV(250000, 2, 1, 1, R, B), EV(250400, 2, IDLE, 2, Q, R),
    EV(333333, 1, 2, 0, R, Q), EV(333800, 1, 1, 0, Q, R),
    { E_ADD, 400000, 0, 7, 0, 0, 0 },
    EV(420000, 2, 7, 0, O, Q), EV(480000, 2, IDLE, 2, R, Q),
    EV(480001, 2, 7, 0, Q, R),
    EV(510000, 0, 3, 0, Q, B),        /* contradiction: it is running */
    EV(640000, 1, 1, 1, B, Q),        /* woken: runnable ... */
    { E_LB, 650000, 0, 0, 0, 0, 0 },  /* ... through a gap: unknown */
    EV(700000, 1, 1, 0, R, Q), EV(700000, 1, 2, 0, Q, R),
    { E_LE, 730000, 0, 3, 0, 0, 0 },
    EV(910000, 2, 7, 0, R, B), EV(910000, 2, 1, 1, Q, R),
    { E_REM, 1234567, 0, 7, 0, 0, 0 },
    EV(1500000, 2, 1, 1, R, Q), EV(1500000, 2, 1, 0, Q, R),
    { E_ADD, 1600000, 0, 3, 0, 0, 0 },  /* DOM_ADD of a live domid */
    EV(1700000, 0, 3, 0, O, Q), EV(1900000, 0, 2, 0, R, B),
    EV(1900000, 0, 3, 0, Q, R),
    EV(2400000, 2, 7, 0, B, Q),       /* after its removal: 7#1 */
    EV(2750000, 1, 2, 0, B, R),       /* contradiction on another pCPU */
    { E_END, 2800000, 2, 0, 0, 0, 0 },
    EV(3010000, 0, 3, 0, R, Q), EV(3010000, 0, 1, 0, Q, R),
};

static void run_script(struct seen *s, uint64_t interval)
{
    struct xb_engine *e = xb_engine_new(3, interval, capture, s);
    assert_non_null(e);
    for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
        const struct ev *x = &script[i];
        uint64_t t = x->us * 1000;
        int rc = 0;
        switch (x->kind) {
        case E_TR:
            rc = xb_engine_transition(e, t, x->p, x->d, x->v, x->o, x->n, -1);
            break;
        case E_ADD: rc = xb_engine_domain_add(e, t, x->d); break;
        case E_REM: rc = xb_engine_domain_remove(e, t, x->d); break;
        case E_LB: rc = xb_engine_lost_begin(e, t, x->p); break;
        case E_LE: rc = xb_engine_lost_end(e, t, x->p, (int32_t)x->d, x->v); break;
        case E_START: xb_engine_pcpu_start(e, x->p, t); break;
        case E_END: rc = xb_engine_pcpu_end(e, x->p, t); break;
        }
        assert_int_equal(rc, 0);
    }
    assert_int_equal(xb_engine_finish(e, 3100 * MS), 0);
    xb_engine_free(e);
}

/* Sum of one cell over all windows; a vCPU a window does not list was
 * unknown there, on no pCPU (as account/window.c adds windows up). */
static uint64_t cell_sum(struct seen *s, uint32_t dom, uint32_t inst, uint32_t vcpu,
                         unsigned col, int st)
{
    uint64_t sum = 0;
    for (unsigned w = 0; w < s->nwin; w++) {
        bool found = false;
        for (size_t i = 0; i < s->n; i++) {
            const struct cell *c = &s->c[i];
            if (c->win == w && c->dom == dom && c->inst == inst && c->vcpu == vcpu) {
                found = true;
                if (c->col == col)
                    sum += st < 0 ? c->a.execs : c->a.ns[st];
            }
        }
        if (!found && col == s->npcpu && st == U)
            sum += s->len[w];
    }
    return sum;
}

static void windows_add_up(void **state)
{
    (void)state;
    struct seen whole = { 0 };
    run_script(&whole, 0);
    assert_int_equal(whole.nwin, 1);
    /* the script meets every rule at least once */
    assert_true(whole.mism[0] >= 3);
    static const uint64_t intervals[] = { 10 * MS, 100 * MS, 333 * MS, 1000 * MS,
                                          1030 * MS /* a sliver at the end */,
                                          1250 * MS };
    for (size_t k = 0; k < sizeof intervals / sizeof intervals[0]; k++) {
        struct seen s = { 0 };
        run_script(&s, intervals[k]);
        assert_true(s.nwin > 1);
        uint64_t mism = 0, punk[3] = { 0 };
        for (unsigned w = 0; w < s.nwin; w++) {
            mism += s.mism[w];
            for (unsigned p = 0; p < 3; p++)
                punk[p] += s.punk[w][p];
        }
        assert_int_equal(mism, whole.mism[0]);
        for (unsigned p = 0; p < 3; p++)
            assert_int_equal(punk[p], whole.punk[0][p]);
        for (size_t i = 0; i < whole.n; i++) {
            const struct cell *c = &whole.c[i];
            for (int st = -1; st < XB_NSTATES; st++) {
                uint64_t want = st < 0 ? c->a.execs : c->a.ns[st];
                uint64_t got = cell_sum(&s, c->dom, c->inst, c->vcpu, c->col, st);
                if (got != want)
                    fail_msg("interval %llu ms: d%u#%uv%u col %u state %d: %llu "
                             "!= %llu ns", (unsigned long long)(intervals[k] / MS),
                             c->dom, c->inst, c->vcpu, c->col, st,
                             (unsigned long long)got, (unsigned long long)want);
            }
        }
        free(s.c);
    }
    free(whole.c);
}

/* A final window shorter than a tenth of the interval joins the one before
 * (before: `record -d 3` + `report -i 1` gave a 4th window of 0.18 ms whose
 * percentages meant nothing); a vCPU first seen in the sliver is unknown,
 * on no pCPU, for the rest of the joined window. */
static void final_sliver_merged(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 1000 * MS, capture, &s);
    TR(0, 0, IDLE, 0, Q, R);
    xb_engine_transition(e, 3000 * MS + 100000, 0, 1, 0, B, Q, -1);
    xb_engine_finish(e, 3000 * MS + 177000);
    xb_engine_free(e);
    assert_int_equal(s.nwin, 3);
    assert_int_equal(s.start[2], 2000 * MS);
    assert_int_equal(s.len[2], 1000 * MS + 177000);
    assert_int_equal(acc(&s, 2, 1, 0, 1)->ns[U], 1000 * MS + 100000);
    assert_int_equal(acc(&s, 2, 1, 0, 1)->ns[Q], 77000);
    assert_int_equal(acc(&s, 2, IDLE, 0, 0)->ns[R], 1000 * MS + 177000);
    /* a tenth or more stays a window of its own */
    free(s.c);
    memset(&s, 0, sizeof s);
    e = xb_engine_new(1, 1000 * MS, capture, &s);
    TR(0, 0, IDLE, 0, Q, R);
    xb_engine_finish(e, 3100 * MS);
    xb_engine_free(e);
    assert_int_equal(s.nwin, 4);
    assert_int_equal(s.len[3], 100 * MS);
    free(s.c);
}

/* Limits: no window shorter than XB_MIN_INTERVAL_NS, no more than
 * XB_MAX_WINDOWS windows (a corrupt timestamp would make billions). */
static void limits(void **state)
{
    (void)state;
    struct seen s = { 0 };
    assert_null(xb_engine_new(1, XB_MIN_INTERVAL_NS - 1, capture, &s));
    struct xb_engine *e = xb_engine_new(1, XB_MIN_INTERVAL_NS, NULL, NULL);
    assert_non_null(e);
    assert_int_equal(TR(0, 0, 1, 0, Q, R), 0);
    assert_int_equal(xb_engine_transition(e, XB_MAX_WINDOWS * XB_MIN_INTERVAL_NS,
                                          0, 1, 0, R, Q, -1),
                     XB_ENGINE_TOO_MANY_WINDOWS);
    assert_int_equal(xb_engine_finish(e, UINT64_MAX), XB_ENGINE_TOO_MANY_WINDOWS);
    xb_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(switch_dating),
        cmocka_unit_test(wait_across_window_edge),
        cmocka_unit_test(long_wait_settled),
        cmocka_unit_test(contradiction_is_unknown),
        cmocka_unit_test(contradiction_look_back_bounded),
        cmocka_unit_test(lost_records_rule),
        cmocka_unit_test(pcpu_records_end),
        cmocka_unit_test(domain_churn),
        cmocka_unit_test(domain_readded_and_after_removal),
        cmocka_unit_test(switch_back_in),
        cmocka_unit_test(first_record_leaving_running),
        cmocka_unit_test(no_dating_back_after_an_occupant),
        cmocka_unit_test(windows_add_up),
        cmocka_unit_test(final_sliver_merged),
        cmocka_unit_test(limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
