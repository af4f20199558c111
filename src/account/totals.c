/* totals.c: running totals of finished windows (see totals.h).  Owns the
 * sorted row and domain arrays; allocates only when a new (domain, group)
 * appears, never per window otherwise.  It must not know how a total is
 * shown or exported (present/prom.c, serve/). */
#include "totals.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

int xb_totals_init(struct xb_totals *t, unsigned npcpu, bool host_grouped)
{
    memset(t, 0, sizeof *t);
    t->npcpu = npcpu;
    t->host_grouped = host_grouped;
    t->pcpu_unknown_ns = calloc(npcpu ? npcpu : 1, sizeof *t->pcpu_unknown_ns);
    t->pcpu_stolen_ns = calloc(npcpu ? npcpu : 1, sizeof *t->pcpu_stolen_ns);
    return t->pcpu_unknown_ns && t->pcpu_stolen_ns ? 0 : -ENOMEM;
}

void xb_totals_free(struct xb_totals *t)
{
    for (size_t i = 0; i < t->nrow; i++)
        free(t->row[i].pcpu);
    free(t->row);
    free(t->dom);
    free(t->pcpu_unknown_ns);
    free(t->pcpu_stolen_ns);
    memset(t, 0, sizeof *t);
}

uint32_t xb_totals_group(const struct xb_totals *t, uint32_t domid, uint32_t vcpu)
{
    if (t->host_grouped && domid == XB_HOST_DOMID)
        return XB_TOTALS_ALL;
    if (vcpu >= XB_VCPU_EMU)
        return XB_TOTALS_EMU;
    return vcpu < XB_TOTALS_MAX_VCPU ? vcpu : XB_TOTALS_OTHER;
}

static int cmp3(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t b1, uint32_t b2,
                uint32_t b3)
{
    if (a1 != b1)
        return a1 < b1 ? -1 : 1;
    if (a2 != b2)
        return a2 < b2 ? -1 : 1;
    return a3 < b3 ? -1 : a3 > b3;
}

/* The row (domid, instance, group), inserted in order when new. */
static struct xb_totals_row *row_at(struct xb_totals *t, uint32_t domid,
                                    uint32_t instance, uint32_t group)
{
    size_t lo = 0, hi = t->nrow;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct xb_totals_row *r = &t->row[mid];
        int c = cmp3(r->domid, r->instance, r->group, domid, instance, group);
        if (c == 0)
            return &t->row[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (xb_grow(&t->row, &t->caprow, t->nrow, sizeof *t->row, 64))
        return NULL;
    struct xb_acc *acc = calloc(t->npcpu + 1, sizeof *acc);
    if (!acc)
        return NULL;
    memmove(&t->row[lo + 1], &t->row[lo], (t->nrow - lo) * sizeof *t->row);
    t->nrow++;
    t->row[lo] = (struct xb_totals_row){ domid, instance, group, acc };
    return &t->row[lo];
}

static struct xb_totals_dom *dom_at(struct xb_totals *t, uint32_t domid,
                                    uint32_t instance)
{
    size_t lo = 0, hi = t->ndom;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct xb_totals_dom *d = &t->dom[mid];
        int c = cmp3(d->domid, d->instance, 0, domid, instance, 0);
        if (c == 0)
            return &t->dom[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (xb_grow(&t->dom, &t->capdom, t->ndom, sizeof *t->dom, 32))
        return NULL;
    memmove(&t->dom[lo + 1], &t->dom[lo], (t->ndom - lo) * sizeof *t->dom);
    t->ndom++;
    memset(&t->dom[lo], 0, sizeof t->dom[lo]);
    t->dom[lo].domid = domid;
    t->dom[lo].instance = instance;
    for (unsigned i = 0; i < XB_METRIC_MAX; i++)
        t->dom[lo].m[i] = NAN;
    return &t->dom[lo];
}

static void add_metrics(struct xb_totals_dom *d, const struct xb_window *w,
                        const struct xb_counters *c)
{
    char key[48];
    double v[XB_METRIC_MAX];
    xb_counters_domkey(key, sizeof key, d->domid, d->instance);
    if (!xb_counters_metrics(c, key, w->t_start_ns, w->t_end_ns, v))
        return;
    double secs = (double)(w->t_end_ns - w->t_start_ns) / 1e9;
    for (unsigned i = 0; i < xb_nmetrics; i++) {
        if (isnan(v[i]))
            continue;
        if (xb_metrics[i].kind == XB_GAUGE)
            d->m[i] = v[i];
        else
            d->m[i] = (isnan(d->m[i]) ? 0 : d->m[i]) + v[i] * secs;
        d->m_index[i] = w->index;
    }
}

int xb_totals_add(struct xb_totals *t, const struct xb_window *w,
                  const struct xb_counters *counters)
{
    if (w->npcpu != t->npcpu)
        return -EINVAL;
    for (unsigned p = 0; p < t->npcpu; p++) {
        t->pcpu_unknown_ns[p] += w->pcpu_unknown_ns[p];
        char key[32];
        double r;
        xb_counters_cpukey(key, sizeof key, p);
        if (counters && xb_counters_rate(counters, key, XB_CTR_CPU_STEAL_NS, w->t_start_ns,
                                         w->t_end_ns, &r) && r >= 0) {
            t->pcpu_stolen_ns[p] += (uint64_t)(r * (double)(w->t_end_ns - w->t_start_ns) / 1e9);
            t->stolen_seen = true;
        }
    }
    t->mismatches += w->mismatches;
    t->windows++;
    t->last_index = w->index;
    t->span_ns = w->t_end_ns;
    int rc = 0;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        for (uint32_t k = 0; k < d->nvcpu; k++) {
            const struct xb_vcpu_acc *v = &d->vcpus[k];
            struct xb_totals_row *r =
                row_at(t, d->domid, d->instance,
                       xb_totals_group(t, d->domid, v->vcpu));
            if (!r) {
                rc = -ENOMEM;
                continue;
            }
            for (unsigned p = 0; p <= t->npcpu; p++) {
                for (int s = 0; s < XB_NSTATES; s++)
                    r->pcpu[p].ns[s] += v->pcpu[p].ns[s];
                r->pcpu[p].execs += v->pcpu[p].execs;
            }
        }
        struct xb_totals_dom *td = dom_at(t, d->domid, d->instance);
        if (!td) {
            rc = -ENOMEM;
            continue;
        }
        td->last_index = w->index;
        if (counters)
            add_metrics(td, w, counters);
    }
    return rc;
}
