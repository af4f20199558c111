/* plan_scale.c: the planner at scale on VMs resampled from the real fleet
 * (bench/plan-scale runs it).
 *
 *   plan_scale DB [VMS [SEED]]
 *
 * Reads the fleet's history from DB (the shared Bitbrains fleet, imported
 * with `xenbench import --format gwa`) VM by VM, with the points of every
 * provider's method (AWS: the maximum of each 5 minutes, Azure: the peak of
 * each 10 minutes, GCP: the 5-minute mean), and keeps for each fleet VM two
 * slices of two days (48 h, above the 30-h data minimum), their first days
 * drawn with a fixed seed.  VMS synthetic VMs (default 100,000) are drawn
 * from them with replacement (a fleet VM, one of its slices).  Each is then
 * planned as `plan` plans a VM: its profile per method over its slice, sized
 * by each provider's method against the full built-in catalogue (or
 * $XENBENCH_CATALOG).  The baseline, measured in the same run on the same
 * VMs: their profiles alone (the statistics every planner needs, without
 * the catalogue).  Prints the wall and CPU time of each, their ratio, the
 * choices made, and PASS/MISS against the target: under 2 s.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/catalog.h"
#include "plan/profiles.h"
#include "plan/sizing.h"
#include "splitmix.h"

#define SLICES 2
#define SLICE_S (2 * 86400.0)

static uint64_t rng;

static uint64_t next(void)
{
    return xb_splitmix64(&rng);
}

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* One fleet VM's slices: per slice and method, a copy of its points. */
struct slice {
    double t0;
    struct xb_series s[XB_NMETHODS];
};

struct pool {
    struct slice (*vm)[SLICES];
    size_t n, cap;
    double t_begin, t_end;      /* the fleet's span */
    bool wanted[XB_NMETHODS];
    size_t points;
};

static int copy_slice(const struct xb_series *from, double t0, struct xb_series *to)
{
    *to = *from;
    to->s = NULL;
    to->n = to->cap = 0;
    size_t a = 0;
    while (a < from->n && from->s[a].t_unix < t0)
        a++;
    size_t b = a;
    while (b < from->n && from->s[b].t_unix < t0 + SLICE_S)
        b++;
    if (b > a) {
        if (!(to->s = malloc((b - a) * sizeof *to->s)))
            return -1;
        memcpy(to->s, from->s + a, (b - a) * sizeof *to->s);
    }
    to->n = to->cap = b - a;
    return 0;
}

static int on_vm(struct xb_vm_view *v, void *ctx)
{
    struct pool *P = ctx;
    if (P->n == P->cap) {
        size_t cap = P->cap ? 2 * P->cap : 512;
        void *p = realloc(P->vm, cap * sizeof *P->vm);
        if (!p)
            return -1;
        P->vm = p;
        P->cap = cap;
    }
    /* The VM's own span: its slices start within it (a VM whose data ends
     * early has short slices, as a fleet has). */
    double first = INFINITY, last = -INFINITY;
    for (int m = 0; m < XB_NMETHODS; m++) {
        if (!v->have[m] || v->s[m].n == 0)
            continue;
        first = fmin(first, v->s[m].s[0].t_unix);
        last = fmax(last, v->s[m].s[v->s[m].n - 1].t_unix);
    }
    double room = fmax(0, last - first - SLICE_S);
    for (int k = 0; k < SLICES; k++) {
        struct slice *sl = &P->vm[P->n][k];
        sl->t0 = first + floor((double)(next() % 1000000) / 1e6 * room / 86400) * 86400;
        for (int m = 0; m < XB_NMETHODS; m++) {
            memset(&sl->s[m], 0, sizeof sl->s[m]);
            if (v->have[m] && copy_slice(&v->s[m], sl->t0, &sl->s[m]))
                return -1;
            P->points += sl->s[m].n;
        }
    }
    P->n++;
    return 0;
}

struct vm {
    const struct slice *sl;
    struct xb_profile p[XB_NMETHODS];
};

/* As `plan` builds them: what the sizer reads of each method (xb_sizer_want). */
static struct xb_profile_want want[XB_NMETHODS];

static int profiles(struct vm *x, const bool wanted[XB_NMETHODS])
{
    for (int m = 0; m < XB_NMETHODS; m++)
        if (wanted[m] && xb_profile_build_for(&x->sl->s[m], x->sl->t0,
                                              x->sl->t0 + SLICE_S, XB_MIN_COVERAGE_S,
                                              &want[m], &x->p[m]))
            return -1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: plan_scale DB [VMS [SEED]]\n", stderr);
        return 2;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    unsigned long long seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 20130701;
    rng = seed;
    struct xb_err err = { 0 };
    struct xb_catalog cat = { 0 };
    if (xb_catalog_load_list(&cat, getenv("XENBENCH_CATALOG"), &err)) {
        fprintf(stderr, "plan_scale: %s\n", err.msg);
        return 1;
    }
    xb_catalog_merge(&cat);
    struct xb_size_opts o = { .percentile = NAN, .headroom = NAN, .provider = "all" };
    struct xb_sizer z;
    if (xb_sizer_init(&z, &cat, &o, &err)) {
        fprintf(stderr, "plan_scale: %s\n", err.msg);
        return 1;
    }
    struct pool P = { 0 };
    for (size_t b = 0; b < z.nblk; b++)
        P.wanted[z.blk[b].method] = true;
    for (int m = 0; m < XB_NMETHODS; m++)
        xb_sizer_want(&z, (enum xb_method)m, &want[m]);
    struct xb_load_opts lo = { .lookback_s = 0, .until_unix = NAN,
                               .min_coverage_s = XB_MIN_COVERAGE_S, .want = want };
    struct xb_walk w;
    double t0 = now(CLOCK_MONOTONIC);
    int rc = xb_walk_vms(argv[1], &lo, P.wanted, on_vm, &P, &w, &err);
    double t_read = now(CLOCK_MONOTONIC) - t0;
    xb_walk_free(&w);
    if (rc || P.n == 0) {
        fprintf(stderr, "plan_scale: %s\n", rc ? err.msg : "no VMs in the history");
        return 1;
    }
    struct vm *vm = calloc(n, sizeof *vm);
    struct xb_vm_plan *plan = calloc(n, sizeof *plan);
    if (!vm || !plan)
        return 1;
    for (size_t i = 0; i < n; i++) {
        size_t from = (size_t)(next() % P.n);
        vm[i].sl = &P.vm[from][next() % SLICES];
    }
    printf("fleet: %zu VMs read in %.2f s, %d slices of %.0f h each (%zu points of "
           "the providers' methods); resampled: %zu VMs drawn with replacement, seed "
           "%llu; catalogue: %zu types, %zu provider blocks (%zu, %zu, %zu types)\n",
           P.n, t_read, SLICES, SLICE_S / 3600, P.points, n, seed, cat.n, z.nblk,
           z.blk[0].n, z.nblk > 1 ? z.blk[1].n : 0, z.nblk > 2 ? z.blk[2].n : 0);

    /* The baseline: the profiles alone. */
    double b0 = now(CLOCK_MONOTONIC), bc0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < n; i++)
        if (profiles(&vm[i], P.wanted))
            return 1;
    double bw = now(CLOCK_MONOTONIC) - b0, bc = now(CLOCK_PROCESS_CPUTIME_ID) - bc0;

    /* The plan: profiles, then every provider's choice. */
    double p0 = now(CLOCK_MONOTONIC), pc0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < n; i++) {
        if (profiles(&vm[i], P.wanted))
            return 1;
        const struct xb_profile *by[XB_NMETHODS];
        for (int m = 0; m < XB_NMETHODS; m++)
            by[m] = P.wanted[m] ? &vm[i].p[m] : NULL;
        if (xb_size_vm_methods(&z, by, &plan[i]))
            return 1;
    }
    double pw = now(CLOCK_MONOTONIC) - p0, pc = now(CLOCK_PROCESS_CPUTIME_ID) - pc0;

    size_t priced[XB_MAX_PROVIDERS] = { 0 }, none[XB_MAX_PROVIDERS] = { 0 }, nodata = 0;
    double usd[XB_MAX_PROVIDERS] = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (plan[i].finding == XB_F_NODATA) {
            nodata++;
            continue;
        }
        for (size_t k = 0; k < plan[i].nchoice; k++) {
            const struct xb_choice *c = &plan[i].choice[k];
            priced[k] += c->type != NULL;
            none[k] += c->type == NULL;
            usd[k] += c->type ? c->monthly_usd : 0;
        }
    }
    printf("plan: %.3f s wall, %.3f s CPU (%.1f us per VM)\n", pw, pc, pw / n * 1e6);
    printf("baseline (the profiles alone): %.3f s wall, %.3f s CPU\n", bw, bc);
    printf("ratio plan / baseline: %.2f (wall), %.2f (CPU)\n", bw > 0 ? pw / bw : 0,
           bc > 0 ? pc / bc : 0);
    printf("%zu InsufficientData (under 30 h of data in their slice)", nodata);
    for (size_t k = 0; k < z.nblk; k++)
        printf("; %s: %zu priced, %zu no type covers, $%.0f/month", z.blk[k].provider,
               priced[k], none[k], usd[k]);
    printf("\n%s: %zu VMs planned against the full catalogue in under 2 s (%.3f s "
           "wall)\n", pw < 2 ? "PASS" : "MISS", n, pw);
    for (size_t i = 0; i < P.n; i++)
        for (int k = 0; k < SLICES; k++)
            for (int m = 0; m < XB_NMETHODS; m++)
                free(P.vm[i][k].s[m].s);
    free(P.vm);
    free(vm);
    free(plan);
    xb_sizer_free(&z);
    xb_catalog_free(&cat);
    return 0;
}
