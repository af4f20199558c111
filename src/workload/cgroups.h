/* cgroups.h: the cgroups of a `bench` run.
 *
 * A run's domain NAME lives in <hier>/xenbench/<run>/NAME for every cgroup
 * hierarchy used here: v1 cpu, cpuacct, cpuset, blkio and the v2 tree (where
 * perf_event lives on a hybrid host), or the one v2 tree of a pure v2 host.
 * Never memory: the caller's memory cgroup may be how its own supervisor
 * tracks it.  Paths below are relative to each hierarchy's root, as `record
 * --domains cgroup` names domains ("/xenbench/bench-12/cpu").
 */
#ifndef XB_BENCH_CGROUPS_H
#define XB_BENCH_CGROUPS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define XB_CG_MAX 8

/* The cgroup.procs files of one domain, for xb_cg_join. */
struct xb_cg_dom {
    char procs[XB_CG_MAX][PATH_MAX];
    int n;
};

enum xb_cg_step { XB_CG_MKDIR, XB_CG_CPUS, XB_CG_RATE };

/* Create the domain's groups (and their parents), pin them to cpus (may be
 * "") in cpuset, and in blkio set a write rule on disk ("MAJ:MIN", may be
 * "") of rate_bps, or a non-limiting one when 0 (blkio.throttle.
 * io_service_bytes reads 0 without a rule).  Returns 0, or -errno with *step
 * and where (the file that failed) set.  A failed non-limiting rule is not
 * an error. */
int xb_cg_create(const char *run, const char *dom, const char *cpus,
                 const char *disk, uint64_t rate_bps, struct xb_cg_dom *out,
                 enum xb_cg_step *step, char *where, size_t wlen);

/* Move the calling process into each of the domain's groups: for a child
 * between fork and exec.  Returns 0 or -errno with *failed the index. */
int xb_cg_join(const struct xb_cg_dom *g, int *failed);

/* Kill whatever is left in the run's groups and remove them (and
 * xenbench/ when no other run uses it). */
void xb_cg_remove_run(const char *run);
/* Remove the runs "bench-PID" whose PID is gone (a killed xenbench). */
void xb_cg_remove_stale(void);

/* The whole disk holding path, "MAJ:MIN", for blkio rules; -ENODEV when it
 * is not on a block device (tmpfs, overlay). */
int xb_cg_disk_of(const char *path, char *buf, size_t len);

/* Small sysfs helpers: whole-file read (trailing newlines cut) and write. */
int xb_cg_read(const char *path, char *buf, size_t len);
int xb_cg_write(const char *path, const char *text);

#endif
