/* inputs.h: what `place` and `simulate` both read: the history database
 * (a time range of it), the hosts file, an assignment, anti-affinity
 * groups; turned into a normalised demand matrix with today's hosts. */
#ifndef XB_PLACE_INPUTS_H
#define XB_PLACE_INPUTS_H

#include <stdbool.h>

#include "place/demand.h"
#include "place/hosts.h"
#include "place/pack.h"
#include "store/history.h"
#include "store/store.h"
#include "util/err.h"

struct xb_place_src {
    const char *db;             /* NULL: $XENBENCH_DB, else ./xenbench.db */
    const char *hosts;          /* required */
    const char *assignment;     /* NULL: none */
    bool outside_ok;            /* assignment hosts outside the hosts file */
    const char *groups;         /* NULL: none */
    const char *from, *until;   /* ISO 8601 UTC, or -AGE before the newest sample */
    struct xb_demand_opts dopt; /* window, align, fill, series (range set here) */
    bool keep_series;           /* keep each VM's points in h (--cloud sizes them) */
    bool absent_ok;             /* assignment rows of VMs stored but without
                                 * samples in the range: skipped, counted */
};

struct xb_place_inputs {
    struct xb_history h;        /* empty unless keep_series; d.vm[].src indexes it */
    struct xb_hosts hs;
    struct xb_demand d;
    struct xb_assignment a;
    struct xb_groups g;
    struct xb_vm_ref *refs;     /* every VM stored */
    size_t nrefs;
    long *current;              /* per VM; NULL without an assignment */
    bool *outside;              /* per VM; NULL */
    size_t absent;              /* assignment rows skipped (absent_ok) */
    double t_from, t_until;     /* the range used, +-INFINITY open */
    double t_end;               /* end of the newest data stored (samples or roll-ups) */
};

/* A time for --from/--until: "2013-07-23T22:00:00Z" or "-7d" (before t_end). */
int xb_place_time(const char *s, const char *opt, double t_end, double *t,
                  struct xb_err *err);

int xb_place_inputs_load(const struct xb_place_src *src, struct xb_place_inputs *in,
                         struct xb_err *err);
void xb_place_inputs_free(struct xb_place_inputs *in);

#endif
