/* aggregate.h: `record --aggregate` (see aggregate.c): a source of the one
 * recording loop (source/record.h) that decodes live and keeps only the
 * engine's windows and the counters' figures. */
#ifndef XB_PIPELINE_AGGREGATE_H
#define XB_PIPELINE_AGGREGATE_H

#include "pipeline/presenter.h"
#include "source/record.h"

extern const struct xb_recorder_ops xb_recorder_aggregate;

/* What else sees each finished window (xb_record_opts.source_opts of the
 * aggregate recorder; `record --db`: store/record_db.h).  `also` gets
 * begin once the run folder exists (its info then carries the folder's
 * run id and host facts, as an import of the folder reads them), each
 * window after windows.jsonl.gz has it, and end after the file's last line.
 * A callback that fails returns non-zero with *also_err set; the recording
 * then fails, the folder keeping what it wrote. */
struct xb_aggregate_opts {
    const struct xb_presenter *also;
    void *also_ctx;
    struct xb_err *also_err;
};

#endif
