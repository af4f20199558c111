/* test_engine.c: charging rules and conservation of the accounting engine
 * (src/account/engine.c), on hand-made timelines with exact nanoseconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "account/engine.h"
#include "check_window.h"

#define MAXW 8
#define MAXV 8

/* A copy of what the windows said, per (slot, pcpu column, state). */
struct seen {
    unsigned nwin;
    struct {
        uint64_t len;
        unsigned nv;
        uint32_t dom[MAXV], vcpu[MAXV];
        struct xb_acc acc[MAXV][5];      /* up to 4 pCPUs + unplaced */
        uint64_t pcpu_unknown[4];
        uint64_t mismatches;
    } w[MAXW];
};

static int capture(const struct xb_window *w, void *ctx)
{
    struct seen *s = ctx;
    assert_int_equal(xb_check_conservation(w), 0);
    assert_true(s->nwin < MAXW);
    unsigned n = 0;
    s->w[s->nwin].len = w->t_end_ns - w->t_start_ns;
    for (unsigned i = 0; i < w->ndomain; i++) {
        for (uint32_t k = 0; k < w->domains[i].nvcpu; k++, n++) {
            assert_true(n < MAXV);
            s->w[s->nwin].dom[n] = w->domains[i].domid;
            s->w[s->nwin].vcpu[n] = w->domains[i].vcpus[k].vcpu;
            memcpy(s->w[s->nwin].acc[n], w->domains[i].vcpus[k].pcpu,
                   (w->npcpu + 1) * sizeof(struct xb_acc));
        }
    }
    s->w[s->nwin].nv = n;
    memcpy(s->w[s->nwin].pcpu_unknown, w->pcpu_unknown_ns,
           w->npcpu * sizeof(uint64_t));
    s->w[s->nwin].mismatches = w->mismatches;
    s->nwin++;
    return 0;
}

static const struct xb_acc *acc(struct seen *s, unsigned win, uint32_t dom,
                                uint32_t vcpu, unsigned col)
{
    for (unsigned i = 0; i < s->w[win].nv; i++)
        if (s->w[win].dom[i] == dom && s->w[win].vcpu[i] == vcpu)
            return &s->w[win].acc[i][col];
    fail_msg("d%uv%u not in window %u", dom, vcpu, win);
    return NULL;
}

#define R XB_RUNNING
#define Q XB_RUNNABLE
#define B XB_BLOCKED
#define U XB_UNKNOWN
#define IDLE XB_IDLE_DOMID

/* One pCPU: idle and d1v0 take turns; the switch-out is dated at the next
 * switch-in, so the pCPU has no holes. */
static void switch_dating(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 0, capture, &s);
    xb_engine_transition(e, 0, 0, IDLE, 0, Q, R, -1);
    xb_engine_transition(e, 100, 0, 1, 0, B, Q, -1);      /* wake */
    xb_engine_transition(e, 200, 0, IDLE, 0, R, Q, -1);   /* idle out ... */
    xb_engine_transition(e, 210, 0, 1, 0, Q, R, -1);      /* ... d1 in */
    xb_engine_transition(e, 700, 0, 1, 0, R, B, -1);      /* d1 blocks ... */
    xb_engine_transition(e, 705, 0, IDLE, 0, Q, R, -1);   /* ... idle in */
    xb_engine_finish(e, 1000);
    xb_engine_free(e);

    assert_int_equal(s.nwin, 1);
    const struct xb_acc *d1 = acc(&s, 0, 1, 0, 0);
    assert_int_equal(d1->ns[R], 705 - 210);
    assert_int_equal(d1->ns[Q], 210 - 100);      /* waited on pCPU 0 */
    assert_int_equal(d1->ns[B], 1000 - 705);
    assert_int_equal(d1->execs, 1);
    /* before its first record: unknown, and on no pCPU */
    assert_int_equal(acc(&s, 0, 1, 0, 1)->ns[U], 100);
    const struct xb_acc *idle = acc(&s, 0, IDLE, 0, 0);
    assert_int_equal(idle->ns[R], 210 + (1000 - 705));
    assert_int_equal(idle->ns[Q], 705 - 210);
    assert_int_equal(idle->execs, 2);
    assert_int_equal(s.w[0].pcpu_unknown[0], 0);
}

/* Windows split a running interval; per-window sums stay exact. */
static void windows_split(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(2, 1000, capture, &s);
    xb_engine_transition(e, 0, 1, 2, 0, Q, R, -1);
    xb_engine_transition(e, 0, 0, IDLE, 0, Q, R, -1);
    xb_engine_transition(e, 1500, 1, 2, 0, R, Q, -1);
    xb_engine_transition(e, 1500, 1, IDLE, 1, Q, R, -1);
    xb_engine_transition(e, 2600, 0, IDLE, 0, R, Q, -1);
    xb_engine_transition(e, 2600, 0, 2, 0, Q, R, -1);
    xb_engine_finish(e, 2800);
    xb_engine_free(e);

    assert_int_equal(s.nwin, 3);
    assert_int_equal(s.w[2].len, 800);
    assert_int_equal(acc(&s, 0, 2, 0, 1)->ns[R], 1000);
    assert_int_equal(acc(&s, 1, 2, 0, 1)->ns[R], 500);
    /* the wait that ends by running on pCPU 0 is charged to pCPU 0 ... */
    assert_int_equal(acc(&s, 2, 2, 0, 0)->ns[Q], 600);
    /* ... but a window closing mid-wait charges the last pCPU it ran on */
    assert_int_equal(acc(&s, 1, 2, 0, 1)->ns[Q], 500);
    assert_int_equal(acc(&s, 2, 2, 0, 0)->ns[R], 200);
    /* pCPU 1 before idle v1's first record: unknown occupant? no: d2 ran */
    assert_int_equal(s.w[0].pcpu_unknown[1], 0);
}

/* A record whose old state contradicts the tracked one: the time since the
 * last known change is unknown, not guessed. */
static void contradiction_is_unknown(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 0, capture, &s);
    xb_engine_transition(e, 0, 0, 3, 0, Q, R, -1);
    xb_engine_transition(e, 100, 0, 3, 0, R, B, -1);
    xb_engine_transition(e, 100, 0, IDLE, 0, Q, R, -1);
    /* says runnable -> running, but it was blocked: the wake was lost */
    xb_engine_transition(e, 400, 0, IDLE, 0, R, Q, -1);
    xb_engine_transition(e, 400, 0, 3, 0, Q, R, -1);
    xb_engine_finish(e, 500);
    xb_engine_free(e);

    const struct xb_acc *d3 = acc(&s, 0, 3, 0, 0);
    assert_int_equal(d3->ns[R], 100 + 100);
    assert_int_equal(d3->ns[B], 0);
    assert_int_equal(d3->ns[U], 300);
    assert_int_equal(s.w[0].mismatches, 1);
}

/* Lost records on a pCPU: what ran or last ran there is unknown from the
 * gap's start until its next record; so is the pCPU. */
static void lost_gap(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 0, capture, &s);
    xb_engine_transition(e, 0, 0, 1, 0, Q, R, -1);
    xb_engine_lost(e, 500, 0, 300);
    xb_engine_transition(e, 800, 0, 1, 0, R, B, -1);   /* after the gap */
    xb_engine_transition(e, 800, 0, IDLE, 0, Q, R, -1);
    xb_engine_finish(e, 1000);
    xb_engine_free(e);

    const struct xb_acc *d1 = acc(&s, 0, 1, 0, 0);
    assert_int_equal(d1->ns[R], 300);
    assert_int_equal(d1->ns[U], 500);
    assert_int_equal(d1->ns[B], 200);
    assert_int_equal(s.w[0].pcpu_unknown[0], 500);
    assert_int_equal(s.w[0].mismatches, 0);
}

/* A removed domain's vCPUs are unknown from the removal; the domain leaves
 * later windows; a re-used domid is a new instance. */
static void domain_churn(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 1000, capture, &s);
    xb_engine_transition(e, 0, 0, IDLE, 0, Q, R, -1);
    xb_engine_domain_add(e, 10, 5);
    xb_engine_transition(e, 20, 0, 5, 0, XB_OFFLINE, B, -1);
    xb_engine_domain_remove(e, 600, 5);
    xb_engine_domain_add(e, 1200, 5);
    xb_engine_transition(e, 1300, 0, 5, 0, XB_OFFLINE, B, -1);
    xb_engine_finish(e, 2000);
    xb_engine_free(e);

    assert_int_equal(s.nwin, 2);
    assert_int_equal(acc(&s, 0, 5, 0, 1)->ns[U], 20 + 400);
    assert_int_equal(acc(&s, 0, 5, 0, 1)->ns[B], 580);
    /* window 1: only the new instance of domain 5 (and idle) */
    assert_int_equal(s.w[1].nv, 2);
    assert_int_equal(acc(&s, 1, 5, 0, 1)->ns[U], 300);
    assert_int_equal(acc(&s, 1, 5, 0, 1)->ns[B], 700);
}

/* Switched out and back in on the same pCPU with nobody in between. */
static void switch_back_in(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(1, 0, capture, &s);
    xb_engine_transition(e, 0, 0, 1, 0, Q, R, -1);
    xb_engine_transition(e, 100, 0, 1, 0, R, Q, -1);
    xb_engine_transition(e, 101, 0, 1, 0, Q, R, -1);
    xb_engine_finish(e, 200);
    xb_engine_free(e);
    assert_int_equal(acc(&s, 0, 1, 0, 0)->ns[R], 200);
    assert_int_equal(acc(&s, 0, 1, 0, 0)->execs, 2);
}

/* A first record that has a vCPU leave running on a pCPU: it ran there since
 * that pCPU's records began (a switch there would have been recorded). */
static void first_record_leaving_running(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct xb_engine *e = xb_engine_new(2, 0, capture, &s);
    xb_engine_pcpu_start(e, 0, 0);
    xb_engine_pcpu_start(e, 1, 50);
    xb_engine_transition(e, 0, 0, IDLE, 0, Q, R, -1);
    xb_engine_transition(e, 300, 1, 4, 0, R, Q, -1);
    xb_engine_transition(e, 300, 1, IDLE, 1, Q, R, -1);
    /* a first record leaving runnable says nothing of the time before */
    xb_engine_transition(e, 400, 0, 5, 0, Q, B, -1);
    xb_engine_finish(e, 1000);
    xb_engine_free(e);
    assert_int_equal(acc(&s, 0, 4, 0, 1)->ns[R], 300 - 50);
    assert_int_equal(acc(&s, 0, 4, 0, 2)->ns[U], 50);
    assert_int_equal(acc(&s, 0, 4, 0, 1)->ns[Q], 700);
    assert_int_equal(s.w[0].pcpu_unknown[1], 50);
    assert_int_equal(acc(&s, 0, 5, 0, 2)->ns[U], 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(switch_dating),
        cmocka_unit_test(windows_split),
        cmocka_unit_test(contradiction_is_unknown),
        cmocka_unit_test(lost_gap),
        cmocka_unit_test(domain_churn),
        cmocka_unit_test(switch_back_in),
        cmocka_unit_test(first_record_leaving_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
