/* api.h: the JSON bodies of serve's /api/ endpoints (docs/serve.md), made
 * with jansson from window summaries (ring.h). */
#ifndef XB_SERVE_API_H
#define XB_SERVE_API_H

#include <stddef.h>
#include <stdint.h>

#include "serve/ring.h"

/* /api/info: what the dashboard needs once. */
struct xb_api_info {
    const char *host, *cpu_model, *source, *version;
    unsigned npcpu;
    double interval_s;
    double start_unix;
    unsigned keep;             /* windows the ring keeps */
    uint64_t windows;          /* finished so far */
    uint64_t lost_events;      /* all pCPUs */
    uint64_t windows_late;
    const char *db;            /* --db, or NULL */
    /* The --db views: 1 ready, 0 failed (why), -1 being made; NULL names
     * when there is no --db. */
    struct { const char *name; int ok; const char *why; } views[3];
};

/* Each returns a malloc'd JSON text (length in *len), or NULL when out of
 * memory. */
char *xb_api_info(const struct xb_api_info *i, size_t *len);
/* One window: per domain cpu/waited/blocked % per pCPU and the total,
 * unknown %, disk, network and memory. */
char *xb_api_window(const struct xb_wsum *s, size_t *len);
/* The last `last` windows (0: all kept): per domain its totals per window. */
char *xb_api_series(const struct xb_wring *r, unsigned last, size_t *len);
/* {"error": msg} */
char *xb_api_error(const char *msg, size_t *len);

#endif
