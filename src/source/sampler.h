/* sampler.h: a counter source sampled every interval during `record`.
 *
 * The Linux recorder opens each sampler once the domains are known, calls
 * sample() at the start, every interval and at the stop, and close() at the
 * end.  A sampler writes what it reads verbatim (with the CLOCK_MONOTONIC
 * time of the reading) to its own file in the run folder, and flushes it
 * each time so a recording cut short keeps every finished sample.  Its loader
 * (decode/) turns that file into counter series for `report`.
 */
#ifndef XB_SOURCE_SAMPLER_H
#define XB_SOURCE_SAMPLER_H

#include <stdint.h>
#include <stdio.h>

#include "source/domain_map.h"
#include "util/err.h"

struct xb_sampler {
    const char *name;          /* short name, e.g. "procfs" */
    const char *file;          /* file name in the run folder */
    const char *format;        /* manifest counters[].format for the loader */
    /* Returns 0, 1 when the source is absent here (nothing is written; the
     * reason goes to *why for the manifest), or a negative error. */
    int (*open)(void **state, const struct xb_domain_map *m, FILE *out,
                const char **why, struct xb_err *err);
    int (*sample)(void *state, const struct xb_domain_map *m, uint64_t mono_ns,
                  FILE *out, struct xb_err *err);
    void (*close)(void *state);
};

#endif
