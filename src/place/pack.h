/* pack.h: placing VMs on owned hosts from their demand over time.
 *
 * Rules (docs/planning.md, "Placement", gives each with its reason):
 *  - time-aware: on every host and for every resource with a per-window
 *    series (CPU, disk, network; memory in use when measured), the sum of its
 *    VMs' demand stays at or under capacity x target in every window but an
 *    allowed fraction (--allow), and under capacity in every window;
 *  - memory: the VMs' allocations on a host stay within its memory x
 *    --mem-overcommit (1.0: never over-committed), and memory in use never
 *    above its memory;
 *  - core-aware: hot vCPUs (a VM's median CPU carried by as few vCPUs as
 *    possible, each at >= 90 %) get physical cores of their own: their sum
 *    stays within the host's cores; a VM's vCPUs within its pCPUs; pinning
 *    advice per host;
 *  - contention-aware: VMs that waited >= 5 % of their vCPU time and
 *    cache-heavy VMs (LLC misses/s at or above a threshold, where measured)
 *    are spread: at most an even share per host while that costs no host;
 *  - anti-affinity: VMs of one group never share a host;
 *  - --spare N: the plan survives the loss of any N hosts;
 *  - fewest moves from the current assignment, at most --max-moves.
 * First-fit decreasing on each VM's largest dimension, then local search
 * that empties the emptiest hosts into the others.
 */
#ifndef XB_PLACE_PACK_H
#define XB_PLACE_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "place/demand.h"
#include "place/hosts.h"
#include "util/err.h"

struct xb_pack_opts {
    double target;          /* fraction of capacity per window (0.85) */
    double allow_frac;      /* windows allowed above target, fraction (0) */
    double mem_overcommit;  /* allocations <= memory x this (1.0) */
    unsigned spare;         /* hosts the plan must survive losing (0) */
    long max_moves;         /* -1: no limit */
    double hot_pct;         /* a vCPU this busy (%) is hot (90) */
    double contended_pct;   /* mean waited % that marks a VM contended (5) */
    double cache_heavy_ps;  /* LLC misses/s that mark a VM cache-heavy (1e7) */
    bool peaks_only;        /* baseline: each VM as its peak, no time */
    unsigned max_passes;    /* local search passes (50) */
    double search_s;        /* local search time budget, s (20) */
};

void xb_pack_opts_init(struct xb_pack_opts *o);

/* Anti-affinity groups: CSV `group,vm`, one row per member. */
struct xb_groups {
    size_t n;               /* groups */
    char **name;
    size_t *first, *count;  /* members of group g: member[first[g] ..] */
    size_t *member;         /* VM indexes */
    size_t nmember;
};

/* Errors name the file and line: a VM the demand does not know, a VM twice
 * in one group. */
int xb_groups_load(const char *path, const struct xb_demand *d, struct xb_groups *g,
                   struct xb_err *err);
/* Add one group of VM indexes (tests). */
int xb_groups_add(struct xb_groups *g, const char *name, const size_t *vm, size_t n);
void xb_groups_free(struct xb_groups *g);

struct xb_pack_in {
    const struct xb_demand *d;      /* normalised (xb_demand_normalise) */
    const struct xb_hosts *hs;      /* the pool, in order of preference */
    const long *current;            /* per VM: host today or -1; NULL none */
    const bool *on_outside;         /* per VM: today on a host outside hs */
    const struct xb_groups *groups; /* NULL: none */
    const bool *exclude;            /* per VM: not to place (hybrid) */
    struct xb_pack_opts o;
};

enum { XB_CLASS_CONTENDED = 1, XB_CLASS_CACHE = 2 };

struct xb_vm_place {
    long host;              /* -1 not placed (why), -2 excluded */
    bool moved;             /* on another host than today */
    bool is_new;            /* had no host today */
    unsigned hot;           /* hot vCPUs */
    unsigned cls;           /* XB_CLASS_* */
    char pin[48];           /* cores for its hot vCPUs: "s0:c0-3"; "" shared */
    char why[160];
};

struct xb_host_place {
    size_t nvm;
    bool used;              /* holds VMs */
    bool standby;           /* kept empty for --spare */
    bool was_used;          /* held VMs today */
    double cap[XB_NRES];    /* capacity (units of the demand), NAN no limit */
    double p95[XB_NRES], max[XB_NRES];  /* of the summed series, units; NAN */
    double mem_alloc_gib;   /* allocations placed */
    unsigned hot, cores;
    size_t over_target;     /* windows with some resource above target */
};

struct xb_placement {
    size_t nvm, nhost, nwin;
    struct xb_vm_place *vm;
    struct xb_host_place *host;
    size_t used, standby, moves, placed_new, unplaced, freed, excluded;
    size_t was_used;        /* hosts holding VMs today */
    unsigned lower_bound;   /* hosts, spare included */
    char bound_by[200];     /* what sets it */
    double gap_pct;         /* (used + standby - bound) / bound */
    double cost_usd;        /* monthly, used + standby hosts; NAN unknown */
    double today_usd;       /* monthly of today's hosts; NAN */
    enum xb_cpu_basis basis;
    size_t ffd_hosts;       /* hosts first-fit decreasing used */
    unsigned rebalance_tries;   /* balanced repacks tried */
    unsigned passes;        /* local search passes run */
    bool search_cut;        /* the time budget ended the search */
    bool survives;          /* --spare: every host's loss was checked */
    char **note;
    size_t nnote;
};

/* Errors (-XB_EINPUT, message names the VM, group or host): a VM larger
 * than every host, an anti-affinity group with more VMs than hosts, more
 * moves needed than --max-moves allows, no host left to stand by.  VMs that
 * do not fit because the pool is full are not an error: they are listed
 * with the reason. */
int xb_pack(const struct xb_pack_in *in, struct xb_placement *out, struct xb_err *err);
void xb_placement_free(struct xb_placement *p);

/* Check a placement from scratch against every hard rule (allocations,
 * memory in use, per-window series, hot vCPUs, vCPUs, anti-affinity);
 * host_of -1 means not placed.  0, or -XB_EINPUT naming host and rule. */
int xb_pack_verify(const struct xb_pack_in *in, const long *host_of,
                   struct xb_err *err);

/* The lower bound of hosts and what sets it (bound_by, may be NULL). */
unsigned xb_pack_lower_bound(const struct xb_pack_in *in, char *bound_by, size_t len);

#endif
