/* demand.h: the demand matrix that placement and the what-if replay work on.
 *
 * Per VM and per roll-up window (default 5 minutes): CPU demand (cores of its
 * own host: running + waited runnable time, over the known part of the
 * window), memory in use (GiB), disk (read + write MB/s) and network (rx + tx
 * Gbit/s), each the peak of the samples in the window; per VM its scalars:
 * vCPUs, memory allocation, source core speed, mean waited % and LLC miss
 * rate.  Built from a loaded history (xb_demand_from_history) or by hand
 * (tests, benchmarks: xb_demand_alloc).  Plain C: no SQLite, no catalogue.
 *
 * Windows are on one grid for every VM (XB_ALIGN_TIME: window k is
 * [t0 + k w, t0 + (k+1) w), t0 a multiple of w since 1970), or each VM's from
 * its own first sample (XB_ALIGN_START: recordings made one after another,
 * replayed as if together).  Before its first and after its last sample a
 * VM has no demand; a window between samples without one is filled (the
 * larger neighbour for placement, 0 for the replay) and counted.
 */
#ifndef XB_PLACE_DEMAND_H
#define XB_PLACE_DEMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "place/hosts.h"
#include "store/history.h"
#include "util/err.h"

enum xb_res { XB_RES_CPU, XB_RES_MEM, XB_RES_DISK, XB_RES_NET, XB_NRES };
#define XB_RES_BIT(r) (1u << (r))
#define XB_RES_ALL ((1u << XB_NRES) - 1)

extern const char *const xb_res_name[XB_NRES];  /* cpu, memory, disk, network */
extern const char *const xb_res_unit[XB_NRES];  /* cores, GiB, MB/s, Gbit/s */

enum xb_align { XB_ALIGN_AUTO, XB_ALIGN_TIME, XB_ALIGN_START };
/* "auto", "time", "start" -> mode; -1 otherwise. */
int xb_align_parse(const char *s, enum xb_align *a);

enum xb_fill { XB_FILL_PEAK, XB_FILL_ZERO };   /* gaps: larger neighbour, 0 */

/* How CPU is counted across hosts of different speed (as `plan` does):
 * by LINPACK MFLOPS per core when every VM's source host and every target
 * host has them, else by clock (GHz) when all have it, else one core = one
 * core. */
enum xb_cpu_basis { XB_CPU_CORE, XB_CPU_CLOCK, XB_CPU_MFLOPS };

struct xb_dvm {
    char key[240];              /* NAME, or HOST/NAME when NAME is not unique */
    char host[128], name[96];   /* where it was recorded */
    uint32_t domid;
    unsigned vcpus;             /* largest in the range */
    double mem_alloc_gib;       /* largest allocation in the range, NAN */
    double mem_peak_gib;        /* peak in use, NAN */
    double ghz, mflops;         /* its host's core speed, NAN unknown */
    double waited_pct;          /* mean waited, % of its vCPUs' time; NAN */
    double llc_miss_ps;         /* mean last-level cache misses/s; NAN */
    bool known[XB_NRES];        /* any window measured it */
    size_t nknown;              /* windows with a sample */
    size_t nfilled;             /* windows without a sample between samples */
    size_t nabsent;             /* windows before its first or after its last */
    double t_first, t_last;     /* first sample start, last sample end */
    double cpu_scale;           /* set by xb_demand_normalise: units per core */
    size_t src;                 /* its series in the history; SIZE_MAX by hand */
};

struct xb_demand {
    size_t nvm, nwin;
    double win_s;
    double t0;                  /* XB_ALIGN_TIME: start of window 0 */
    enum xb_align align;        /* as used (never AUTO once built) */
    struct xb_dvm *vm;
    /* series[r][v * nwin + k]; NULL when not built (no VM has it, or not
     * asked for).  CPU in cores until xb_demand_normalise, then in units. */
    float *series[XB_NRES];
    enum xb_cpu_basis basis;
    bool normalised;
    size_t dom0_skipped;        /* domain 0 series left out */
    size_t nodata_skipped;      /* VMs with no usable sample in the range */
};

struct xb_demand_opts {
    double win_s;               /* roll-up window, > 0 */
    double from, until;         /* samples starting in [from, until) */
    enum xb_align align;
    enum xb_fill fill;
    unsigned want;              /* XB_RES_BIT mask of series to build */
};

void xb_demand_opts_init(struct xb_demand_opts *o);

int xb_demand_from_history(const struct xb_history *h, const struct xb_demand_opts *o,
                           struct xb_demand *d, struct xb_err *err);

/* The same VM by VM (a store read one VM at a time): add each VM's series
 * (src: its index for the caller, xb_dvm.src), then finish.  The builder
 * keeps only the figures the demand needs. */
struct xb_demand_builder;
int xb_demand_builder_new(struct xb_demand_builder **b, const struct xb_demand_opts *o,
                          struct xb_err *err);
int xb_demand_add_series(struct xb_demand_builder *b, const struct xb_series *s,
                         size_t src, struct xb_err *err);
int xb_demand_finish(struct xb_demand_builder *b, struct xb_demand *d,
                     struct xb_err *err);
void xb_demand_builder_free(struct xb_demand_builder *b);
/* nvm VMs (zeroed, optional figures NAN) and zeroed series for mask. */
int xb_demand_alloc(struct xb_demand *d, size_t nvm, size_t nwin, double win_s,
                    unsigned mask);
void xb_demand_free(struct xb_demand *d);

static inline float *xb_demand_row(const struct xb_demand *d, enum xb_res r, size_t v)
{
    return d->series[r] ? d->series[r] + v * d->nwin : NULL;
}

/* Give each VM its key (NAME, or HOST/NAME where names repeat). */
void xb_demand_keys(struct xb_demand *d);
/* The VM a name means: its key, NAME or HOST/NAME.  -1 none, -2 ambiguous. */
long xb_demand_find(const struct xb_demand *d, const char *name);

/* Choose the CPU basis for these hosts and scale every VM's CPU series to
 * it (idempotent per demand: a second call fails). */
int xb_demand_normalise(struct xb_demand *d, const struct xb_hosts *hs,
                        struct xb_err *err);
const char *xb_cpu_basis_name(enum xb_cpu_basis b);
/* The CPU unit of the basis: "cores", "GHz", "MFLOPS". */
const char *xb_cpu_unit(enum xb_cpu_basis b);
/* A host's capacity per resource in the demand's units (CPU: pCPUs x speed;
 * NAN where the host file gives no limit). */
void xb_host_capacity(const struct xb_host *h, enum xb_cpu_basis b,
                      double cap[XB_NRES]);
/* Units of one core of the host (1, GHz or MFLOPS). */
double xb_host_core_units(const struct xb_host *h, enum xb_cpu_basis b);

/* Per VM: the host index the assignment gives (-1 when not listed).
 * Errors name the file and line: a VM the demand does not know or names
 * ambiguously; a host not in hs (unless outside is given: then -1 and
 * outside[v] set). */
int xb_assignment_resolve(const struct xb_assignment *a, const struct xb_demand *d,
                          const struct xb_hosts *hs, long *host_of, bool *outside,
                          struct xb_err *err);

#endif
