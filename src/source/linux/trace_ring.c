/* trace_ring.c: the segment files of a ring recording (trace_ring.h).  It
 * owns their names, sizes, creation and deletion, and the kept span; it
 * must not read events (decode/linux_sched.c) nor move pages out of the
 * kernel (tracefs_capture.c).
 */
#define _GNU_SOURCE
#include "source/linux/trace_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Segments per CPU in the bound: the folder passes the bound by at most
 * one segment per CPU, 1/SEGS_PER_CPU of it. */
#define SEGS_PER_CPU 8

struct seg {
    unsigned k;          /* tracefs/cpuN.K.raw */
    uint64_t pages;
    uint64_t first_ns;   /* time stamp of its first page (0: none yet) */
};

struct cpuring {
    struct seg *s;       /* s[0] the oldest kept, s[n - 1] being filled */
    size_t n, cap;
    int fd;              /* s[n - 1]'s */
    uint64_t dropped;    /* pages of deleted segments */
};

struct xb_tring {
    char dir[4096];
    unsigned ncpu;
    size_t page;
    uint64_t max, seg_pages, kept_bytes;
    struct cpuring *c;
};

static void seg_path(const struct xb_tring *t, unsigned cpu, unsigned k,
                     char *buf, size_t len)
{
    snprintf(buf, len, "%s/cpu%u.%u.raw", t->dir, cpu, k);
}

static int open_seg(struct xb_tring *t, unsigned cpu, struct xb_err *err)
{
    struct cpuring *c = &t->c[cpu];
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : SEGS_PER_CPU + 2;
        struct seg *s = realloc(c->s, cap * sizeof *s);
        if (!s)
            return xb_err_set(err, -ENOMEM, "out of memory");
        c->s = s;
        c->cap = cap;
    }
    unsigned k = c->n ? c->s[c->n - 1].k + 1 : 0;
    char path[4200];
    seg_path(t, cpu, k, path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return xb_err_set(err, -errno, "%s: %s", path, strerror(errno));
    if (c->fd >= 0)
        close(c->fd);
    c->fd = fd;
    c->s[c->n++] = (struct seg){ k, 0, 0 };
    return 0;
}

int xb_tring_open(struct xb_tring **out, const char *dir, unsigned ncpu,
                  size_t page, uint64_t max_bytes, struct xb_err *err)
{
    struct xb_tring *t = calloc(1, sizeof *t);
    *out = t;
    if (!t || !(t->c = calloc(ncpu, sizeof *t->c)))
        return xb_err_set(err, -ENOMEM, "out of memory");
    snprintf(t->dir, sizeof t->dir, "%s", dir);
    t->ncpu = ncpu;
    t->page = page;
    t->max = max_bytes;
    t->seg_pages = max_bytes / ((uint64_t)SEGS_PER_CPU * ncpu) / page;
    if (t->seg_pages == 0)
        t->seg_pages = 1;
    for (unsigned i = 0; i < ncpu; i++)
        t->c[i].fd = -1;
    for (unsigned i = 0; i < ncpu; i++) {
        int rc = open_seg(t, i, err);
        if (rc)
            return rc;
    }
    return 0;
}

void xb_tring_close(struct xb_tring *t)
{
    if (!t)
        return;
    for (unsigned i = 0; t->c && i < t->ncpu; i++) {
        if (t->c[i].fd >= 0)
            close(t->c[i].fd);
        free(t->c[i].s);
    }
    free(t->c);
    free(t);
}

int xb_tring_next(struct xb_tring *t, unsigned cpu, int *fd, uint64_t *room,
                  struct xb_err *err)
{
    struct cpuring *c = &t->c[cpu];
    if (c->s[c->n - 1].pages >= t->seg_pages) {
        int rc = open_seg(t, cpu, err);
        if (rc)
            return rc;
    }
    *fd = c->fd;
    *room = (t->seg_pages - c->s[c->n - 1].pages) * t->page;
    return 0;
}

uint64_t xb_tring_seg_bytes(const struct xb_tring *t, unsigned cpu)
{
    const struct cpuring *c = &t->c[cpu];
    return c->s[c->n - 1].pages * t->page;
}

/* The CPU whose oldest segment goes: of those with one closed, the one
 * whose next segment starts earliest (its kept span then starts there). */
static int oldest(const struct xb_tring *t)
{
    int best = -1;
    uint64_t best_t = 0;
    for (unsigned i = 0; i < t->ncpu; i++) {
        const struct cpuring *c = &t->c[i];
        if (c->n < 2)
            continue;
        uint64_t ts = c->s[1].first_ns ? c->s[1].first_ns : UINT64_MAX;
        if (best < 0 || ts < best_t) {
            best = (int)i;
            best_t = ts;
        }
    }
    return best;
}

int xb_tring_wrote(struct xb_tring *t, unsigned cpu, uint64_t pages,
                   struct xb_err *err)
{
    struct cpuring *c = &t->c[cpu];
    struct seg *cur = &c->s[c->n - 1];
    if (!pages)
        return 0;
    if (!cur->pages) {
        /* the page header's u64 time stamp (header_page: offset 0) */
        unsigned char b[8];
        if (pread(c->fd, b, sizeof b, 0) == (ssize_t)sizeof b)
            for (int i = 7; i >= 0; i--)
                cur->first_ns = cur->first_ns << 8 | b[i];
    }
    cur->pages += pages;
    t->kept_bytes += pages * t->page;
    while (t->kept_bytes > t->max) {
        int i = oldest(t);
        if (i < 0)
            break;
        struct cpuring *o = &t->c[i];
        char path[4200];
        seg_path(t, (unsigned)i, o->s[0].k, path, sizeof path);
        if (unlink(path) < 0 && errno != ENOENT)
            return xb_err_set(err, -errno, "%s: %s", path, strerror(errno));
        t->kept_bytes -= o->s[0].pages * t->page;
        o->dropped += o->s[0].pages;
        memmove(o->s, o->s + 1, (o->n - 1) * sizeof *o->s);
        o->n--;
    }
    return 0;
}

uint64_t xb_tring_kept(const struct xb_tring *t, unsigned cpu)
{
    uint64_t n = 0;
    for (size_t k = 0; k < t->c[cpu].n; k++)
        n += t->c[cpu].s[k].pages;
    return n;
}

uint64_t xb_tring_dropped(const struct xb_tring *t, unsigned cpu)
{
    return t->c[cpu].dropped;
}

uint64_t xb_tring_dropped_total(const struct xb_tring *t)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < t->ncpu; i++)
        n += t->c[i].dropped;
    return n;
}

uint64_t xb_tring_first_ns(const struct xb_tring *t, unsigned cpu)
{
    return t->c[cpu].s[0].first_ns;
}

uint64_t xb_tring_kept_from(const struct xb_tring *t, uint64_t t0)
{
    uint64_t from = t0;
    for (unsigned i = 0; i < t->ncpu; i++)
        if (t->c[i].dropped && t->c[i].s[0].first_ns > from)
            from = t->c[i].s[0].first_ns;
    return from;
}

json_t *xb_tring_segments(const struct xb_tring *t, unsigned cpu)
{
    const struct cpuring *c = &t->c[cpu];
    json_t *a = json_array();
    for (size_t k = 0; a && k < c->n; k++) {
        if (k && k == c->n - 1 && !c->s[k].pages)
            break;                        /* begun, nothing in it */
        char name[64];
        snprintf(name, sizeof name, "tracefs/cpu%u.%u.raw", cpu, c->s[k].k);
        if (json_array_append_new(a, json_string(name))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

void xb_tring_finish(struct xb_tring *t)
{
    for (unsigned i = 0; i < t->ncpu; i++) {
        struct cpuring *c = &t->c[i];
        if (c->n > 1 && !c->s[c->n - 1].pages) {
            char path[4200];
            seg_path(t, i, c->s[c->n - 1].k, path, sizeof path);
            unlink(path);
            c->n--;
        }
    }
}
