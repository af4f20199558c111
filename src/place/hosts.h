/* hosts.h: the owned hosts a placement may use (the hosts file) and where
 * each VM runs today (the assignment file), both CSV (docs/planning.md, "Placement").
 *
 * Hosts file columns (header names, any order):
 *   host               name (required, unique)
 *   count              optional whole number >= 1: COUNT identical hosts named
 *                      HOST-1 .. HOST-COUNT (default 1: the name as given)
 *   sockets, cores_per_socket, threads_per_core
 *                      whole numbers >= 1 (required); pCPUs = their product
 *   mflops_per_core    LINPACK MFLOPS of one core (`xenbench overhead`), empty
 *                      when not measured
 *   ghz                nominal core clock, GHz, empty when unknown
 *   memory_gib         memory for VMs, GiB (2^30 bytes), > 0 (required)
 *   disk_mbps          storage throughput, MB/s (10^6 bytes), empty: no limit
 *   net_gbps           network, Gbit/s (10^9 bits), empty: no limit
 *   monthly_cost_usd   owning and running the host for a month, empty: unknown
 *
 * Assignment file: columns vm,host (others are ignored, so the CSV that
 * `place` writes is itself an assignment); vm is the VM's key in the history
 * (NAME, or HOST/NAME when the name is not unique).
 */
#ifndef XB_PLACE_HOSTS_H
#define XB_PLACE_HOSTS_H

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

struct xb_host {
    char name[112];
    unsigned sockets, cores_per_socket, threads_per_core;
    double mflops_per_core;     /* NAN: not measured */
    double ghz;                 /* NAN: unknown */
    double mem_gib;
    double disk_mbps;           /* NAN: no limit known */
    double net_gbps;            /* NAN: no limit known */
    double monthly_usd;         /* NAN: unknown */
    unsigned line;              /* line of the hosts file, 0 when built */
};

struct xb_hosts {
    struct xb_host *v;
    size_t n, cap;
};

/* Errors name the file, the line and the field. */
int xb_hosts_load(const char *path, struct xb_hosts *hs, struct xb_err *err);
/* Append a host (tests, benchmarks, `hosts --db`); -ENOMEM. */
int xb_hosts_add(struct xb_hosts *hs, const struct xb_host *h);
void xb_hosts_free(struct xb_hosts *hs);
/* Index of the host called name, -1 if none. */
long xb_hosts_find(const struct xb_hosts *hs, const char *name);
/* A host with every optional figure NAN. */
void xb_host_init(struct xb_host *h);

static inline unsigned xb_host_pcpus(const struct xb_host *h)
{
    return h->sockets * h->cores_per_socket * h->threads_per_core;
}

static inline unsigned xb_host_cores(const struct xb_host *h)
{
    return h->sockets * h->cores_per_socket;
}

#define XB_HOSTS_HEADER "host,count,sockets,cores_per_socket,threads_per_core," \
    "mflops_per_core,ghz,memory_gib,disk_mbps,net_gbps,monthly_cost_usd"

/* The hosts as a hosts file (header first, count column empty). */
int xb_hosts_write(FILE *f, const struct xb_hosts *hs);

/* The hosts the recordings came from as a hosts file: what no recording
 * knows is left empty for the user to fill (the shape when the runs did
 * not record it, memory, disk and network limits, the monthly cost).
 * left[i] counts the hosts whose field i of XB_HOSTS_HEADER is empty. */
struct xb_host_fact;
enum { XB_HOSTS_NCOLS = 11 };
int xb_hosts_write_facts(FILE *f, const struct xb_host_fact *v, size_t n,
                         size_t left[XB_HOSTS_NCOLS]);
extern const char *const xb_hosts_cols[XB_HOSTS_NCOLS];

struct xb_assign_row {
    char *vm, *host;
    unsigned line;
};

struct xb_assignment {
    char path[256];
    struct xb_assign_row *v;
    size_t n, cap;
};

/* Errors: no vm or host column, an empty field, a VM listed twice (names both
 * lines). */
int xb_assignment_load(const char *path, struct xb_assignment *a, struct xb_err *err);
int xb_assignment_add(struct xb_assignment *a, const char *vm, const char *host);
void xb_assignment_free(struct xb_assignment *a);

#endif
