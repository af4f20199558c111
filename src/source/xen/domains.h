/* domains.h: the domains a Xen recording has seen, with their identity
 * (domid, instance, UUID, name) and whether they came or went during it.
 * The instance numbering is model/domain.h's rule, so the manifest, the
 * counters and the engine agree when a domid is reused. */
#ifndef XB_XEN_DOMAINS_H
#define XB_XEN_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/domain.h"

struct xb_xdom {
    uint32_t domid, instance;
    char uuid[37];
    char name[128];
    bool created;            /* first seen after the first reading */
    bool destroyed;          /* missing from a later reading */
    bool present;            /* in the latest reading */
};

struct xb_xdoms {
    struct xb_domid_track *track;
    struct xb_xdom *d;
    size_t n, cap;
    unsigned readings;
};

int xb_xdoms_init(struct xb_xdoms *s);
void xb_xdoms_free(struct xb_xdoms *s);

/* One reading: begin, see each domain, end.  see() returns the entry (NULL
 * when out of memory) and sets *is_new for a domain not seen before; end()
 * marks the ones that were not seen as destroyed and calls gone() for each
 * that just went (may be NULL). */
void xb_xdoms_begin(struct xb_xdoms *s);
struct xb_xdom *xb_xdoms_see(struct xb_xdoms *s, uint32_t domid,
                             const char *uuid, const char *name, bool *is_new);
void xb_xdoms_end(struct xb_xdoms *s, void (*gone)(const struct xb_xdom *, void *),
                  void *ctx);

#endif
