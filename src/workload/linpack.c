/* linpack.c: the LINPACK solve (dgesv of OpenBLAS), HPL's flop count, HPL's
 * scaled residual, and the choice of N.  No I/O; see linpack.h.  It must not
 * time anything but the solve.
 *
 * OpenBLAS is opened here (dlopen), not linked into the program: loading
 * it starts its thread pool, whose threads spin in sched_yield for a while
 * after every start -- about 0.1 s of CPU each time `record`, `report` or
 * `top` started, most of what `overhead` had counted as the recorder's own
 * CPU.  Only LINPACK pays that now, before its measurements. */
#include "linpack.h"

#include <dlfcn.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The OpenBLAS entry points used, from libopenblas.so.0 (Debian's
 * libopenblas0-pthread): LAPACK's Fortran dgesv_ (column-major, every
 * argument by reference) and OpenBLAS's own thread and build queries. */
static struct {
    void *h;
    void (*dgesv)(const int *n, const int *nrhs, double *a, const int *lda,
                  int *ipiv, double *b, const int *ldb, int *info);
    void (*set_threads)(int);
    int (*get_threads)(void);
    char *(*config)(void);
    char *(*corename)(void);
} blas;

#define OPENBLAS_SO "libopenblas.so.0"

int xb_linpack_load(struct xb_err *err)
{
    if (blas.h)
        return 0;
    void *h = dlopen(OPENBLAS_SO, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return xb_err_set(err, -ENOENT, "LINPACK: cannot load OpenBLAS (%s): %s "
                          "(Debian: libopenblas0-pthread, scripts/deps.sh)",
                          OPENBLAS_SO, dlerror());
    *(void **)&blas.dgesv = dlsym(h, "dgesv_");
    *(void **)&blas.set_threads = dlsym(h, "openblas_set_num_threads");
    *(void **)&blas.get_threads = dlsym(h, "openblas_get_num_threads");
    *(void **)&blas.config = dlsym(h, "openblas_get_config");
    *(void **)&blas.corename = dlsym(h, "openblas_get_corename");
    if (!blas.dgesv || !blas.set_threads || !blas.get_threads || !blas.config ||
        !blas.corename) {
        dlclose(h);
        memset(&blas, 0, sizeof blas);
        return xb_err_set(err, -ENOENT, "LINPACK: %s lacks dgesv_ or the "
                          "openblas_* calls: not OpenBLAS with LAPACK", OPENBLAS_SO);
    }
    blas.h = h;
    return 0;
}

double xb_linpack_flops(int n)
{
    double d = (double)n;
    return 2.0 / 3.0 * d * d * d + 2.0 * d * d;
}

double xb_linpack_mflops(int n, double seconds)
{
    return seconds > 0 ? xb_linpack_flops(n) / seconds / 1e6 : 0.0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: a fixed, portable stream so every run solves the same system. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double next_unit(uint64_t *s)
{
    return (double)(next_u64(s) >> 11) * 0x1.0p-53 - 0.5;
}

int xb_linpack_init(struct xb_linpack *lp, int n, uint64_t seed,
                    struct xb_err *err)
{
    memset(lp, 0, sizeof *lp);
    int rc = xb_linpack_load(err);
    if (rc)
        return rc;
    if (n < 1 || n > 46340)
        return xb_err_set(err, -XB_EUSAGE, "LINPACK order %d out of range "
                          "(1..46340)", n);
    size_t nn = (size_t)n * (size_t)n;
    lp->n = n;
    lp->a0 = malloc(nn * sizeof(double));
    lp->a = malloc(nn * sizeof(double));
    lp->b0 = malloc((size_t)n * sizeof(double));
    lp->x = malloc((size_t)n * sizeof(double));
    lp->ipiv = malloc((size_t)n * sizeof(int));
    if (!lp->a0 || !lp->a || !lp->b0 || !lp->x || !lp->ipiv) {
        xb_linpack_free(lp);
        return xb_err_set(err, -ENOMEM, "LINPACK: out of memory for N=%d "
                          "(%.0f MB)", n, 2.0 * (double)nn * 8 / 1e6);
    }
    uint64_t s = seed;
    for (size_t i = 0; i < nn; i++)
        lp->a0[i] = next_unit(&s);
    for (int i = 0; i < n; i++)
        lp->b0[i] = next_unit(&s);
    return 0;
}

void xb_linpack_free(struct xb_linpack *lp)
{
    free(lp->a0);
    free(lp->a);
    free(lp->b0);
    free(lp->x);
    free(lp->ipiv);
    memset(lp, 0, sizeof *lp);
}

void xb_linpack_reset(struct xb_linpack *lp)
{
    size_t nn = (size_t)lp->n * (size_t)lp->n;
    memcpy(lp->a, lp->a0, nn * sizeof(double));
    memcpy(lp->x, lp->b0, (size_t)lp->n * sizeof(double));
    lp->solved = 0;
}

int xb_linpack_solve(struct xb_linpack *lp, double *seconds, struct xb_err *err)
{
    int n = lp->n, one = 1, info = 0;
    double t0 = now_s();
    blas.dgesv(&n, &one, lp->a, &n, lp->ipiv, lp->x, &n, &info);
    *seconds = now_s() - t0;
    if (info != 0)
        return xb_err_set(err, -XB_EINPUT, "LINPACK: dgesv returned %d (%s)",
                          (int)info, info > 0 ? "singular matrix"
                                              : "bad argument");
    lp->solved = 1;
    return 0;
}

double xb_linpack_residual(const struct xb_linpack *lp)
{
    int n = lp->n;
    double *r = calloc((size_t)n, sizeof(double));
    double *rowsum = calloc((size_t)n, sizeof(double));
    if (!r || !rowsum) {
        free(r);
        free(rowsum);
        return INFINITY;
    }
    /* Column by column: r = A x, rowsum_i = sum_j |a_ij|. */
    for (int j = 0; j < n; j++) {
        const double *col = lp->a0 + (size_t)j * (size_t)n;
        double xj = lp->x[j];
        for (int i = 0; i < n; i++) {
            r[i] += col[i] * xj;
            rowsum[i] += fabs(col[i]);
        }
    }
    double rn = 0, an = 0, xn = 0, bn = 0;
    for (int i = 0; i < n; i++) {
        rn = fmax(rn, fabs(r[i] - lp->b0[i]));
        an = fmax(an, rowsum[i]);
        xn = fmax(xn, fabs(lp->x[i]));
        bn = fmax(bn, fabs(lp->b0[i]));
    }
    free(r);
    free(rowsum);
    /* eps as LAPACK's dlamch('E'): the unit roundoff 2^-53. */
    double eps = DBL_EPSILON / 2;
    return rn / (eps * (an * xn + bn) * (double)n);
}

static int probe(int n, double *seconds, struct xb_err *err)
{
    struct xb_linpack lp;
    int rc = xb_linpack_init(&lp, n, 42, err);
    if (rc)
        return rc;
    xb_linpack_reset(&lp);
    rc = xb_linpack_solve(&lp, seconds, err);
    xb_linpack_free(&lp);
    return rc;
}

int xb_linpack_autosize(double lo_s, double hi_s, int n_min, int n_max,
                        int *n, double *seconds, struct xb_err *err)
{
    double target = (lo_s + hi_s) / 2;
    int cur = n_min > 1000 ? n_min : (n_max < 1000 ? n_max : 1000);
    double t = 0;
    int rc = probe(cur, &t, err);  /* warms OpenBLAS's threads up too */
    for (int i = 0; rc == 0 && i < 6; i++) {
        rc = probe(cur, &t, err);
        if (rc || (t >= lo_s && t <= hi_s))
            break;
        double scale = cbrt(target / (t > 1e-4 ? t : 1e-4));
        if (scale > 4)
            scale = 4;   /* small probes are dominated by overheads */
        int next = (int)lround(cur * scale);
        if (next < n_min)
            next = n_min;
        if (next > n_max)
            next = n_max;
        if (next == cur)
            break;
        cur = next;
    }
    if (rc)
        return rc;
    *n = cur;
    *seconds = t;
    return 0;
}

void xb_linpack_set_threads(int threads)
{
    if (blas.h)
        blas.set_threads(threads);
}

int xb_linpack_threads(void)
{
    return blas.h ? blas.get_threads() : 0;
}

const char *xb_linpack_backend(void)
{
    static char buf[256];
    if (!blas.h)
        return "OpenBLAS not loaded";
    snprintf(buf, sizeof buf, "%s, core %s", blas.config(), blas.corename());
    return buf;
}
