/* import.h: one recording -> sample rows of the history database.
 *
 * A path is a run folder (manifest.json), a bare Xen capture folder (each
 * trace-*.bin is one run, see capture.h) or a xentrace file (with a TSC rate).
 * The recording goes through the one pipeline (pipeline/pipeline.h); a
 * presenter of its own turns each finished window into one sample per domain
 * (the idle domain left out).  The caller holds the store's transaction.
 */
#ifndef XB_IMPORT_H
#define XB_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

/* Samples of runs without a start time are dated from this instant. */
#define XB_FIXED_EPOCH_UNIX 946684800.0
#define XB_FIXED_EPOCH_TEXT "2000-01-01T00:00:00Z"

struct xb_import_opts {
    uint64_t interval_ns;      /* window length; 0 means 1 s */
    uint64_t tsc_hz;           /* 0: from the manifest or capture folder */
    const char *names_file;    /* `xl list` text, or NULL */
    bool strict;               /* a cut-short trace is an error */
};

struct xb_import_result {
    const char *path;          /* the trace or run folder imported */
    char run_key[96];
    char host[128];
    bool replaced;             /* the run was stored before and is replaced */
    bool fixed_epoch;          /* no start time: dated from the fixed epoch */
    char clock_note[4300];     /* where the core clock came from */
    unsigned windows;
    unsigned domains;
    size_t samples;
};

typedef void (*xb_import_cb)(const struct xb_import_result *r, void *ctx);

/* Import every run that path holds; cb is called after each.  Returns 0 or
 * an error code with err naming the file and what was wrong. */
int xb_import_path(struct xb_store *s, const char *path,
                   const struct xb_import_opts *o, xb_import_cb cb, void *ctx,
                   struct xb_err *err);

/* Parse "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" to seconds since 1970. */
int xb_parse_utc(const char *s, double *unix_s);

#endif
