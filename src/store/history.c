/* history.c: building struct xb_history in memory (no SQLite here).  It must
 * not know SQL. */
#include "history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return -ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

int xb_history_add(struct xb_history *h, const char *host, const char *name,
                   uint32_t domid, const struct xb_sample *s)
{
    struct xb_series *v = h->n ? &h->vm[h->n - 1] : NULL;
    /* Samples arrive grouped by VM, so only the last series can match. */
    if (!v || strcmp(v->host, host) != 0 || strcmp(v->name, name) != 0) {
        if (grow((void **)&h->vm, &h->cap, h->n + 1, sizeof *h->vm))
            return -ENOMEM;
        v = &h->vm[h->n++];
        memset(v, 0, sizeof *v);
        snprintf(v->host, sizeof v->host, "%s", host);
        snprintf(v->name, sizeof v->name, "%s", name);
    }
    if (grow((void **)&v->s, &v->cap, v->n + 1, sizeof *v->s))
        return -ENOMEM;
    v->s[v->n++] = *s;
    v->domid = domid;
    return 0;
}

void xb_history_free(struct xb_history *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->vm[i].s);
    free(h->vm);
    memset(h, 0, sizeof *h);
}
