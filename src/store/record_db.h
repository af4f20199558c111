/* record_db.h: `record --db FILE`: the history written as the recording
 * goes (record_db.c).  It hands the aggregate recorder (pipeline/aggregate.h)
 * a presenter that imports each finished window as `import` of the run
 * folder would (store/import.h), one transaction per window, so a crash
 * loses at most the open window (and the roll-ups of the open buckets,
 * which `import RUNDIR` writes again: the run is replaced by its key), and
 * applies retention (store/retention.h) after the first window and then
 * every retain_every_s of recording. */
#ifndef XB_STORE_RECORD_DB_H
#define XB_STORE_RECORD_DB_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/aggregate.h"
#include "store/retention.h"
#include "util/err.h"
#include "util/notes.h"

struct xb_record_db_opts {
    const char *path;           /* the history file (created when missing) */
    const char *run_path;       /* the run folder, as the run row names it */
    double interval_s;          /* the recording's window */
    struct xb_retention keep;   /* zeros: keep everything */
    double retain_every_s;      /* 0: once an hour */
    const struct xb_notes *notes;   /* what retention deleted (progress) */
};

struct xb_record_db;

/* Open (or create) the file: a file that is not a history is refused here,
 * before anything is recorded. */
int xb_record_db_open(struct xb_record_db **out, const struct xb_record_db_opts *o,
                      struct xb_err *err);
/* What record passes as xb_record_opts.source_opts. */
const struct xb_aggregate_opts *xb_record_db_source_opts(struct xb_record_db *d);
/* Windows and rows written so far. */
unsigned xb_record_db_windows(const struct xb_record_db *d);
size_t xb_record_db_samples(const struct xb_record_db *d);
/* Undo the open transaction (a failed recording), then close. */
void xb_record_db_close(struct xb_record_db *d);

#endif
