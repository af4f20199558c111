/* prom_import.h: a fleet's history from Prometheus into the history
 * database: `xenbench import --prometheus URL`.
 *
 * Every target that Prometheus scraped from `xenbench serve` (an
 * `instance` with xenbench_host_info) is read through the HTTP API's
 * query_range, one step at a time, and becomes runs of the history store:
 * one run per serve session (xenbench_start_time_seconds) of each
 * instance, one sample per step and domain.  A step's figures are
 * differences of serve's counters divided by the recorded time between
 * them (xenbench_recorded_seconds_total), so they are the engine's window
 * sums over whole windows, not Prometheus's extrapolated rate(): cores =
 * running seconds / recorded seconds, as `import` of a run folder.  A step
 * across a restart or a gap in the scrapes is left out, never guessed.
 * docs/serve.md has the queries.
 */
#ifndef XB_STORE_PROM_IMPORT_H
#define XB_STORE_PROM_IMPORT_H

#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

struct xb_prom_import_opts {
    const char *url;           /* http://HOST:PORT of Prometheus */
    double since_s;            /* look-back from end (> 0) */
    double step_s;             /* sample length (>= 1) */
    double end_unix;           /* 0: now */
    double timeout_s;          /* per request, 0: 60 */
};

struct xb_prom_import_result {
    char instance[256];
    char host[128];
    char run_key[384];
    unsigned domains;
    size_t samples;
    unsigned skipped_steps;    /* restarts and scrape gaps left out */
    int replaced;
};

typedef void (*xb_prom_import_cb)(const struct xb_prom_import_result *r, void *ctx);

/* Import every xenbench instance Prometheus has in the range; cb after each
 * run.  The caller holds the store's transaction.  Returns 0, or an error
 * naming the URL and what Prometheus said. */
int xb_prom_import(struct xb_store *s, const struct xb_prom_import_opts *o,
                   xb_prom_import_cb cb, void *ctx, struct xb_err *err);

#endif
