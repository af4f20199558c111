/* names.h: domain id -> name map (from a run folder or `xl list` text). */
#ifndef XB_NAMES_H
#define XB_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct xb_name {
    uint32_t domid;
    char name[64];
};

struct xb_names {
    struct xb_name *v;
    size_t n, cap;
};

/* Add or replace.  Returns 0 or -ENOMEM. */
int xb_names_set(struct xb_names *m, uint32_t domid, const char *name);
/* The name, or NULL when unknown. */
const char *xb_names_get(const struct xb_names *m, uint32_t domid);
/* Name for display: known name, "idle" for 32767, else "dN" in buf. */
const char *xb_names_show(const struct xb_names *m, uint32_t domid,
                          char *buf, size_t len);
/* Parse the text `xl list` prints (header line, then NAME ID MEM ...). */
int xb_names_load_xl_list(struct xb_names *m, const char *path,
                          struct xb_err *err);
void xb_names_free(struct xb_names *m);

#endif
