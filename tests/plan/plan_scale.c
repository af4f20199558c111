/* plan_scale.c: the planner at scale: N synthetic VM histories (default
 * 100,000, a day of 30-minute samples each) profiled and sized against a full
 * catalogue for every provider, on one core.  Prints the time; checks the
 * answers (every VM placed, and for a sample of VMs that no cheaper type in
 * the block fits), not the speed, so a busy machine does not fail it.
 * Usage: plan_scale CATALOGUE_DIR_OR_FILES [N] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/catalog.h"
#include "plan/profile.h"
#include "plan/sizing.h"
#include "store/history.h"

#define SAMPLES 48

static uint64_t rng = 88172645463325252ull;

static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void make(struct xb_series *vm, size_t i)
{
    static const unsigned sizes[] = { 1, 2, 4, 8, 16 };
    unsigned vcpus = sizes[i % 5];
    double level = uniform(), burst = uniform();
    snprintf(vm->host, sizeof vm->host, "host%zu", i / 1000);
    snprintf(vm->name, sizeof vm->name, "vm%zu", i);
    vm->domid = (uint32_t)(i % 1000) + 1;
    vm->n = vm->cap = SAMPLES;
    vm->s = malloc(SAMPLES * sizeof *vm->s);
    for (size_t k = 0; k < SAMPLES; k++) {
        struct xb_sample *s = &vm->s[k];
        xb_sample_init(s);
        s->t_unix = 1.7e9 + 1800.0 * (double)k;
        s->len_s = s->interval_s = 1800;
        s->vcpus = vcpus;
        double u = level * level * (uniform() < burst * 0.2 ? 4 : 1) * uniform();
        s->cpu_cores = fmin(u, 1.0) * vcpus;
        s->cpu_mhz = 2600;
        s->mem_alloc_bytes = 4.0 * vcpus * 1073741824.0;
        s->m[XB_MET_MEM] = s->mem_alloc_bytes * (0.2 + 0.7 * level);
    }
}

/* Brute force: the cheapest fitting type of block b, by a scan of all rows. */
static const struct xb_cat_row *cheapest(const struct xb_sizer *z, size_t b,
                                         const struct xb_vm_plan *p)
{
    const struct xb_cat_row *best = NULL;
    for (size_t i = 0; i < z->blk[b].n; i++) {
        const struct xb_cat_row *t = z->blk[b].c[i].t;
        if (t->category == XB_CAT_BURSTABLE)
            continue;
        double need = isnan(t->clock_ghz) ? p->need.cpu_cores
                    : p->need.ghz_p * (1 + z->o.headroom) / t->clock_ghz;
        if (t->vcpu + 1e-9 >= need && t->mem_gib + 1e-9 >= p->need.mem_gib &&
            (!best || t->price_hour < best->price_hour))
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: plan_scale CATALOGUE [N]\n");
        return 2;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    struct xb_catalog cat = { 0 };
    struct xb_err err = { 0 };
    if (xb_catalog_load_list(&cat, argv[1], &err)) {
        fprintf(stderr, "plan_scale: %s\n", err.msg);
        return 1;
    }
    xb_catalog_merge(&cat);
    struct xb_series *vm = calloc(n, sizeof *vm);
    struct xb_profile *prof = calloc(n, sizeof *prof);
    struct xb_vm_plan *plan = calloc(n, sizeof *plan);
    if (!vm || !prof || !plan)
        return 1;
    for (size_t i = 0; i < n; i++)
        make(&vm[i], i);

    struct xb_size_opts o = { .percentile = 95, .headroom = 0.3, .provider = "all" };
    struct xb_sizer z;
    if (xb_sizer_init(&z, &cat, &o, &err)) {
        fprintf(stderr, "plan_scale: %s\n", err.msg);
        return 1;
    }
    double t0 = now();
    for (size_t i = 0; i < n; i++)
        if (xb_profile_build(&vm[i], 1.7e9, 1.7e9 + SAMPLES * 1800.0, 0, &prof[i]))
            return 1;
    double t1 = now();
    for (size_t i = 0; i < n; i++)
        if (xb_size_vm(&z, &prof[i], &plan[i]))
            return 1;
    double t2 = now();

    size_t placed = 0, bad = 0, checked = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t b = 0; b < plan[i].nchoice; b++) {
            const struct xb_choice *c = &plan[i].choice[b];
            placed += c->type != NULL;
            if (i % 499 || !c->type || c->type->category == XB_CAT_BURSTABLE)
                continue;
            checked++;
            const struct xb_cat_row *best = cheapest(&z, b, &plan[i]);
            if (!best || best->price_hour < c->type->price_hour - 1e-12) {
                bad++;
                fprintf(stderr, "vm%zu %s: chose %s, cheaper %s fits\n", i,
                        c->provider, c->type->type, best ? best->type : "(none)");
            }
        }
    }
    printf("plan_scale: %zu VMs x %zu providers against %zu catalogue types: "
           "%.3f s (profiles %.3f s, sizing %.3f s); %zu of %zu choices placed; "
           "%zu checked by brute force, %zu wrong\n", n, z.nblk, cat.n, t2 - t0,
           t1 - t0, t2 - t1, placed, n * z.nblk, checked, bad);
    for (size_t i = 0; i < n; i++)
        free(vm[i].s);
    free(vm);
    free(prof);
    free(plan);
    xb_sizer_free(&z);
    xb_catalog_free(&cat);
    int ok = bad == 0 && placed >= n * z.nblk * 9 / 10;
    printf("%d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
