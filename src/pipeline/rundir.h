/* rundir.h: what analysis needs from a run folder's manifest.json. */
#ifndef XB_RUNDIR_H
#define XB_RUNDIR_H

#include <stdint.h>

#include "model/names.h"
#include "util/err.h"

struct xb_manifest {
    char source[16];          /* "xen" */
    uint64_t tsc_hz;          /* 0 when absent */
    char trace[4096];         /* path of the xentrace file */
};

/* Read DIR/manifest.json: the trace file, the TSC rate and the domain names
 * (added to names).  Errors name the file and the field. */
int xb_rundir_load(const char *dir, struct xb_manifest *m,
                   struct xb_names *names, struct xb_err *err);

#endif
