/* history.h: the measured history of each VM as the planner sees it.
 *
 * Plain C, no SQLite: src/store/read.c fills it from the database, the
 * planner (src/plan/) only reads it, and tests and the scale benchmark build
 * it by hand.  One xb_series per VM (host name + VM name), its samples in
 * time order.  A figure that was not measured is NAN, never 0.
 */
#ifndef XB_HISTORY_H
#define XB_HISTORY_H

#include <stddef.h>
#include <stdint.h>

/* One window of one domain. */
struct xb_sample {
    double t_unix;          /* window start, seconds since 1970 (UTC) */
    double len_s;           /* window length */
    double interval_s;      /* the run's window length (the last may be shorter) */
    uint32_t vcpus;         /* vCPUs (engine indexes < 1000) */
    double cpu_cores;       /* running time / window: cores used */
    double waited_cores;    /* runnable, not running / window */
    double blocked_cores;   /* blocked / window */
    double known_frac;      /* 1 - unknown time / (window x engine vCPUs) */
    double cpu_mhz;         /* clock of the host core, NAN if unknown */
    double host_mflops;     /* LINPACK MFLOPS per host core, NAN if unknown */
    double mem_alloc_bytes; /* memory given to the VM, NAN if unknown */
    double mem_used_bytes;  /* memory in use (gauge), NAN if unknown */
    double disk_read_Bps, disk_write_Bps;   /* bytes/s */
    double disk_read_iops, disk_write_iops; /* requests/s */
    double net_rx_Bps, net_tx_Bps;          /* bytes/s */
    double llc_refs_ps, llc_misses_ps;      /* last-level cache events/s */
};

struct xb_series {
    char host[128];
    char name[96];
    uint32_t domid;         /* of the newest sample */
    struct xb_sample *s;    /* time order */
    size_t n, cap;
};

struct xb_history {
    struct xb_series *vm;   /* sorted by (host, name) */
    size_t n, cap;
    double t_begin, t_end;  /* the look-back window, seconds since 1970 */
};

/* Append a sample to the series (host, name), creating it when new.  The
 * caller appends in time order.  Returns 0 or -ENOMEM. */
int xb_history_add(struct xb_history *h, const char *host, const char *name,
                   uint32_t domid, const struct xb_sample *s);
void xb_history_free(struct xb_history *h);

/* A sample with nothing measured but time and CPU: every optional figure NAN. */
void xb_sample_init(struct xb_sample *s);

#endif
