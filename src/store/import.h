/* import.h: one recording -> sample rows and roll-ups of the history.
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
#include "util/notes.h"

/* Samples of runs without a start time are dated from this instant. */
#define XB_FIXED_EPOCH_UNIX 946684800.0
#define XB_FIXED_EPOCH_TEXT "2000-01-01T00:00:00Z"

struct xb_import_opts {
    uint64_t interval_ns;      /* window length; 0 means 1 s */
    uint64_t tsc_hz;           /* 0: from the manifest or capture folder */
    const char *names_file;    /* `xl list` text, or NULL */
    bool strict;               /* a cut-short trace is an error */
    const struct xb_notes *notes;   /* warnings (the command prints them) */
    double start_unix;         /* --start: dates a run without start_utc; 0
                                * (or NAN): none */
};

struct xb_import_result {
    const char *path;          /* the trace or run folder imported */
    char run_key[96];
    char host[128];
    bool replaced;             /* the run was stored before and is replaced */
    bool fixed_epoch;          /* no start time: dated from the fixed epoch */
    char start_from[16];       /* manifest, --start, file-time, fixed-epoch */
    char clock_note[4300];     /* where the core clock came from */
    unsigned windows;
    unsigned domains;
    size_t samples;            /* windows x domains */
    size_t rollups;            /* roll-up rows written */
    bool raw_kept;             /* the windows are kept as sample rows */
};

typedef void (*xb_import_cb)(const struct xb_import_result *r, void *ctx);

/* Import every run that path holds; cb is called after each.  Returns 0 or
 * an error code with err naming the file and what was wrong. */
int xb_import_path(struct xb_store *s, const char *path,
                   const struct xb_import_opts *o, xb_import_cb cb, void *ctx,
                   struct xb_err *err);

/* One run's rows as its windows come, for a recorder that decodes live
 * (record --db, store/record_db.c): the presenter this import runs over the
 * pipeline, so the rows are the ones an import of the run folder writes.
 * path is what the run row says (the run folder).  The caller holds the
 * store's transaction around begin, each window and end, and may commit
 * after xb_import_run_sync, which writes the roll-ups waiting in memory
 * (the open buckets stay open) and the run's span so far.  A failed
 * callback leaves its message in xb_import_run_err. */
struct xb_presenter;
struct xb_import_run;
int xb_import_run_new(struct xb_import_run **out, struct xb_store *s, const char *path,
                      double interval_s, struct xb_err *err);
const struct xb_presenter *xb_import_run_presenter(void);
void *xb_import_run_ctx(struct xb_import_run *r);
const struct xb_err *xb_import_run_err(const struct xb_import_run *r);
int xb_import_run_sync(struct xb_import_run *r, double span_s, struct xb_err *err);
const struct xb_import_result *xb_import_run_result(const struct xb_import_run *r);
void xb_import_run_free(struct xb_import_run *r);

#endif
