/* http.c: the HTTP server (see http.h).  Owns the daemon, the admission
 * rules (method, body, token) and the response headers; what is answered
 * is the handler's.  A request is decided on MHD's first call for it, when
 * its headers are complete: nothing is buffered for a request that will be
 * refused.  It must not know the routes nor open a file by a request's path. */
#define _GNU_SOURCE
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct xb_http {
    struct MHD_Daemon *d;
    xb_http_handler handler;
    void *ctx;
    char *token;
    size_t token_len;
    unsigned port;
    atomic_ullong counts[3];
};

struct xb_http_req {
    struct MHD_Connection *c;
    const char *path;
};

const char *xb_http_arg(const struct xb_http_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, key);
}

const char *xb_http_path(const struct xb_http_req *r)
{
    return r->path;
}

bool xb_http_listen_parse(const char *s, char *host, size_t hostlen, unsigned *port)
{
    const char *colon;
    size_t n;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            return false;
        n = (size_t)(close - s - 1);
        s++;
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return false;
        n = (size_t)(colon - s);
    }
    if (n == 0 || n >= hostlen)
        return false;
    memcpy(host, s, n);
    host[n] = 0;
    char *end;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || p > 65535)
        return false;
    *port = (unsigned)p;
    struct in6_addr a6;
    struct in_addr a4;
    return inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
}

bool xb_http_is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

static void free_body(void *cls)
{
    xb_body_unref(cls);
}

static void count(struct xb_http *h, int status)
{
    int k = status < 400 ? 0 : status < 500 ? 1 : 2;
    atomic_fetch_add(&h->counts[k], 1);
}

/* Queue b (taking its reference) with the headers every answer carries. */
static enum MHD_Result send_body(struct xb_http *h, struct MHD_Connection *c,
                                 struct xb_body *b)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback_cls(b->len, b->data,
                                                               free_body, b);
    if (!r) {
        xb_body_unref(b);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", b->type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* The dashboard loads nothing from elsewhere, and says so to the browser. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; "
                            "style-src 'self'; frame-ancestors 'none'");
    if (b->status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"xenbench\"");
    if (b->status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    count(h, b->status);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)b->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result refuse(struct xb_http *h, struct MHD_Connection *c,
                              int status, const char *msg)
{
    char text[256];
    int n = snprintf(text, sizeof text, "{\"error\":\"%s\"}\n", msg);
    struct xb_body *b = xb_body_new("application/json", status, text, (size_t)n);
    return b ? send_body(h, c, b) : MHD_NO;
}

/* Equal, in a time that does not depend on where they differ. */
static bool same_secret(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen || !blen)
        return false;
    unsigned char d = 0;
    for (size_t i = 0; i < blen; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

static bool authorised(const struct xb_http *h, struct MHD_Connection *c)
{
    if (!h->token)
        return true;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        const char *t = auth + 7;
        return same_secret(t, strlen(t), h->token, h->token_len);
    }
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    return q && same_secret(q, strlen(q), h->token, h->token_len);
}

/* The HTTP threads yield to the recorder: on a busy machine a flood of
 * requests must not delay a window.  Raising one's own nice value needs no
 * privilege; it is done once per thread, on its first request. */
#define HTTP_NICE 5

static void lower_this_thread(void)
{
    static __thread bool lowered;
    if (!lowered) {
        lowered = true;
        setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), HTTP_NICE);
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    (void)upload_data;
    struct xb_http *h = cls;
    static int decided;
    lower_this_thread();
    if (*con_cls == &decided) {
        /* Only a body that arrives after the answer: drop it. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    *con_cls = &decided;
    if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
        return refuse(h, c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD");
    const char *clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_CONTENT_LENGTH);
    if ((clen && strcmp(clen, "0")) ||
        MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_TRANSFER_ENCODING))
        return refuse(h, c, MHD_HTTP_CONTENT_TOO_LARGE, "no request body is read");
    if (!authorised(h, c))
        return refuse(h, c, MHD_HTTP_UNAUTHORIZED,
                      "a token is required (Authorization: Bearer TOKEN)");
    struct xb_http_req r = { c, url };
    struct xb_body *b = h->handler(&r, h->ctx);
    if (!b)
        return refuse(h, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    return send_body(h, c, b);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* %HH decoded in place, except %00: a path or argument never holds a NUL
 * (which would cut "/index.html%00.js" short to a known path). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *o = s;
    for (const char *i = s; *i;) {
        int hi, lo;
        if (i[0] == '%' && (hi = hexval(i[1])) >= 0 && (lo = hexval(i[2])) >= 0 &&
            (hi || lo)) {
            *o++ = (char)(hi * 16 + lo);
            i += 3;
        } else {
            *o++ = *i++;
        }
    }
    *o = 0;
    return (size_t)(o - s);
}

static void quiet_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    if (getenv("XENBENCH_HTTP_LOG"))
        vfprintf(stderr, fmt, ap);
}

int xb_http_start(struct xb_http **out, const struct xb_http_opts *o,
                  xb_http_handler handler, void *ctx, struct xb_err *err)
{
    *out = NULL;
    char host[64];
    unsigned port;
    if (!xb_http_listen_parse(o->listen, host, sizeof host, &port))
        return xb_err_set(err, -XB_EUSAGE, "--listen: '%s' is not ADDRESS:PORT "
                          "(127.0.0.1:9465, [::1]:9465)", o->listen);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (strchr(host, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        inet_pton(AF_INET6, host, &a->sin6_addr);
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, host, &a->sin_addr);
    }
    struct xb_http *h = calloc(1, sizeof *h);
    if (!h)
        return xb_err_set(err, -ENOMEM, "out of memory");
    h->handler = handler;
    h->ctx = ctx;
    if (o->token) {
        if (!(h->token = strdup(o->token))) {
            free(h);
            return xb_err_set(err, -ENOMEM, "out of memory");
        }
        h->token_len = strlen(h->token);
    }
    unsigned threads = o->threads ? o->threads : 2;
    h->d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, h,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, o->conn_limit ? o->conn_limit : 1000u,
        MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s ? o->timeout_s : 10u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->mem_limit ? o->mem_limit : (size_t)16384,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!h->d) {
        int e = errno;
        free(h->token);
        free(h);
        return xb_err_set(err, -(e ? e : EADDRINUSE), "cannot listen on %s: %s",
                          o->listen, strerror(e ? e : EADDRINUSE));
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di ? di->port : port;
    *out = h;
    return 0;
}

unsigned xb_http_port(const struct xb_http *h)
{
    return h->port;
}

void xb_http_counts(const struct xb_http *h, uint64_t out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = atomic_load(&((struct xb_http *)h)->counts[i]);
}

void xb_http_stop(struct xb_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->d);
    free(h->token);
    free(h);
}
