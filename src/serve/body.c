/* body.c: reference-counted response bodies (see body.h).  It must not
 * know what a body holds. */
#include "body.h"

#include <stdlib.h>
#include <string.h>

struct xb_body *xb_body_new(const char *type, int status, const void *data,
                            size_t len)
{
    struct xb_body *b = malloc(sizeof *b + len + 1);
    if (!b)
        return NULL;
    atomic_init(&b->refs, 1);
    b->type = type;
    b->status = status;
    b->len = len;
    if (len)
        memcpy(b->data, data, len);
    b->data[len] = 0;
    return b;
}

struct xb_body *xb_body_take(const char *type, int status, char *buf, size_t len)
{
    struct xb_body *b = buf ? xb_body_new(type, status, buf, len) : NULL;
    free(buf);
    return b;
}

struct xb_body *xb_body_ref(struct xb_body *b)
{
    if (b)
        atomic_fetch_add(&b->refs, 1);
    return b;
}

void xb_body_unref(struct xb_body *b)
{
    if (b && atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}
