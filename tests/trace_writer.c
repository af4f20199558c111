/* trace_writer.c: per-CPU record lists and their xentrace file layout. */
#include "trace_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/trace.h>

struct cpu_recs {
    uint8_t *buf;
    size_t len, cap;
    size_t *starts;          /* offset of each record */
    size_t n, ncap;
};

struct tw {
    unsigned ncpu;
    struct cpu_recs *cpu;
    uint8_t *out;
    size_t outlen, outcap;
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        perror("trace_writer");
        abort();
    }
    return q;
}

struct tw *tw_new(unsigned ncpu)
{
    struct tw *w = calloc(1, sizeof *w);
    w->ncpu = ncpu;
    w->cpu = calloc(ncpu, sizeof *w->cpu);
    return w;
}

void tw_free(struct tw *w)
{
    for (unsigned i = 0; i < w->ncpu; i++) {
        free(w->cpu[i].buf);
        free(w->cpu[i].starts);
    }
    free(w->cpu);
    free(w->out);
    free(w);
}

static void put(uint8_t **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (*len + n > *cap) {
        *cap = (*len + n) * 2 + 64;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, p, n);
    *len += n;
}

void tw_rec(struct tw *w, unsigned cpu, uint32_t event, int with_tsc,
            uint64_t tsc, unsigned nextra, const uint32_t *extra)
{
    struct cpu_recs *c = &w->cpu[cpu];
    if (c->n == c->ncap) {
        c->ncap = c->ncap ? 2 * c->ncap : 64;
        c->starts = xrealloc(c->starts, c->ncap * sizeof *c->starts);
    }
    c->starts[c->n++] = c->len;
    uint32_t hdr = (event & 0x0fffffffu) | (uint32_t)nextra << TRACE_EXTRA_SHIFT |
                   (with_tsc ? 0x80000000u : 0);
    put(&c->buf, &c->len, &c->cap, &hdr, 4);
    if (with_tsc)
        put(&c->buf, &c->len, &c->cap, &tsc, 8);
    if (nextra)
        put(&c->buf, &c->len, &c->cap, extra, 4 * nextra);
}

void tw_runstate(struct tw *w, unsigned cpu, uint64_t tsc, uint32_t dom,
                 uint32_t vcpu, unsigned old, unsigned new_state)
{
    uint32_t word = dom << 16 | (vcpu & 0xffff);
    tw_rec(w, cpu, TRC_SCHED_RUNSTATE_CHANGE | old << 8 | new_state << 4, 1, tsc,
           1, &word);
}

void tw_lost(struct tw *w, unsigned cpu, uint64_t tsc, uint32_t lost,
             uint64_t first_tsc)
{
    uint32_t x[4] = { lost, 0, (uint32_t)first_tsc, (uint32_t)(first_tsc >> 32) };
    tw_rec(w, cpu, TRC_LOST_RECORDS, 1, tsc, 4, x);
}

const uint8_t *tw_bytes(struct tw *w, unsigned per_window, size_t *len)
{
    size_t *next = calloc(w->ncpu, sizeof *next);
    w->outlen = 0;
    for (;;) {
        int any = 0;
        for (unsigned i = 0; i < w->ncpu; i++) {
            struct cpu_recs *c = &w->cpu[i];
            if (next[i] >= c->n)
                continue;
            size_t first = next[i];
            size_t last = per_window ? first + per_window : c->n;
            if (last > c->n)
                last = c->n;
            size_t from = c->starts[first];
            size_t to = last < c->n ? c->starts[last] : c->len;
            uint32_t hdr[3] = { TRC_TRACE_CPU_CHANGE | 2u << TRACE_EXTRA_SHIFT,
                                i, (uint32_t)(to - from) };
            put(&w->out, &w->outlen, &w->outcap, hdr, sizeof hdr);
            put(&w->out, &w->outlen, &w->outcap, c->buf + from, to - from);
            next[i] = last;
            any = 1;
        }
        if (!any)
            break;
    }
    free(next);
    *len = w->outlen;
    return w->out;
}

const char *tw_write_tmp(struct tw *w, unsigned per_window)
{
    static char path[64];
    size_t len;
    const uint8_t *b = tw_bytes(w, per_window, &len);
    snprintf(path, sizeof path, "/tmp/xb-test-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, b, len) != (ssize_t)len) {
        perror("tw_write_tmp");
        abort();
    }
    close(fd);
    return path;
}
