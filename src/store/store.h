/* store.h: the SQLite history database (docs/history-db.md).
 *
 * One file holds hosts, imported runs, VMs and one sample row per (run,
 * window, domain).  The schema is versioned with PRAGMA user_version; a file
 * of a newer version, or a SQLite file that is not a history database, is
 * refused with a message naming it.  Writers work inside one transaction
 * (xb_store_begin .. xb_store_commit): a failed import leaves the file as it
 * was.  A run is identified by its run key; writing a run whose key is
 * already stored replaces it, so re-importing never duplicates rows.
 */
#ifndef XB_STORE_H
#define XB_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/history.h"
#include "util/err.h"

#define XB_STORE_SCHEMA_VERSION 3

struct xb_store;

enum xb_store_mode {
    XB_STORE_READ,      /* must exist and hold a history; opened read-only */
    XB_STORE_WRITE,     /* created with the schema when missing or empty */
};

int xb_store_open(struct xb_store **out, const char *path, enum xb_store_mode mode,
                  struct xb_err *err);
void xb_store_close(struct xb_store *s);
const char *xb_store_path(const struct xb_store *s);

int xb_store_begin(struct xb_store *s, struct xb_err *err);
int xb_store_commit(struct xb_store *s, struct xb_err *err);
void xb_store_rollback(struct xb_store *s);

/* What a run is, written once at its start. */
struct xb_run_rec {
    const char *run_key;      /* unique per recording */
    const char *host;         /* host name */
    const char *cpu_model;    /* or NULL */
    double cpu_mhz;           /* host core clock, NAN if unknown */
    const char *cpu_mhz_from; /* where the clock came from, or NULL */
    const char *source;       /* "xen" or "linux" */
    const char *path;         /* as given to import */
    double start_unix;
    const char *start_from;   /* "manifest" or "fixed-epoch" */
    double interval_s;
    unsigned npcpu;
};

/* Insert the run (replacing a stored run with the same key).  *replaced says
 * whether one was.  Returns 0 or an error code. */
int xb_store_put_run(struct xb_store *s, const struct xb_run_rec *r,
                     int64_t *run_id, bool *replaced, struct xb_err *err);
/* One sample of VM `name` (on the run's host). */
int xb_store_put_sample(struct xb_store *s, int64_t run_id, unsigned win,
                        uint32_t domid, uint32_t instance, const char *name,
                        const struct xb_sample *x, struct xb_err *err);
/* One roll-up bucket of VM `name` (on the run's host): store/rollup.h. */
struct xb_rollup_row;
int xb_store_put_rollup(struct xb_store *s, int64_t run_id, uint32_t domid,
                        const char *name, const struct xb_rollup_row *r,
                        struct xb_err *err);
/* The run's span, once known; also removes VMs and hosts left without data. */
int xb_store_end_run(struct xb_store *s, int64_t run_id, double span_s,
                     struct xb_err *err);

/* Record a host's LINPACK MFLOPS per core (for CPU normalisation). */
int xb_store_set_host_mflops(struct xb_store *s, const char *host, double mflops,
                             struct xb_err *err);

/* Counts for messages and tests. */
int xb_store_count(struct xb_store *s, const char *table, int64_t *n,
                   struct xb_err *err);

/* Every sample that ends after (newest sample end - lookback_s), grouped by
 * VM in (host, name) order, in time order within a VM.  lookback_s <= 0:
 * everything.  Sets h->t_begin and h->t_end (0 when the store is empty). */
int xb_store_load(struct xb_store *s, double lookback_s, struct xb_history *h,
                  struct xb_err *err);

/* What a sizing method reads: a VM's history as points, VM by VM (memory
 * stays one VM's points).
 *  - period 300 or 600: one point per roll-up bucket (store/rollup.h), its
 *    figures the bucket's maximum (into `mx`) and time-weighted mean (into
 *    `mn`), both from one read; either may be NULL; demand_mean is always
 *    the mean (burst credits).  A file of schema 1 or 2 has no roll-ups:
 *    its windows are rolled up here.
 *  - period 0: the windows themselves where the run kept them, and the
 *    5-minute roll-up means where it did not (a run of 5-minute windows, or
 *    raw windows dropped by retention), into `mn` (or `mx`).
 * Points start in [t_begin, t_until) (a bucket that ends after t_begin
 * counts); they carry interval_s = len_s: a partly filled bucket counts by
 * its known fraction only.  The series are reused: their points are
 * replaced, their identity set. */
enum xb_point_stat { XB_POINT_MAX, XB_POINT_MEAN };

struct xb_vm_ref {
    int64_t vm_id;
    char host[128], name[96];
    double end_unix;            /* the end of its newest data */
};
/* Every VM, in (host, name) order. */
int xb_store_vm_refs(struct xb_store *s, struct xb_vm_ref **v, size_t *n,
                     struct xb_err *err);
int xb_store_vm_points(struct xb_store *s, const struct xb_vm_ref *vm, double t_begin,
                       double t_until, unsigned period, struct xb_series *mx,
                       struct xb_series *mn, struct xb_err *err);
/* The end of the newest data (samples, or runs kept as roll-ups); NAN when
 * the file is empty. */
int xb_store_data_end(struct xb_store *s, double *t_end, struct xb_err *err);

#endif
