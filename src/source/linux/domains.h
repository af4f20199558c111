/* domains.h: how to find the domains of a Linux host.
 *
 * In order of preference a domain is a libvirt domain (its QEMU process and
 * vCPU threads found through libvirt's API, source/libvirt), a QEMU process
 * not under libvirt, a cgroup, or a process (thread group).  The map they
 * go into, and how threads become vCPUs, is source/domain_map.h.  Domain
 * ids: 0 is the host (every task in no domain), 32767 the idle task, 1..
 * the domains in the order discovered (model/domain.h).
 */
#ifndef XB_LINUX_DOMAINS_H
#define XB_LINUX_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "source/domain_map.h"
#include "util/err.h"

/* Discover the host's domains.  mode: libvirt|qemu|cgroup|process|auto;
 * match: a POSIX extended regex on comm (process mode), or NULL.  Returns 0
 * or a negative code with err set (libvirt asked for but not answering, no
 * such mode). */
int xb_domains_discover(const char *mode, const char *match,
                        struct xb_domain_map *out, struct xb_err *err);

/* A selection that found no domain: only the host would be recorded.  m is
 * the map xb_domains_discover filled for mode and match.  When m has
 * domains: 0.  Else, with require: -ENOENT and err says what matched
 * nothing; without: 0 and warn (else "") says so. */
int xb_domains_require(const struct xb_domain_map *m, const char *mode,
                       const char *match, bool require, char *warn, size_t wlen,
                       struct xb_err *err);

/* Add every thread of pid not yet in d (vCPU index from the comm when qemu,
 * else in order found).  A process that is gone adds nothing.  Returns 0 or
 * -ENOMEM. */
int xb_domain_scan_threads(struct xb_ldomain *d, pid_t pid, bool qemu);

/* Look again for processes that joined a cgroup domain and threads created
 * in every domain.  Returns the number of threads added, or -ENOMEM. */
int xb_domains_rescan(struct xb_domain_map *m);

/* A thread's state letter (R, S, D...) and last CPU from /proc/TID/stat.
 * Returns 0, or -1 when the thread is gone. */
int xb_thread_state(pid_t tid, char *state, int *cpu);

/* The cgroup hierarchy whose paths name cgroup domains (pure v2, else the
 * v1 cpuacct or cpu hierarchy, else the v2 part of a hybrid setup), or NULL. */
const char *xb_cgroup_root(void);

#endif
