/* overhead.h: what a recorder costs the work it watches.
 *
 * For each load (idle, an event-heavy ping-pong, LINPACK) and each tool
 * (`xenbench record` -- this very binary --, `perf sched record -a` when
 * perf is installed, or any shell command), pairs of one side without the
 * tool (A) and one with it (B), in an order shuffled from a printed seed
 * (each pair A B or B A), plus as many A/A pairs, both sides idle, whose
 * spread is the noise floor the A/B figure must clear.  A side is the
 * median of K measurements.  A pair's overhead is 100 * (A - B) / A on the
 * load's throughput (round trips/s, MFLOPS); the figure is the median of
 * the pairs.  For every B side the tool's own CPU while measuring (every
 * thread of its process group, from schedstat), and after it stopped the
 * events it recorded per second of its life and the events it lost; the
 * tool must still run at the end of every B side.  The idle load has no
 * throughput: only the tool's CPU, events and losses.
 */
#ifndef XB_OVERHEAD_H
#define XB_OVERHEAD_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "util/err.h"

enum xb_ovh_load { XB_LOAD_IDLE, XB_LOAD_PINGPONG, XB_LOAD_LINPACK, XB_NLOADS };

/* "idle", "pingpong", "linpack". */
extern const char *const xb_ovh_load_names[XB_NLOADS];

struct xb_overhead_opts {
    unsigned loads;         /* 1 << enum xb_ovh_load, run in that order */
    int n;                  /* LINPACK order; 0: chosen so a solve takes 1-2 s */
    int pairs;              /* A/B pairs per tool and load, and A/A pairs */
    int solves;             /* measurements per side, the median counts */
    int threads;            /* OpenBLAS threads; 0: one per online core */
    bool perf;              /* also perf sched record -a (when found) */
    const char *while_cmd;  /* shell command as the tool instead of record */
    const char *self_exe;   /* the xenbench binary for record ("/proc/self/exe") */
    unsigned long seed;     /* the order; used when seed_given */
    bool seed_given;
    double settle_s;        /* pause before each side and after a tool is ready */
    double ready_timeout_s; /* how long a tool may take to start */
    double pingpong_s;      /* one ping-pong measurement */
    double idle_s;          /* one idle measurement */
    FILE *out;              /* the report */
    const volatile sig_atomic_t *stop;  /* set by SIGINT/SIGTERM: clean up, stop */
};

/* Prints the setup, one line per pair, a summary per load and tool and as
 * the last line, for the first tool on LINPACK (else the ping-pong),
 * "overhead: X.XX % (median of N pairs, spread MIN..MAX %)".  Returns 0,
 * -EINTR when stopped, or a negative code with err set. */
int xb_overhead_run(const struct xb_overhead_opts *o, struct xb_err *err);

#endif
