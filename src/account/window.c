/* window.c: sums read off a finished window, deep copies of windows and
 * sums of several (see window.h).  It must not change a window the engine
 * handed out: it reads, copies and adds. */
#include "window.h"

#include <stdlib.h>
#include <string.h>

void xb_window_free(struct xb_window *w)
{
    if (!w)
        return;
    struct xb_domain_acc *d = (struct xb_domain_acc *)w->domains;
    for (unsigned i = 0; i < w->ndomain; i++) {
        for (uint32_t k = 0; k < d[i].nvcpu; k++)
            free(d[i].vcpus[k].pcpu);
        free(d[i].vcpus);
    }
    free(d);
    free((uint64_t *)w->pcpu_unknown_ns);
    free(w);
}

/* Find or add (domid, instance) in the copy under construction. */
static struct xb_domain_acc *dom_in(struct xb_window *w, size_t *cap,
                                    const struct xb_domain_acc *src)
{
    struct xb_domain_acc *d = (struct xb_domain_acc *)w->domains;
    for (unsigned i = 0; i < w->ndomain; i++)
        if (d[i].domid == src->domid && d[i].instance == src->instance)
            return &d[i];
    if (w->ndomain == *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        d = realloc(d, c * sizeof *d);
        if (!d)
            return NULL;
        w->domains = d;
        *cap = c;
    }
    struct xb_domain_acc *n = &d[w->ndomain++];
    memset(n, 0, sizeof *n);
    n->domid = src->domid;
    n->instance = src->instance;
    return n;
}

static struct xb_vcpu_acc *vcpu_in(struct xb_domain_acc *d, uint32_t vcpu,
                                   unsigned npcpu)
{
    for (uint32_t k = 0; k < d->nvcpu; k++)
        if (d->vcpus[k].vcpu == vcpu)
            return &d->vcpus[k];
    struct xb_vcpu_acc *v = realloc(d->vcpus, (d->nvcpu + 1) * sizeof *v);
    if (!v)
        return NULL;
    d->vcpus = v;
    struct xb_vcpu_acc *n = &v[d->nvcpu];
    memset(n, 0, sizeof *n);
    n->vcpu = vcpu;
    if (!(n->pcpu = calloc(npcpu + 1, sizeof *n->pcpu)))
        return NULL;
    d->nvcpu++;
    return n;
}

static int cmp_dom(const void *a, const void *b)
{
    const struct xb_domain_acc *x = a, *y = b;
    if (x->domid != y->domid)
        return x->domid < y->domid ? -1 : 1;
    return x->instance < y->instance ? -1 : x->instance > y->instance;
}

static int cmp_vcpu(const void *a, const void *b)
{
    const struct xb_vcpu_acc *x = a, *y = b;
    return x->vcpu < y->vcpu ? -1 : x->vcpu > y->vcpu;
}

struct xb_window *xb_window_sum(struct xb_window *const *ws, unsigned n)
{
    if (!n)
        return NULL;
    struct xb_window *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    unsigned np = ws[0]->npcpu;
    uint64_t *unk = calloc(np ? np : 1, sizeof *unk);
    w->pcpu_unknown_ns = unk;
    w->npcpu = np;
    w->t_start_ns = ws[0]->t_start_ns;
    w->t_end_ns = ws[n - 1]->t_end_ns;
    w->index = ws[n - 1]->index;
    w->final = ws[n - 1]->final;
    size_t cap = 0;
    if (!unk)
        goto fail;
    for (unsigned i = 0; i < n; i++) {
        const struct xb_window *s = ws[i];
        if (s->npcpu != np)
            goto fail;
        w->mismatches += s->mismatches;
        for (unsigned p = 0; p < np; p++)
            unk[p] += s->pcpu_unknown_ns[p];
        for (unsigned j = 0; j < s->ndomain; j++) {
            const struct xb_domain_acc *sd = &s->domains[j];
            struct xb_domain_acc *d = dom_in(w, &cap, sd);
            if (!d)
                goto fail;
            for (uint32_t k = 0; k < sd->nvcpu; k++) {
                const struct xb_vcpu_acc *sv = &sd->vcpus[k];
                struct xb_vcpu_acc *v = vcpu_in(d, sv->vcpu, np);
                if (!v)
                    goto fail;
                for (unsigned p = 0; p <= np; p++) {
                    for (int st = 0; st < XB_NSTATES; st++)
                        v->pcpu[p].ns[st] += sv->pcpu[p].ns[st];
                    v->pcpu[p].execs += sv->pcpu[p].execs;
                }
                v->final_state = sv->final_state;
                v->final_since_ns = sv->final_since_ns;
            }
        }
    }
    /* A vCPU missing from some windows was unknown there. */
    uint64_t len = w->t_end_ns - w->t_start_ns;
    struct xb_domain_acc *d = (struct xb_domain_acc *)w->domains;
    for (unsigned i = 0; i < w->ndomain; i++) {
        for (uint32_t k = 0; k < d[i].nvcpu; k++) {
            uint64_t tot = 0;
            struct xb_acc *a = d[i].vcpus[k].pcpu;
            for (unsigned p = 0; p <= np; p++)
                for (int st = 0; st < XB_NSTATES; st++)
                    tot += a[p].ns[st];
            if (tot < len)
                a[np].ns[XB_UNKNOWN] += len - tot;
        }
        qsort(d[i].vcpus, d[i].nvcpu, sizeof *d[i].vcpus, cmp_vcpu);
    }
    if (w->ndomain)
        qsort(d, w->ndomain, sizeof *d, cmp_dom);
    return w;
fail:
    xb_window_free(w);
    return NULL;
}

struct xb_window *xb_window_dup(const struct xb_window *w)
{
    struct xb_window *const one[1] = { (struct xb_window *)w };
    return xb_window_sum(one, 1);
}

void xb_window_dom_sum(const struct xb_window *w, const struct xb_domain_acc *d,
                    int k, unsigned col, struct xb_acc *out)
{
    memset(out, 0, sizeof *out);
    unsigned lo = col, hi = col;
    if (col == XB_COL_TOTAL(w->npcpu)) {
        lo = 0;
        hi = w->npcpu;
    }
    for (uint32_t i = 0; i < d->nvcpu; i++) {
        if (k >= 0 && (uint32_t)k != i)
            continue;
        if (k == XB_K_EMU && d->vcpus[i].vcpu < XB_VCPU_EMU)
            continue;
        for (unsigned p = lo; p <= hi; p++) {
            const struct xb_acc *a = &d->vcpus[i].pcpu[p];
            for (int s = 0; s < XB_NSTATES; s++)
                out->ns[s] += a->ns[s];
            out->execs += a->execs;
        }
    }
}

uint64_t xb_window_dom_blocked(const struct xb_window *w, const struct xb_domain_acc *d,
                               unsigned col, bool vm)
{
    uint64_t ns = 0;
    int first = -1;                /* a domain none of whose threads ran */
    bool any = false;
    for (uint32_t k = 0; k < d->nvcpu; k++) {
        if (d->vcpus[k].vcpu >= XB_VCPU_EMU)
            continue;
        if (first < 0)
            first = (int)k;
        struct xb_acc a;
        if (!vm) {
            xb_window_dom_sum(w, d, (int)k, XB_COL_TOTAL(w->npcpu), &a);
            if (!a.ns[XB_RUNNING])
                continue;          /* did not run in this window */
        }
        any = true;
        xb_window_dom_sum(w, d, (int)k, col, &a);
        ns += a.ns[XB_BLOCKED];
    }
    if (!any && first >= 0) {      /* slept throughout: its first thread */
        struct xb_acc a;
        xb_window_dom_sum(w, d, first, col, &a);
        ns = a.ns[XB_BLOCKED];
    }
    return ns;
}
