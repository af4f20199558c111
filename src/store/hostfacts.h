/* hostfacts.h: the hosts the history's recordings came from, with what the
 * recordings say about them, and the host each VM was recorded on (the
 * placement's hosts file and today's assignment, `xenbench hosts`). */
#ifndef XB_STORE_HOSTFACTS_H
#define XB_STORE_HOSTFACTS_H

#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

struct xb_host_fact {
    char name[128];
    char cpu_model[128];
    double cpu_mhz;             /* NAN unknown */
    double host_mflops;         /* LINPACK MFLOPS per core, NAN unknown */
    unsigned pcpus;             /* the most any of its runs covered, 0 unknown */
    unsigned sockets, cores_per_socket, threads_per_core;   /* 0 unknown */
    double mem_total_mib;       /* NAN unknown */
    size_t runs, vms;
};

/* Every host, in name order.  *v is malloc'ed (NULL when none). */
int xb_store_host_facts(struct xb_store *s, struct xb_host_fact **v, size_t *n,
                        struct xb_err *err);

struct xb_vm_home {
    char key[240];              /* NAME, or HOST/NAME where the name repeats */
    char host[128];
};

/* Every VM (domain 0 left out) and the host it was recorded on, in (host,
 * name) order. */
int xb_store_vm_homes(struct xb_store *s, struct xb_vm_home **v, size_t *n,
                      struct xb_err *err);

#endif
