/* rundir.h: what analysis needs from a run folder's manifest.json: its
 * format and version (checked), the source, the trace, the clock, the
 * identity facts and the counters files. */
#ifndef XB_RUNDIR_H
#define XB_RUNDIR_H

#include <stdbool.h>
#include <stdint.h>

#include "model/names.h"
#include "util/err.h"

/* The manifest's "format" and the major "version" this reader knows. */
#define XB_RUN_FORMAT "xenbench-run"
#define XB_RUN_VERSION 1

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
    /* The host's shape and memory, 0 when the manifest has none. */
    unsigned sockets, cores_per_socket, threads_per_core;
    double mem_total_mib;
    /* Linux runs: CLOCK_MONOTONIC of engine time 0 and of the stop (0 when
     * the recording was cut short), CPUs and their page files. */
    uint64_t t0_mono_ns, t_stop_mono_ns, page_size;
    unsigned ncpu;
    uint64_t *cpu_lost;       /* [ncpu] events the kernel could not store */
    /* Ring runs (record --max-size --ring): each CPU's segment files, oldest
     * first, as seg[seg_at[i] .. seg_at[i + 1]) (NULL: one cpuN.raw each);
     * the start of the span every CPU keeps, the pages the ring dropped. */
    char **seg;
    size_t *seg_at, nseg;
    uint64_t kept_from_mono_ns, ring_dropped_pages;
    bool ring_cut;            /* a ring run cut short: segments from tracefs/ */
    char formats_dir[4096];   /* tracefs/: header_page and event formats */
    char domains_file[4096];  /* domains.json */
    char windows_file[4096];  /* aggregated runs: windows.jsonl.gz, else "" */
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
