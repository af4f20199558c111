/* rules.h: the two published-figure tables the price lists lack, beside
 * the burst credit rules (burst.h):
 *
 *  - rules/clocks.csv: the clock of a family's processor, taken one way for
 *    every row of every provider: the all-core turbo frequency the provider
 *    publishes (for fixed-clock Arm processors, their clock).  A price
 *    list's own clock field is not used: AWS's `clockSpeed` is the base
 *    clock for some families and the turbo for others (m6a 2.95 GHz base
 *    where AWS's instance page gives 3.6 GHz all-core turbo).
 *  - rules/commitments.csv: the discount of a 1- or 3-year commitment per
 *    family, where a provider publishes one figure for the family; rows of
 *    a catalogue may carry their own commitment prices instead.
 *
 * Rows match a type by a glob pattern on its name ("m5.*", "n2-*",
 * "Standard_D*s_v5"), the first matching row of the provider wins (so a
 * narrower pattern goes first: "Standard_D*as_v5" before "Standard_D*s_v5").  Every
 * row names its source and date.
 */
#ifndef XB_CATALOG_RULES_H
#define XB_CATALOG_RULES_H

#include <stddef.h>

#include "catalog/catalog.h"
#include "util/err.h"

struct xb_clock_rule {
    char provider[8];
    char pattern[48];
    char processor[80];
    double ghz;                 /* NAN: the provider publishes no all-core
                                 * figure for these types (a row that says
                                 * so stops the search) */
    char source[240];
    char as_of[11];
};

struct xb_clock_rules {
    struct xb_clock_rule *v;
    size_t n, cap;
};

/* provider,pattern,processor,all_core_ghz,source,as_of */
int xb_clock_rules_load(struct xb_clock_rules *r, const char *path,
                        struct xb_err *err);
int xb_clock_rules_load_builtin(struct xb_clock_rules *r, struct xb_err *err);
const struct xb_clock_rule *xb_clock_rule_find(const struct xb_clock_rules *r,
                                               const char *provider,
                                               const char *type);
void xb_clock_rules_free(struct xb_clock_rules *r);

enum xb_pricing { XB_PRICING_ONDEMAND, XB_PRICING_1Y, XB_PRICING_3Y };

const char *xb_pricing_name(enum xb_pricing p);
int xb_pricing_parse(const char *s, enum xb_pricing *p);

struct xb_commit_rule {
    char provider[8];
    char pattern[48];
    enum xb_pricing term;
    double discount_pct;        /* off the on-demand price */
    char source[240];
    char as_of[11];
};

struct xb_commit_rules {
    struct xb_commit_rule *v;
    size_t n, cap;
};

/* provider,pattern,term,discount_pct,source,as_of; term is 1y or 3y.
 * Loading several files appends: a later file's rows are tried first, so a
 * user's table overrides the built-in one. */
int xb_commit_rules_load(struct xb_commit_rules *r, const char *path,
                         struct xb_err *err);
int xb_commit_rules_load_builtin(struct xb_commit_rules *r, struct xb_err *err);
void xb_commit_rules_free(struct xb_commit_rules *r);

/* The hourly price of a row under pricing p: on-demand as is; a commitment
 * from the row's own figure, else on-demand x (1 - discount) of the
 * matching rule, else NAN (no published figure).  *from (may be NULL) gets
 * where the figure comes from: "on-demand", "row", or the rule's source. */
double xb_price_of(const struct xb_cat_row *r, enum xb_pricing p,
                   const struct xb_commit_rules *c, const char **from);

#endif
