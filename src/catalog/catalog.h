/* catalog.h: the instance catalogue: one row per (provider, type, region).
 *
 * Rows come from CSV files (the *.csv files of data/catalog, the built-in snapshot, and
 * files the importers write), all with the columns of XB_CATALOG_HEADER
 * (docs/planning.md describes each).  Every row carries a source and an as-of
 * date.  When several files give the same (provider, type, region), the row
 * with the newest as-of date wins, and on a tie the file loaded later.
 */
#ifndef XB_CATALOG_H
#define XB_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define XB_CATALOG_HEADER \
    "provider,type,category,region,arch,vcpu,memory_gib,clock_ghz," \
    "mflops_per_vcpu,burst_baseline_pct,burst_credits_per_hour," \
    "burst_max_credits,burst_initial_credits,net_gbps,net_burst_gbps," \
    "disk_mbps,disk_iops,disk_burst_mbps,disk_burst_iops,price_usd_hour," \
    "price_1y_usd_hour,price_3y_usd_hour,source,as_of"

enum xb_category {
    XB_CAT_GENERAL,
    XB_CAT_COMPUTE,
    XB_CAT_MEMORY,
    XB_CAT_BURSTABLE,
    XB_CAT_STORAGE,                /* local-disk families (AWS i, d, h) */
    XB_CAT_HPC,                    /* AWS hpc: one zone, tightly coupled jobs */
    XB_CAT_ACCELERATED,            /* GPUs, FPGAs, inference chips */
    XB_NCATEGORY
};

/* Categories `plan` offers unless --category says otherwise: an
 * accelerated type bills for hardware a VM does not use, an HPC type is
 * sold for tightly coupled jobs in one zone. */
#define XB_CATEGORIES_DEFAULT \
    ((1u << XB_CAT_GENERAL) | (1u << XB_CAT_COMPUTE) | (1u << XB_CAT_MEMORY) | \
     (1u << XB_CAT_BURSTABLE) | (1u << XB_CAT_STORAGE))

struct xb_cat_row {
    char provider[8];              /* aws, azure, gcp */
    char type[48];
    enum xb_category category;
    char region[40];
    char arch[8];                  /* x86_64 or arm64 */
    unsigned vcpu;
    double mem_gib;
    double clock_ghz;              /* all-core turbo (fixed-clock Arm: the
                                    * clock), as the provider publishes it;
                                    * NAN unknown (rules/clocks.csv) */
    double mflops_per_vcpu;        /* NAN unknown */
    /* Burstable types: baseline per vCPU in % of one vCPU; credits are
     * vCPU-minutes at 100 % (AWS and Azure count them so).  Credit figures
     * NAN when the provider publishes none (then: baseline only). */
    double burst_baseline_pct;
    double burst_credits_per_hour, burst_max_credits, burst_initial_credits;
    /* Sustained (baseline) figures, and apart from them the "up to"
     * figures a type reaches only for a while (AWS's network and EBS
     * "Up to", Azure's disk bursting).  NAN: not published. */
    double net_gbps, net_burst_gbps;        /* Gbit/s */
    double disk_mbps, disk_burst_mbps;      /* MB/s (10^6) */
    double disk_iops, disk_burst_iops;
    double price_hour;             /* on-demand USD per hour */
    /* Effective USD per hour with a 1- or 3-year commitment, where the
     * price file gives one for this row; NAN else (then the commitment
     * table, rules/commitments.csv, may give a discount). */
    double price_1y_hour, price_3y_hour;
    char source[200];
    char as_of[11];                /* YYYY-MM-DD */
};

struct xb_catalog {
    struct xb_cat_row *v;
    size_t n, cap;
    size_t files;                  /* files loaded */
};

const char *xb_category_name(enum xb_category c);
int xb_category_parse(const char *s, enum xb_category *c);

/* A row with every optional figure NAN. */
void xb_cat_row_init(struct xb_cat_row *r);
/* Check a row's values; where names "FILE: line N" or "FILE: ITEM". */
int xb_cat_row_check(const struct xb_cat_row *r, const char *where,
                     struct xb_err *err);
int xb_catalog_add(struct xb_catalog *c, const struct xb_cat_row *r);

/* Load one CSV file; a bad row stops the load with FILE: line N: field. */
int xb_catalog_load_file(struct xb_catalog *c, const char *path, struct xb_err *err);
/* Every *.csv directly in dir, in name order. */
int xb_catalog_load_dir(struct xb_catalog *c, const char *dir, struct xb_err *err);
/* A colon-separated list of files and folders; "builtin" stands for the
 * built-in folder.  NULL or "": the built-in folder alone. */
int xb_catalog_load_list(struct xb_catalog *c, const char *list, struct xb_err *err);
/* Keep one row per (provider, type, region): newest as_of, later file on a tie.
 * Leaves the rows sorted by (provider, region, price, vcpu, memory, type). */
void xb_catalog_merge(struct xb_catalog *c);
void xb_catalog_free(struct xb_catalog *c);

/* The CSV text of the rows (header first), in a malloc'ed buffer. */
int xb_catalog_format(const struct xb_catalog *c, char **text, size_t *len,
                      struct xb_err *err);
/* Write it to path atomically (temporary file, then rename). */
int xb_catalog_write(const struct xb_catalog *c, const char *path,
                     struct xb_err *err);

/* The built-in catalogue folder, found from the program's own path:
 * BINDIR/../data/catalog (a build tree inside the checkout), else
 * BINDIR/../share/xenbench/catalog (installed). */
int xb_catalog_builtin_dir(char *buf, size_t len, struct xb_err *err);

#endif
