/* loads.h: the loads of a scenario's domains, each in its own cgroups.
 *
 * For each domain: creates its cgroups (bench/cgroups.h: pinning with
 * cpuset.cpus, the write rate with a blkio throttle rule on the disk of the
 * temporary folder), and starts its stress-ng (or sleep) already inside them,
 * in its own process group.  xb_loads_stop kills every process left in those
 * cgroups and removes them; it is safe to call on any path out, more than
 * once.  A later start removes the cgroups of runs whose xenbench is gone.
 */
#ifndef XB_LOADS_H
#define XB_LOADS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "workload/cgroups.h"
#include "workload/scenario.h"
#include "util/err.h"

struct xb_load {
    const struct xb_scn_domain *d;
    pid_t pid;                   /* process group leader; 0 when reaped */
    int status;
    char log[PATH_MAX + 80];
};

struct xb_loads {
    const struct xb_scenario *s;
    char run[32];                /* "bench-<pid>" */
    char tmp[PATH_MAX];          /* logs and the disk stressors' files */
    struct xb_load *l;
    struct xb_cg_dom *cg;        /* [n] each domain's cgroup.procs files */
    size_t n;
};

/* Start every domain's load; each runs for its duration plus extra_ns (the
 * time before the recording starts).  On error, whatever was started is
 * stopped and removed. */
int xb_loads_start(struct xb_loads *L, const struct xb_scenario *s,
                   uint64_t extra_ns, struct xb_err *err);

/* The regex on cgroup paths (as `record --domains cgroup --match`) that
 * selects exactly this run's domains: "^/xenbench/bench-123/". */
void xb_loads_match(const struct xb_loads *L, char *buf, size_t len);

/* 0 when every load still runs, else -XB_EINPUT naming the domain, its
 * exit and the end of its log (e.g. stress-ng refused an option). */
int xb_loads_check(struct xb_loads *L, struct xb_err *err);

/* Stop the loads (SIGINT, then SIGTERM, then SIGKILL), remove the cgroups
 * and the temporary folder; copy each load's log into logdir (if not NULL)
 * as load-NAME.log. */
void xb_loads_stop(struct xb_loads *L, const char *logdir);

#endif
