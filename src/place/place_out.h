/* place_out.h: a placement (and a keep-or-move plan) as a table, CSV or
 * JSON, and the plan file (`vm,host` CSV) that `simulate` reads. */
#ifndef XB_PLACE_OUT_H
#define XB_PLACE_OUT_H

#include <stdio.h>

#include "place/hybrid.h"
#include "place/pack.h"
#include "util/err.h"
#include "util/format.h"

struct xb_place_report {
    const struct xb_pack_in *in;
    const struct xb_placement *pl;
    const struct xb_hybrid *hy;     /* NULL: owned hosts only */
    const char *hosts_path;
    double t_from, t_until;         /* the samples' range, +-INFINITY open */
    double seconds;                 /* the packing's own time */
};

int xb_place_print(FILE *out, const struct xb_place_report *r, enum xb_format f);
/* vm,host,cores rows of the VMs placed (written whole, then renamed). */
int xb_place_write_plan(const char *path, const struct xb_place_report *r,
                        struct xb_err *err);

#endif
