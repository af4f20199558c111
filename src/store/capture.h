/* capture.h: a bare Xen capture folder, as in shared/xen-traces/ and
 * tests/xen-traces/: trace-*.bin files without a manifest.json, with the
 * host's facts in the text files the capture scripts saved beside them.
 *
 * Read: cpu_mhz of xl-info.txt (else cpu_mhz.txt) as the TSC rate and the
 * core clock, the host name of xl-info.txt, and from xl-list.txt each
 * domain's name, memory and vCPU count.  Only `import` uses this; `report`
 * takes such a trace with --tsc-hz and --names.
 */
#ifndef XB_CAPTURE_H
#define XB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct xb_capture_dom {
    char name[64];
    double mem_bytes;          /* Mem column of `xl list` (MiB) in bytes */
    unsigned vcpus;
};

struct xb_capture {
    char host[128];            /* "" when xl-info.txt has none */
    double cpu_mhz;
    char cpu_mhz_from[4200];   /* the file the clock came from */
    char names_file[4200];     /* xl-list.txt, or "" */
    char **traces;             /* trace-*.bin, in version order (dirlist.h) */
    size_t ntraces;
    struct xb_capture_dom *dom;
    size_t ndom;
};

/* A folder with no manifest.json and at least one trace-*.bin. */
bool xb_capture_detect(const char *dir);
/* Errors name the file and line. */
int xb_capture_load(const char *dir, struct xb_capture *c, struct xb_err *err);
/* Only the domains of dir/xl-list.txt, when a run folder has one (a Xen
 * run folder keeps `xl list` beside its trace: the allocations); no file is
 * no domains. */
int xb_capture_load_domains(const char *dir, struct xb_capture *c,
                            struct xb_err *err);
void xb_capture_free(struct xb_capture *c);
/* The domain's entry in xl-list.txt, or NULL. */
const struct xb_capture_dom *xb_capture_dom(const struct xb_capture *c,
                                            const char *name);

#endif
