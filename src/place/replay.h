/* replay.h: the what-if replay (`simulate`): each VM's recorded per-window
 * demand put onto a placement, and per host and window the CPU utilisation,
 * the predicted waited time of each VM, and the overloaded windows.
 *
 * The model (docs/planning.md, "What-if replay", gives its limits):
 *  - a VM's CPU demand in a window is its runnable time (running + waited,
 *    as recorded alone), in cores of the target host (scaled by the CPU
 *    basis), carried by as few vCPUs as possible: floor(R) vCPUs runnable
 *    all the time and one runnable the fraction left (never more than its
 *    vCPUs);
 *  - vCPUs are runnable independently of each other within a window, and a
 *    vCPU keeps its runnable fraction when it shares (a duty cycle in wall
 *    time);
 *  - the host shares its pCPUs fairly among the runnable vCPUs: with k
 *    runnable on C pCPUs each runs min(1, C/k) of the time, so a vCPU waits
 *    E[1 - min(1, C/(K+1))] of its runnable time, K the others runnable
 *    (a Poisson-binomial count, computed exactly).
 */
#ifndef XB_PLACE_REPLAY_H
#define XB_PLACE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "place/demand.h"
#include "place/hosts.h"
#include "util/err.h"

struct xb_replay_vm {
    long host;
    double demand_mean;         /* runnable, cores of its target host */
    double cpu_pct;             /* predicted running, % (cores x 100), mean */
    double waited_pct;          /* predicted waited, % (cores x 100), mean */
    double waited_pct_max;      /* of any window */
    float *waited;              /* per window, % */
};

struct xb_replay_host {
    size_t nvm;
    double pcpus;
    float *util;                /* per window: CPU demand / pCPUs (may be > 1) */
    float *waited;              /* per window: predicted waited, cores */
    float *mem;                 /* per window: memory in use / memory; NULL */
    double util_mean, util_p95, util_max;
    size_t over_target, over_cap, mem_over;     /* windows */
};

struct xb_replay {
    size_t nvm, nhost, nwin;
    double win_s, t0;
    enum xb_align align;
    double target;
    struct xb_replay_vm *vm;
    struct xb_replay_host *host;
    size_t host_windows;        /* windows x hosts holding VMs */
    size_t over_target, over_cap, mem_over;
    size_t unplaced;            /* VMs without a host in the plan */
};

/* d must be normalised for hs.  host_of: per VM, host index or -1. */
int xb_replay_run(const struct xb_demand *d, const struct xb_hosts *hs,
                  const long *host_of, double target, struct xb_replay *out,
                  struct xb_err *err);
void xb_replay_free(struct xb_replay *r);

/* The model for one host and window (exposed for the tests): n vCPUs with
 * runnable fractions r[i] in [0, 1] on c pCPUs; waited[i] gets each one's
 * predicted waited fraction of the window.  0 or -ENOMEM. */
int xb_replay_waits(const double *r, size_t n, double c, double *waited);
/* The one-pool part alone (any load). */
int xb_replay_pool_waits(const double *r, size_t n, double c, double *waited);

#endif
