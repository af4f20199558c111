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
 * Only general-purpose, compute- and memory-optimised and burstable types are
 * kept (others are counted as skipped).  Burstable types get their credit
 * rules from data/catalog/rules/burst.csv.  Errors name the file and the JSON
 * path or CSV line; the caller writes nothing unless the whole import works.
 */
#ifndef XB_CAT_IMPORT_H
#define XB_CAT_IMPORT_H

#include <stddef.h>

#include "plan/burst.h"
#include "plan/catalog.h"
#include "util/err.h"

struct xb_cat_import_opts {
    const char *as_of;                  /* YYYY-MM-DD; overrides the file's */
    const char *region;                 /* keep only this region, or NULL */
    const char *sizes_csv;              /* Azure: the VM sizes CSV */
    const struct xb_burst_rules *rules;
};

struct xb_cat_import_stats {
    size_t rows;                /* catalogue rows produced */
    size_t skipped_family;      /* storage, GPU, HPC... types */
    size_t skipped_terms;       /* other OS, tenancy, Spot, no price... */
    size_t skipped_region;      /* not the asked region, or not a region code */
    size_t no_size;             /* Azure: priced SKU absent from the sizes CSV */
    size_t no_rule;             /* burstable type without credit rules: left out */
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

/* Shared by the importers (cat_attrs.c). */
struct json_t;
int xb_json_load_file(const char *path, struct json_t **root, struct xb_err *err);
/* AWS attribute strings: "8 GiB", "1,952 GiB" -> GiB; "Up to 10 Gigabit",
 * "12500 Megabit" -> Gbit/s; "Up to 4750 Mbps" -> MB/s; "Up to 3.1 GHz" -> GHz.
 * NAN for words ("Moderate") or absent values. */
double xb_aws_gib(const char *s);
double xb_aws_gbps(const char *s);
double xb_aws_ebs_mbps(const char *s);
double xb_aws_ghz(const char *s);
/* Category and architecture of an AWS type from its family letters
 * ("m5.large" -> general); -1 for families the catalogue leaves out. */
int xb_aws_category(const char *type, const char *processor,
                    enum xb_category *cat, const char **arch);
/* The same for an Azure size name ("Standard_D2s_v5"). */
int xb_azure_category(const char *sku, enum xb_category *cat, const char **arch);
/* A region code: lower-case letters, digits and dashes only. */
int xb_is_region_code(const char *s);
/* Add a finished row: burstable rows get their credit rules (or are left
 * out, counted in st->no_rule); the row is checked (where names it). */
int xb_cat_import_add(struct xb_catalog *out, struct xb_cat_row *r,
                      const struct xb_cat_import_opts *o,
                      struct xb_cat_import_stats *st, const char *where,
                      struct xb_err *err);

#endif
