/* names.c: the domain name map and the `xl list` text reader.  It must not
 * know where a domain id comes from. */
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/domain.h"

int xb_names_set(struct xb_names *m, uint32_t domid, const char *name)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->v[i].domid == domid) {
            snprintf(m->v[i].name, sizeof m->v[i].name, "%s", name);
            return 0;
        }
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 8;
        struct xb_name *v = realloc(m->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n].domid = domid;
    snprintf(m->v[m->n].name, sizeof m->v[m->n].name, "%s", name);
    m->n++;
    return 0;
}

const char *xb_names_get(const struct xb_names *m, uint32_t domid)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (m->v[i].domid == domid)
            return m->v[i].name;
    return NULL;
}

const char *xb_names_show(const struct xb_names *m, uint32_t domid, char *buf,
                          size_t len)
{
    const char *n = xb_names_get(m, domid);
    if (n)
        return n;
    if (domid == XB_IDLE_DOMID)
        return "idle";
    snprintf(buf, len, "d%u", domid);
    return buf;
}

int xb_names_load_xl_list(struct xb_names *m, const char *path,
                          struct xb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: cannot open: %s", path,
                          strerror(errno));
    char line[512];
    unsigned lineno = 0, added = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char name[64], ids[16], *end;
        if (strncmp(line, "Name", 4) == 0 || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        if (sscanf(line, "%63s %15s", name, ids) != 2) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: line %u: expected `NAME ID ...` "
                            "as printed by `xl list`", path, lineno);
            break;
        }
        /* a domid is 0 .. 32767 (Xen reserves the ids above) */
        unsigned long id = strtoul(ids, &end, 10);
        if (ids[0] < '0' || ids[0] > '9' || *end || id > 32767) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: line %u: domain id '%s' is not "
                            "a number 0..32767", path, lineno, ids);
            break;
        }
        if (xb_names_set(m, (uint32_t)id, name)) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            break;
        }
        added++;
    }
    fclose(f);
    if (!rc && added == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: no domains found (expected the "
                        "output of `xl list`)", path);
    return rc;
}

void xb_names_free(struct xb_names *m)
{
    free(m->v);
    m->v = NULL;
    m->n = m->cap = 0;
}
