/* order.c: which domains a presenter shows and in what order (--sort,
 * --top), and the names of its tables (--table): every format and top take
 * the order from here, so they list the same domains the same way.  It sorts indexes into a window's domains; it
 * must not print or change the window. */
#include "present.h"

#include <stdlib.h>
#include <string.h>

const char *const xb_sort_names[XB_NSORT] = {
    [XB_SORT_ID] = "id", [XB_SORT_CPU] = "cpu", [XB_SORT_WAITED] = "waited",
    [XB_SORT_BLOCKED] = "blocked", [XB_SORT_NAME] = "name",
};

int xb_sort_parse(const char *s, enum xb_sort *out)
{
    for (int i = 0; i < XB_NSORT; i++) {
        if (strcmp(s, xb_sort_names[i]) == 0) {
            *out = (enum xb_sort)i;
            return 0;
        }
    }
    return -1;
}

struct key {
    unsigned idx;
    uint32_t domid, instance;
    uint64_t ns;                /* the sorted state's time, all pCPUs */
    const char *name;
    char buf[24];
};

static int by_id(const struct key *a, const struct key *b)
{
    if (a->domid != b->domid)
        return a->domid < b->domid ? -1 : 1;
    return a->instance < b->instance ? -1 : a->instance > b->instance;
}

static int by_ns(const void *x, const void *y)
{
    const struct key *a = x, *b = y;
    if (a->ns != b->ns)
        return a->ns > b->ns ? -1 : 1;     /* figures: largest first */
    return by_id(a, b);
}

static int by_name(const void *x, const void *y)
{
    const struct key *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : by_id(a, b);
}

static int by_id_q(const void *x, const void *y)
{
    return by_id(x, y);
}

unsigned xb_present_order(const struct xb_window *w, const struct xb_run_info *info,
                          enum xb_sort sort, unsigned top, unsigned *idx,
                          unsigned *all)
{
    static const enum xb_state state[XB_NSORT] = {
        [XB_SORT_CPU] = XB_RUNNING, [XB_SORT_WAITED] = XB_RUNNABLE,
        [XB_SORT_BLOCKED] = XB_BLOCKED,
    };
    struct key *k = calloc(w->ndomain ? w->ndomain : 1, sizeof *k);
    unsigned n = 0;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        if (d->domid == XB_IDLE_DOMID)
            continue;
        if (!k) {                       /* out of memory: engine order */
            idx[n++] = i;
            continue;
        }
        struct key *e = &k[n++];
        e->idx = i;
        e->domid = d->domid;
        e->instance = d->instance;
        if (sort == XB_SORT_CPU || sort == XB_SORT_WAITED || sort == XB_SORT_BLOCKED) {
            struct xb_acc a;
            xb_window_dom_sum(w, d, -1, XB_COL_TOTAL(w->npcpu), &a);
            e->ns = a.ns[state[sort]];
        }
        e->name = xb_names_show(info->names, d->domid, e->buf, sizeof e->buf);
    }
    if (all)
        *all = n;
    if (k) {
        qsort(k, n, sizeof *k, sort == XB_SORT_NAME ? by_name
                               : sort == XB_SORT_ID ? by_id_q : by_ns);
        for (unsigned i = 0; i < n; i++)
            idx[i] = k[i].idx;
        free(k);
    }
    return top && top < n ? top : n;
}

const char *const xb_table_names[XB_NTABLE] = {
    [XB_TABLE_ALL] = "all", [XB_TABLE_CPU] = "cpu", [XB_TABLE_IO] = "io",
    [XB_TABLE_DISK] = "disk", [XB_TABLE_CACHE] = "cache", [XB_TABLE_RUN] = "run",
};

int xb_table_parse(const char *s, enum xb_table *out)
{
    for (int i = 0; i < XB_NTABLE; i++) {
        if (strcmp(s, xb_table_names[i]) == 0) {
            *out = (enum xb_table)i;
            return 0;
        }
    }
    return -1;
}
