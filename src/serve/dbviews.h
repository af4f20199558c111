/* dbviews.h: the --db views of serve (profiles, plan, placement): the JSON
 * that `xenbench profile|plan --db FILE -f json` and `xenbench place --db
 * FILE --hosts HOSTS -f json` print, made by
 * running this same program, so the dashboard's numbers are those commands'
 * numbers.  A worker thread remakes them when the database changes; the
 * HTTP threads only take the last result. */
#ifndef XB_SERVE_DBVIEWS_H
#define XB_SERVE_DBVIEWS_H

#include "serve/body.h"
#include "util/err.h"

enum xb_dbview { XB_VIEW_PROFILES, XB_VIEW_PLAN, XB_VIEW_PLACE, XB_NVIEWS };

struct xb_dbviews;

/* exe: this program (/proc/self/exe); db: the history database; hosts:
 * place's --hosts file, or NULL (then the placement view says it needs one). */
int xb_dbviews_start(struct xb_dbviews **out, const char *exe, const char *db,
                     const char *hosts, struct xb_err *err);
/* The view's body (a reference), or a 503 body while the first run is on. */
struct xb_body *xb_dbviews_get(struct xb_dbviews *v, enum xb_dbview which);
/* Whether the view's last run succeeded: 1, 0 (with the first line of what
 * the command said in why), or -1 while the first run is on. */
int xb_dbviews_ok(struct xb_dbviews *v, enum xb_dbview which, char *why, size_t len);
void xb_dbviews_stop(struct xb_dbviews *v);

#endif
