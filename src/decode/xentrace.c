/* xentrace.c: window scan, per-CPU record cursors and the TSC merge.
 *
 * Invariants: every window header below valid_end was checked by scan();
 * a cursor only walks inside its own windows; next() never reads past the
 * mapping.  Records are walked in place: nothing is allocated per record.
 */
#include "xentrace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/trace.h>

#define CPU_CHANGE_HDR (TRC_TRACE_CPU_CHANGE | (2u << TRACE_EXTRA_SHIFT))
#define WINDOW_HDR_SIZE 12
#define RELEASE_STEP (4u << 20)   /* give mapped pages back in these steps */

struct cursor {
    const uint8_t *p, *end;   /* rest of the current window */
    size_t scan;              /* where to look for this CPU's next window */
    bool cut;                 /* current window is cut by the end of file */
    bool done;
    uint64_t first_tsc, last_tsc;
    bool seen_tsc;
    struct xb_xrec next;      /* the next wanted record, when have_next */
    bool have_next;
    uint64_t lost, lost_notices;
};

struct xb_xtrace {
    const uint8_t *base;
    size_t size, valid_end;   /* windows checked up to valid_end */
    bool mapped;              /* base is our mmap: pages may be given back */
    size_t released;          /* mapped pages below this were given back */
    unsigned calls;           /* next() calls, to release() now and then */
    char name[300];
    unsigned ncpu;
    struct cursor *cur;
    xb_xt_filter want;
    uint64_t tol;
    uint64_t records;
    uint64_t first_tsc;
    bool have_first, started;
    char warning[800];
};

static inline uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static int bad(struct xb_xtrace *t, struct xb_err *err, uint64_t off,
               const char *what)
{
    return xb_err_set(err, -XB_EINPUT, "%s: byte offset %llu: %s", t->name,
                      (unsigned long long)off, what);
}

/* Check every window header; find the CPU count and where the file is cut. */
static int scan(struct xb_xtrace *t, struct xb_err *err)
{
    size_t pos = 0;
    unsigned maxcpu = 0;
    bool any = false;
    char msg[200];

    if (t->size == 0)
        return bad(t, err, 0, "empty file, not a xentrace recording");
    while (pos < t->size) {
        if (t->size - pos < WINDOW_HDR_SIZE) {
            if (pos == 0)
                return bad(t, err, 0, "file too short for a xentrace window header");
            snprintf(t->warning, sizeof t->warning,
                     "%s: file ends inside a window header at byte offset %zu; "
                     "analysed up to there", t->name, pos);
            break;
        }
        uint32_t hdr = rd32(t->base + pos);
        int32_t cpu = (int32_t)rd32(t->base + pos + 4);
        uint32_t wsize = rd32(t->base + pos + 8);
        if (hdr != CPU_CHANGE_HDR) {
            snprintf(msg, sizeof msg,
                     pos == 0 ? "not a xentrace file: expected a CPU_CHANGE window "
                                "header 0x%08x, found 0x%08x"
                              : "expected a CPU_CHANGE window header 0x%08x, "
                                "found 0x%08x",
                     (unsigned)CPU_CHANGE_HDR, hdr);
            return bad(t, err, pos, msg);
        }
        if (cpu < 0 || cpu >= XB_XT_MAX_CPUS) {
            snprintf(msg, sizeof msg,
                     "window header names CPU %d, out of range 0..%d", cpu,
                     XB_XT_MAX_CPUS - 1);
            return bad(t, err, pos + 4, msg);
        }
        any = true;
        if ((unsigned)cpu > maxcpu)
            maxcpu = (unsigned)cpu;
        if (wsize > t->size - pos - WINDOW_HDR_SIZE) {
            snprintf(t->warning, sizeof t->warning,
                     "%s: file ends inside the window at byte offset %zu "
                     "(%u bytes announced, %zu present); analysed up to its "
                     "last whole record", t->name, pos, wsize,
                     t->size - pos - WINDOW_HDR_SIZE);
            pos = t->size;
            break;
        }
        pos += WINDOW_HDR_SIZE + wsize;
        if (t->mapped && pos - t->released >= RELEASE_STEP) {
            size_t low = pos - pos % RELEASE_STEP;
            madvise((void *)(t->base + t->released), low - t->released,
                    MADV_DONTNEED);
            t->released = low;
        }
    }
    if (t->mapped) {          /* the scan touched every window: give back */
        madvise((void *)t->base, t->size, MADV_DONTNEED);
        t->released = 0;
    }
    t->valid_end = pos;
    t->ncpu = any ? maxcpu + 1 : 0;
    return 0;
}

static int setup(struct xb_xtrace *t, struct xb_err *err)
{
    int rc = scan(t, err);
    if (rc)
        return rc;
    t->cur = calloc(t->ncpu ? t->ncpu : 1, sizeof *t->cur);
    if (!t->cur)
        return xb_err_set(err, -ENOMEM, "%s: out of memory", t->name);
    t->tol = 0;
    return 0;
}

static int open_buf(struct xb_xtrace **out, const void *buf, size_t len,
                    bool mapped, const char *name, struct xb_err *err)
{
    struct xb_xtrace *t = calloc(1, sizeof *t);
    if (!t)
        return xb_err_set(err, -ENOMEM, "out of memory");
    snprintf(t->name, sizeof t->name, "%s", name ? name : "trace");
    t->base = buf;
    t->size = len;
    t->mapped = mapped;
    int rc = setup(t, err);
    if (rc) {
        t->mapped = false;    /* the caller unmaps */
        xb_xtrace_close(t);
        return rc;
    }
    *out = t;
    return 0;
}

int xb_xtrace_open_mem(struct xb_xtrace **out, const void *buf, size_t len,
                       const char *name, struct xb_err *err)
{
    return open_buf(out, buf, len, false, name, err);
}

int xb_xtrace_open(struct xb_xtrace **out, const char *path, struct xb_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: cannot open: %s", path,
                          strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return xb_err_set(err, -XB_EINPUT, "%s: not a regular file", path);
    }
    const void *map = NULL;
    if (st.st_size > 0) {
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            int e = errno;
            close(fd);
            return xb_err_set(err, -XB_EINPUT, "%s: cannot map: %s", path,
                              strerror(e));
        }
        madvise((void *)map, (size_t)st.st_size, MADV_SEQUENTIAL);
    }
    close(fd);
    int rc = open_buf(out, map, (size_t)st.st_size, map != NULL, path, err);
    if (rc && map)
        munmap((void *)map, (size_t)st.st_size);
    return rc;
}

void xb_xtrace_close(struct xb_xtrace *t)
{
    if (!t)
        return;
    if (t->mapped)
        munmap((void *)t->base, t->size);
    free(t->cur);
    free(t);
}

void xb_xtrace_set_filter(struct xb_xtrace *t, xb_xt_filter want)
{
    t->want = want;
}

void xb_xtrace_set_tsc_tolerance(struct xb_xtrace *t, uint64_t ticks)
{
    t->tol = ticks;
}

/* Move cursor c of CPU cpu to its next window.  Returns false at the end. */
static bool next_window(struct xb_xtrace *t, struct cursor *c, unsigned cpu)
{
    size_t pos = c->scan;
    while (pos + WINDOW_HDR_SIZE <= t->valid_end) {
        uint32_t wcpu = rd32(t->base + pos + 4);
        size_t wsize = rd32(t->base + pos + 8);
        size_t data = pos + WINDOW_HDR_SIZE;
        size_t end = data + wsize;
        bool cut = false;
        if (end > t->valid_end) {
            end = t->valid_end;
            cut = true;
        }
        if (wcpu == cpu) {
            c->p = t->base + data;
            c->end = t->base + end;
            c->cut = cut;
            c->scan = end;
            return true;
        }
        pos = end;
    }
    c->scan = t->valid_end;
    return false;
}

static bool known_class(uint32_t event)
{
    switch (event & 0x0fff0000u) {
    case TRC_GEN & 0x0fff0000u:
    case TRC_SCHED & 0x0fff0000u:
    case TRC_DOM0OP & 0x0fff0000u:
    case TRC_HVM & 0x0fff0000u:
    case TRC_MEM & 0x0fff0000u:
    case TRC_PV & 0x0fff0000u:
    case TRC_SHADOW & 0x0fff0000u:
    case TRC_HW & 0x0fff0000u:
    case TRC_GUEST & 0x0fff0000u:
        return true;
    default:
        return false;
    }
}

/* Fill c->next with the CPU's next wanted record.  0: none left. */
static int fill(struct xb_xtrace *t, struct cursor *c, unsigned cpu,
                struct xb_err *err)
{
    char msg[200];
    for (;;) {
        if (c->p >= c->end) {
            if (!next_window(t, c, cpu)) {
                c->done = true;
                return 0;
            }
            continue;
        }
        size_t left = (size_t)(c->end - c->p);
        uint64_t off = (uint64_t)(c->p - t->base);
        if (left < 4) {
            if (c->cut) {
                c->p = c->end;
                continue;
            }
            snprintf(msg, sizeof msg, "CPU %u: %zu stray bytes at the end of "
                     "a window, too few for a record header", cpu, left);
            return bad(t, err, off, msg);
        }
        uint32_t hdr = rd32(c->p);
        uint32_t n = TRC_HD_EXTRA(hdr);
        bool cyc = TRC_HD_INCLUDES_CYCLE_COUNT(hdr);
        size_t size = 4 + (cyc ? 8 : 0) + 4 * n;
        if (size > left) {
            if (c->cut) {
                c->p = c->end;
                continue;
            }
            snprintf(msg, sizeof msg, "CPU %u: record of %zu bytes runs past "
                     "the end of its window (%zu bytes left)", cpu, size, left);
            return bad(t, err, off, msg);
        }
        uint32_t event = TRC_HD_TO_EVENT(hdr);
        if (!known_class(event)) {
            snprintf(msg, sizeof msg, "CPU %u: unknown event class in event "
                     "0x%08x (header 0x%08x)", cpu, event, hdr);
            return bad(t, err, off, msg);
        }
        t->records++;
        uint64_t tsc = c->last_tsc;
        if (cyc) {
            tsc = rd64(c->p + 4);
            if (c->seen_tsc && tsc < c->last_tsc) {
                if (c->last_tsc - tsc > t->tol) {
                    snprintf(msg, sizeof msg, "CPU %u: TSC steps back by %llu "
                             "ticks (from %llu to %llu), more than the "
                             "tolerance of %llu", cpu,
                             (unsigned long long)(c->last_tsc - tsc),
                             (unsigned long long)c->last_tsc,
                             (unsigned long long)tsc,
                             (unsigned long long)t->tol);
                    return bad(t, err, off, msg);
                }
                tsc = c->last_tsc;
            }
            if (!c->seen_tsc)
                c->first_tsc = tsc;
            c->last_tsc = tsc;
            c->seen_tsc = true;
        }
        const uint8_t *payload = c->p + 4 + (cyc ? 8 : 0);
        c->p += size;
        if (event == TRC_TRACE_WRAP_BUFFER)
            continue;
        if (event == TRC_LOST_RECORDS) {
            c->lost_notices++;
            if (n >= 1)
                c->lost += rd32(payload);
        }
        if (t->want && !t->want(event))
            continue;
        if (!c->seen_tsc)
            continue;         /* no time yet on this CPU: cannot be placed */
        struct xb_xrec *r = &c->next;
        r->tsc = tsc;
        r->offset = off;
        r->event = event;
        r->cpu = cpu;
        r->nextra = n;
        r->has_tsc = cyc;
        memcpy(r->extra, payload, 4 * n);
        c->have_next = true;
        return 1;
    }
}

/* Give back the mapped pages every cursor has walked past, so memory stays
 * flat however large the file (MADV_DONTNEED re-reads them from the file if
 * touched again; only done on our own mapping). */
static void release(struct xb_xtrace *t)
{
    size_t low = t->valid_end;
    for (unsigned i = 0; i < t->ncpu; i++)
        if (!t->cur[i].done && (size_t)(t->cur[i].p - t->base) < low)
            low = (size_t)(t->cur[i].p - t->base);
    low -= low % RELEASE_STEP;
    if (low > t->released) {
        madvise((void *)(t->base + t->released), low - t->released,
                MADV_DONTNEED);
        t->released = low;
    }
}

int xb_xtrace_next(struct xb_xtrace *t, struct xb_xrec *rec, struct xb_err *err)
{
    if (t->mapped && t->started && (++t->calls & 0xfff) == 0)
        release(t);
    if (!t->started) {
        for (unsigned i = 0; i < t->ncpu; i++) {
            t->cur[i].scan = 0;
            int rc = fill(t, &t->cur[i], i, err);
            if (rc < 0)
                return rc;
            if (t->cur[i].seen_tsc &&
                (!t->have_first || t->cur[i].first_tsc < t->first_tsc)) {
                t->first_tsc = t->cur[i].first_tsc;
                t->have_first = true;
            }
        }
        t->started = true;
    }
    struct cursor *best = NULL;
    unsigned bcpu = 0;
    for (unsigned i = 0; i < t->ncpu; i++) {
        struct cursor *c = &t->cur[i];
        if (c->have_next && (!best || c->next.tsc < best->next.tsc)) {
            best = c;
            bcpu = i;
        }
    }
    if (!best)
        return 0;
    *rec = best->next;
    best->have_next = false;
    int rc = fill(t, best, bcpu, err);
    return rc < 0 ? rc : 1;
}

unsigned xb_xtrace_ncpu(const struct xb_xtrace *t) { return t->ncpu; }
uint64_t xb_xtrace_records(const struct xb_xtrace *t) { return t->records; }
uint64_t xb_xtrace_first_tsc(const struct xb_xtrace *t) { return t->first_tsc; }

uint64_t xb_xtrace_last_tsc(const struct xb_xtrace *t)
{
    uint64_t last = t->first_tsc;
    for (unsigned i = 0; i < t->ncpu; i++)
        if (t->cur[i].seen_tsc && t->cur[i].last_tsc > last)
            last = t->cur[i].last_tsc;
    return last;
}

uint64_t xb_xtrace_lost(const struct xb_xtrace *t, unsigned cpu)
{
    return cpu < t->ncpu ? t->cur[cpu].lost : 0;
}

uint64_t xb_xtrace_lost_notices(const struct xb_xtrace *t, unsigned cpu)
{
    return cpu < t->ncpu ? t->cur[cpu].lost_notices : 0;
}

const char *xb_xtrace_warning(const struct xb_xtrace *t)
{
    return t->warning[0] ? t->warning : NULL;
}

bool xb_xtrace_cpu_first_tsc(const struct xb_xtrace *t, unsigned cpu,
                             uint64_t *tsc)
{
    if (cpu >= t->ncpu || !t->cur[cpu].seen_tsc)
        return false;
    *tsc = t->cur[cpu].first_tsc;
    return true;
}
