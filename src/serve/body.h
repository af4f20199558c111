/* body.h: response bodies shared between the recorder thread, which makes
 * them, and the HTTP threads, which send them: immutable once made,
 * reference counted, freed by whoever drops the last reference. */
#ifndef XB_SERVE_BODY_H
#define XB_SERVE_BODY_H

#include <stdatomic.h>
#include <stddef.h>

struct xb_body {
    atomic_uint refs;
    const char *type;          /* Content-Type (a static string) */
    int status;                /* HTTP status it is sent with */
    size_t len;
    char data[];
};

/* A body holding a copy of len bytes, one reference; NULL if out of memory. */
struct xb_body *xb_body_new(const char *type, int status, const void *data,
                            size_t len);
/* Takes ownership of a malloc'd buffer (open_memstream's) and frees it. */
struct xb_body *xb_body_take(const char *type, int status, char *buf, size_t len);
struct xb_body *xb_body_ref(struct xb_body *b);
void xb_body_unref(struct xb_body *b);

#endif
