/* domain_map.h: the domains of a Linux host and their threads, as every
 * discovery fills it (source/linux: QEMU processes, cgroups, processes;
 * source/libvirt: libvirt guests) and the recorder writes it into
 * domains.json.
 *
 * Each thread of a domain is one engine vCPU: vCPU threads ("CPU n/KVM",
 * "CPU n/TCG") keep their index n; the other threads of a QEMU domain get
 * indexes from XB_VCPU_EMU on (model/domain.h); in a process or cgroup
 * domain every thread is numbered from 0 in the order found.  This file
 * owns the map's memory; it must not read /proc or talk to libvirt.
 */
#ifndef XB_SOURCE_DOMAIN_MAP_H
#define XB_SOURCE_DOMAIN_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/domain.h"

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
    unsigned *pid_tasks;         /* rescan: threads each pid had when last
                                  * scanned (the first npid_tasks pids) */
    size_t npid_tasks;
    struct xb_thread *threads;
    size_t nthread, threadcap;
    unsigned nvcpu;              /* vCPU threads (QEMU), else 0 */
};

struct xb_domain_map {
    char mode[12];               /* the mode actually used (auto resolved) */
    struct xb_ldomain *d;
    size_t n, cap;
};

/* A new, zeroed domain of this kind at the end of the map, with the next
 * domain id (one above the highest in the map, never XB_IDLE_DOMID); NULL
 * when out of memory.  The pointer is valid until the next append. */
struct xb_ldomain *xb_domain_map_append(struct xb_domain_map *m, const char *kind);
/* Drop the last domain (one that could not be described after all). */
void xb_domain_map_drop_last(struct xb_domain_map *m);
void xb_domains_free(struct xb_domain_map *m);

/* Add a thread to a domain (a thread created during the recording).
 * Returns 0 or -ENOMEM. */
int xb_domain_add_thread(struct xb_ldomain *d, pid_t tid, uint32_t vcpu);

/* The engine vCPU index for a thread of a QEMU domain from its comm:
 * "CPU 3/TCG" -> 3, anything else -> XB_VCPU_EMU + k (k given). */
uint32_t xb_qemu_thread_vcpu(const char *comm, uint32_t emu_k);

#endif
