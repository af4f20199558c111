/* linpack.h: the LINPACK measurement of `xenbench overhead`.
 *
 * Solves a dense N x N system A x = b with dgesv (LU with partial
 * pivoting) of OpenBLAS, as HPL does, and reports MFLOPS with HPL's flop
 * count 2/3 N^3 + 2 N^2.  The matrix and right-hand side are generated once
 * from a fixed seed (uniform in [-0.5, 0.5), as HPL) and copied before each
 * solve; only the dgesv call is timed.
 */
#ifndef XB_LINPACK_H
#define XB_LINPACK_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct xb_linpack {
    int n;
    double *a0, *b0;     /* the problem, kept for the residual and copies */
    double *a, *x;       /* work: LU factors and the solution after solve */
    int *ipiv;
    int solved;          /* a and x hold the result of the last solve */
};

/* HPL's flop count for one solve of order n. */
double xb_linpack_flops(int n);
/* Flops over seconds, in millions. */
double xb_linpack_mflops(int n, double seconds);

/* Allocate and generate the problem of order n (n >= 1).  Returns 0 or
 * -ENOMEM / -XB_EUSAGE with err set. */
int xb_linpack_init(struct xb_linpack *lp, int n, uint64_t seed,
                    struct xb_err *err);
void xb_linpack_free(struct xb_linpack *lp);

/* Copy the problem into the work buffers (not timed). */
void xb_linpack_reset(struct xb_linpack *lp);
/* Factor and solve the work copy; *seconds is the CLOCK_MONOTONIC time of the
 * dgesv call alone.  Call xb_linpack_reset first.  Returns 0, or -XB_EINPUT
 * with err set when dgesv reports a singular matrix or a bad argument. */
int xb_linpack_solve(struct xb_linpack *lp, double *seconds, struct xb_err *err);

/* HPL's scaled residual of the last solve:
 * ||A x - b||_inf / (eps * (||A||_inf * ||x||_inf + ||b||_inf) * N). */
double xb_linpack_residual(const struct xb_linpack *lp);

/* Pick the order whose solve takes between lo_s and hi_s seconds (starting
 * from a small probe and scaling by the cube of the time ratio), within
 * [n_min, n_max].  Prints nothing.  Returns 0 and sets *n and *seconds (the
 * last probe's time), or a negative code with err set. */
int xb_linpack_autosize(double lo_s, double hi_s, int n_min, int n_max,
                        int *n, double *seconds, struct xb_err *err);

/* Load OpenBLAS (libopenblas.so.0, at run time: see linpack.c); init()
 * does it too.  Returns 0 or -ENOENT with err naming what is missing. */
int xb_linpack_load(struct xb_err *err);

/* OpenBLAS threads (1 per online core by default) and a description of the
 * library loaded ("OpenBLAS 0.3.21 ... Haswell MAX_THREADS=64"); after
 * xb_linpack_load(). */
void xb_linpack_set_threads(int threads);
int xb_linpack_threads(void);
const char *xb_linpack_backend(void);

#endif
