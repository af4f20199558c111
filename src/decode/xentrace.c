/* xentrace.c: window scan, per-CPU record cursors and the TSC merge.
 *
 * Invariants: every window header below valid_end was checked by scan();
 * a cursor only walks inside its own windows; next() never reads past the
 * mapping.  Records are walked in place: nothing is allocated per record.
 *
 * One window walk hands each CPU its windows (a queue per CPU, as long as
 * the distance in the file between the cursors, not the file), so a window
 * header is read once however many CPUs there are.  On a machine with two
 * or more cores, and a file large enough to pay for it, a second thread
 * walks the cursors (most records are only walked: in the sched traces
 * here 5 of 6) and queues each CPU's wanted records in a ring of its own;
 * next() merges the rings by TSC on the caller's thread, which feeds the
 * engine meanwhile.  Both ways hand out the same records in the same order,
 * with the same errors at the same place.
 *
 * It owns the file format only: it must not know what a scheduler record
 * means (xen_sched.c) nor how time is charged (account/engine.c).
 */
#include "xentrace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xen/trace.h>

#define CPU_CHANGE_HDR (TRC_TRACE_CPU_CHANGE | (2u << TRACE_EXTRA_SHIFT))
#define WINDOW_HDR_SIZE 12
#define RELEASE_STEP (4u << 20)   /* give mapped pages back in these steps */
#define WCACHE_BITS 8             /* filter decisions kept: 2^WCACHE_BITS */
#define WCACHE (1u << WCACHE_BITS)

/* Files smaller than this are read on one thread. */
#define THREAD_MIN_BYTES (16u << 20)
/* Wanted records queued per CPU by the walking thread (all CPUs: at most
 * RING_TOTAL), and how many it walks before it publishes them: a quarter
 * of a ring, so each side sleeps and wakes once per batch, not per record
 * (a futex round trip costs as much as walking a thousand records). */
#define RING_TOTAL 16384u
#define RING_MIN 256u

/* One of a CPU's windows, waiting for its cursor. */
struct wref {
    size_t data, end;         /* its records */
    bool cut;                 /* cut by the end of the file */
};

struct cursor {
    const uint8_t *p, *end;   /* rest of the current window */
    bool cut;                 /* current window is cut by the end of file */
    bool done;
    uint64_t first_tsc, last_tsc;
    uint64_t last_off;        /* byte offset of its last record walked */
    bool seen_tsc;
    struct xb_xrec next;      /* the next wanted record, when have_next */
    bool have_next;
    struct xb_xrec lost_end;  /* the second half of a lost-records notice */
    bool end_pending, end_sent;
    uint64_t lost, lost_notices;
    struct wref *q;           /* its windows the walk has passed */
    size_t qhead, qn, qcap;
    struct xb_err err;        /* thread mode: the walker's error on this CPU */
};

/* Thread mode: a CPU's wanted records, walked ahead.  The index each side
 * writes has a cache line of its own, away from the cursor the walker
 * writes on every record (sharing one made both cores wait on it). */
struct ring {
    struct xb_xrec *slot;
    size_t cap, batch;
    int err_rc;                      /* finished because of this error (< 0) */
    _Alignas(64) _Atomic size_t head;       /* consumed (the merge) */
    _Alignas(64) _Atomic size_t tail;       /* published (the walker) */
    _Atomic bool finished;           /* no more will come */
};

struct xb_xtrace {
    const uint8_t *base;
    size_t size, valid_end;   /* windows checked up to valid_end */
    bool mapped;              /* base is our mmap: pages may be given back */
    char name[300];
    unsigned ncpu;
    struct cursor *cur;
    const struct xb_xt_filter *want;
    uint64_t tol;
    uint64_t max_jump, hz;    /* a TSC jump forward beyond max_jump is damage */
    uint64_t first_tsc;
    bool have_first, started;
    char warning[800];
    /* thread mode */
    struct ring *ring;        /* [ncpu] */
    bool threaded;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t data, room;
    _Atomic bool stop, waiting_data, waiting_room;
    /* Written by whoever walks the cursors, as it walks: a cache line of
     * their own, away from what the merge reads for every record. */
    _Alignas(64) uint64_t records;
    unsigned calls;           /* fills, to release() now and then */
    size_t walk;              /* next window header to hand out */
    size_t released;          /* mapped pages below this were given back */
    bool oom;                 /* a window queue could not grow */
    uint64_t wcache[WCACHE];  /* event | what << 32 (interest()); 0: empty */
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
    t->max_jump = UINT64_MAX;
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
    if (t->threaded) {
        atomic_store(&t->stop, true);
        pthread_mutex_lock(&t->mu);
        pthread_cond_signal(&t->room);
        pthread_mutex_unlock(&t->mu);
        pthread_join(t->th, NULL);
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->data);
        pthread_cond_destroy(&t->room);
    }
    if (t->mapped)
        munmap((void *)t->base, t->size);
    for (unsigned i = 0; t->cur && i < t->ncpu; i++) {
        free(t->cur[i].q);
        if (t->ring)
            free(t->ring[i].slot);
    }
    free(t->ring);
    free(t->cur);
    free(t);
}

void xb_xtrace_set_filter(struct xb_xtrace *t, const struct xb_xt_filter *want)
{
    t->want = want;
    memset(t->wcache, 0, sizeof t->wcache);
}

void xb_xtrace_set_tsc_tolerance(struct xb_xtrace *t, uint64_t ticks)
{
    t->tol = ticks;
}

void xb_xtrace_set_max_jump(struct xb_xtrace *t, uint64_t ticks, uint64_t hz)
{
    t->max_jump = ticks ? ticks : UINT64_MAX;
    t->hz = hz;
}

/* The pseudo-records of xentrace.h: handed out only when the filter wants
 * them; a record of the file with one of their ids is never handed out. */
static bool pseudo(uint32_t event)
{
    return event == XB_XT_LOST_RECORDS_END || event == XB_XT_CPU_END;
}

static bool want_pseudo(const struct xb_xtrace *t, uint32_t event)
{
    return t->want && xb_xt_wanted(t->want, event);
}

/* Move cursor c of CPU cpu to its next window, walking the window headers
 * on (once for all CPUs) until one of cpu's comes.  Returns false at the
 * end, or when a queue could not grow (t->oom). */
static bool next_window(struct xb_xtrace *t, struct cursor *c)
{
    while (!c->qn && t->walk + WINDOW_HDR_SIZE <= t->valid_end) {
        size_t pos = t->walk;
        uint32_t wcpu = rd32(t->base + pos + 4);
        size_t data = pos + WINDOW_HDR_SIZE, end = data + rd32(t->base + pos + 8);
        bool cut = false;
        if (end > t->valid_end) {
            end = t->valid_end;
            cut = true;
        }
        t->walk = end;
        struct cursor *o = &t->cur[wcpu];     /* scan() bounded wcpu */
        if (o->qn == o->qcap) {
            size_t cap = o->qcap ? 2 * o->qcap : 16;
            struct wref *q = malloc(cap * sizeof *q);
            if (!q) {
                t->oom = true;
                return false;
            }
            for (size_t k = 0; k < o->qn; k++)
                q[k] = o->q[(o->qhead + k) % o->qcap];
            free(o->q);
            o->q = q;
            o->qhead = 0;
            o->qcap = cap;
        }
        o->q[(o->qhead + o->qn++) % o->qcap] = (struct wref){ data, end, cut };
    }
    if (!c->qn)
        return false;
    struct wref w = c->q[c->qhead];
    c->qhead = (c->qhead + 1) % c->qcap;
    c->qn--;
    c->p = t->base + w.data;
    c->end = t->base + w.end;
    c->cut = w.cut;
    return true;
}

/* The event classes of <xen/trace.h> (TRC_GEN ... TRC_GUEST): the class
 * field (bits 16-27) of a record must be exactly one of them. */
#define CLASS(x) [((x) >> 16) & 0xfffu] = 1
static const uint8_t known_classes[4096] = {
    CLASS(TRC_GEN), CLASS(TRC_SCHED), CLASS(TRC_DOM0OP), CLASS(TRC_HVM),
    CLASS(TRC_MEM), CLASS(TRC_PV), CLASS(TRC_SHADOW), CLASS(TRC_HW),
    CLASS(TRC_GUEST),
};

static inline bool known_class(uint32_t event)
{
    return known_classes[(event >> 16) & 0xfffu];
}

/* What fill() does with an event id beyond walking it: WANTED (hand it
 * out), SPECIAL (a wrap or lost-records notice: looked at), or BORING (a
 * known class, nothing else).  A small cache keeps the answer per event id
 * -- a trace holds few distinct ids and most records are boring -- packed
 * with the id in one word, so the walk asks "boring?" with one load and
 * one compare. */
enum { WANTED = 1, SPECIAL = 2, BORING = 4 };
#define PACK(event, what) ((uint64_t)(event) | (uint64_t)(what) << 32)

static inline uint64_t *wslot(struct xb_xtrace *t, uint32_t event)
{
    return &t->wcache[(event * 0x9e3779b1u) >> (32 - WCACHE_BITS)];
}

static unsigned interest(struct xb_xtrace *t, uint32_t event)
{
    uint64_t *w = wslot(t, event);
    if ((uint32_t)*w != event || !(*w >> 32)) {
        unsigned what = (xb_xt_wanted(t->want, event) && !pseudo(event) ? WANTED : 0) |
                        (event == TRC_TRACE_WRAP_BUFFER ||
                         event == TRC_LOST_RECORDS ? SPECIAL : 0);
        if (!what && known_class(event))
            what = BORING;
        *w = PACK(event, what ? what : SPECIAL);
    }
    return (unsigned)(*w >> 32) & (WANTED | SPECIAL);
}

/* Put the CPU's next wanted record in *r.  0: none left.  The
 * common record (whole, of a known class, its TSC not stepping back, of no
 * interest) takes the inner loop with the cursor in locals; anything else
 * leaves it for the checks and messages below. */
static int fill(struct xb_xtrace *t, struct cursor *c, unsigned cpu,
                struct xb_xrec *r, struct xb_err *err)
{
    char msg[200];
    if (c->end_pending) {     /* the gap's end, after the gap's begin */
        c->end_pending = false;
        *r = c->lost_end;
        return 1;
    }
    const uint8_t *p = c->p, *end = c->end, *lastp = NULL;
    uint64_t walked = 0, last = c->last_tsc, jump = t->max_jump;
    bool seen = c->seen_tsc;
    int rc;
    for (;;) {
        /* One branch per record: a record of interest or of an unknown
         * class (not BORING in the cache: interest() settles it below), a
         * short window end, a TSC stepping back or a record cut short all
         * stop the loop alike (12 bytes left: the TSC can be loaded whether
         * or not the record has one). */
        while (seen && end - p >= 12) {
            uint32_t hdr = rd32(p);
            /* 4 + 8 (bit 31: a TSC) + 4 * extra words (bits 28-30) */
            size_t size = 4 + ((hdr >> 28) & 8u) + ((hdr >> 26) & 0x1cu);
            uint32_t event = TRC_HD_TO_EVENT(hdr);
            uint64_t tsc = TRC_HD_INCLUDES_CYCLE_COUNT(hdr) ? rd64(p + 4) : last;
            if ((size > (size_t)(end - p)) | (tsc < last) | (tsc - last > jump) |
                (*wslot(t, event) != PACK(event, BORING)))
                break;
            last = tsc;
            walked++;
            lastp = p;
            p += size;
        }
        c->last_tsc = last;
        if (lastp) {
            c->last_off = (uint64_t)(lastp - t->base);
            lastp = NULL;
        }
        if (p >= end) {
            c->p = p;
            if (!next_window(t, c)) {
                c->done = true;
                rc = t->oom ? xb_err_set(err, -ENOMEM, "%s: out of memory",
                                         t->name) : 0;
                if (!rc && !c->end_sent && c->seen_tsc &&
                    want_pseudo(t, XB_XT_CPU_END)) {
                    c->end_sent = true;        /* the CPU's records end here */
                    *r = (struct xb_xrec){ .tsc = c->last_tsc, .offset = c->last_off,
                                           .event = XB_XT_CPU_END, .cpu = cpu };
                    rc = 1;
                }
                break;
            }
            p = c->p;
            end = c->end;
            continue;
        }
        size_t left = (size_t)(end - p);
        uint64_t off = (uint64_t)(p - t->base);
        if (left < 4) {
            if (c->cut) {
                p = end;
                continue;
            }
            snprintf(msg, sizeof msg, "CPU %u: %zu stray bytes at the end of "
                     "a window, too few for a record header", cpu, left);
            rc = bad(t, err, off, msg);
            break;
        }
        uint32_t hdr = rd32(p);
        uint32_t n = TRC_HD_EXTRA(hdr);
        unsigned cyc = TRC_HD_INCLUDES_CYCLE_COUNT(hdr) ? 1 : 0;
        size_t size = 4 + 8 * cyc + 4 * n;
        if (size > left) {
            if (c->cut) {
                p = end;
                continue;
            }
            snprintf(msg, sizeof msg, "CPU %u: record of %zu bytes runs past "
                     "the end of its window (%zu bytes left)", cpu, size, left);
            rc = bad(t, err, off, msg);
            break;
        }
        uint32_t event = TRC_HD_TO_EVENT(hdr);
        if (!known_class(event)) {
            snprintf(msg, sizeof msg, "CPU %u: unknown event class in event "
                     "0x%08x (header 0x%08x)", cpu, event, hdr);
            rc = bad(t, err, off, msg);
            break;
        }
        walked++;
        c->last_off = off;
        uint64_t tsc = c->last_tsc, prev_tsc = c->last_tsc;
        if (cyc) {
            tsc = rd64(p + 4);
            if (c->seen_tsc && tsc > c->last_tsc && tsc - c->last_tsc > t->max_jump) {
                snprintf(msg, sizeof msg, "CPU %u: TSC jumps forward by %llu "
                         "ticks (%.0f s at %llu Hz, from %llu to %llu): not a "
                         "clock", cpu, (unsigned long long)(tsc - c->last_tsc),
                         (double)(tsc - c->last_tsc) / (double)(t->hz ? t->hz : 1),
                         (unsigned long long)t->hz, (unsigned long long)c->last_tsc,
                         (unsigned long long)tsc);
                rc = bad(t, err, off, msg);
                break;
            }
            if (c->seen_tsc && tsc < c->last_tsc) {
                if (c->last_tsc - tsc > t->tol) {
                    snprintf(msg, sizeof msg, "CPU %u: TSC steps back by %llu "
                             "ticks (from %llu to %llu), more than the "
                             "tolerance of %llu", cpu,
                             (unsigned long long)(c->last_tsc - tsc),
                             (unsigned long long)c->last_tsc,
                             (unsigned long long)tsc,
                             (unsigned long long)t->tol);
                    rc = bad(t, err, off, msg);
                    break;
                }
                tsc = c->last_tsc;
            }
            c->last_tsc = last = tsc;
            if (!c->seen_tsc) {       /* written once, before any record of
                                       * this CPU is published: the merge
                                       * reads them (note_first) */
                c->first_tsc = tsc;
                c->seen_tsc = seen = true;
            }
        }
        const uint8_t *payload = p + 4 + 8 * cyc;
        p += size;
        unsigned what = interest(t, event);
        if (event == TRC_TRACE_WRAP_BUFFER)
            continue;
        if (event == TRC_LOST_RECORDS) {
            c->lost_notices++;
            if (n >= 1)
                c->lost += rd32(payload);
        }
        if (!(what & WANTED) || !c->seen_tsc)
            continue;   /* not wanted, or no time yet on this CPU: unplaceable */
        r->tsc = tsc;
        r->offset = off;
        r->event = event;
        r->cpu = cpu;
        r->nextra = n;
        r->has_tsc = cyc;
        r->split = false;
        memcpy(r->extra, payload, 4 * n);
        if (event == TRC_LOST_RECORDS && n >= 4 && cyc &&
            want_pseudo(t, XB_XT_LOST_RECORDS_END)) {
            /* {u32 lost; u16 did, vid; u64 first_tsc}: handed out where the
             * dropping began (no earlier than the CPU's previous record),
             * and its end next, at its own time */
            uint64_t first = (uint64_t)r->extra[2] | (uint64_t)r->extra[3] << 32;
            c->lost_end = *r;
            c->lost_end.event = XB_XT_LOST_RECORDS_END;
            c->end_pending = true;
            r->split = true;
            r->tsc = first > tsc ? tsc : first < prev_tsc ? prev_tsc : first;
        }
        rc = 1;
        break;
    }
    c->p = p;
    t->records += walked;
    return rc;
}

/* Give back the mapped pages every cursor has walked past, so memory stays
 * flat however large the file (MADV_DONTNEED re-reads them from the file if
 * touched again; only done on our own mapping).  Called by whoever walks
 * the cursors, every 4096 fills. */
static void release(struct xb_xtrace *t)
{
    if (!t->mapped || (++t->calls & 0xfff))
        return;
    size_t low = t->valid_end;
    for (unsigned i = 0; i < t->ncpu; i++) {
        const struct cursor *c = &t->cur[i];
        size_t at = c->qn ? c->q[c->qhead].data : (size_t)(c->p - t->base);
        if (!c->done && at < low)
            low = at;
    }
    low -= low % RELEASE_STEP;
    if (low > t->released) {
        madvise((void *)(t->base + t->released), low - t->released,
                MADV_DONTNEED);
        t->released = low;
    }
}

/* ---- one thread: fill on demand ---- */

static void note_first(struct xb_xtrace *t)
{
    for (unsigned i = 0; i < t->ncpu; i++)
        if (t->cur[i].seen_tsc &&
            (!t->have_first || t->cur[i].first_tsc < t->first_tsc)) {
            t->first_tsc = t->cur[i].first_tsc;
            t->have_first = true;
        }
}

/* A CPU whose first TSC lies more than max_jump after the earliest CPU's:
 * a corrupt timestamp, not a clock (off: where its first record is). */
static int check_skew(struct xb_xtrace *t, unsigned i, uint64_t off,
                      struct xb_err *err)
{
    const struct cursor *c = &t->cur[i];
    if (t->max_jump == UINT64_MAX || !c->seen_tsc ||
        c->first_tsc - t->first_tsc <= t->max_jump)
        return 0;
    char msg[200];
    snprintf(msg, sizeof msg, "CPU %u: first TSC %llu lies %.0f s after CPU "
             "0..%u's earliest %llu: not a clock", i,
             (unsigned long long)c->first_tsc,
             (double)(c->first_tsc - t->first_tsc) / (double)(t->hz ? t->hz : 1),
             t->ncpu - 1, (unsigned long long)t->first_tsc);
    return bad(t, err, off, msg);
}

static int next_direct(struct xb_xtrace *t, struct xb_xrec *rec, struct xb_err *err)
{
    if (!t->started) {
        for (unsigned i = 0; i < t->ncpu; i++) {
            int rc = fill(t, &t->cur[i], i, &t->cur[i].next, err);
            if (rc < 0)
                return rc;
            t->cur[i].have_next = rc == 1;
        }
        note_first(t);
        t->started = true;
        for (unsigned i = 0; i < t->ncpu; i++) {
            const struct cursor *c = &t->cur[i];
            int rc = check_skew(t, i, c->have_next ? c->next.offset : 0, err);
            if (rc)
                return rc;
        }
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
    release(t);
    int rc = fill(t, best, bcpu, &best->next, err);
    best->have_next = rc == 1;
    return rc < 0 ? rc : 1;
}

/* ---- two threads: the walker fills rings, next() merges them ---- */

/* Wake the other side if it said it sleeps.  The flag and the index it
 * waits on are not fenced against each other (a fence per record would cost
 * more than the walk), so a wake-up can be missed: every sleep is timed
 * (WAIT_NS) and looks again. */
#define WAIT_NS 2000000L
static void wake(struct xb_xtrace *t, _Atomic bool *waiting, pthread_cond_t *cv)
{
    if (atomic_load_explicit(waiting, memory_order_relaxed)) {
        pthread_mutex_lock(&t->mu);
        pthread_cond_signal(cv);
        pthread_mutex_unlock(&t->mu);
    }
}

static void timed_wait(pthread_cond_t *cv, pthread_mutex_t *mu)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += WAIT_NS;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(cv, mu, &ts);
}

/* The walker: round the CPUs, a batch of records into each ring with room,
 * until every cursor is done (or stop). */
static void *walker(void *arg)
{
    struct xb_xtrace *t = arg;
    unsigned left = t->ncpu;
    while (left && !atomic_load(&t->stop)) {
        bool any = false;
        for (unsigned i = 0; i < t->ncpu; i++) {
            struct cursor *c = &t->cur[i];
            struct ring *r = &t->ring[i];
            if (atomic_load_explicit(&r->finished, memory_order_relaxed))
                continue;
            size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
            size_t room = r->cap - (tail - atomic_load_explicit(&r->head,
                                                                memory_order_acquire));
            if (room < r->batch)
                continue;
            size_t k = 0;
            int rc = 1;
            while (k < r->batch &&
                   (rc = fill(t, c, i, &r->slot[(tail + k) % r->cap], &c->err)) == 1) {
                k++;
                release(t);
            }
            atomic_store_explicit(&r->tail, tail + k, memory_order_release);
            if (rc != 1) {
                r->err_rc = rc;
                atomic_store(&r->finished, true);
                left--;
            }
            any = true;
            wake(t, &t->waiting_data, &t->data);
        }
        if (!any) {           /* every ring full: wait for the merge */
            pthread_mutex_lock(&t->mu);
            atomic_store(&t->waiting_room, true);
            for (;;) {
                bool room = atomic_load(&t->stop);
                for (unsigned i = 0; i < t->ncpu && !room; i++) {
                    struct ring *r = &t->ring[i];
                    room = !atomic_load(&r->finished) &&
                           r->cap - (atomic_load(&r->tail) - atomic_load(&r->head))
                               >= r->batch;
                }
                if (room)
                    break;
                timed_wait(&t->room, &t->mu);
            }
            atomic_store(&t->waiting_room, false);
            pthread_mutex_unlock(&t->mu);
        }
    }
    return NULL;
}

/* Wait until CPU i has a record queued or will have none.  true: one is. */
static bool ring_ready(struct xb_xtrace *t, struct ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    for (int spin = 0;; spin++) {
        if (atomic_load_explicit(&r->tail, memory_order_acquire) != head)
            return true;
        if (atomic_load(&r->finished))
            return atomic_load(&r->tail) != head;
        if (spin < 64)
            continue;
        pthread_mutex_lock(&t->mu);
        atomic_store(&t->waiting_data, true);
        while (atomic_load(&r->tail) == head && !atomic_load(&r->finished))
            timed_wait(&t->data, &t->mu);
        atomic_store(&t->waiting_data, false);
        pthread_mutex_unlock(&t->mu);
    }
}

static int start_walker(struct xb_xtrace *t, struct xb_err *err)
{
    size_t cap = RING_TOTAL / (t->ncpu ? t->ncpu : 1);
    if (cap < RING_MIN)
        cap = RING_MIN;
    if (!(t->ring = calloc(t->ncpu, sizeof *t->ring)))
        return xb_err_set(err, -ENOMEM, "%s: out of memory", t->name);
    for (unsigned i = 0; i < t->ncpu; i++) {
        struct ring *r = &t->ring[i];
        if (!(r->slot = malloc(cap * sizeof *r->slot)))
            return xb_err_set(err, -ENOMEM, "%s: out of memory", t->name);
        r->cap = cap;
        r->batch = cap / 4;
    }
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->data, NULL);
    pthread_cond_init(&t->room, NULL);
    if (pthread_create(&t->th, NULL, walker, t) != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->data);
        pthread_cond_destroy(&t->room);
        return xb_err_set(err, -ENOMEM, "%s: cannot start a thread", t->name);
    }
    t->threaded = true;
    return 0;
}

/* A CPU whose ring ran dry for good: its error, if it ended on one. */
static int ring_error(struct xb_xtrace *t, unsigned i, struct xb_err *err)
{
    if (t->ring[i].err_rc >= 0)
        return 0;
    return xb_err_set(err, t->ring[i].err_rc, "%s", t->cur[i].err.msg);
}

static int next_threaded(struct xb_xtrace *t, struct xb_xrec *rec, struct xb_err *err)
{
    if (!t->started) {
        for (unsigned i = 0; i < t->ncpu; i++) {
            int rc;
            if (!ring_ready(t, &t->ring[i]) && (rc = ring_error(t, i, err)))
                return rc;
        }
        note_first(t);        /* each cursor's first TSC came before its records */
        t->started = true;
        for (unsigned i = 0; i < t->ncpu; i++) {
            struct ring *r = &t->ring[i];
            size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
            bool any = atomic_load_explicit(&r->tail, memory_order_acquire) != h;
            int rc = check_skew(t, i, any ? r->slot[h % r->cap].offset : 0, err);
            if (rc)
                return rc;
        }
    }
    struct ring *best = NULL;
    uint64_t btsc = 0;
    unsigned bi = 0;
    for (unsigned i = 0; i < t->ncpu; i++) {
        struct ring *r = &t->ring[i];
        size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
        if (atomic_load_explicit(&r->tail, memory_order_acquire) == h)
            continue;           /* dry for good: ring_ready() said so */
        uint64_t tsc = r->slot[h % r->cap].tsc;
        if (!best || tsc < btsc) {
            best = r;
            btsc = tsc;
            bi = i;
        }
    }
    if (!best)
        return 0;
    size_t h = atomic_load_explicit(&best->head, memory_order_relaxed);
    *rec = best->slot[h % best->cap];
    atomic_store_explicit(&best->head, h + 1, memory_order_release);
    wake(t, &t->waiting_room, &t->room);
    /* As one thread does: the CPU's next record is found before this one
     * is handed out, and an error there is the answer instead. */
    int rc;
    if (!ring_ready(t, best) && (rc = ring_error(t, bi, err)))
        return rc;
    return 1;
}

/* XENBENCH_THREADS=1: never a second thread; =2: always (the tests hold
 * both ways to the same output); else when the file and the machine pay. */
static bool use_thread(const struct xb_xtrace *t)
{
    const char *env = getenv("XENBENCH_THREADS");
    if (env && strcmp(env, "1") == 0)
        return false;
    if (env && strcmp(env, "2") == 0)
        return t->ncpu >= 1;
    return t->mapped && t->size >= THREAD_MIN_BYTES && t->ncpu >= 1 &&
           sysconf(_SC_NPROCESSORS_ONLN) >= 2;
}

int xb_xtrace_next(struct xb_xtrace *t, struct xb_xrec *rec, struct xb_err *err)
{
    if (!t->started && !t->threaded && use_thread(t)) {
        int rc = start_walker(t, err);
        if (rc)
            return rc;
    }
    return t->threaded ? next_threaded(t, rec, err) : next_direct(t, rec, err);
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
