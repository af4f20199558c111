/* domain_map.c: the Linux domain map's memory (see domain_map.h).  It must
 * not discover domains (the discoveries fill it). */
#include "domain_map.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xb_ldomain *xb_domain_map_append(struct xb_domain_map *m, const char *kind)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        struct xb_ldomain *d = realloc(m->d, cap * sizeof *d);
        if (!d)
            return NULL;
        m->d = d;
        m->cap = cap;
    }
    uint32_t next = 1;
    for (size_t i = 0; i < m->n; i++)
        if (m->d[i].domid >= next && m->d[i].domid != XB_IDLE_DOMID)
            next = m->d[i].domid + 1;
    if (next == XB_IDLE_DOMID)
        next++;
    struct xb_ldomain *d = &m->d[m->n];
    memset(d, 0, sizeof *d);
    d->domid = next;
    snprintf(d->kind, sizeof d->kind, "%s", kind);
    m->n++;
    return d;
}

void xb_domain_map_drop_last(struct xb_domain_map *m)
{
    if (!m->n)
        return;
    struct xb_ldomain *d = &m->d[--m->n];
    free(d->pids);
    free(d->pid_tasks);
    free(d->threads);
}

void xb_domains_free(struct xb_domain_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->d[i].pids);
        free(m->d[i].pid_tasks);
        free(m->d[i].threads);
    }
    free(m->d);
    m->d = NULL;
    m->n = m->cap = 0;
}

int xb_domain_add_thread(struct xb_ldomain *d, pid_t tid, uint32_t vcpu)
{
    for (size_t i = 0; i < d->nthread; i++)
        if (d->threads[i].tid == tid)
            return 0;
    if (d->nthread == d->threadcap) {
        size_t cap = d->threadcap ? 2 * d->threadcap : 8;
        struct xb_thread *t = realloc(d->threads, cap * sizeof *t);
        if (!t)
            return -ENOMEM;
        d->threads = t;
        d->threadcap = cap;
    }
    d->threads[d->nthread++] = (struct xb_thread){ tid, vcpu };
    return 0;
}

uint32_t xb_qemu_thread_vcpu(const char *comm, uint32_t emu_k)
{
    unsigned n;
    char rest[16];
    if (sscanf(comm, "CPU %u/%15s", &n, rest) == 2 && n < XB_VCPU_EMU)
        return n;
    return XB_VCPU_EMU + emu_k;
}
