/* hostinfo.h: the shape and memory of a Linux host, for the run folder's
 * manifest: sockets, cores per socket and threads per core (from
 * /sys/devices/system/cpu/cpuN/topology) and MemTotal (/proc/meminfo); the
 * placement's hosts file is written from them (`xenbench hosts`).  The CPU
 * model and clock are the common writer's (source/runfolder.c). */
#ifndef XB_LINUX_HOSTINFO_H
#define XB_LINUX_HOSTINFO_H

#include <jansson.h>
#include <stddef.h>

struct xb_hostinfo {
    unsigned sockets, cores_per_socket, threads_per_core;   /* 0: unknown */
    double mem_total_mib;       /* 0 when unknown */
};

/* Never fails: what cannot be read stays unknown. */
void xb_hostinfo_read(struct xb_hostinfo *h);
/* Read them and add the manifest's keys (cpu_sockets, cpu_cores_per_socket,
 * cpu_threads_per_core, mem_total_mib; each only when known) to m, for every
 * Linux recorder (raw or aggregated).  Returns 0, or -ENOMEM. */
int xb_hostinfo_manifest(json_t *m);

#endif
