/* profiles.h: what `profile`, `plan` and the benches share: open the
 * history database and walk its VMs one by one, each as the points of the
 * methods asked (plan/method.h), with its profile per method; and say which
 * VMs the look-back leaves out (stored, but without data in it).  Memory
 * stays one VM's points: a fleet of 500 VMs x 90 days is never loaded
 * whole. */
#ifndef XB_PROFILES_H
#define XB_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/method.h"
#include "plan/profile.h"
#include "store/history.h"
#include "util/err.h"

/* What is loaded: the look-back (0: everything stored) ending at `until`
 * (NAN: the newest data), the data minimum of the profiles and what they
 * compute. */
struct xb_load_opts {
    double lookback_s;
    double until_unix;
    double min_coverage_s;
    /* The statistics of each method's profiles (XB_NMETHODS of them, e.g.
     * xb_sizer_want's); NULL: every one. */
    const struct xb_profile_want *want;
};

/* One VM as the callback sees it: per method asked, its points and its
 * profile (p[m].vm points into s[m]; both are valid during the call only:
 * copy the profile and clear its `vm` to keep it). */
struct xb_vm_view {
    struct xb_series s[XB_NMETHODS];
    struct xb_profile p[XB_NMETHODS];
    bool have[XB_NMETHODS];
};
typedef int (*xb_vm_fn)(struct xb_vm_view *v, void *ctx);

/* VMs the history holds without data in the look-back. */
struct xb_left_out {
    char host[128], name[96];
    double end_unix;            /* the end of their newest data */
};

struct xb_walk {
    double t_begin, t_end;      /* the look-back used */
    struct xb_left_out *left_out;
    size_t nleft_out, capleft;
    size_t vms;                 /* VMs handed to the callback */
};

/* The database path: opt if given, else $XENBENCH_DB, else "xenbench.db". */
const char *xb_db_path(const char *opt);

/* Every VM with data in the look-back, in (host, name) order, with the
 * points and profiles of each method wanted[m].  Errors: the file, or no
 * data at all. */
int xb_walk_vms(const char *db, const struct xb_load_opts *o,
                const bool wanted[XB_NMETHODS], xb_vm_fn fn, void *ctx,
                struct xb_walk *w, struct xb_err *err);
void xb_walk_free(struct xb_walk *w);

/* The profiles of method m of every VM (or of those named), their points
 * cleared: for `profile`.  *out is malloc'ed. */
int xb_collect_profiles(const char *db, const struct xb_load_opts *o, enum xb_method m,
                        const char *const *names, size_t nnames,
                        struct xb_profile **out, size_t *n, struct xb_walk *w,
                        struct xb_err *err);

#endif
