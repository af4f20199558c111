/* gen_seeds.c: writes the generated part of the fuzz seed corpus.
 *
 * Usage: gen_seeds DIR.  Small valid xentrace files built with
 * tests/trace_writer: a round-robin schedule on two pCPUs, the same cut in
 * small windows, lost records, domain add/remove/reuse, and a mix of records
 * without TSC, other event classes and contradicting runstates.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <xen/trace.h>
#include <xen/vcpu.h>

#include "trace_writer.h"

#define IDLE 0x7fffu
#define STEP 100000u           /* ticks between two context switches */

struct slot {
    uint32_t dom, vcpu;
    unsigned state;            /* RUNSTATE_* */
};

/* Each of ncpu pCPUs rotates idle, d0 and d<guest> for steps switches. */
static uint64_t round_robin(struct tw *w, unsigned ncpu, uint32_t guest,
                            uint64_t t, unsigned steps)
{
    struct slot s[8][3];
    for (unsigned c = 0; c < ncpu && c < 8; c++) {
        s[c][0] = (struct slot){ IDLE, c, RUNSTATE_running };
        s[c][1] = (struct slot){ 0, c, RUNSTATE_runnable };
        s[c][2] = (struct slot){ guest, c, RUNSTATE_blocked };
    }
    for (unsigned i = 0; i < steps; i++) {
        t += STEP;
        for (unsigned c = 0; c < ncpu && c < 8; c++) {
            struct slot *out = &s[c][i % 3], *in = &s[c][(i + 1) % 3];
            uint64_t tc = t + 37 * c;
            if (in->state == RUNSTATE_blocked) {
                tw_runstate(w, c, tc - STEP / 2, in->dom, in->vcpu,
                            RUNSTATE_blocked, RUNSTATE_runnable);
                in->state = RUNSTATE_runnable;
            }
            unsigned to = out->dom == IDLE ? RUNSTATE_runnable
                          : i % 2 ? RUNSTATE_blocked : RUNSTATE_runnable;
            tw_runstate(w, c, tc, out->dom, out->vcpu, RUNSTATE_running, to);
            out->state = to;
            tw_runstate(w, c, tc + 300, in->dom, in->vcpu, in->state,
                        RUNSTATE_running);
            in->state = RUNSTATE_running;
        }
    }
    return t;
}

static void dom_event(struct tw *w, unsigned cpu, uint64_t t, uint32_t event,
                      uint32_t dom)
{
    uint32_t x[1] = { dom };
    tw_rec(w, cpu, event, 1, t, 1, x);
}

static void save(struct tw *w, unsigned per_window, const char *dir,
                 const char *name)
{
    char path[4096];
    size_t len;
    const uint8_t *b = tw_bytes(w, per_window, &len);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_seeds DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    uint64_t t0 = 1000000000u;

    struct tw *w = tw_new(2);
    round_robin(w, 2, 1, t0, 12);
    save(w, 0, dir, "gen-round-robin");
    save(w, 3, dir, "gen-small-windows");
    tw_free(w);

    w = tw_new(2);
    uint64_t t = round_robin(w, 2, 1, t0, 6);
    tw_lost(w, 1, t + 5 * STEP, 42, t + STEP);
    round_robin(w, 2, 1, t + 6 * STEP, 6);
    save(w, 4, dir, "gen-lost");
    tw_free(w);

    w = tw_new(2);
    dom_event(w, 0, t0, TRC_SCHED_DOM_ADD, 5);
    t = round_robin(w, 2, 5, t0, 5);
    dom_event(w, 1, t + STEP, TRC_SCHED_DOM_REM, 5);
    dom_event(w, 0, t + 2 * STEP, TRC_SCHED_DOM_ADD, 5);
    round_robin(w, 2, 5, t + 3 * STEP, 5);
    save(w, 5, dir, "gen-domains");
    tw_free(w);

    w = tw_new(3);
    uint32_t hvm[3] = { 1, 2, 3 };
    t = round_robin(w, 3, 2, t0, 4);
    tw_rec(w, 2, TRC_HVM_VMENTRY, 0, 0, 0, NULL);
    tw_rec(w, 2, TRC_HVM_VMEXIT, 1, t + 1010, 3, hvm);
    tw_rec(w, 0, TRC_TRACE_WRAP_BUFFER, 1, t + 1020, 0, NULL);
    tw_runstate(w, 1, t + 1030, 2, 1, RUNSTATE_offline, RUNSTATE_running);
    tw_runstate(w, 0, t + 1040, 2, 1, RUNSTATE_running, RUNSTATE_offline);
    round_robin(w, 3, 2, t + STEP, 4);
    save(w, 7, dir, "gen-mixed");
    tw_free(w);
    return 0;
}
