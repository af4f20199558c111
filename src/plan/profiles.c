/* profiles.c: database -> look-back -> profiles (see profiles.h). */
#include "profiles.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

const char *xb_db_path(const char *opt)
{
    const char *env = getenv("XENBENCH_DB");
    return opt ? opt : env && *env ? env : "xenbench.db";
}

int xb_profiles_load(const char *db, double lookback_s, struct xb_profile_set *ps,
                     struct xb_err *err)
{
    memset(ps, 0, sizeof *ps);
    struct xb_store *s;
    int rc = xb_store_open(&s, db, XB_STORE_READ, err);
    if (rc)
        return rc;
    rc = xb_store_load(s, lookback_s, &ps->h, err);
    xb_store_close(s);
    if (rc)
        return rc;
    if (ps->h.n == 0)
        return xb_err_set(err, -XB_EINPUT, "%s: no samples stored: import runs "
                          "first (xenbench import RUNDIR...)", db);
    xb_history_span(&ps->h, &ps->t_begin, &ps->t_end);
    ps->p = calloc(ps->h.n, sizeof *ps->p);
    if (!ps->p)
        return xb_err_set(err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < ps->h.n; i++)
        if (xb_profile_build(&ps->h.vm[i], ps->t_begin, ps->t_end, &ps->p[i]))
            return xb_err_set(err, -ENOMEM, "out of memory");
    ps->n = ps->h.n;
    return 0;
}

void xb_profiles_free(struct xb_profile_set *ps)
{
    free(ps->p);
    xb_history_free(&ps->h);
    memset(ps, 0, sizeof *ps);
}
