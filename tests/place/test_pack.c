/* test_pack.c: src/place/ (hosts and assignment files, the demand matrix,
 * the packer, the replay model) on hand-made instances whose answers are
 * known:
 *  - a time-aware instance whose optimum (2 hosts) is worked out by hand
 *    and checked by brute force; a time-blind packer needs 3;
 *  - memory never placed beyond capacity (random instances, checked here
 *    independently of the packer's own verifier), with and without
 *    over-commitment;
 *  - --spare 1 verified by removing each host in turn and re-placing its
 *    VMs on the others;
 *  - anti-affinity held; groups larger than the pool and VMs larger than
 *    every host refused with the reason; bad hosts files named by line;
 *  - an empty plan is a valid answer with a reason;
 *  - cache-heavy VMs (synthetic miss rates) spread; hot vCPUs kept on cores
 *    of their own, with pinning advice; fewest moves under --max-moves;
 *  - the replay's waits on cases solvable by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "place/demand.h"
#include "place/hosts.h"
#include "place/pack.h"
#include "place/replay.h"

/* ---- helpers ---------------------------------------------------------- */

static void add_hosts(struct xb_hosts *hs, size_t n, unsigned cores, unsigned threads,
                      double mem)
{
    for (size_t i = 0; i < n; i++) {
        struct xb_host h;
        xb_host_init(&h);
        snprintf(h.name, sizeof h.name, "h%zu", hs->n);
        h.sockets = 1;
        h.cores_per_socket = cores;
        h.threads_per_core = threads;
        h.mem_gib = mem;
        h.monthly_usd = 100;
        assert_int_equal(xb_hosts_add(hs, &h), 0);
    }
}

/* nvm VMs, nwin windows of CPU (and memory in use when mem_series). */
static void make_demand(struct xb_demand *d, size_t nvm, size_t nwin, bool mem_series)
{
    unsigned mask = XB_RES_BIT(XB_RES_CPU) | (mem_series ? XB_RES_BIT(XB_RES_MEM) : 0);
    assert_int_equal(xb_demand_alloc(d, nvm, nwin, 300, mask), 0);
    for (size_t v = 0; v < nvm; v++) {
        snprintf(d->vm[v].name, sizeof d->vm[v].name, "vm%zu", v);
        snprintf(d->vm[v].host, sizeof d->vm[v].host, "old");
        d->vm[v].vcpus = 4;
        d->vm[v].mem_alloc_gib = 1;
    }
    xb_demand_keys(d);
}

static void set_cpu(struct xb_demand *d, size_t v, const double *x)
{
    float *row = xb_demand_row(d, XB_RES_CPU, v);
    for (size_t t = 0; t < d->nwin; t++)
        row[t] = (float)x[t];
}

static void pack_ok(struct xb_pack_in *in, struct xb_placement *pl)
{
    struct xb_err err = { 0 };
    int rc = xb_pack(in, pl, &err);
    if (rc)
        fail_msg("xb_pack: %d %s", rc, err.msg);
    long *host_of = malloc((in->d->nvm + 1) * sizeof *host_of);
    for (size_t v = 0; v < in->d->nvm; v++)
        host_of[v] = pl->vm[v].host;
    rc = xb_pack_verify(in, host_of, &err);
    free(host_of);
    if (rc)
        fail_msg("verify: %s", err.msg);
}

static void pack_in_init(struct xb_pack_in *in, struct xb_demand *d,
                         struct xb_hosts *hs)
{
    memset(in, 0, sizeof *in);
    struct xb_err err = { 0 };
    if (!d->normalised)
        assert_int_equal(xb_demand_normalise(d, hs, &err), 0);
    in->d = d;
    in->hs = hs;
    xb_pack_opts_init(&in->o);
}

/* Hot vCPUs as the rule says: the median window's cores / 0.9, rounded
 * down (no more than its vCPUs). */
static unsigned hot_of(const struct xb_demand *d, size_t v)
{
    size_t T = d->nwin;
    double *x = malloc(T * sizeof *x);
    for (size_t t = 0; t < T; t++)
        x[t] = xb_demand_row(d, XB_RES_CPU, v)[t];
    for (size_t i = 1; i < T; i++)
        for (size_t j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double y = x[j];
            x[j] = x[j - 1];
            x[j - 1] = y;
        }
    double med = x[(size_t)ceil(0.5 * T - 1e-9) - 1];
    free(x);
    unsigned n = (unsigned)floor(med / 0.9 + 1e-9);
    return n > d->vm[v].vcpus ? d->vm[v].vcpus : n;
}

/* Smallest number of hosts over every assignment of the VMs to n hosts that
 * keeps CPU (per window, under capacity x target), memory and hot vCPUs
 * (within cores): brute force. */
static unsigned brute_min_hosts(const struct xb_demand *d, double cpu_cap,
                                double mem_cap, unsigned cores, unsigned nhost)
{
    size_t V = d->nvm, T = d->nwin;
    unsigned best = nhost + 1;
    size_t total = 1;
    for (size_t v = 0; v < V; v++)
        total *= nhost;
    unsigned *a = calloc(V, sizeof *a);
    for (size_t code = 0; code < total; code++) {
        size_t c = code;
        for (size_t v = 0; v < V; v++) {
            a[v] = (unsigned)(c % nhost);
            c /= nhost;
        }
        bool ok = true;
        unsigned used = 0;
        for (unsigned h = 0; ok && h < nhost; h++) {
            double mem = 0;
            unsigned hot = 0;
            bool any = false;
            for (size_t v = 0; v < V; v++)
                if (a[v] == h) {
                    mem += d->vm[v].mem_alloc_gib;
                    hot += hot_of(d, v);
                    any = true;
                }
            ok = mem <= mem_cap + 1e-9 && hot <= cores;
            for (size_t t = 0; ok && t < T; t++) {
                double s = 0;
                for (size_t v = 0; v < V; v++)
                    if (a[v] == h)
                        s += xb_demand_row(d, XB_RES_CPU, v)[t];
                ok = s <= cpu_cap + 1e-9;
            }
            used += any;
        }
        if (ok && used < best)
            best = used;
    }
    free(a);
    return best;
}

/* ---- the hand-solvable instance --------------------------------------- */

/* Three hosts of 4 cores and 16 GiB, target 100 %.  A1..A3 need 2 cores in
 * window 0 and none in window 1; B1..B3 the reverse; 4 GiB each.  By peaks
 * a host takes two VMs (3 hosts); over time one host takes A, A, B, B
 * (4 cores in each window, 16 GiB) and the other the last A and B: 2 hosts,
 * which is also the lower bound (6 cores / 4 and 24 GiB / 16, rounded up). */
static void hand_instance(struct xb_demand *d, struct xb_hosts *hs)
{
    add_hosts(hs, 3, 4, 1, 16);
    make_demand(d, 6, 2, false);
    const double a[2] = { 2, 0 }, b[2] = { 0, 2 };
    for (size_t v = 0; v < 6; v++) {
        set_cpu(d, v, v < 3 ? a : b);
        d->vm[v].mem_alloc_gib = 4;
    }
}

static void hand_optimum(void **state)
{
    (void)state;
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    hand_instance(&d, &hs);
    assert_int_equal(brute_min_hosts(&d, 4, 16, 4, 3), 2);
    struct xb_pack_in in;
    pack_in_init(&in, &d, &hs);
    in.o.target = 1.0;
    struct xb_placement pl;
    pack_ok(&in, &pl);
    assert_int_equal(pl.lower_bound, 2);
    assert_int_equal(pl.used, 2);
    assert_int_equal(pl.unplaced, 0);
    assert_true(fabs(pl.gap_pct) < 1e-9);
    /* Each used host holds as many A as B, so no window exceeds 4 cores. */
    for (size_t h = 0; h < hs.n; h++)
        if (pl.host[h].used)
            assert_true(pl.host[h].max[XB_RES_CPU] <= 4 + 1e-6);
    xb_placement_free(&pl);

    /* The time-blind baseline (every VM as its peak) needs 3. */
    in.o.peaks_only = true;
    pack_ok(&in, &pl);
    assert_int_equal(pl.used, 3);
    xb_placement_free(&pl);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

/* Random small instances: the packer never uses fewer hosts than brute
 * force finds possible (a sanity bound), and every plan verifies. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void random_small(void **state)
{
    (void)state;
    for (int round = 0; round < 30; round++) {
        struct xb_demand d;
        struct xb_hosts hs = { 0 };
        add_hosts(&hs, 4, 4, 1, 8);
        make_demand(&d, 6, 4, false);
        for (size_t v = 0; v < 6; v++) {
            double x[4];
            for (int t = 0; t < 4; t++)
                x[t] = floor(urand() * 5) / 2;      /* 0 .. 2 cores */
            set_cpu(&d, v, x);
            d.vm[v].mem_alloc_gib = 1 + floor(urand() * 4);
        }
        unsigned opt = brute_min_hosts(&d, 4, 8, 4, 4);
        struct xb_pack_in in;
        pack_in_init(&in, &d, &hs);
        in.o.target = 1.0;
        struct xb_placement pl;
        pack_ok(&in, &pl);
        assert_int_equal(pl.unplaced, 0);
        assert_true(pl.used >= opt);
        assert_true(pl.lower_bound <= opt);
        assert_true(pl.used <= opt + 1);
        xb_placement_free(&pl);
        xb_demand_free(&d);
        xb_hosts_free(&hs);
    }
}

/* ---- memory ----------------------------------------------------------- */

static void memory_within(void **state)
{
    (void)state;
    const double oc[2] = { 1.0, 1.5 };
    for (int k = 0; k < 2; k++) {
        for (int round = 0; round < 10; round++) {
            struct xb_demand d;
            struct xb_hosts hs = { 0 };
            add_hosts(&hs, 40, 16, 2, 64);
            make_demand(&d, 120, 48, true);
            for (size_t v = 0; v < d.nvm; v++) {
                double x[48];
                for (int t = 0; t < 48; t++)
                    x[t] = urand() * 2;
                set_cpu(&d, v, x);
                d.vm[v].mem_alloc_gib = 2 + floor(urand() * 30);
                float *m = xb_demand_row(&d, XB_RES_MEM, v);
                double peak = 0;
                for (int t = 0; t < 48; t++) {
                    m[t] = (float)(d.vm[v].mem_alloc_gib * (0.2 + 0.8 * urand()));
                    peak = m[t] > peak ? m[t] : peak;
                }
                d.vm[v].mem_peak_gib = peak;
            }
            struct xb_pack_in in;
            pack_in_init(&in, &d, &hs);
            in.o.mem_overcommit = oc[k];
            struct xb_placement pl;
            pack_ok(&in, &pl);
            assert_int_equal(pl.unplaced, 0);
            for (size_t h = 0; h < hs.n; h++) {
                double alloc = 0, used[48] = { 0 };
                for (size_t v = 0; v < d.nvm; v++) {
                    if (pl.vm[v].host != (long)h)
                        continue;
                    alloc += d.vm[v].mem_alloc_gib;
                    for (int t = 0; t < 48; t++)
                        used[t] += xb_demand_row(&d, XB_RES_MEM, v)[t];
                }
                assert_true(alloc <= 64 * oc[k] + 1e-6);
                for (int t = 0; t < 48; t++)
                    assert_true(used[t] <= 64 + 1e-4);
            }
            xb_placement_free(&pl);
            xb_demand_free(&d);
            xb_hosts_free(&hs);
        }
    }
}

/* ---- N+1 ---------------------------------------------------------------- */

static void spare_one(void **state)
{
    (void)state;
    for (int round = 0; round < 4; round++) {
        struct xb_demand d;
        struct xb_hosts hs = { 0 };
        add_hosts(&hs, 60, 8, 1, 32);
        make_demand(&d, 40, 24, false);
        for (size_t v = 0; v < d.nvm; v++) {
            double x[24];
            for (int t = 0; t < 24; t++)
                x[t] = urand() * (round == 3 ? 4 : 2.5);
            set_cpu(&d, v, x);
            d.vm[v].vcpus = 8;
            d.vm[v].mem_alloc_gib = 2 + floor(urand() * 8);
        }
        struct xb_pack_in in;
        pack_in_init(&in, &d, &hs);
        in.o.spare = 1;
        struct xb_placement pl;
        pack_ok(&in, &pl);
        assert_true(pl.survives);
        assert_int_equal(pl.unplaced, 0);
        /* Remove each host in turn: its VMs must fit on the hosts left (the
         * others in use and any standby), with nothing else moving. */
        for (size_t lost = 0; lost < hs.n; lost++) {
            if (!pl.host[lost].used)
                continue;
            struct xb_hosts left = { 0 };
            long *map = malloc(hs.n * sizeof *map);
            for (size_t h = 0; h < hs.n; h++) {
                map[h] = -1;
                if (h != lost && (pl.host[h].used || pl.host[h].standby)) {
                    map[h] = (long)left.n;
                    assert_int_equal(xb_hosts_add(&left, &hs.v[h]), 0);
                }
            }
            long *cur = malloc(d.nvm * sizeof *cur);
            for (size_t v = 0; v < d.nvm; v++)
                cur[v] = map[pl.vm[v].host];
            struct xb_pack_in in2 = in;
            in2.hs = &left;
            in2.current = cur;
            in2.o.spare = 0;
            in2.o.max_moves = 0;
            struct xb_placement pl2;
            pack_ok(&in2, &pl2);
            assert_int_equal(pl2.unplaced, 0);
            assert_int_equal(pl2.moves, 0);
            xb_placement_free(&pl2);
            free(cur);
            free(map);
            xb_hosts_free(&left);
        }
        xb_placement_free(&pl);
        xb_demand_free(&d);
        xb_hosts_free(&hs);
    }
}

/* ---- anti-affinity and impossible constraints --------------------------- */

static void anti_affinity(void **state)
{
    (void)state;
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    add_hosts(&hs, 5, 16, 1, 64);
    make_demand(&d, 12, 4, false);
    const double x[4] = { 0.2, 0.1, 0.2, 0.1 };
    for (size_t v = 0; v < d.nvm; v++)
        set_cpu(&d, v, x);
    struct xb_groups g = { 0 };
    const size_t g1[4] = { 0, 1, 2, 3 }, g2[3] = { 3, 4, 5 };
    assert_int_equal(xb_groups_add(&g, "web", g1, 4), 0);
    assert_int_equal(xb_groups_add(&g, "db", g2, 3), 0);
    struct xb_pack_in in;
    pack_in_init(&in, &d, &hs);
    in.groups = &g;
    struct xb_placement pl;
    pack_ok(&in, &pl);
    assert_int_equal(pl.used, 4);               /* set by the 4 web VMs */
    assert_int_equal(pl.lower_bound, 4);
    for (size_t i = 0; i < 4; i++)
        for (size_t k = i + 1; k < 4; k++)
            assert_true(pl.vm[g1[i]].host != pl.vm[g1[k]].host);
    assert_true(pl.vm[3].host != pl.vm[4].host && pl.vm[4].host != pl.vm[5].host &&
                pl.vm[3].host != pl.vm[5].host);
    xb_placement_free(&pl);

    /* A group larger than the pool. */
    const size_t g3[6] = { 6, 7, 8, 9, 10, 11 };
    assert_int_equal(xb_groups_add(&g, "big", g3, 6), 0);
    struct xb_err err = { 0 };
    assert_int_equal(xb_pack(&in, &pl, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "anti-affinity group 'big' has 6 VMs but the "
                           "pool has only 5 hosts"));
    xb_placement_free(&pl);
    xb_groups_free(&g);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

static void too_large(void **state)
{
    (void)state;
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    add_hosts(&hs, 3, 8, 1, 64);
    make_demand(&d, 3, 2, false);
    const double x[2] = { 1, 1 };
    for (size_t v = 0; v < 3; v++)
        set_cpu(&d, v, x);
    d.vm[1].mem_alloc_gib = 100;
    struct xb_pack_in in;
    pack_in_init(&in, &d, &hs);
    struct xb_placement pl;
    struct xb_err err = { 0 };
    assert_int_equal(xb_pack(&in, &pl, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "1 VM is larger than every host: vm1: memory "
                           "100.0 GiB allocated > 64.0 GiB x 1.00 of h0"));
    xb_placement_free(&pl);

    /* CPU: 10 cores of demand on 8-pCPU hosts at 85 %. */
    d.vm[1].mem_alloc_gib = 1;
    d.vm[2].vcpus = 16;
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_pack(&in, &pl, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "vm2: 16 vCPUs > 8 pCPUs of h0"));
    xb_placement_free(&pl);
    d.vm[2].vcpus = 4;
    const double big[2] = { 7.5, 1 };
    set_cpu(&d, 0, big);
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_pack(&in, &pl, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "vm0: cpu peak 7.50 cores > 6.80 cores (85 % of "
                           "h0)"));
    xb_placement_free(&pl);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

static void empty_plan(void **state)
{
    (void)state;
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    add_hosts(&hs, 2, 8, 1, 64);
    assert_int_equal(xb_demand_alloc(&d, 0, 0, 300, XB_RES_BIT(XB_RES_CPU)), 0);
    struct xb_pack_in in;
    pack_in_init(&in, &d, &hs);
    struct xb_placement pl;
    pack_ok(&in, &pl);
    assert_int_equal(pl.used, 0);
    assert_int_equal(pl.lower_bound, 0);
    assert_int_equal(pl.nnote, 1);
    assert_non_null(strstr(pl.note[0], "nothing to place: no VM has samples in the "
                           "range"));
    xb_placement_free(&pl);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

/* The pool too small: VMs left over are listed with the reason. */
static void pool_full(void **state)
{
    (void)state;
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    add_hosts(&hs, 2, 4, 1, 16);
    make_demand(&d, 5, 1, false);
    const double x[1] = { 1.5 };
    for (size_t v = 0; v < 5; v++)
        set_cpu(&d, v, x);
    struct xb_pack_in in;
    pack_in_init(&in, &d, &hs);
    in.o.target = 1.0;
    struct xb_placement pl;
    pack_ok(&in, &pl);
    assert_int_equal(pl.used, 2);
    assert_int_equal(pl.unplaced, 1);
    assert_int_equal(pl.lower_bound, 2);        /* 7.5 cores / 4, rounded up */
    for (size_t v = 0; v < 5; v++)
        if (pl.vm[v].host < 0)
            assert_non_null(strstr(pl.vm[v].why, "no room left: all 2 hosts of the "
                                   "pool are in use"));
    xb_placement_free(&pl);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

/* ---- spreading, cores, moves ------------------------------------------- */

static void cache_heavy_spread(void **state)
{
    (void)state;
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    add_hosts(&hs, 4, 4, 1, 64);
    make_demand(&d, 8, 2, false);
    const double x[2] = { 0.8, 0.8 };
    for (size_t v = 0; v < 8; v++) {
        set_cpu(&d, v, x);
        /* synthetic miss rates: the first four thrash the cache */
        d.vm[v].llc_miss_ps = v < 4 ? 5e7 : 1e5;
    }
    struct xb_pack_in in;
    pack_in_init(&in, &d, &hs);
    in.o.target = 1.0;
    struct xb_placement pl;
    pack_ok(&in, &pl);
    assert_int_equal(pl.used, 2);
    unsigned heavy[4] = { 0 };
    for (size_t v = 0; v < 4; v++) {
        assert_true(pl.vm[v].cls & XB_CLASS_CACHE);
        heavy[pl.vm[v].host]++;
    }
    for (size_t h = 0; h < 4; h++)
        assert_true(heavy[h] <= 2);
    xb_placement_free(&pl);

    /* Unknown miss rates: nothing to spread by. */
    for (size_t v = 0; v < 8; v++)
        d.vm[v].llc_miss_ps = NAN;
    pack_ok(&in, &pl);
    assert_int_equal(pl.used, 2);
    for (size_t v = 0; v < 8; v++)
        assert_int_equal(pl.vm[v].cls, 0);
    xb_placement_free(&pl);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

static void hot_vcpus(void **state)
{
    (void)state;
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    add_hosts(&hs, 3, 2, 2, 64);        /* 2 cores, 4 pCPUs */
    make_demand(&d, 3, 4, false);
    const double x[4] = { 0.98, 1.0, 0.97, 0.99 };
    for (size_t v = 0; v < 3; v++)
        set_cpu(&d, v, x);
    struct xb_pack_in in;
    pack_in_init(&in, &d, &hs);
    in.o.target = 1.0;
    struct xb_placement pl;
    pack_ok(&in, &pl);
    /* 3 cores of demand fit 4 pCPUs, but 3 hot vCPUs do not fit 2 cores. */
    assert_int_equal(pl.used, 2);
    assert_int_equal(pl.lower_bound, 2);
    for (size_t v = 0; v < 3; v++)
        assert_int_equal(pl.vm[v].hot, 1);
    long h0 = pl.vm[0].host;
    assert_string_equal(pl.vm[0].pin, "s0:c0");
    for (size_t v = 1; v < 3; v++)
        if (pl.vm[v].host == h0)
            assert_string_equal(pl.vm[v].pin, "s0:c1");
    xb_placement_free(&pl);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

static void fewest_moves(void **state)
{
    (void)state;
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    add_hosts(&hs, 4, 8, 1, 64);
    make_demand(&d, 4, 2, false);
    const double x[2] = { 1, 1 };
    long cur[4];
    for (size_t v = 0; v < 4; v++) {
        set_cpu(&d, v, x);
        cur[v] = (long)v;               /* one VM per host today */
    }
    struct xb_pack_in in;
    pack_in_init(&in, &d, &hs);
    in.current = cur;
    const long limit[4] = { -1, 0, 1, 2 };
    const size_t want_hosts[4] = { 1, 4, 3, 2 };
    for (int k = 0; k < 4; k++) {
        in.o.max_moves = limit[k];
        struct xb_placement pl;
        pack_ok(&in, &pl);
        assert_int_equal(pl.used, want_hosts[k]);
        assert_int_equal(pl.moves, 4 - want_hosts[k]);
        assert_int_equal(pl.freed, 4 - want_hosts[k]);
        assert_int_equal(pl.was_used, 4);
        xb_placement_free(&pl);
    }
    /* Today over capacity: 4 x 2 cores on one 8-pCPU host at 85 % must
     * offload one VM, so --max-moves 0 cannot hold. */
    const double y[2] = { 2, 2 };
    for (size_t v = 0; v < 4; v++) {
        set_cpu(&d, v, y);
        cur[v] = 0;
    }
    in.o.max_moves = 0;
    struct xb_placement pl;
    struct xb_err err = { 0 };
    assert_int_equal(xb_pack(&in, &pl, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "--max-moves 0: 1 moves are needed"));
    xb_placement_free(&pl);
    in.o.max_moves = 1;
    pack_ok(&in, &pl);
    assert_int_equal(pl.used, 2);
    assert_int_equal(pl.moves, 1);
    xb_placement_free(&pl);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

/* ---- files ------------------------------------------------------------- */

static char tmpdir[64];

static const char *write_file(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void hosts_files(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/xb-test-pack-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    struct xb_hosts hs;
    struct xb_err err = { 0 };
    const char *p = write_file("ok.csv",
        "host,count,sockets,cores_per_socket,threads_per_core,ghz,memory_gib,"
        "monthly_cost_usd\n"
        "big,3,2,16,1,2.6,512,700\n"
        "small,,1,8,2,,64,\n");
    assert_int_equal(xb_hosts_load(p, &hs, &err), 0);
    assert_int_equal(hs.n, 4);
    assert_string_equal(hs.v[0].name, "big-1");
    assert_string_equal(hs.v[2].name, "big-3");
    assert_string_equal(hs.v[3].name, "small");
    assert_int_equal(xb_host_pcpus(&hs.v[0]), 32);
    assert_int_equal(xb_host_pcpus(&hs.v[3]), 16);
    assert_int_equal(xb_host_cores(&hs.v[3]), 8);
    assert_true(isnan(hs.v[3].ghz) && isnan(hs.v[3].monthly_usd) &&
                isnan(hs.v[0].disk_mbps));
    assert_true(hs.v[1].monthly_usd == 700 && hs.v[1].mem_gib == 512);
    xb_hosts_free(&hs);

    static const struct { const char *text, *msg; } bad[] = {
        { "host,sockets,cores_per_socket,threads_per_core\nh,1,2,1\n",
          "bad.csv: line 1: the header has no column \"memory_gib\"" },
        { "host,sockets,cores_per_socket,threads_per_core,memory_gib\nh,1,x,1,4\n",
          "bad.csv: line 2: cores_per_socket: 'x' is not a whole number 1..1024" },
        { "host,sockets,cores_per_socket,threads_per_core,memory_gib\nh,1,2,1,-4\n",
          "bad.csv: line 2: memory_gib: '-4' is not a number > 0" },
        { "host,sockets,cores_per_socket,threads_per_core,memory_gib\nh,1,2,1,\n",
          "bad.csv: line 2: memory_gib: empty (required)" },
        { "host,sockets,cores_per_socket,threads_per_core,memory_gib\na,1,2,1,4\n"
          "b,1,2,1,4\na,1,2,1,8\n", "bad.csv: line 4: host 'a' is also on line 2" },
        { "host,sockets,cores_per_socket,threads_per_core,memory_gib\n",
          "bad.csv: no hosts" },
        { "host,sockets,cores_per_socket,threads_per_core,memory_gib\nh,1,2,1\n",
          "bad.csv: line 2: 4 fields, the header has 5" },
        { "host,sockets,cores_per_socket,threads_per_core,memory_gib,ghz\n"
          ",1,2,1,4,\n", "bad.csv: line 2: host: empty" },
        { "host,sockets,cores_per_socket,threads_per_core,memory_gib,ghz\n"
          "h,1,2,1,4,fast\n", "bad.csv: line 2: ghz: 'fast' is not a number > 0" },
        { "", "bad.csv: empty file" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = write_file("bad.csv", bad[i].text);
        memset(&err, 0, sizeof err);
        assert_int_equal(xb_hosts_load(p, &hs, &err), -XB_EINPUT);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: got '%s', want '%s'", i, err.msg, bad[i].msg);
    }

    /* The assignment, resolved against a demand. */
    add_hosts(&hs, 2, 4, 1, 16);
    struct xb_demand d;
    make_demand(&d, 3, 1, false);
    snprintf(d.vm[2].name, sizeof d.vm[2].name, "vm0");
    snprintf(d.vm[2].host, sizeof d.vm[2].host, "other");
    xb_demand_keys(&d);
    assert_string_equal(d.vm[0].key, "old/vm0");
    assert_string_equal(d.vm[2].key, "other/vm0");
    assert_string_equal(d.vm[1].key, "vm1");
    struct xb_assignment a;
    long host_of[3];
    p = write_file("a.csv", "vm,host\nold/vm0,h1\nvm1,h0\n");
    assert_int_equal(xb_assignment_load(p, &a, &err), 0);
    assert_int_equal(xb_assignment_resolve(&a, &d, &hs, host_of, NULL, &err), 0);
    assert_true(host_of[0] == 1 && host_of[1] == 0 && host_of[2] == -1);
    xb_assignment_free(&a);
    static const struct { const char *text, *msg; bool load; } abad[] = {
        { "vm,host\nvm0,h1\n", "a.csv: line 2: vm 'vm0' names VMs on several hosts",
          false },
        { "vm,host\nvm9,h1\n", "a.csv: line 2: vm 'vm9' has no samples", false },
        { "vm,host\nvm1,h7\n", "a.csv: line 2: host 'h7' is not in the hosts file",
          false },
        { "vm,host\nvm1,h0\nx,h0\nvm1,h1\n", "a.csv: line 4: vm 'vm1' is also on "
          "line 2", true },
        { "vm\nvm1\n", "a.csv: line 1: the header has no column \"host\"", true },
        { "vm,host\nvm1,\n", "a.csv: line 2: host: empty", true },
    };
    for (size_t i = 0; i < sizeof abad / sizeof abad[0]; i++) {
        p = write_file("a.csv", abad[i].text);
        memset(&err, 0, sizeof err);
        int rc = xb_assignment_load(p, &a, &err);
        if (!abad[i].load) {
            assert_int_equal(rc, 0);
            rc = xb_assignment_resolve(&a, &d, &hs, host_of, NULL, &err);
            xb_assignment_free(&a);
        }
        assert_int_equal(rc, -XB_EINPUT);
        if (!strstr(err.msg, abad[i].msg))
            fail_msg("case %zu: got '%s', want '%s'", i, err.msg, abad[i].msg);
    }
    /* Anti-affinity files. */
    struct xb_groups g;
    p = write_file("g.csv", "group,vm\nweb,vm1\nweb,other/vm0\ndb,vm1\n");
    assert_int_equal(xb_groups_load(p, &d, &g, &err), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.count[0], 2);
    assert_int_equal(g.member[g.first[0] + 1], 2);
    xb_groups_free(&g);
    p = write_file("g.csv", "group,vm\nweb,vm1\nweb,vm1\n");
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_groups_load(p, &d, &g, &err), -XB_EINPUT);
    assert_non_null(strstr(err.msg, "g.csv: line 3: vm 'vm1' is in group 'web' "
                           "twice (line 2)"));
    xb_demand_free(&d);
    xb_hosts_free(&hs);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    assert_int_equal(system(cmd), 0);
}

/* ---- the demand matrix from a history ----------------------------------- */

static void demand_rollup(void **state)
{
    (void)state;
    struct xb_history h = { 0 };
    /* 1-s samples of two VMs recorded one after the other. */
    for (int vm = 0; vm < 2; vm++)
        for (int i = 0; i < 10; i++) {
            struct xb_sample s;
            xb_sample_init(&s);
            s.t_unix = 1000 + vm * 100 + i;
            s.len_s = s.interval_s = 1;
            s.vcpus = 2;
            s.cpu_cores = vm == 0 ? 0.5 : 0.25 * (i % 4);
            s.waited_cores = vm == 0 ? 0.1 : 0;
            s.known_frac = 1;
            s.cpu_mhz = 2600;
            s.m[XB_MET_MEM] = 1073741824.0 * (1 + i);
            assert_int_equal(xb_history_add(&h, "host1", vm ? "b" : "a", 1 + vm, &s), 0);
        }
    struct xb_demand_opts o;
    xb_demand_opts_init(&o);
    o.win_s = 1;
    o.fill = XB_FILL_ZERO;
    struct xb_demand d;
    struct xb_err err = { 0 };
    assert_int_equal(xb_demand_from_history(&h, &o, &d, &err), 0);
    assert_int_equal(d.nvm, 2);
    assert_int_equal(d.align, XB_ALIGN_START);     /* disjoint spans */
    assert_int_equal(d.nwin, 10);
    assert_true(fabsf(xb_demand_row(&d, XB_RES_CPU, 0)[3] - 0.6f) < 1e-6);
    assert_true(fabsf(xb_demand_row(&d, XB_RES_CPU, 1)[3] - 0.75f) < 1e-6);
    assert_true(fabs(d.vm[0].waited_pct - 5.0) < 1e-9);
    assert_true(d.vm[0].mem_peak_gib == 10);
    assert_true(d.vm[0].ghz == 2.6);
    xb_demand_free(&d);
    /* Absolute time, 5-s windows: the peak of each window; b has no demand
     * before it started (counted as absent, not filled). */
    o.win_s = 5;
    o.align = XB_ALIGN_TIME;
    assert_int_equal(xb_demand_from_history(&h, &o, &d, &err), 0);
    assert_true(d.t0 == 1000);
    assert_int_equal(d.nwin, 22);
    assert_true(fabsf(xb_demand_row(&d, XB_RES_CPU, 1)[20] - 0.75f) < 1e-6);
    assert_true(fabsf(xb_demand_row(&d, XB_RES_MEM, 0)[1] - 10.0f) < 1e-6);
    assert_int_equal(d.vm[1].nknown, 2);
    assert_int_equal(d.vm[1].nfilled, 0);
    assert_int_equal(d.vm[1].nabsent, 20);
    assert_true(xb_demand_row(&d, XB_RES_CPU, 1)[0] == 0);
    xb_demand_free(&d);
    /* A gap inside a VM's span: placement takes the larger neighbour. */
    struct xb_history g = { 0 };
    const double gv[4] = { 0.2, NAN, NAN, 0.7 };
    for (int i = 0; i < 4; i++) {
        if (isnan(gv[i]))
            continue;
        struct xb_sample s;
        xb_sample_init(&s);
        s.t_unix = 3000 + 10 * i;
        s.len_s = s.interval_s = 10;
        s.vcpus = 1;
        s.cpu_cores = gv[i];
        assert_int_equal(xb_history_add(&g, "h", "gap", 1, &s), 0);
    }
    o.win_s = 10;
    o.fill = XB_FILL_PEAK;
    o.until = INFINITY;
    assert_int_equal(xb_demand_from_history(&g, &o, &d, &err), 0);
    assert_int_equal(d.nwin, 4);
    assert_int_equal(d.vm[0].nfilled, 2);
    assert_true(fabsf(xb_demand_row(&d, XB_RES_CPU, 0)[1] - 0.7f) < 1e-6 &&
                fabsf(xb_demand_row(&d, XB_RES_CPU, 0)[2] - 0.7f) < 1e-6);
    xb_history_free(&g);
    o.fill = XB_FILL_ZERO;
    o.until = 1005;
    xb_demand_free(&d);
    /* Range: only samples starting before 1005. */
    o.until = 1005;
    assert_int_equal(xb_demand_from_history(&h, &o, &d, &err), 0);
    assert_int_equal(d.nvm, 1);
    assert_int_equal(d.nodata_skipped, 1);
    xb_demand_free(&d);
    xb_history_free(&h);
}

/* ---- the replay model -------------------------------------------------- */

static void replay_model(void **state)
{
    (void)state;
    double w[4];
    /* Three always runnable on two pCPUs: two share a core, in turns:
     * each runs 2/3, waits 1/3 (as the one pool too). */
    const double three[3] = { 1, 1, 1 };
    assert_int_equal(xb_replay_waits(three, 3, 2, w), 0);
    for (int i = 0; i < 3; i++)
        assert_true(fabs(w[i] - 1.0 / 3) < 1e-12);
    assert_int_equal(xb_replay_pool_waits(three, 3, 2, w), 0);
    for (int i = 0; i < 3; i++)
        assert_true(fabs(w[i] - 1.0 / 3) < 1e-12);
    /* Saturated, 100 / 75 / 50 / 25 % on two cores: the balancer's cores
     * are {100, 25} and {75, 50} (1.25 each), each pair sharing one core
     * (waits 1/8, 3/16, 3/16, 1/8); the wake-up path's are {100} alone and
     * {75, 50, 25} on the other (waits 0, 1/4, 7/32, 1/8; by hand, the 75
     * is runnable 3/4 of the time and then waits 1/2 when one other is
     * runnable (probability 1/2) and 2/3 when both are (1/8): 3/4 x 1/3).
     * Each holds half the time. */
    const double duty4[4] = { 1, 0.75, 0.5, 0.25 };
    assert_int_equal(xb_replay_waits(duty4, 4, 2, w), 0);
    assert_true(fabs(w[0] - (0.125 + 0) / 2) < 1e-12);
    assert_true(fabs(w[1] - (0.1875 + 0.25) / 2) < 1e-12);
    assert_true(fabs(w[2] - (0.1875 + 7.0 / 32) / 2) < 1e-12);
    assert_true(fabs(w[3] - (0.125 + 0.125) / 2) < 1e-12);
    /* With time to spare (1.5 of 2 pCPUs), the host is one pool: three at
     * 50 % wait only when all three are runnable (1/8 of the time), a
     * third of it each. */
    const double halves[3] = { 0.5, 0.5, 0.5 };
    assert_int_equal(xb_replay_waits(halves, 3, 2, w), 0);
    for (int i = 0; i < 3; i++)
        assert_true(fabs(w[i] - 0.125 / 3) < 1e-12);
    /* One always runnable and one half the time on one pCPU: when both are
     * runnable (half the time) each gets half: both wait 1/4. */
    const double mix[2] = { 1, 0.5 };
    assert_int_equal(xb_replay_waits(mix, 2, 1, w), 0);
    assert_true(fabs(w[0] - 0.25) < 1e-12 && fabs(w[1] - 0.25) < 1e-12);
    /* Two at 0.5 on one pCPU: together a quarter of the time, half each. */
    const double two[2] = { 0.5, 0.5 };
    assert_int_equal(xb_replay_waits(two, 2, 1, w), 0);
    assert_true(fabs(w[0] - 0.125) < 1e-12 && fabs(w[1] - 0.125) < 1e-12);
    /* Fewer runnable than pCPUs: no wait. */
    assert_int_equal(xb_replay_waits(three, 3, 3, w), 0);
    assert_true(w[0] == 0 && w[1] == 0 && w[2] == 0);
    /* Brute force over the 2^4 runnable sets for a mixed case on 2 pCPUs
     * taken as one pool. */
    const double r4[4] = { 0.9, 0.3, 0.6, 0.75 };
    assert_int_equal(xb_replay_pool_waits(r4, 4, 2, w), 0);
    for (int i = 0; i < 4; i++) {
        double e = 0;
        for (unsigned set = 0; set < 16; set++) {
            if (!(set & (1u << i)))
                continue;
            double pr = 1;
            unsigned k = 0;
            for (int j = 0; j < 4; j++) {
                bool in = set & (1u << j);
                pr *= in ? r4[j] : 1 - r4[j];
                k += in;
            }
            double run = 2.0 / k;
            e += pr * (run >= 1 ? 0 : 1 - run);
        }
        assert_true(fabs(w[i] - e) < 1e-12);
    }

    /* A placement: the mixed pair on a 1-pCPU host, replayed. */
    struct xb_demand d;
    struct xb_hosts hs = { 0 };
    add_hosts(&hs, 1, 1, 1, 16);
    make_demand(&d, 2, 3, false);
    const double a[3] = { 1, 1, 1 }, b[3] = { 0.5, 0.5, 0.5 };
    set_cpu(&d, 0, a);
    set_cpu(&d, 1, b);
    struct xb_err err = { 0 };
    assert_int_equal(xb_demand_normalise(&d, &hs, &err), 0);
    long host_of[2] = { 0, 0 };
    struct xb_replay r;
    assert_int_equal(xb_replay_run(&d, &hs, host_of, 0.85, &r, &err), 0);
    assert_true(fabs(r.vm[0].waited_pct - 25) < 1e-4);
    assert_true(fabs(r.vm[1].waited_pct - 25) < 1e-4);
    assert_true(fabs(r.vm[0].cpu_pct - 75) < 1e-4);
    assert_true(fabs(r.vm[1].cpu_pct - 25) < 1e-4);
    assert_int_equal(r.host[0].over_cap, 3);
    assert_int_equal(r.over_target, 3);
    assert_true(fabs(r.host[0].util_max - 1.5) < 1e-6);
    xb_replay_free(&r);
    xb_demand_free(&d);
    xb_hosts_free(&hs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_optimum),
        cmocka_unit_test(random_small),
        cmocka_unit_test(memory_within),
        cmocka_unit_test(spare_one),
        cmocka_unit_test(anti_affinity),
        cmocka_unit_test(too_large),
        cmocka_unit_test(empty_plan),
        cmocka_unit_test(pool_full),
        cmocka_unit_test(cache_heavy_spread),
        cmocka_unit_test(hot_vcpus),
        cmocka_unit_test(fewest_moves),
        cmocka_unit_test(hosts_files),
        cmocka_unit_test(demand_rollup),
        cmocka_unit_test(replay_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
