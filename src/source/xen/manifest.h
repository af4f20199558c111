/* manifest.h: the Xen keys of a run folder's manifest.json (docs/run-folder.md
 * lists them); the common keys and the writing are source/runfolder.c's. */
#ifndef XB_XEN_MANIFEST_H
#define XB_XEN_MANIFEST_H

#include <jansson.h>
#include <stdint.h>

#include "source/xen/domains.h"
#include "source/xen/tbuf.h"

struct xb_xen_run {
    char xen_version[80], scheduler[16];
    unsigned cpu_count;
    uint64_t cpu_khz;               /* the TSC rate, kHz */
    const char *method;             /* "libxenctrl" or "xentrace" */
    const char *xentrace_cmd;       /* with --use-xentrace */
    struct xb_tbuf_stats trace;     /* pages, bytes, counts... */
    unsigned samples, samples_failed;
    const struct xb_xdoms *doms;
};

/* Add the Xen keys to m.  0, or -ENOMEM. */
int xb_xen_manifest_keys(const struct xb_xen_run *r, json_t *m);

#endif
