/* place_scale.c: the packer at scale (bench/place-scale runs it).
 *
 *   place_scale DB HOSTS.csv [VMS [HOSTS_N [SEED [WEEK]]]]
 *
 * Reads the fleet's 5-minute demand from the history database DB (the
 * shared Bitbrains fleet, imported with `xenbench import --format gwa`),
 * resamples VMS VMs (default 10000) with a fixed seed: each a fleet VM
 * drawn with replacement, over one week of the fleet: WEEK (default 0, the
 * first whole week) for every VM, so VMs that peak together in the fleet
 * still do; WEEK "each" draws a whole week per VM (weekdays and hours
 * kept, the weeks mixed).  Onto HOSTS_N copies (default 1000) of the first
 * host of HOSTS.csv.  Packs them time-aware, then the baseline measured in the same
 * run: the same packer with each VM as its peak (--peaks-only).  Prints the
 * wall and CPU time of each, hosts used, the lower bound and the gap, and
 * PASS/MISS against the targets: under 10 s, within 5 % of the bound.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "place/demand.h"
#include "place/hosts.h"
#include "place/inputs.h"
#include "place/pack.h"
#include "splitmix.h"

#define WEEK (7 * 288)          /* 5-minute windows in a week */

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t rng;

static uint64_t next(void)
{
    return xb_splitmix64(&rng);
}

static int resample(const struct xb_demand *src, size_t nvm, long fixed_week,
                    struct xb_demand *d)
{
    size_t weeks = src->nwin / WEEK;
    if (fixed_week >= 0 && (size_t)fixed_week >= weeks) {
        fprintf(stderr, "place_scale: the fleet has %zu whole weeks, not week %ld\n",
                weeks, fixed_week);
        return -1;
    }
    if (weeks == 0 || src->nvm == 0) {
        fprintf(stderr, "place_scale: the fleet has %zu windows of %g s: less than a "
                "week\n", src->nwin, src->win_s);
        return -1;
    }
    unsigned mask = 0;
    for (int r = 0; r < XB_NRES; r++)
        if (src->series[r])
            mask |= XB_RES_BIT(r);
    if (xb_demand_alloc(d, nvm, WEEK, src->win_s, mask))
        return -1;
    d->t0 = src->t0;
    for (size_t v = 0; v < nvm; v++) {
        size_t from = (size_t)(next() % src->nvm);
        size_t week = fixed_week >= 0 ? (size_t)fixed_week : (size_t)(next() % weeks);
        d->vm[v] = src->vm[from];
        d->vm[v].src = from;
        snprintf(d->vm[v].key, sizeof d->vm[v].key, "r%zu-%.160s-w%zu", v,
                 src->vm[from].key, week);
        for (int r = 0; r < XB_NRES; r++)
            if (src->series[r])
                memcpy(xb_demand_row(d, r, v), xb_demand_row(src, r, from) + week * WEEK,
                       WEEK * sizeof(float));
    }
    d->normalised = src->normalised;
    d->basis = src->basis;
    return 0;
}

struct run {
    double wall, cpu;
    struct xb_placement pl;
};

static int pack(const struct xb_demand *d, const struct xb_hosts *hs, bool peaks,
                struct run *r)
{
    struct xb_pack_in in = { .d = d, .hs = hs };
    xb_pack_opts_init(&in.o);
    in.o.peaks_only = peaks;
    struct xb_err err = { 0 };
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    int rc = xb_pack(&in, &r->pl, &err);
    r->wall = now(CLOCK_MONOTONIC) - w0;
    r->cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (rc)
        fprintf(stderr, "place_scale: %s\n", err.msg);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: place_scale DB HOSTS.csv [VMS [HOSTS_N [SEED [WEEK|each]]]]\n",
              stderr);
        return 2;
    }
    long fixed_week = argc > 6 ? (strcmp(argv[6], "each") ? atol(argv[6]) : -1) : 0;
    size_t nvm = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000;
    size_t nhost = argc > 4 ? strtoul(argv[4], NULL, 10) : 1000;
    rng = argc > 5 ? strtoull(argv[5], NULL, 10) : 20130701;
    struct xb_place_src src = { .db = argv[1], .hosts = argv[2] };
    xb_demand_opts_init(&src.dopt);
    src.dopt.align = XB_ALIGN_TIME;
    struct xb_place_inputs in;
    struct xb_err err = { 0 };
    double t0 = now(CLOCK_MONOTONIC);
    if (xb_place_inputs_load(&src, &in, &err)) {
        fprintf(stderr, "place_scale: %s\n", err.msg);
        return 1;
    }
    double t_load = now(CLOCK_MONOTONIC) - t0;
    /* The pool: nhost copies of the file's first host. */
    struct xb_hosts hs = { 0 };
    for (size_t i = 0; i < nhost; i++) {
        struct xb_host h = in.hs.v[0];
        snprintf(h.name, sizeof h.name, "h%zu", i + 1);
        if (xb_hosts_add(&hs, &h))
            return 1;
    }
    struct xb_demand d;
    if (resample(&in.d, nvm, fixed_week, &d))
        return 1;
    char wk[64];
    if (fixed_week >= 0)
        snprintf(wk, sizeof wk, "week %ld of %zu for every VM", fixed_week,
                 in.d.nwin / WEEK);
    else
        snprintf(wk, sizeof wk, "one of its %zu whole weeks each", in.d.nwin / WEEK);
    printf("fleet: %zu VMs, %zu windows of %g s, read in %.2f s; resampled: %zu VMs x "
           "%d windows (fleet VMs drawn with replacement, %s, seed %llu) onto %zu hosts "
           "of %u pCPUs, %.0f GiB\n", in.d.nvm, in.d.nwin, in.d.win_s, t_load, nvm, WEEK,
           wk, (unsigned long long)(argc > 5 ? strtoull(argv[5], NULL, 10) : 20130701),
           nhost, xb_host_pcpus(&hs.v[0]), hs.v[0].mem_gib);
    struct run ta = { 0 }, pk = { 0 };
    if (pack(&d, &hs, false, &ta) || pack(&d, &hs, true, &pk))
        return 1;
    unsigned lb = ta.pl.lower_bound;
    size_t used = ta.pl.used + ta.pl.standby;
    printf("time-aware: %zu hosts (FFD %zu), lower bound %u (%s), gap %.1f %%, %zu not "
           "placed; %.2f s wall, %.2f s CPU\n", used, ta.pl.ffd_hosts, lb,
           ta.pl.bound_by, ta.pl.gap_pct, ta.pl.unplaced, ta.wall, ta.cpu);
    printf("baseline (each VM as its peak): %zu hosts, %zu not placed; %.2f s wall, "
           "%.2f s CPU\n", pk.pl.used, pk.pl.unplaced, pk.wall, pk.cpu);
    printf("ratios: hosts time-aware / baseline %.3f; time time-aware / baseline "
           "%.2f (wall)\n", pk.pl.used ? (double)used / pk.pl.used : 0,
           pk.wall > 0 ? ta.wall / pk.wall : 0);
    printf("%s: %zu VMs onto %zu hosts in under 10 s (%.2f s wall)\n",
           ta.wall < 10 ? "PASS" : "MISS", nvm, nhost, ta.wall);
    printf("%s: within 5 %% of the lower bound (%.1f %%)\n",
           ta.pl.gap_pct <= 5 + 1e-9 ? "PASS" : "MISS", ta.pl.gap_pct);
    xb_placement_free(&ta.pl);
    xb_placement_free(&pk.pl);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
    xb_place_inputs_free(&in);
    return 0;
}
