/* overhead.c: LINPACK idle vs with a command alongside, in interleaved
 * pairs; see overhead.h.  Owns the temporary folder of the recorder's runs
 * and removes it on every path out. */
#define _GNU_SOURCE
#include "overhead.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/background.h"
#include "bench/linpack.h"
#include "bench/stats.h"

struct ab {
    const struct xb_overhead_opts *o;
    char tmp[PATH_MAX];     /* our temporary folder */
    char run[PATH_MAX + 16]; /* the recorder's run folder inside it */
    char log[PATH_MAX + 16];
    double cpu_s, alive_s;  /* B's command: CPU it used, time it ran */
};

static bool stopped(const struct xb_overhead_opts *o)
{
    return o->stop && *o->stop;
}

/* Start B's command and wait until it runs in its steady state. */
static int start_bg(struct ab *ab, struct xb_bg *bg, struct xb_err *err)
{
    const struct xb_overhead_opts *o = ab->o;
    int rc;
    if (o->while_cmd) {
        rc = xb_bg_start_shell(bg, o->while_cmd, ab->log, err);
        if (rc == 0)  /* no readiness signal: it must survive the settle time */
            rc = xb_bg_wait_ready(bg, NULL, NULL, o->settle_s, o->stop, err);
        return rc;
    }
    char *argv[] = { (char *)o->self_exe, "record", "-o", ab->run, "-d", "86400",
                     NULL };
    rc = xb_bg_start(bg, argv, ab->log, err);
    if (rc)
        return rc;
    char manifest[PATH_MAX + 32];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", ab->run);
    rc = xb_bg_wait_ready(bg, "recording", manifest, o->ready_timeout_s,
                          o->stop, err);
    if (rc == 0)
        xb_sleep_s(o->settle_s, o->stop);
    snprintf(bg->what, sizeof bg->what, "xenbench record");
    return rc;
}

/* The best of `best_of` LINPACK solves, in MFLOPS from the time of each
 * dgesv call: a burst of a neighbour's work slows a solve, never speeds it. */
static int measure(const struct xb_overhead_opts *o, struct xb_linpack *lp,
                   double *mflops, struct xb_err *err)
{
    *mflops = 0;
    for (int k = 0; k < (o->best_of > 0 ? o->best_of : 1); k++) {
        double s;
        if (k > 0 && o->stop && *o->stop)
            return -EINTR;
        xb_linpack_reset(lp);
        int rc = xb_linpack_solve(lp, &s, err);
        if (rc)
            return rc;
        double m = xb_linpack_mflops(lp->n, s);
        if (m > *mflops)
            *mflops = m;
    }
    return 0;
}

static int pair(struct ab *ab, struct xb_linpack *lp, double *a, double *b,
                struct xb_err *err)
{
    const struct xb_overhead_opts *o = ab->o;
    xb_sleep_s(o->settle_s, o->stop);
    if (stopped(o))
        return -EINTR;
    int rc = measure(o, lp, a, err);
    if (rc)
        return rc;

    struct xb_bg bg;
    rc = start_bg(ab, &bg, err);
    if (rc == 0 && !stopped(o))
        rc = measure(o, lp, b, err);
    if (rc == 0 && !xb_bg_running(&bg)) {
        char tail[300];
        xb_bg_log_tail(&bg, tail, sizeof tail);
        rc = xb_err_set(err, -XB_EINPUT, "'%s' ended during the measurement; "
                        "its output ends: %s", bg.what, tail[0] ? tail : "(nothing)");
    }
    xb_bg_stop(&bg, 10, 5);
    if (bg.reaped) {
        ab->cpu_s += bg.cpu_s;
        ab->alive_s += bg.t_end - bg.t_start;
    }
    xb_rm_tree(ab->run);
    if (rc == 0 && stopped(o))
        rc = -EINTR;
    return rc;
}

static int run_pairs(struct ab *ab, struct xb_linpack *lp, double *pct,
                     double *av, double *bv, int *done, struct xb_err *err)
{
    const struct xb_overhead_opts *o = ab->o;
    FILE *out = o->out;
    fprintf(out, "pair\tidle_MFLOPS\twhile_MFLOPS\toverhead_%%\n");
    fflush(out);
    for (int i = 0; i < o->pairs; i++) {
        int rc = pair(ab, lp, &av[i], &bv[i], err);
        if (rc)
            return rc;
        pct[i] = 100.0 * (av[i] - bv[i]) / av[i];
        *done = i + 1;
        fprintf(out, "%d\t%.1f\t%.1f\t%.2f\n", i + 1, av[i], bv[i], pct[i]);
        fflush(out);
    }
    return 0;
}

int xb_overhead_run(const struct xb_overhead_opts *o, struct xb_err *err)
{
    FILE *out = o->out;
    struct ab ab = { .o = o };
    const char *tmpdir = getenv("TMPDIR");
    snprintf(ab.tmp, sizeof ab.tmp, "%s/xenbench-overhead-XXXXXX",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(ab.tmp))
        return xb_err_set(err, -errno, "%s: %s", ab.tmp, strerror(errno));
    snprintf(ab.run, sizeof ab.run, "%s/run", ab.tmp);
    snprintf(ab.log, sizeof ab.log, "%s/while.log", ab.tmp);

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    xb_linpack_set_threads(o->threads > 0 ? o->threads : (int)(ncpu > 0 ? ncpu : 1));
    fprintf(out, "LINPACK: LAPACKE dgesv on %s; %d thread(s) on %ld core(s)\n",
            xb_linpack_backend(), xb_linpack_threads(), ncpu);
    fflush(out);

    int n = o->n, rc = 0, done = 0;
    double probe_s = 0;
    struct xb_linpack lp = { 0 };
    double *pct = calloc((size_t)o->pairs, sizeof(double));
    double *av = calloc((size_t)o->pairs, sizeof(double));
    double *bv = calloc((size_t)o->pairs, sizeof(double));
    if (!pct || !av || !bv) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    if (n == 0) {
        rc = xb_linpack_autosize(1.0, 2.0, 500, 20000, &n, &probe_s, err);
        if (rc)
            goto out;
        fprintf(out, "N = %d (chosen: one solve took %.2f s)\n", n, probe_s);
    } else {
        fprintf(out, "N = %d (--n)\n", n);
    }
    rc = xb_linpack_init(&lp, n, 42, err);
    if (rc)
        goto out;
    fprintf(out, "A: idle; B: while %s; %d pairs, A B A B ...\n",
            o->while_cmd ? o->while_cmd : "xenbench record", o->pairs);
    if (o->best_of > 1)
        fprintf(out, "best of %d solves per measurement\n", o->best_of);
    fflush(out);

    rc = run_pairs(&ab, &lp, pct, av, bv, &done, err);
    if (rc == 0) {
        double r = xb_linpack_residual(&lp);
        if (!(r < 16.0))
            rc = xb_err_set(err, -XB_EINPUT, "LINPACK: scaled residual %.3g "
                            "is not below 16: the solve is wrong", r);
        else
            fprintf(out, "residual: %.4f (HPL scaled, must be < 16)\n", r);
    }
    if (rc == 0) {
        struct xb_spread sa, sb, sp;
        if (xb_spread_of(av, (size_t)done, &sa) || xb_spread_of(bv, (size_t)done, &sb) ||
            xb_spread_of(pct, (size_t)done, &sp)) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto out;
        }
        if (ab.alive_s > 0)
            fprintf(out, "command's own CPU (user+sys, wait4): %.2f s in %.1f s "
                    "= %.2f %% of %ld core(s)\n", ab.cpu_s, ab.alive_s,
                    100.0 * ab.cpu_s / ab.alive_s / (double)(ncpu > 0 ? ncpu : 1),
                    ncpu);
        fprintf(out, "idle:  median %.1f MFLOPS\n", sa.median);
        fprintf(out, "while: median %.1f MFLOPS\n", sb.median);
        fprintf(out, "overhead: %.2f %% (median of %d pairs, spread %.2f..%.2f %%)\n",
                sp.median, done, sp.min, sp.max);
        fflush(out);
    }
out:
    xb_linpack_free(&lp);
    free(pct);
    free(av);
    free(bv);
    xb_rm_tree(ab.tmp);
    return rc;
}
