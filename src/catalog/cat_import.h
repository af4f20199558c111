/* cat_import.h: catalogue importers for the providers' own formats.
 *
 *  - AWS Price List bulk offer file (offers/v1.0/aws/AmazonEC2/.../index.json):
 *    products.<sku>.attributes joined with terms.OnDemand.<sku>...pricePerUnit.USD;
 *    Linux, shared tenancy, no pre-installed software, capacity "Used".
 *  - Azure Retail Prices API responses ({"Items": [...]}, one file per page):
 *    Virtual Machines, Consumption, "1 Hour", not Windows, not Spot or Low
 *    Priority; vCPUs and memory joined by armSkuName from a CSV of VM sizes
 *    with the columns of the VM Sizes API (name, numberOfCores, memoryInMB).
 *  - tedivm/ec2details per-type JSON (shared/data/aws-ec2-instance-types-*.json):
 *    prices.Linux.<region>.Shared.
 * AWS: every current-generation family (general, compute, memory, burstable,
 * storage, HPC, accelerated); previous generations are counted as skipped.
 * Azure: general, compute, memory and burstable families.  Burstable types
 * get their credit rules from data/catalog/rules/burst.csv, every type its
 * clock from rules/clocks.csv (rules.h).  "Up to" network and EBS figures go
 * to the burst columns, never to the sustained ones.  Errors name the file
 * and the JSON path or CSV line; the caller writes nothing unless the whole
 * import works.
 */
#ifndef XB_CAT_IMPORT_H
#define XB_CAT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/burst.h"
#include "catalog/catalog.h"
#include "catalog/rules.h"
#include "util/err.h"
#include "util/json.h"

struct xb_cat_import_opts {
    const char *as_of;                  /* YYYY-MM-DD; overrides the file's */
    const char *region;                 /* keep only this region, or NULL */
    const char *sizes_csv;              /* Azure: the VM sizes CSV */
    const struct xb_burst_rules *rules;
    const struct xb_clock_rules *clocks;
};

struct xb_cat_import_stats {
    size_t rows;                /* catalogue rows produced */
    size_t skipped_family;      /* storage, GPU, HPC... types */
    size_t skipped_terms;       /* other OS, tenancy, Spot, no price... */
    size_t skipped_region;      /* not the asked region, or not a region (AWS
                                 * Local and Wavelength Zones) */
    size_t skipped_generation;  /* AWS: previous-generation types */
    size_t no_size;             /* Azure: priced SKU absent from the sizes CSV */
    size_t no_rule;             /* burstable type without credit rules: left out */
    size_t no_clock;            /* rows without a published all-core clock */
};

int xb_import_aws_offer(const char *path, const struct xb_cat_import_opts *o,
                        struct xb_catalog *out, struct xb_cat_import_stats *st,
                        struct xb_err *err);
int xb_import_azure_retail(const char *const *paths, size_t npaths,
                           const struct xb_cat_import_opts *o,
                           struct xb_catalog *out, struct xb_cat_import_stats *st,
                           struct xb_err *err);
int xb_import_ec2details(const char *path, const struct xb_cat_import_opts *o,
                         struct xb_catalog *out, struct xb_cat_import_stats *st,
                         struct xb_err *err);

/* Shared by the importers (cat_attrs.c); JSON files: util/json.h. */
/* AWS attribute strings: "8 GiB", "1,952 GiB" -> GiB; "Up to 10 Gigabit",
 * "12500 Megabit" -> Gbit/s; "Up to 4750 Mbps" -> MB/s.  NAN for words
 * ("Moderate") or absent values.  *up_to (may be NULL) says whether the
 * figure was an "Up to" one. */
double xb_aws_gib(const char *s);
double xb_aws_gbps(const char *s, bool *up_to);
double xb_aws_ebs_mbps(const char *s, bool *up_to);
/* Category and architecture of an AWS type from its family letters
 * ("m5.large" -> general); -1 for families the catalogue leaves out (mac). */
int xb_aws_category(const char *type, const char *processor,
                    enum xb_category *cat, const char **arch);
/* The AWS attributes every importer reads, into r (type, provider, arch,
 * category, memory, network, EBS); 1 when the family is left out (counted
 * in st), 0, or an error naming where. */
struct xb_aws_attrs {
    const char *type, *processor, *memory, *network, *ebs;
};
int xb_aws_fill(struct xb_cat_row *r, const struct xb_aws_attrs *a,
                const struct xb_cat_import_opts *o, struct xb_cat_import_stats *st,
                const char *where, struct xb_err *err);
/* An AWS price-list location key -> its region code: codes pass as they
 * are, the display names the Price List uses for a few regions
 * ("Europe (Spain)") are mapped; NULL for Local and Wavelength Zones and
 * anything unknown. */
const char *xb_aws_region(const char *key);
/* The same for an Azure size name ("Standard_D2s_v5"). */
int xb_azure_category(const char *sku, enum xb_category *cat, const char **arch);
/* A region code: lower-case letters, digits and dashes only. */
int xb_is_region_code(const char *s);
/* Add a finished row: burstable rows get their credit rules (or are left
 * out, counted in st->no_rule), every row the clock of rules/clocks.csv
 * (none when the table has no figure: st->no_clock); the row is checked
 * (where names it). */
int xb_cat_import_add(struct xb_catalog *out, struct xb_cat_row *r,
                      const struct xb_cat_import_opts *o,
                      struct xb_cat_import_stats *st, const char *where,
                      struct xb_err *err);

#endif
