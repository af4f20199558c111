/* domains.c: the table of domains seen during a Xen recording.  It must not
 * read libxenstat itself (xenstat_sampler.c). */
#include "domains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xb_xdoms_init(struct xb_xdoms *s)
{
    memset(s, 0, sizeof *s);
    s->track = calloc(1, sizeof *s->track);
    return s->track ? 0 : -1;
}

void xb_xdoms_free(struct xb_xdoms *s)
{
    free(s->track);
    free(s->d);
    memset(s, 0, sizeof *s);
}

void xb_xdoms_begin(struct xb_xdoms *s)
{
    xb_domid_track_next(s->track);
    s->readings++;
    for (size_t i = 0; i < s->n; i++)
        s->d[i].present = false;
}

struct xb_xdom *xb_xdoms_see(struct xb_xdoms *s, uint32_t domid,
                             const char *uuid, const char *name, bool *is_new)
{
    bool fresh;
    uint32_t inst = xb_domid_track_see(s->track, domid, uuid, &fresh);
    struct xb_xdom *d = NULL;
    for (size_t i = s->n; i-- > 0;)
        if (s->d[i].domid == domid && s->d[i].instance == inst) {
            d = &s->d[i];
            break;
        }
    if (!d) {
        if (s->n == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 16;
            struct xb_xdom *v = realloc(s->d, cap * sizeof *v);
            if (!v)
                return NULL;
            s->d = v;
            s->cap = cap;
        }
        d = &s->d[s->n++];
        memset(d, 0, sizeof *d);
        d->domid = domid;
        d->instance = inst;
        d->created = s->readings > 1;
    }
    if (uuid[0])
        snprintf(d->uuid, sizeof d->uuid, "%s", uuid);
    if (name && name[0])
        snprintf(d->name, sizeof d->name, "%s", name);
    d->present = true;
    if (is_new)
        *is_new = fresh;
    return d;
}

void xb_xdoms_end(struct xb_xdoms *s, void (*gone)(const struct xb_xdom *, void *),
                  void *ctx)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!s->d[i].present && !s->d[i].destroyed) {
            s->d[i].destroyed = true;
            if (gone)
                gone(&s->d[i], ctx);
        }
    }
}
