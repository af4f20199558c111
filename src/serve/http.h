/* http.h: serve's HTTP server on libmicrohttpd: one listening address
 * (loopback unless told otherwise), an optional bearer token, GET and HEAD
 * only, and limits that keep a bad or slow client from costing more than
 * its own connection: request size (header and URL) within a per-connection
 * memory limit (431 or 413 beyond it), no request body, an idle timeout,
 * a connection limit.  Requests are answered by a handler with a body
 * (body.h) from a small pool of threads, at nice +5 (they yield to the
 * recording thread); the handler must not block. */
#ifndef XB_SERVE_HTTP_H
#define XB_SERVE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "serve/body.h"
#include "util/err.h"

struct xb_http_opts {
    const char *listen;        /* "127.0.0.1:9465", "[::1]:9465", "0.0.0.0:0" */
    const char *token;         /* required bearer token, or NULL */
    unsigned threads;          /* 0: 2 */
    unsigned conn_limit;       /* 0: 1000 */
    unsigned timeout_s;        /* idle connection timeout, 0: 10 */
    size_t mem_limit;          /* per connection, bounds the request; 0: 16 KiB */
};

struct xb_http_req;
/* The value of query argument key, or NULL. */
const char *xb_http_arg(const struct xb_http_req *r, const char *key);
const char *xb_http_path(const struct xb_http_req *r);

/* Returns a body (the server drops the reference once sent), or NULL for
 * 500. */
typedef struct xb_body *(*xb_http_handler)(const struct xb_http_req *r, void *ctx);

struct xb_http;

/* Parse "HOST:PORT" (IPv6 in brackets); false on bad text. */
bool xb_http_listen_parse(const char *s, char *host, size_t hostlen, unsigned *port);
/* Whether host is a loopback address (127.0.0.0/8, ::1). */
bool xb_http_is_loopback(const char *host);

int xb_http_start(struct xb_http **out, const struct xb_http_opts *o,
                  xb_http_handler h, void *ctx, struct xb_err *err);
/* The port bound (the one chosen by the kernel for port 0). */
unsigned xb_http_port(const struct xb_http *h);
/* Requests answered, by class: [0] 2xx, [1] 4xx, [2] 5xx. */
void xb_http_counts(const struct xb_http *h, uint64_t out[3]);
void xb_http_stop(struct xb_http *h);

#endif
