/* domain.c: the kind test, the label and the instance rule of domain.h.  It
 * must not know how a source finds domains. */
#include "domain.h"

#include <stdio.h>
#include <string.h>

bool xb_kind_is_vm(const char *kind)
{
    return kind && (strcmp(kind, "qemu") == 0 || strcmp(kind, "libvirt") == 0);
}

void xb_domain_label(uint32_t domid, uint32_t instance, char *buf, size_t len)
{
    if (instance)
        snprintf(buf, len, "%u#%u", domid, instance);
    else
        snprintf(buf, len, "%u", domid);
}

void xb_domid_track_next(struct xb_domid_track *t)
{
    t->gen++;
}

uint32_t xb_domid_track_see(struct xb_domid_track *t, uint32_t domid,
                            const char *uuid, bool *is_new)
{
    uint32_t d = domid & 0xffff;
    bool fresh = false;
    if (!t->known[d]) {
        t->known[d] = true;
        t->instance[d] = 0;
        fresh = true;
    } else if (t->seen_gen[d] != t->gen &&
               (t->seen_gen[d] + 1 != t->gen ||
                (uuid[0] && t->uuid[d][0] && strcmp(t->uuid[d], uuid) != 0))) {
        t->instance[d]++;
        t->uuid[d][0] = '\0';
        fresh = true;
    }
    /* An empty UUID (not read) matches any. */
    if (uuid[0])
        snprintf(t->uuid[d], sizeof t->uuid[d], "%s", uuid);
    t->seen_gen[d] = t->gen;
    if (is_new)
        *is_new = fresh;
    return t->instance[d];
}
