/* rundir.h: what analysis needs from a run folder's manifest.json. */
#ifndef XB_RUNDIR_H
#define XB_RUNDIR_H

#include <stdint.h>

#include "model/names.h"
#include "util/err.h"

#define XB_MAX_COUNTER_FILES 8

struct xb_counter_file {
    char format[16];          /* "procfs", "libvirt", "perf", "xenstat" */
    char path[4096];          /* inside the run folder */
};

struct xb_manifest {
    char source[16];          /* "xen" or "linux" */
    uint64_t tsc_hz;          /* Xen: 0 when absent */
    char trace[4096];         /* Xen: path of the xentrace file */
    /* Identity (optional): "" / 0 when absent. */
    char host[128], cpu_model[128], start_utc[32], run_id[64], state[64];
    double cpu_mhz;
    /* Linux runs: CLOCK_MONOTONIC of engine time 0 and of the stop (0 when
     * the recording was cut short), CPUs and their page files. */
    uint64_t t0_mono_ns, t_stop_mono_ns, page_size;
    unsigned ncpu;
    uint64_t *cpu_lost;       /* [ncpu] events the kernel could not store */
    char formats_dir[4096];   /* tracefs/: header_page and event formats */
    char domains_file[4096];  /* domains.json */
    struct xb_counter_file counters[XB_MAX_COUNTER_FILES];
    unsigned ncounters;
    char missing[512];        /* "perf: reason; ..." sources absent at record */
    char cache_na[256];       /* why there are no cache counters, or "" */
    char failure[512];        /* why the recorder failed ("failure"/"error") */
};

void xb_manifest_free(struct xb_manifest *m);

/* Read DIR/manifest.json: the trace file, the TSC rate and the domain names
 * (added to names).  Errors name the file and the field. */
int xb_rundir_load(const char *dir, struct xb_manifest *m,
                   struct xb_names *names, struct xb_err *err);

#endif
