/* sizing.h: from a VM's profile to the cheapest instance type per provider.
 *
 * Rules (docs/planning.md gives each with its source):
 *  - need per resource = percentile(samples) x (1 + headroom); Azure's
 *    comfort factor c is headroom c - 1, AWS's PERCENT_20 is 0.20.
 *  - CPU is normalised from host cores to the type's vCPUs per type: by
 *    MFLOPS per core when the host's and the type's are both known, else by
 *    clock (host MHz x cores used / type GHz), else 1:1.
 *  - candidates: types of the provider in its region, of the asked
 *    architectures (x86_64 by default) and categories, priced under the
 *    asked pricing (on-demand, or a 1- or 3-year commitment where a figure
 *    is published), cheapest first; the first whose vCPUs, memory (and disk,
 *    network where both the need and the type's figure are known) cover the
 *    need wins.  Disk and network needs are held against the sustained
 *    figures; "up to" figures only bound them where no sustained figure is
 *    published and weigh in the risk at the peak.  A burstable type must
 *    also keep its credit balance above zero over the whole history.
 *  - finding, against the current allocation in host cores / memory:
 *    under-provisioned if a need exceeds it, else over-provisioned if a need
 *    fits in half of it (the next size down), else optimised; reason codes as
 *    AWS Compute Optimizer names them.
 */
#ifndef XB_SIZING_H
#define XB_SIZING_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "catalog/rules.h"
#include "plan/method.h"
#include "plan/profile.h"
#include "util/err.h"

#define XB_HOURS_PER_MONTH 730.0
#define XB_MAX_PROVIDERS 3

#define XB_ARCH_X86_64 1u
#define XB_ARCH_ARM64 2u

struct xb_size_opts {
    double percentile;          /* (0, 100]; NAN: each method's default */
    double headroom;            /* fraction: 0.30 for 30 %; NAN: the method's */
    bool method_forced;         /* every provider by `method`, not its own */
    enum xb_method method;
    const char *provider;       /* aws, azure, gcp, or NULL / "all" */
    const char *region;         /* every provider's region; NULL: defaults */
    /* One provider's region ("aws=eu-west-1"), over `region`; "": as above.
     * Indexed like xb_providers. */
    char region_of[XB_MAX_PROVIDERS][40];
    unsigned arch_mask;         /* XB_ARCH_*; 0: x86_64 */
    unsigned category_mask;     /* 1 << enum xb_category; 0: the default set */
    enum xb_pricing pricing;
    const struct xb_commit_rules *commitments;  /* for 1y/3y, or NULL */
};

extern const char *const xb_providers[XB_MAX_PROVIDERS];

/* "--region" values: "R" (every provider) or "aws=R1,azure=R2" (those
 * providers; the others keep their default). */
int xb_size_opts_regions(struct xb_size_opts *o, const char *spec,
                         struct xb_err *err);
/* "--arch" values: "x86_64", "arm64", "x86_64,arm64". */
int xb_arch_mask_parse(const char *spec, unsigned *mask);
/* "--category" values: a comma-separated list of category names, or "all". */
int xb_category_mask_parse(const char *spec, unsigned *mask);

/* XB_F_NODATA: AWS's InsufficientData: below the data minimum, or memory
 * unknown; not priced, counted in the totals as such. */
enum xb_finding { XB_F_OPTIMISED, XB_F_OVER, XB_F_UNDER, XB_F_NODATA };

enum xb_reason {
    XB_R_CPU_OVER = 1 << 0,
    XB_R_CPU_UNDER = 1 << 1,
    XB_R_MEM_OVER = 1 << 2,
    XB_R_MEM_UNDER = 1 << 3,
    XB_R_CPU_CONTENTION = 1 << 4,
    XB_R_SHORT_HISTORY = 1 << 5,    /* below the data minimum */
    XB_R_MEM_UNKNOWN = 1 << 6,      /* neither use nor allocation known */
    XB_R_NREASONS = 7
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
    enum xb_method method;          /* the method this provider is sized by */
    double percentile, headroom;    /* as used */
    struct xb_need need;
    const struct xb_cat_row *type;  /* NULL when nothing fits */
    double price_hour;  /* under the plan's pricing */
    const char *price_from;     /* "on-demand", "row", or a rule's source */
    enum xb_basis basis;
    double factor;      /* type vCPUs per host core used */
    double vcpu_need;   /* need in the type's vCPUs */
    double monthly_usd;
    int risk;           /* 0 very low .. 4 very high */
    double min_credits; /* burstable: lowest balance */
};

struct xb_vm_plan {
    const struct xb_profile *prof;  /* of the first provider's method */
    struct xb_need need;            /* the highest CPU need of the choices */
    enum xb_finding finding;
    unsigned reasons;
    struct xb_choice choice[XB_MAX_PROVIDERS];
    size_t nchoice;
};

/* One candidate of a block: a catalogue row and its price under the plan's
 * pricing. */
struct xb_candidate {
    const struct xb_cat_row *t;
    double price_hour;
    const char *price_from;
};

/* The catalogue blocks (provider, region) a plan chooses from: the rows of
 * the asked architectures and categories with a price under the asked
 * pricing, cheapest first. */
struct xb_sizer {
    const struct xb_catalog *cat;   /* merged (xb_catalog_merge) */
    struct xb_size_opts o;
    struct {
        char provider[8];
        char region[40];
        struct xb_candidate *c;
        size_t n;
        enum xb_method method;
        size_t rows;                /* rows of the block before filtering */
        size_t unpriced;            /* left out: no price under the pricing */
    } blk[XB_MAX_PROVIDERS];
    size_t nblk;
    /* Providers asked for but left out, with why (no types in the region,
     * no published commitment price), for the notes. */
    char left_out[XB_MAX_PROVIDERS][200];
    size_t nleft_out;
    double *buf;                    /* scratch, grown as needed */
    size_t bufcap;
};

/* Default region of a provider (the catalogue's reference region). */
const char *xb_default_region(const char *provider);

/* Errors: a provider or region the catalogue does not have (a provider
 * asked by name), or no provider at all left to plan with. */
int xb_sizer_init(struct xb_sizer *z, const struct xb_catalog *cat,
                  const struct xb_size_opts *o, struct xb_err *err);
void xb_sizer_free(struct xb_sizer *z);

/* The statistics method m's profiles need for this sizer: the percentile it
 * sizes with (the user's, else the method's) of what it reads (CPU wanted,
 * memory used, disk, network); counts, means and maxima come with every
 * profile. */
void xb_sizer_want(const struct xb_sizer *z, enum xb_method m,
                   struct xb_profile_want *w);

/* by_method[m]: the VM's profile over method m's points (NULL where not
 * loaded; every block's method must be there).  The choices follow the
 * blocks. */
int xb_size_vm_methods(struct xb_sizer *z, const struct xb_profile *const *by_method,
                       struct xb_vm_plan *out);
/* One profile for every block (tests, the scale benchmark). */
int xb_size_vm(struct xb_sizer *z, const struct xb_profile *p,
               struct xb_vm_plan *out);

const char *xb_finding_name(enum xb_finding f);
/* AWS-style reason code of one bit of enum xb_reason. */
const char *xb_reason_name(unsigned bit);
const char *xb_basis_name(enum xb_basis b);
const char *xb_risk_name(int risk);

#endif
