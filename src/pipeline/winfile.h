/* winfile.h: the aggregated recording's file, windows.jsonl.gz (written by
 * `record --aggregate`, read by report and import like a raw run;
 * docs/run-folder.md).
 *
 * gzip-compressed JSON lines: a header (the format, the pCPU count, the
 * recording interval, time 0 in UTC, the domain names),
 * one line per finished engine window (the time charged to every (domain,
 * vCPU, pCPU, state) with switch-ins, the pCPUs' unknown time, the
 * contradictions, and the rate or mean of every counter series over the
 * window), and a last line with the run's counts (span, events, lost).
 * Only what the engine's windows and the counters' figures hold is kept:
 * the run is as exact as the raw one at the recording interval and any
 * multiple of it, and its size grows with the domains, not the events.
 */
#ifndef XB_PIPELINE_WINFILE_H
#define XB_PIPELINE_WINFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "account/counters.h"
#include "account/engine.h"
#include "model/names.h"
#include "util/err.h"

#define XB_WINFILE_FORMAT "xenbench-windows"
#define XB_WINFILE_VERSION 1
#define XB_WINFILE_NAME "windows.jsonl.gz"

/* What the header and the last line say. */
struct xb_winfile_info {
    unsigned npcpu;
    uint64_t interval_ns;
    char start_utc[40];
    /* the last line (absent when the recording was cut short) */
    bool ended;
    uint64_t span_ns, records;
    uint64_t *lost, *lost_notices;   /* [npcpu] */
    char warning[512];
};

/* ---- writing ---- */

struct xb_winfile_w;

/* Create path and write the header.  names: every domain's name so far. */
int xb_winfile_create(struct xb_winfile_w **out, const char *path, unsigned npcpu,
                      uint64_t interval_ns, const char *start_utc,
                      const struct xb_names *names, struct xb_err *err);
/* One window, with every counter series' figure over it (c may be NULL). */
int xb_winfile_window(struct xb_winfile_w *w, const struct xb_window *win,
                      const struct xb_counters *c, struct xb_err *err);
/* The last line; then close.  *bytes: the file's compressed size. */
int xb_winfile_finish(struct xb_winfile_w *w, const struct xb_winfile_info *end,
                      uint64_t *bytes, struct xb_err *err);
/* The windows written so far and the bytes compressed so far (an
 * estimate between flushes). */
unsigned xb_winfile_count(const struct xb_winfile_w *w);
uint64_t xb_winfile_bytes(const struct xb_winfile_w *w);
/* Close without a last line (a recording that failed: the windows stay). */
void xb_winfile_abort(struct xb_winfile_w *w);

/* ---- reading ---- */

struct xb_winfile_r;

/* Open path, read its header into *info and its names into names; then
 * read the whole file once: every counter figure into c (as samples whose
 * rate or mean over each window is its figure) and the last line into
 * *info.  Errors name the file and the line. */
int xb_winfile_open(struct xb_winfile_r **out, const char *path,
                    struct xb_winfile_info *info, struct xb_names *names,
                    struct xb_counters *c, struct xb_err *err);
/* The next window, merged up to interval_ns (0: all of them; else a whole
 * multiple of the recording interval): 1 and *win set (valid until the next
 * call); 0 at the end; or a negative code with err set. */
int xb_winfile_next(struct xb_winfile_r *r, uint64_t interval_ns,
                    const struct xb_window **win, struct xb_err *err);
void xb_winfile_close(struct xb_winfile_r *r);
void xb_winfile_info_free(struct xb_winfile_info *info);

#endif
