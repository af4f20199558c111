/* hybrid.h: keep or move, per VM: which VMs go to a cloud (sized and priced
 * by `plan`'s rules, src/plan/sizing.c) so that the owned hosts' monthly cost
 * plus the cloud's is lowest, optionally with at most N owned hosts.
 *
 * Method: every VM is first placed on owned hosts; a VM's share of its
 * host's cost is the host's monthly cost x its part of the host (its largest
 * dimension, as the packer sizes it).  VMs are ranked by cloud price / owned
 * share, cheapest to move first; for growing prefixes of that ranking the
 * rest is packed again and owned + cloud cost totalled; the best prefix
 * wins (with --max-hosts, the best among those that fit).  Savings come only
 * from hosts emptied, which is why whole prefixes are packed rather than
 * VMs priced one by one.
 */
#ifndef XB_PLACE_HYBRID_H
#define XB_PLACE_HYBRID_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "place/pack.h"
#include "plan/sizing.h"
#include "store/history.h"
#include "util/err.h"

struct xb_hybrid_vm {
    char type[48];          /* cheapest covering type, "" when none */
    double cloud_usd;       /* monthly, NAN when no type covers it */
    double owned_usd;       /* its share of its owned host, monthly */
    bool to_cloud;
};

struct xb_hybrid {
    char provider[8], region[40];
    size_t nvm;
    struct xb_hybrid_vm *vm;
    size_t moved;           /* VMs to the cloud */
    size_t no_type;         /* VMs no type covers (kept) */
    unsigned hosts;         /* owned hosts used (and standing by) */
    unsigned all_owned_hosts;
    double owned_usd, cloud_usd;    /* monthly, of the chosen plan */
    double all_owned_usd;           /* every VM on owned hosts */
    double today_usd;               /* today's hosts, NAN without an assignment */
    unsigned steps;                 /* prefixes packed */
};

/* Price every VM of d on one provider: its profile over [t_from, t_until)
 * from h (the series d was built from), sized by z (one provider block). */
int xb_hybrid_price(const struct xb_history *h, const struct xb_demand *d,
                    struct xb_sizer *z, double t_from, double t_until,
                    struct xb_hybrid *out, struct xb_err *err);

/* Decide, given the prices.  max_hosts 0: no limit.  Fills plan with the
 * owned placement of the VMs kept.  Errors: a host without a monthly cost;
 * and those of xb_pack. */
int xb_hybrid_decide(const struct xb_pack_in *in, unsigned max_hosts,
                     struct xb_hybrid *hy, struct xb_placement *plan,
                     struct xb_err *err);
void xb_hybrid_free(struct xb_hybrid *hy);

#endif
