/* manifest.h: manifest.json of a Xen run folder (docs/run-folder.md lists
 * the keys), written atomically at the start and at the stop. */
#ifndef XB_XEN_MANIFEST_H
#define XB_XEN_MANIFEST_H

#include <stdint.h>

#include "source/xen/domains.h"
#include "source/xen/tbuf.h"
#include "util/err.h"

struct xb_xen_run {
    const char *dir;
    const char *state;              /* "recording", "complete", "failed" */
    char run_id[40];
    char host[256], kernel[512], xen_version[80], scheduler[16];
    char cpu_model[160];
    unsigned cpu_count;
    uint64_t cpu_khz;
    uint64_t interval_ns, duration_ns;
    char start_utc[40], stop_utc[40];
    const char *method;             /* "libxenctrl" or "xentrace" */
    const char *xentrace_cmd;       /* with --use-xentrace */
    struct xb_tbuf_stats trace;     /* pages, bytes, counts... */
    unsigned samples, samples_failed;
    const struct xb_xdoms *doms;
    const char *error;              /* state "failed" */
};

int xb_xen_manifest_write(const struct xb_xen_run *r, struct xb_err *err);

#endif
