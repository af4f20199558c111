/* burst.h: burstable types: the CPU credit model and the credit rules table.
 *
 * Model (AWS "CPU credits and baseline utilization", Azure B-series): one
 * credit is one vCPU at 100 % for one minute.  A type earns
 * credits_per_hour, pro rata, up to max_credits, starting from
 * initial_credits (launch credits; 0 for AWS t3/t3a/t4g).  A window in which
 * the VM uses U vCPUs for L seconds spends U * L / 60 credits.  The type fits
 * when the balance never goes below zero over the whole history (standard
 * mode: at zero the provider throttles to the baseline) and the history
 * earns at least what it spends, so that the history repeated (the look-back
 * taken as representative) never runs out either: launch credits alone do
 * not carry a VM that is above the baseline on average.  Where the provider
 * publishes no credit figures (GCP shared-core), the type fits only when no
 * window uses more than the baseline.
 */
#ifndef XB_BURST_H
#define XB_BURST_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "util/err.h"

/* use_vcpu[i]: vCPUs of the type used in window i of len_s[i] seconds, in
 * time order.  *min_balance: the lowest balance reached (credits; for the
 * baseline-only case, the smallest spare baseline in vCPUs). */
bool xb_burst_fits(const struct xb_cat_row *type, const double *use_vcpu,
                   const double *len_s, size_t n, double *min_balance);

/* data/catalog/rules/burst.csv: provider,type,vcpu,baseline_pct,
 * credits_per_hour,max_credits,initial_credits,source,as_of. */
struct xb_burst_rule {
    char provider[8];
    char type[48];
    unsigned vcpu;
    double baseline_pct, credits_per_hour, max_credits, initial_credits;
    char source[200];
    char as_of[11];
};

struct xb_burst_rules {
    struct xb_burst_rule *v;
    size_t n, cap;
};

int xb_burst_rules_load(struct xb_burst_rules *r, const char *path,
                        struct xb_err *err);
/* The built-in rules: BUILTIN/rules/burst.csv. */
int xb_burst_rules_load_builtin(struct xb_burst_rules *r, struct xb_err *err);
const struct xb_burst_rule *xb_burst_rule_find(const struct xb_burst_rules *r,
                                               const char *provider,
                                               const char *type);
/* Make row burstable with the rule's figures. */
void xb_burst_apply(const struct xb_burst_rule *rule, struct xb_cat_row *row);
void xb_burst_rules_free(struct xb_burst_rules *r);

#endif
