/* domains.h: what a "domain" is on a Linux host, and how to find them.
 *
 * In order of preference a domain is a libvirt domain (its QEMU process and
 * vCPU threads found through libvirt's API), a QEMU process not under
 * libvirt, a cgroup, or a process (thread group).  Each thread of a domain is
 * one engine vCPU: vCPU threads ("CPU n/KVM", "CPU n/TCG") keep their index
 * n; the other threads of a QEMU domain (I/O threads, main loop) get indexes
 * from XB_VCPU_EMU on and are shown together as the "emulator" pseudo-vCPU;
 * in a process or cgroup domain every thread is numbered from 0 in the order
 * found.  Domain ids: 0 is the host (every task in no domain), 32767 the
 * idle task, 1.. the domains in the order discovered.
 */
#ifndef XB_DOMAINS_H
#define XB_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "account/engine.h"   /* XB_VCPU_EMU */
#include "util/err.h"

#define XB_HOST_DOMID 0u

struct xb_thread {
    pid_t tid;
    uint32_t vcpu;               /* engine vCPU index (see above) */
};

struct xb_ldomain {
    uint32_t domid;
    char kind[12];               /* "libvirt", "qemu", "cgroup", "process" */
    char name[256];
    char uuid[40];               /* libvirt UUID, or "" */
    char cgroup[512];            /* cgroup path (cgroup kind), or "" */
    pid_t *pids;                 /* thread groups of the domain */
    size_t npid;
    struct xb_thread *threads;
    size_t nthread, threadcap;
    unsigned nvcpu;              /* vCPU threads (QEMU), else 0 */
};

struct xb_domain_map {
    char mode[12];               /* the mode actually used (auto resolved) */
    struct xb_ldomain *d;
    size_t n, cap;
};

/* Discover the host's domains.  mode: libvirt|qemu|cgroup|process|auto;
 * match: a POSIX extended regex on comm (process mode), or NULL.  Returns 0
 * or a negative code with err set (libvirt asked for but not answering, no
 * such mode). */
int xb_domains_discover(const char *mode, const char *match,
                        struct xb_domain_map *out, struct xb_err *err);
void xb_domains_free(struct xb_domain_map *m);

/* Add a thread to a domain (a thread created during the recording). */
int xb_domain_add_thread(struct xb_ldomain *d, pid_t tid, uint32_t vcpu);

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

/* The engine vCPU index for a thread of a QEMU domain from its comm:
 * "CPU 3/TCG" -> 3, anything else -> XB_VCPU_EMU + k (k given). */
uint32_t xb_qemu_thread_vcpu(const char *comm, uint32_t emu_k);

/* Provided by source/libvirt/libvirt_domains.c: append every running libvirt
 * domain (name, UUID, QEMU pid, vCPU threads from QMP query-cpus-fast, the
 * other threads as emulator).  Returns the number added (0: libvirtd answers
 * but runs no domain), or a negative code with err set when libvirtd does not
 * answer. */
int xb_libvirt_discover(struct xb_domain_map *out, struct xb_err *err);

#endif
