/* scenario.h: the scenario files of `xenbench bench` (docs/scenarios.md).
 *
 * An INI file: a [run] section (recording duration and interval) and one
 * [domain NAME] section per domain (the stress-ng stressor it runs, workers,
 * cpu-load, pinning, duration, bytes, write rate).  The stressor table here
 * is the one list of what a domain may run: the parser checks keys against
 * it and bench/loads.c turns an entry into a command line.  Every error names
 * the file and line, with code -XB_EINPUT.
 */
#ifndef XB_SCENARIO_H
#define XB_SCENARIO_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* Keys a stressor accepts beyond the common ones (workers, cpus, duration). */
enum {
    XB_KEY_CPU_LOAD = 1u << 0,
    XB_KEY_BYTES = 1u << 1,
    XB_KEY_RATE = 1u << 2,
};

struct xb_stressor {
    const char *name;       /* in the file: stressor = NAME */
    const char *ng_opt;     /* stress-ng option taking the worker count, or
                             * NULL for the idle pseudo-stressor (sleep) */
    const char *bytes_opt;  /* stress-ng option for bytes = , or NULL */
    unsigned keys;          /* XB_KEY_* accepted */
    const char *what;       /* one line for docs and errors */
};

/* NULL when unknown. */
const struct xb_stressor *xb_stressor_find(const char *name);
/* "cpu, vm, ..." for messages. */
const char *xb_stressor_names(void);

#define XB_SCN_NAME_MAX 48

struct xb_scn_domain {
    char name[XB_SCN_NAME_MAX];  /* [a-zA-Z0-9_-], unique in the file */
    int line;                    /* of its [domain NAME] header */
    const struct xb_stressor *st;
    unsigned workers;            /* >= 1, default 1 */
    int cpu_load_pct;            /* 1..100, or -1: not given (full load) */
    char cpus[64];               /* cpu list "1", "0-1,3"; "" = any */
    uint64_t duration_ns;        /* > 0; defaults to the run's duration */
    bool own_duration;           /* duration = given in the section */
    uint64_t bytes;              /* 0: stress-ng's default */
    uint64_t rate_bps;           /* write bytes/s (blkio throttle); 0: none */
};

struct xb_scenario {
    char path[512];
    uint64_t duration_ns;        /* [run] duration, required */
    uint64_t interval_ns;        /* [run] interval, default 1 s */
    struct xb_scn_domain *d;
    size_t n;
};

/* Parse text (len bytes; need not end in NUL) named `name` in messages. */
int xb_scenario_parse(const char *text, size_t len, const char *name,
                      struct xb_scenario *s, struct xb_err *err);
/* Read and parse a file. */
int xb_scenario_load(const char *path, struct xb_scenario *s, struct xb_err *err);
void xb_scenario_free(struct xb_scenario *s);
/* bench --duration: the run's duration, and each domain's that had none of
 * its own. */
void xb_scenario_set_duration(struct xb_scenario *s, uint64_t ns);

#endif
