/* sizing.h: from a VM's profile to the cheapest instance type per provider.
 *
 * Rules (docs/planning.md gives each with its source):
 *  - need per resource = percentile(samples) x (1 + headroom); Azure's
 *    comfort factor c is headroom c - 1, AWS's PERCENT_20 is 0.20.
 *  - CPU is normalised from host cores to the type's vCPUs per type: by
 *    MFLOPS per core when the host's and the type's are both known, else by
 *    clock (host MHz x cores used / type GHz), else 1:1.
 *  - candidates: x86_64 types of the provider in the region, cheapest first;
 *    the first whose vCPUs, memory (and disk, network where both the need and
 *    the type's figure are known) cover the need wins.  A burstable type
 *    must also keep its credit balance above zero over the whole history.
 *  - finding, against the current allocation in host cores / memory:
 *    under-provisioned if a need exceeds it, else over-provisioned if a need
 *    fits in half of it (the next size down), else optimised; reason codes as
 *    AWS Compute Optimizer names them.
 */
#ifndef XB_SIZING_H
#define XB_SIZING_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/catalog.h"
#include "plan/profile.h"
#include "util/err.h"

#define XB_HOURS_PER_MONTH 730.0
#define XB_MAX_PROVIDERS 3

struct xb_size_opts {
    double percentile;          /* (0, 100] */
    double headroom;            /* fraction: 0.30 for 30 % */
    const char *provider;       /* aws, azure, gcp, or NULL / "all" */
    const char *region;         /* NULL: each provider's default region */
};

enum xb_finding { XB_F_OPTIMISED, XB_F_OVER, XB_F_UNDER, XB_F_NODATA };

enum xb_reason {
    XB_R_CPU_OVER = 1 << 0,
    XB_R_CPU_UNDER = 1 << 1,
    XB_R_MEM_OVER = 1 << 2,
    XB_R_MEM_UNDER = 1 << 3,
    XB_R_CPU_CONTENTION = 1 << 4,
    XB_R_NREASONS = 5
};

enum xb_basis { XB_BASIS_MFLOPS, XB_BASIS_CLOCK, XB_BASIS_CORE };

struct xb_need {
    double cpu_p;       /* percentile of cores used (host cores) */
    double cpu_max;
    double cpu_cores;   /* cpu_p x (1 + headroom) */
    double ghz_p, ghz_max;      /* of cores x host GHz, NAN if any unknown */
    double mflops_p, mflops_max;/* of cores x host MFLOPS, NAN if any unknown */
    double host_ghz, host_mflops;   /* of the newest sample, for display */
    double mem_gib;     /* NAN: unknown, not a constraint */
    double mem_peak_gib;
    const char *mem_from;       /* "used" or "allocation", NULL */
    double disk_mbps, disk_iops, net_gbps;  /* x (1 + headroom), NAN unknown */
    double disk_peak_mbps, disk_peak_iops, net_peak_gbps;
};

struct xb_choice {
    char provider[8];
    char region[40];
    const struct xb_cat_row *type;  /* NULL when nothing fits */
    enum xb_basis basis;
    double factor;      /* type vCPUs per host core used */
    double vcpu_need;   /* need in the type's vCPUs */
    double monthly_usd;
    int risk;           /* 0 very low .. 4 very high */
    double min_credits; /* burstable: lowest balance */
};

struct xb_vm_plan {
    const struct xb_profile *prof;
    struct xb_need need;
    enum xb_finding finding;
    unsigned reasons;
    struct xb_choice choice[XB_MAX_PROVIDERS];
    size_t nchoice;
};

/* The catalogue blocks (provider, region) a plan chooses from. */
struct xb_sizer {
    const struct xb_catalog *cat;   /* merged (xb_catalog_merge) */
    struct xb_size_opts o;
    struct { char provider[8]; char region[40]; size_t lo, hi; } blk[XB_MAX_PROVIDERS];
    size_t nblk;
    double *buf;                    /* scratch, grown as needed */
    size_t bufcap;
};

/* Default region of a provider (the catalogue's reference region). */
const char *xb_default_region(const char *provider);

/* Errors: a provider or region the catalogue does not have. */
int xb_sizer_init(struct xb_sizer *z, const struct xb_catalog *cat,
                  const struct xb_size_opts *o, struct xb_err *err);
void xb_sizer_free(struct xb_sizer *z);

int xb_size_vm(struct xb_sizer *z, const struct xb_profile *p,
               struct xb_vm_plan *out);

const char *xb_finding_name(enum xb_finding f);
/* AWS-style reason code of one bit of enum xb_reason. */
const char *xb_reason_name(unsigned bit);
const char *xb_basis_name(enum xb_basis b);
const char *xb_risk_name(int risk);

#endif
