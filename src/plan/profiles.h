/* profiles.h: what `profile` and `plan` share: open the history database,
 * load the look-back and build every VM's profile. */
#ifndef XB_PROFILES_H
#define XB_PROFILES_H

#include <stddef.h>

#include "plan/profile.h"
#include "store/history.h"
#include "util/err.h"

struct xb_profile_set {
    struct xb_history h;
    struct xb_profile *p;       /* one per VM, in (host, name) order */
    size_t n;
    double t_begin, t_end;      /* the look-back actually used */
};

/* The database path: opt if given, else $XENBENCH_DB, else "xenbench.db". */
const char *xb_db_path(const char *opt);

/* lookback_s 0: everything stored. */
int xb_profiles_load(const char *db, double lookback_s, struct xb_profile_set *ps,
                     struct xb_err *err);
void xb_profiles_free(struct xb_profile_set *ps);

#endif
