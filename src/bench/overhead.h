/* overhead.h: a tool's cost measured as lost LINPACK MFLOPS.
 *
 * Runs the LINPACK solve alternately idle (A) and with a command running
 * alongside (B), A B A B ..., and summarises the per-pair slowdown
 * 100 * (A - B) / A by its median and range: pairs taken close together see
 * the same background noise, and the median ignores the pairs a burst of
 * someone else's work spoiled.  The command is `xenbench record` (this very
 * binary) by default, or any shell command.
 */
#ifndef XB_OVERHEAD_H
#define XB_OVERHEAD_H

#include <signal.h>
#include <stdio.h>

#include "util/err.h"

struct xb_overhead_opts {
    int n;                  /* LINPACK order; 0: chosen so a solve takes 1-2 s */
    int pairs;              /* A B pairs, >= 1 */
    int best_of;            /* solves per measurement, the fastest counts */
    int threads;            /* OpenBLAS threads; 0: one per online core */
    const char *while_cmd;  /* shell command for B; NULL: xenbench record */
    const char *self_exe;   /* the xenbench binary for record ("/proc/self/exe") */
    double settle_s;        /* pause before each measurement */
    double ready_timeout_s; /* how long the recorder may take to start */
    FILE *out;              /* the report */
    const volatile sig_atomic_t *stop;  /* set by SIGINT/SIGTERM: clean up, stop */
};

/* Prints the setup, one line per pair, the medians and as the last line
 * "overhead: X.XX % (median of N pairs, spread MIN..MAX %)".  Returns 0,
 * -EINTR when stopped, or a negative code with err set. */
int xb_overhead_run(const struct xb_overhead_opts *o, struct xb_err *err);

#endif
