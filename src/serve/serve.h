/* serve.h: `xenbench serve`: record this host live and answer HTTP on
 * /metrics (Prometheus), /api/ (JSON) and / (the dashboard), until asked to
 * stop.  docs/serve.md describes every endpoint.
 *
 * Threads: the caller's thread records (the live pipeline, one step every
 * 100 ms) and, after each window, makes the /metrics body and adds the
 * window to the ring; the HTTP threads only take references to what is
 * made, under one short lock, so a flood of requests cannot delay a window.
 * Memory is bounded: running totals per domain and the last `keep` window
 * summaries. */
#ifndef XB_SERVE_SERVE_H
#define XB_SERVE_SERVE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"
#include "util/notes.h"

struct xb_serve_opts {
    const char *listen;        /* default "127.0.0.1:9465" */
    const char *token;         /* bearer token (already read), or NULL */
    const char *db;            /* history database for the plan views, or NULL */
    const char *hosts;         /* place's --hosts file for the placement view */
    const char *exe;           /* this program, for the --db views */
    const char *version;
    uint64_t interval_ns;      /* window length */
    const char *domains, *match;
    bool require;              /* no domain found is an error */
    unsigned buffer_kb;
    const struct xb_notes *notes;   /* warnings; the command prints them */
    unsigned keep;             /* windows kept for /api/series */
    uint64_t duration_ns;      /* 0: until *stop */
    volatile sig_atomic_t *stop;
    /* Called once listening (url like "http://127.0.0.1:9465/"). */
    void (*on_listen)(const char *url, void *ctx);
    void *ctx;
};

/* Returns 0 when stopped as asked, else an error code. */
int xb_serve_run(const struct xb_serve_opts *o, struct xb_err *err);

#endif
