/* linux_sched.c: raw tracefs pages -> engine transitions (see the header).
 *
 * libtraceevent parses the event formats saved at record time (so a run
 * folder is read correctly on any machine); the pages themselves are walked
 * here (page_next), after check_page() has proved every record of the page
 * lies inside it, and fields are read at the offsets the formats give.
 * (kbuffer and tep_read_number_field did the same at three library calls
 * per record: half the decoder's time.)  A run folder's files are read a
 * chunk of pages at a time, so memory does not grow with the run.  Threads
 * are kept in an open-addressing hash table keyed by tid.
 * It must not know the run folder's layout, nor charge time itself (the
 * engine does).
 */
#define _GNU_SOURCE
#include "linux_sched.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <traceevent/event-parse.h>
#include <unistd.h>

#include "model/domain.h"

/* prev_state: the kernel reports the task state bits below 0x100 (mask from
 * the sched_switch format's print fmt: TASK_REPORT_MAX << 1 minus 1); none
 * set means R (still runnable: preempted).  X (0x10) and Z (0x20): exited. */
#define PREV_STATE_MASK 0xffu
#define PREV_STATE_DEAD 0x30u

enum { EV_SWITCH, EV_WAKEUP, EV_WAKEUP_NEW, EV_FORK, NEV, EV_LOST_BEGIN,
       EV_LOST_END, EV_CPU_END };

/* prev_state of a put-back switch whose previous occupant's state is not
 * known: it leaves running into unknown. */
#define STATE_UNKNOWN (~0ull)

/* Events are applied this far behind the newest one read, so that a switch
 * the kernel did not trace can still be put in its place: REPAIR_NS at
 * least; a recording read from its folder holds up to REPAIR_LONG_NS while
 * the events held stay under HOLD_EVENTS (2.6 MB of them).  Sparse traces
 * need the long hold: on these machines' kernel a thread switched in from
 * an always-busy one can leave untraced, and the busy thread's next event,
 * which shows it, may come 0.3 s or more later (the solo runs of
 * tests/place/replay_truth.py: 0.3-0.9 s of an always-busy load was unknown
 * at 200 ms).  A live decoder (top, serve, --aggregate) keeps REPAIR_NS:
 * its windows must finish within a window of their end. */
#define REPAIR_NS 200000000ull
#define REPAIR_LONG_NS 2000000000ull
#define HOLD_EVENTS 65536u

/* Events may lie this far outside the recording's t0 .. t_stop (the
 * capture starts and stops around them). */
#define BOUND_SLACK_NS 1000000000ull

/* A decoded event waiting in the repair buffer. */
struct lev {
    uint64_t t;
    unsigned cpu;
    int kind;            /* EV_SWITCH, EV_WAKEUP, EV_FORK, EV_LOST_* */
    pid_t a, b;          /* switch: prev, next (-1: none, the CPU's occupant
                            is unknown from t); wake-up: pid, target CPU;
                            fork: parent, child */
    unsigned long long state;   /* switch: prev_state, or STATE_UNKNOWN */
    bool synthetic;
};

/* Input side of one CPU: who the trace says runs there, since when. */
struct cpuin {
    bool known;
    pid_t occ;
    uint64_t since;
};
static const char *const ev_names[NEV] = {
    "sched_switch", "sched_wakeup", "sched_wakeup_new", "sched_process_fork",
};

struct task {
    pid_t tid;           /* 0: empty slot */
    uint32_t domid, vcpu;
    enum xb_state state; /* as last told to the engine */
    int cpu;             /* last CPU, -1 unknown */
    uint64_t wake_t;     /* input side: last wake-up and its target CPU */
    int wake_cpu;
    uint64_t last_t;     /* input side: its last event of any kind */
    bool seen;           /* input side: it has had an event */
    bool put_out;        /* left into unknown by a put-back switch, and no
                            event of it applied since */
};

struct dominfo {
    uint32_t domid;
    bool qemu;
    uint32_t next_vcpu, next_emu;
};

/* Pages are read this many at a time from a run folder's file. */
#define CHUNK_PAGES 64

struct cpuq {
    /* a run folder's cpuN.raw: read CHUNK_PAGES pages at a time */
    int fd;              /* -1: none */
    char *path;
    char **more;         /* a ring run's later segments, oldest first */
    size_t nmore, imore; /* how many, the next to open */
    uint64_t file_len;   /* whole pages */
    uint64_t file_off;   /* next byte to read */
    unsigned char *chunk;
    size_t chunk_n, chunk_i;
    uint64_t chunk_off;  /* file offset of the chunk */
    /* live pages (add_page), first in first out; spares kept for reuse */
    unsigned char **live;
    size_t live_head, live_n, live_cap;
    unsigned char **spare;
    size_t nspare;
    unsigned char *walking;   /* the live page being walked */
    /* the page being walked (page_next) */
    const unsigned char *data;
    uint32_t len, off;
    unsigned long long pts;   /* time of the last record walked */
    bool loaded;
    void *ev;            /* current event, or NULL */
    unsigned long long ts;
    uint64_t last_ts;    /* last event fed on this CPU (mono) */
    uint64_t lost, lost_pages;
    bool gap;            /* the current page follows missed events */
    bool gap_open;       /* its begin is in the repair buffer */
    bool ended;          /* cut run: its end is in the repair buffer */
    uint64_t page_off;   /* file offset of the page being walked */
    uint64_t added;      /* live pages added (their offset in the stream) */
};

struct xb_lsched {
    struct tep_handle *tep;
    size_t page;
    unsigned ncpu;
    uint64_t t0;
    int ev_id[NEV];
    struct tep_format_field *f_type, *f_prev_pid, *f_prev_state, *f_next_pid,
        *f_wake_pid, *f_wake_cpu, *f_wnew_pid, *f_wnew_cpu, *f_parent, *f_child;
    struct cpuq *q;
    struct task *tasks;
    size_t ntask, taskcap;
    struct dominfo *doms;
    size_t ndom;
    uint32_t host_next;
    struct cpuin *in;
    struct lev *buf;
    size_t nbuf, bufhead, bufcap;
    uint64_t hold_ns;                 /* REPAIR_LONG_NS, or REPAIR_NS (live) */
    uint64_t events, last_ns, read_ns, applied_ns;
    struct xb_lsched_repairs rep;
    bool cut;            /* no stop time: a CPU's events end at its last */
    uint64_t lo, hi;     /* events must lie in [lo, hi] (mono ns; 0: any) */
    uint64_t from;       /* ring run: events before this are skipped */
    uint64_t skipped;    /* ... and how many were */
    char warning[512];
    /* page checks (check_page): damaged pages skipped, the first one's
     * message, and a file's partial last page */
    uint64_t bad_pages;
    char bad_msg[300], tail_msg[200];
    unsigned need[NEV], need_other;   /* data bytes each event must hold */
    bool strict;         /* a damaged page stops the decoding */
    int failed;          /* the error that stopped it (strict, a read) */
    char fail_msg[400];
};

static uint32_t hash_tid(pid_t tid) { return (uint32_t)tid * 2654435761u; }

static struct task *find_task(struct xb_lsched *d, pid_t tid)
{
    if (!d->taskcap)
        return NULL;
    for (size_t i = hash_tid(tid) & (d->taskcap - 1);; i = (i + 1) & (d->taskcap - 1)) {
        if (d->tasks[i].tid == tid)
            return &d->tasks[i];
        if (d->tasks[i].tid == 0)
            return NULL;
    }
}

static struct task *insert_task(struct xb_lsched *d, pid_t tid)
{
    if (2 * (d->ntask + 1) > d->taskcap) {
        size_t cap = d->taskcap ? 2 * d->taskcap : 1024;
        struct task *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (size_t i = 0; i < d->taskcap; i++) {
            if (!d->tasks[i].tid)
                continue;
            size_t j = hash_tid(d->tasks[i].tid) & (cap - 1);
            while (t[j].tid)
                j = (j + 1) & (cap - 1);
            t[j] = d->tasks[i];
        }
        free(d->tasks);
        d->tasks = t;
        d->taskcap = cap;
    }
    size_t i = hash_tid(tid) & (d->taskcap - 1);
    while (d->tasks[i].tid)
        i = (i + 1) & (d->taskcap - 1);
    d->ntask++;
    d->tasks[i] = (struct task){ .tid = tid, .state = XB_UNKNOWN, .cpu = -1,
                                 .wake_cpu = -1 };
    return &d->tasks[i];
}

static struct dominfo *find_dom(struct xb_lsched *d, uint32_t domid)
{
    for (size_t i = 0; i < d->ndom; i++)
        if (d->doms[i].domid == domid)
            return &d->doms[i];
    return NULL;
}

int xb_lsched_domain(struct xb_lsched *d, uint32_t domid, bool qemu)
{
    if (find_dom(d, domid))
        return 0;
    struct dominfo *v = realloc(d->doms, (d->ndom + 1) * sizeof *v);
    if (!v)
        return -ENOMEM;
    d->doms = v;
    d->doms[d->ndom++] = (struct dominfo){ domid, qemu, 0, XB_VCPU_EMU };
    return 0;
}

int xb_lsched_thread(struct xb_lsched *d, pid_t tid, uint32_t domid, uint32_t vcpu)
{
    if (tid <= 0)
        return 0;
    struct task *t = find_task(d, tid);
    if (!t && !(t = insert_task(d, tid)))
        return -ENOMEM;
    t->domid = domid;
    t->vcpu = vcpu;
    struct dominfo *di = find_dom(d, domid);
    if (di) {
        if (vcpu >= XB_VCPU_EMU && vcpu + 1 > di->next_emu)
            di->next_emu = vcpu + 1;
        if (vcpu < XB_VCPU_EMU && vcpu + 1 > di->next_vcpu)
            di->next_vcpu = vcpu + 1;
    }
    return 0;
}

/* The task for tid on cpu: the idle task, a known thread, or a new host
 * thread. */
static struct task *task_of(struct xb_lsched *d, pid_t tid, unsigned cpu,
                            struct task *idle)
{
    if (tid == 0) {
        idle->tid = 0;
        idle->domid = XB_IDLE_DOMID;
        idle->vcpu = cpu;
        return idle;
    }
    struct task *t = find_task(d, tid);
    if (t)
        return t;
    if (!(t = insert_task(d, tid)))
        return NULL;
    t->domid = XB_HOST_DOMID;
    t->vcpu = d->host_next++;
    return t;
}

static int load_file(const char *path, char **buf, size_t *len, struct xb_err *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    size_t cap = 8192;
    *buf = malloc(cap);
    *len = 0;
    size_t n;
    while (*buf && (n = fread(*buf + *len, 1, cap - *len - 1, f)) > 0) {
        *len += n;
        if (*len + 1 >= cap) {
            char *b = realloc(*buf, cap *= 2);
            if (!b)
                free(*buf);
            *buf = b;
        }
    }
    fclose(f);
    if (!*buf)
        return xb_err_set(err, -ENOMEM, "out of memory");
    (*buf)[*len] = 0;
    return 0;
}

static struct tep_format_field *field(struct tep_event *ev, const char *name,
                                      const char *dir, struct xb_err *err)
{
    struct tep_format_field *f = ev ? tep_find_field(ev, name) : NULL;
    if (!f)
        xb_err_set(err, -XB_EINPUT, "%s/sched-%s.format: no field '%s'", dir,
                   ev ? ev->name : "?", name);
    return f;
}

/* ---- Format checks ----
 * The saved formats are read by libtraceevent, which trusts them: a field
 * line cut short or a print format naming a field that is not there crashes
 * its parser, and a field offset past the page would make read_event() read
 * past a record.  check_format() lets only well-formed lines through and
 * drops the print format (nothing here prints events). */

/* The page header as kbuffer reads it (xb_lsched_new: long-sized commit). */
#define PAGE_HDR (8u + (unsigned)sizeof(long))
#define RB_MISSED_EVENTS (1ull << 31)
#define RB_MISSED_STORED (1ull << 30)
/* The kernel adds RB_MISSED_EVENTS, an int (1 << 31), to the long commit:
 * on 64-bit it arrives sign-extended, the upper half all ones. */
#define RB_MISSED_SIGN (0xffffffffull << 32)
/* ring-buffer record types above the data lengths (type_len 1..28) */
#define RB_TYPE_PADDING 29u
#define RB_TYPE_DATA_MAX 28u

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* "N;" with N a decimal (maybe negative) that fits a long; advances *p. */
static bool parse_num(const char **p, const char *end, long *v)
{
    const char *q = *p;
    bool neg = q < end && *q == '-';
    q += neg;
    if (q >= end || *q < '0' || *q > '9')
        return false;
    long n = 0;
    for (; q < end && *q >= '0' && *q <= '9'; q++) {
        if (n > (LONG_MAX - 9) / 10)
            return false;
        n = n * 10 + (*q - '0');
    }
    if (q >= end || *q != ';')
        return false;
    *v = neg ? -n : n;
    *p = q + 1;
    return true;
}

/* One "field:DECL;<ws>offset:N;<ws>size:N;[<ws>signed:N;]" line (without
 * its newline): the field's name, offset and size.  DECL is words of
 * [A-Za-z0-9_*] with [N], [NAME] or [] after a word; the name is its last
 * word. */
static bool parse_field_line(const char *p, const char *end, char *name,
                             size_t namelen, long *off, long *size)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 6 || memcmp(p, "field:", 6) != 0)
        return false;
    p += 6;
    const char *decl = p, *semi = memchr(p, ';', (size_t)(end - p));
    if (!semi)
        return false;
    const char *nend = NULL;          /* end of the last word */
    for (const char *q = decl; q < semi; q++) {
        if (*q == '[') {
            if (!nend || nend != q)
                return false;
            for (q++; q < semi && ident_char(*q); q++)   /* [16], [LEN], [] */
                ;
            if (q >= semi || *q != ']')
                return false;
        } else if (ident_char(*q)) {
            if (q + 1 == semi || !ident_char(q[1]))
                nend = q + 1;
        } else if (*q != ' ' && *q != '\t' && *q != '*') {
            return false;
        }
    }
    if (!nend)
        return false;
    const char *nstart = nend;
    while (nstart > decl && ident_char(nstart[-1]))
        nstart--;
    if ((size_t)(nend - nstart) >= namelen)
        return false;
    memcpy(name, nstart, (size_t)(nend - nstart));
    name[nend - nstart] = 0;
    bool have_off = false, have_size = false;
    for (p = semi + 1;;) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p == end)
            break;
        long v;
        if (end - p > 7 && memcmp(p, "offset:", 7) == 0 && !have_off) {
            p += 7;
            if (!parse_num(&p, end, off))
                return false;
            have_off = true;
        } else if (end - p > 5 && memcmp(p, "size:", 5) == 0 && !have_size) {
            p += 5;
            if (!parse_num(&p, end, size))
                return false;
            have_size = true;
        } else if (end - p > 7 && memcmp(p, "signed:", 7) == 0) {
            p += 7;
            if (!parse_num(&p, end, &v))
                return false;
        } else {
            return false;
        }
    }
    return have_off && have_size;
}

/* Check a header_page (event == NULL) or sched-EVENT.format text in buf;
 * for an event, cut it before its print format (*len shrinks). */
static int check_format(const char *path, char *buf, size_t *len,
                        const char *event, size_t page, struct xb_err *err)
{
    const char *p = buf, *end = buf + *len;
    unsigned lineno = 0;
    bool have_name = false, have_id = false, have_type = false;
    long ts_off = -1, ts_size = 0, commit_off = -1, commit_size = 0, data_off = -1;
    char name[64];
    long off, size;
    if (page <= PAGE_HDR)
        return xb_err_set(err, -XB_EINPUT, "%s: page size %zu is too small", path,
                          page);
    if (memchr(buf, 0, *len))
        return xb_err_set(err, -XB_EINPUT, "%s: binary data, not a format", path);
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        lineno++;
        const char *q = p;
        while (q < eol && (*q == ' ' || *q == '\t'))
            q++;
        if (q == eol) {
            /* blank */
        } else if (event && eol - p >= 10 && memcmp(p, "print fmt:", 10) == 0) {
            buf[p - buf] = 0;
            *len = (size_t)(p - buf);
            break;
        } else if (event && eol - p > 6 && memcmp(p, "name: ", 6) == 0) {
            size_t n = strlen(event);
            if ((size_t)(eol - p - 6) != n || memcmp(p + 6, event, n) != 0)
                return xb_err_set(err, -XB_EINPUT, "%s: line %u: not the %s "
                                  "format", path, lineno, event);
            have_name = true;
        } else if (event && eol - p > 4 && memcmp(p, "ID: ", 4) == 0) {
            const char *r = p + 4;
            for (; r < eol && *r >= '0' && *r <= '9'; r++)
                ;
            if (r == p + 4 || r != eol || eol - p - 4 > 5)
                return xb_err_set(err, -XB_EINPUT, "%s: line %u: bad ID", path,
                                  lineno);
            have_id = true;
        } else if (event && eol - p == 7 && memcmp(p, "format:", 7) == 0) {
            /* the field list follows */
        } else if (parse_field_line(p, eol, name, sizeof name, &off, &size)) {
            if (off < 0 || size < 0 || (unsigned long)off + (unsigned long)size >
                                       page - (event ? PAGE_HDR : 0))
                return xb_err_set(err, -XB_EINPUT, "%s: line %u: field '%s' "
                                  "(offset %ld, size %ld) does not fit a page",
                                  path, lineno, name, off, size);
            if (event && strcmp(name, "common_type") == 0)
                have_type = true;
            if (!event && strcmp(name, "timestamp") == 0)
                ts_off = off, ts_size = size;
            if (!event && strcmp(name, "commit") == 0)
                commit_off = off, commit_size = size;
            if (!event && strcmp(name, "data") == 0)
                data_off = off;
        } else {
            return xb_err_set(err, -XB_EINPUT, "%s: line %u: not a format line",
                              path, lineno);
        }
        p = eol + 1;
    }
    if (event && (!have_name || !have_id || !have_type))
        return xb_err_set(err, -XB_EINPUT, "%s: no %s", path,
                          !have_name ? "name" : !have_id ? "ID"
                          : "field 'common_type'");
    if (!event && (ts_off != 0 || ts_size != 8 || commit_off != 8 ||
                   commit_size != (long)sizeof(long) || data_off != (long)PAGE_HDR))
        return xb_err_set(err, -XB_EINPUT, "%s: not the page layout read here "
                          "(timestamp at 0, %zu-byte commit at 8, data at %u)",
                          path, sizeof(long), PAGE_HDR);
    return 0;
}

static unsigned record_need(const struct xb_lsched *d, int type, const char **name);

/* The fields read_event() uses: numbers of 1, 2, 4 or 8 bytes; the events
 * told apart by distinct IDs. */
static int check_fields(const struct xb_lsched *d, const char *dir, struct xb_err *err)
{
    struct tep_format_field *const f[] = {
        d->f_type, d->f_prev_pid, d->f_prev_state, d->f_next_pid, d->f_wake_pid,
        d->f_wake_cpu, d->f_wnew_pid, d->f_wnew_cpu, d->f_parent, d->f_child,
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        int sz = f[i]->size;
        if (sz != 1 && sz != 2 && sz != 4 && sz != 8)
            return xb_err_set(err, -XB_EINPUT, "%s/sched-%s.format: field '%s' "
                              "has %d bytes, not a number", dir, f[i]->event->name,
                              f[i]->name, sz);
    }
    for (int i = 0; i < NEV; i++)
        for (int k = 0; k < i; k++)
            if (d->ev_id[i] == d->ev_id[k])
                return xb_err_set(err, -XB_EINPUT, "%s/sched-%s.format: ID %d is "
                                  "also %s's", dir, ev_names[i], d->ev_id[i],
                                  ev_names[k]);
    return 0;
}

int xb_lsched_new(struct xb_lsched **out, const char *dir, unsigned ncpu,
                  size_t page_size, uint64_t t0, struct xb_err *err)
{
    *out = NULL;
    struct xb_lsched *d = calloc(1, sizeof *d);
    if (!d || !(d->q = calloc(ncpu, sizeof *d->q)) ||
        !(d->in = calloc(ncpu, sizeof *d->in)) || !(d->tep = tep_alloc())) {
        xb_lsched_free(d);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    d->ncpu = ncpu;
    d->page = page_size;
    d->t0 = t0;
    d->hold_ns = REPAIR_LONG_NS;
    for (unsigned i = 0; i < ncpu; i++)
        d->q[i].fd = -1;
    tep_set_page_size(d->tep, (int)page_size);
    char path[4200], *buf;
    size_t len;
    int rc;
    snprintf(path, sizeof path, "%s/header_page", dir);
    if ((rc = load_file(path, &buf, &len, err)))
        goto fail;
    if ((rc = check_format(path, buf, &len, NULL, page_size, err))) {
        free(buf);
        goto fail;
    }
    rc = tep_parse_header_page(d->tep, buf, len, (int)sizeof(long));
    free(buf);
    if (rc) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: not a tracefs header_page", path);
        goto fail;
    }
    for (int i = 0; i < NEV; i++) {
        snprintf(path, sizeof path, "%s/sched-%s.format", dir, ev_names[i]);
        if ((rc = load_file(path, &buf, &len, err)))
            goto fail;
        if ((rc = check_format(path, buf, &len, ev_names[i], page_size, err))) {
            free(buf);
            goto fail;
        }
        enum tep_errno e = tep_parse_event(d->tep, buf, len, "sched");
        free(buf);
        if (e) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: not an event format", path);
            goto fail;
        }
        struct tep_event *ev = tep_find_event_by_name(d->tep, "sched", ev_names[i]);
        d->ev_id[i] = ev ? ev->id : -1;
    }
    struct tep_event *sw = tep_find_event_by_name(d->tep, "sched", "sched_switch");
    struct tep_event *wk = tep_find_event_by_name(d->tep, "sched", "sched_wakeup");
    struct tep_event *wn = tep_find_event_by_name(d->tep, "sched", "sched_wakeup_new");
    struct tep_event *fk = tep_find_event_by_name(d->tep, "sched", "sched_process_fork");
    d->f_type = sw ? tep_find_common_field(sw, "common_type") : NULL;
    if (!d->f_type ||
        !(d->f_prev_pid = field(sw, "prev_pid", dir, err)) ||
        !(d->f_prev_state = field(sw, "prev_state", dir, err)) ||
        !(d->f_next_pid = field(sw, "next_pid", dir, err)) ||
        !(d->f_wake_pid = field(wk, "pid", dir, err)) ||
        !(d->f_wake_cpu = field(wk, "target_cpu", dir, err)) ||
        !(d->f_wnew_pid = field(wn, "pid", dir, err)) ||
        !(d->f_wnew_cpu = field(wn, "target_cpu", dir, err)) ||
        !(d->f_parent = field(fk, "parent_pid", dir, err)) ||
        !(d->f_child = field(fk, "child_pid", dir, err))) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: event formats incomplete", dir);
        goto fail;
    }
    if ((rc = check_fields(d, dir, err)))
        goto fail;
    const char *name;
    for (int i = 0; i < NEV; i++)
        d->need[i] = record_need(d, d->ev_id[i], &name);
    d->need_other = record_need(d, -1, &name);
    *out = d;
    return 0;
fail:
    xb_lsched_free(d);
    return rc;
}

void xb_lsched_free(struct xb_lsched *d)
{
    if (!d)
        return;
    for (unsigned i = 0; d->q && i < d->ncpu; i++) {
        struct cpuq *q = &d->q[i];
        for (size_t k = 0; k < q->live_n; k++)
            free(q->live[(q->live_head + k) % q->live_cap]);   /* NULL: a gap */
        for (size_t k = 0; k < q->nspare; k++)
            free(q->spare[k]);
        free(q->live);
        free(q->spare);
        free(q->walking);
        free(q->chunk);
        free(q->path);
        for (size_t k = 0; k < q->nmore; k++)
            free(q->more[k]);
        free(q->more);
        if (q->fd >= 0)
            close(q->fd);
    }
    free(d->q);
    free(d->in);
    free(d->buf);
    free(d->tasks);
    free(d->doms);
    if (d->tep)
        tep_free(d->tep);
    free(d);
}

/* ---- Page loading ----
 * Every page is checked before it is walked (check_page): the walk trusts
 * the commit word and each record's length, so a damaged page would make it
 * read past the page.  A damaged page is skipped (the CPU's time up to its
 * next event is then a lost-records gap) and told in the warning with the
 * file and the page's byte offset; with xb_lsched_set_strict() it stops the
 * decoding instead.  A file's pages are checked as they are read, so its
 * damage is known once the decoder has passed it. */

/* Little-endian loads of 1, 2, 4 or 8 bytes (the run's byte order; the
 * header check allows only these sizes). */
static inline uint64_t ld(const unsigned char *p, unsigned n)
{
    uint8_t b;
    uint16_t h;
    uint32_t w;
    uint64_t q;
    switch (n) {
    case 1:
        memcpy(&b, p, 1);
        return b;
    case 2:
        memcpy(&h, p, 2);
        return le16toh(h);
    case 4:
        memcpy(&w, p, 4);
        return le32toh(w);
    default:
        memcpy(&q, p, 8);
        return le64toh(q);
    }
}

static inline uint32_t ld32(const unsigned char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return le32toh(w);
}

static unsigned field_end(const struct tep_format_field *f)
{
    return (unsigned)f->offset + (unsigned)f->size;
}

static unsigned max_end(const struct tep_format_field *a,
                        const struct tep_format_field *b)
{
    unsigned x = field_end(a), y = field_end(b);
    return x > y ? x : y;
}

/* Data bytes a record of this event id must hold for read_event(). */
static unsigned record_need(const struct xb_lsched *d, int type, const char **name)
{
    unsigned n = field_end(d->f_type), k = 0;
    if (type == d->ev_id[EV_SWITCH]) {
        k = max_end(d->f_prev_pid, d->f_next_pid);
        if (field_end(d->f_prev_state) > k)
            k = field_end(d->f_prev_state);
        *name = ev_names[EV_SWITCH];
    } else if (type == d->ev_id[EV_WAKEUP]) {
        k = max_end(d->f_wake_pid, d->f_wake_cpu);
        *name = ev_names[EV_WAKEUP];
    } else if (type == d->ev_id[EV_WAKEUP_NEW]) {
        k = max_end(d->f_wnew_pid, d->f_wnew_cpu);
        *name = ev_names[EV_WAKEUP_NEW];
    } else if (type == d->ev_id[EV_FORK]) {
        k = max_end(d->f_parent, d->f_child);
        *name = ev_names[EV_FORK];
    }
    return k > n ? k : n;
}

/* 0 when page_next() and read_event() stay inside this page, else -1 with
 * the reason in why.  Walks the records as page_next() does: a 32-bit
 * header (type_len: low 5 bits); type_len 1..28: 4 * type_len data bytes;
 * 0: a length word (itself and the data), then the data; padding: a length
 * word (itself and what follows); time extend and time stamp: 8 bytes. */
static int check_page(const struct xb_lsched *d, const unsigned char *pg,
                      char *why, size_t whylen)
{
    size_t cap = d->page - PAGE_HDR;
    uint64_t commit = ld(pg + 8, (unsigned)sizeof(long));
    if (sizeof(long) == 8 && (commit & RB_MISSED_SIGN) == RB_MISSED_SIGN &&
        (commit & RB_MISSED_EVENTS))
        commit &= ~RB_MISSED_SIGN;
    uint64_t len = commit & ~(RB_MISSED_EVENTS | RB_MISSED_STORED);
    if (len > cap) {
        snprintf(why, whylen, "commit length %llu exceeds the page",
                 (unsigned long long)len);
        return -1;
    }
    if ((commit & RB_MISSED_EVENTS) && (commit & RB_MISSED_STORED) &&
        len + sizeof(long) > cap) {
        snprintf(why, whylen, "commit length %llu leaves no room for the "
                 "missed-events count", (unsigned long long)len);
        return -1;
    }
    const unsigned char *data = pg + PAGE_HDR;
    unsigned tsz = (unsigned)d->f_type->size, toff = (unsigned)d->f_type->offset;
    unsigned type_end = toff + tsz;
    size_t off = 0;
    while (off < len) {
        if (off + 4 > len)
            goto past;
        unsigned type_len = ld32(data + off) & 31u;
        size_t start = off + 4, dlen;
        if (type_len > RB_TYPE_DATA_MAX) {   /* padding, time extend/stamp */
            if (off + 8 > len)
                goto past;
            if (type_len == RB_TYPE_PADDING) {
                uint64_t plen = ld32(data + off + 4);
                if (plen < 4 || plen > INT32_MAX) {
                    snprintf(why, whylen, "padding at byte %zu has length %llu",
                             off, (unsigned long long)plen);
                    return -1;
                }
                off += 4 + plen;         /* past the commit: the page ends */
            } else {
                off += 8;
            }
            continue;
        }
        if (type_len == 0) {
            if (off + 8 > len)
                goto past;
            uint64_t rlen = ld32(data + off + 4);
            if (rlen < 4 || rlen > INT32_MAX) {
                snprintf(why, whylen, "record at byte %zu has length %llu", off,
                         (unsigned long long)rlen);
                return -1;
            }
            start = off + 8;
            dlen = (size_t)((rlen - 4 + 3) & ~3ull);
        } else {
            dlen = 4 * (size_t)type_len;
        }
        if (start + dlen > len)
            goto past;
        const char *name = "any event";
        unsigned need = type_end;
        if (dlen >= need) {
            int type = (int)ld(data + start + toff, tsz);
            need = d->need_other;
            for (int i = 0; i < NEV; i++)
                if (type == d->ev_id[i])
                    need = d->need[i];
            if (dlen < need)
                record_need(d, type, &name);
        }
        if (dlen < need) {
            snprintf(why, whylen, "record at byte %zu holds %zu bytes, too few "
                     "for %s (%u)", off, dlen, name, need);
            return -1;
        }
        off = start + dlen;
    }
    return 0;
past:
    snprintf(why, whylen, "record at byte %zu runs past the commit length %llu",
             off, (unsigned long long)len);
    return -1;
}

/* The warning: a partial last page, then damaged pages. */
static void compose_warning(struct xb_lsched *d)
{
    char bad[sizeof d->bad_msg + 64] = "";
    if (d->bad_pages == 1)
        snprintf(bad, sizeof bad, "%s: skipped", d->bad_msg);
    else if (d->bad_pages > 1)
        snprintf(bad, sizeof bad, "%llu damaged pages skipped, the first: %s",
                 (unsigned long long)d->bad_pages, d->bad_msg);
    snprintf(d->warning, sizeof d->warning, "%s%s%s", d->tail_msg,
             d->tail_msg[0] && bad[0] ? "; " : "", bad);
}

/* A damaged page: counted and told, or (strict) the decoding stops. */
static void bad_page(struct xb_lsched *d, const char *file, uint64_t off,
                     const char *why)
{
    if (d->strict && !d->failed) {
        d->failed = -XB_EINPUT;
        snprintf(d->fail_msg, sizeof d->fail_msg, "%s: page at offset %llu: %s "
                 "(--strict)", file, (unsigned long long)off, why);
    }
    if (d->bad_pages++ == 0)
        snprintf(d->bad_msg, sizeof d->bad_msg, "%s: page at offset %llu: %s",
                 file, (unsigned long long)off, why);
    compose_warning(d);
}

void xb_lsched_set_strict(struct xb_lsched *d, bool strict)
{
    d->strict = strict;
}

/* Largest page the checks accept (record offsets are kept in 32 bits; the
 * kernel's pages are far smaller). */
#define PAGE_MAX (1u << 26)

/* Open path as q's current file (whole pages; a partial tail is told and
 * left out).  Returns 0 or a negative code with msg set. */
static int open_file(struct xb_lsched *d, struct cpuq *q, const char *path,
                     char *msg, size_t msglen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        snprintf(msg, msglen, "%s: %s", path, strerror(e));
        if (fd >= 0)
            close(fd);
        return -XB_EINPUT;
    }
    uint64_t len = (uint64_t)st.st_size;
    if (len % d->page) {
        snprintf(d->tail_msg, sizeof d->tail_msg, "%s: %llu bytes at the end are "
                 "not a whole %zu-byte page (recording cut short?): ignored",
                 path, (unsigned long long)(len % d->page), d->page);
        compose_warning(d);
    }
    len -= len % d->page;
    char *p = strdup(path);
    if (!p || (len && !q->chunk && !(q->chunk = malloc(CHUNK_PAGES * d->page)))) {
        free(p);
        close(fd);
        snprintf(msg, msglen, "out of memory");
        return -ENOMEM;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    if (q->fd >= 0)
        close(q->fd);
    free(q->path);
    q->path = p;
    q->fd = fd;
    q->file_len = len;
    q->file_off = 0;
    return 0;
}

int xb_lsched_map_file(struct xb_lsched *d, unsigned cpu, const char *path,
                       struct xb_err *err)
{
    if (cpu >= d->ncpu)
        return xb_err_set(err, -XB_EINPUT, "%s: CPU %u of %u", path, cpu, d->ncpu);
    if (d->page <= PAGE_HDR || d->page > PAGE_MAX)
        return xb_err_set(err, -XB_EINPUT, "%s: page size %zu is not usable",
                          path, d->page);
    struct cpuq *q = &d->q[cpu];
    if (q->path) {
        /* a later segment: checked here, opened when the one before ends */
        struct stat st;
        if (stat(path, &st) < 0)
            return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
        char **m = realloc(q->more, (q->nmore + 1) * sizeof *m);
        if (!m)
            return xb_err_set(err, -ENOMEM, "out of memory");
        q->more = m;
        if (!(m[q->nmore] = strdup(path)))
            return xb_err_set(err, -ENOMEM, "out of memory");
        q->nmore++;
        return 0;
    }
    char msg[4400];
    int rc = open_file(d, q, path, msg, sizeof msg);
    return rc ? xb_err_set(err, rc, "%s", msg) : 0;
}

/* Fill q->chunk with the file's next pages.  false at the end (or on a
 * read error, which stops the decoding). */
static bool read_chunk(struct xb_lsched *d, struct cpuq *q)
{
    while (q->fd >= 0 && q->file_off >= q->file_len && q->imore < q->nmore) {
        char msg[sizeof d->fail_msg];   /* the next segment of a ring run */
        if (open_file(d, q, q->more[q->imore++], msg, sizeof msg)) {
            if (!d->failed) {
                d->failed = -XB_EINPUT;
                snprintf(d->fail_msg, sizeof d->fail_msg, "%s", msg);
            }
            return false;
        }
    }
    if (q->fd < 0 || q->file_off >= q->file_len)
        return false;
    uint64_t want = q->file_len - q->file_off;
    if (want > CHUNK_PAGES * d->page)
        want = CHUNK_PAGES * d->page;
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(q->fd, q->chunk + got, (size_t)(want - got),
                          (off_t)(q->file_off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!d->failed) {
                d->failed = -EIO;
                snprintf(d->fail_msg, sizeof d->fail_msg, "%s: reading at byte "
                         "offset %llu: %s", q->path,
                         (unsigned long long)(q->file_off + got),
                         n < 0 ? strerror(errno) : "the file shrank");
            }
            return false;
        }
        got += (size_t)n;
    }
    q->chunk_off = q->file_off;
    q->file_off += want;
    q->chunk_n = (size_t)(want / d->page);
    q->chunk_i = 0;
    return true;
}

/* Room for one more live page.  Every page buffer is queued, walked or
 * spare, and a new one is made only when none is spare, so live_cap + 1
 * spares always fit. */
static int live_room(struct cpuq *q)
{
    if (q->live_n < q->live_cap)
        return 0;
    size_t cap = q->live_cap ? 2 * q->live_cap : 64;
    unsigned char **l = malloc(cap * sizeof *l);
    unsigned char **sp = realloc(q->spare, (cap + 1) * sizeof *sp);
    if (sp)
        q->spare = sp;
    if (!l || !sp) {
        free(l);
        return -ENOMEM;
    }
    for (size_t k = 0; k < q->live_n; k++)
        l[k] = q->live[(q->live_head + k) % q->live_cap];
    free(q->live);
    q->live = l;
    q->live_head = 0;
    q->live_cap = cap;
    return 0;
}

int xb_lsched_add_page(struct xb_lsched *d, unsigned cpu, const void *page,
                       size_t len)
{
    if (cpu >= d->ncpu || len > d->page || d->page <= PAGE_HDR || d->page > PAGE_MAX)
        return -EINVAL;
    struct cpuq *q = &d->q[cpu];
    if (live_room(q))
        return -ENOMEM;
    unsigned char *p = q->nspare ? q->spare[--q->nspare] : malloc(d->page);
    if (!p)
        return -ENOMEM;
    memcpy(p, page, len);
    memset(p + len, 0, d->page - len);
    char why[160], name[32];
    uint64_t off = q->added++ * (uint64_t)d->page;
    if (check_page(d, p, why, sizeof why)) {
        snprintf(name, sizeof name, "cpu%u (live)", cpu);
        bad_page(d, name, off, why);
        q->spare[q->nspare++] = p;
        p = NULL;                         /* queued as a gap */
    }
    q->live[(q->live_head + q->live_n++) % q->live_cap] = p;
    return 0;
}

/* The next page of this CPU, checked: the file's, then live ones.  NULL
 * when there is none now. */
static const unsigned char *next_page(struct xb_lsched *d, struct cpuq *q)
{
    if (q->walking) {                    /* give the live page back */
        q->spare[q->nspare++] = q->walking;
        q->walking = NULL;
    }
    char why[160];
    while (!d->failed) {
        if (q->chunk_i < q->chunk_n) {
            const unsigned char *pg = q->chunk + q->chunk_i * d->page;
            uint64_t off = q->chunk_off + q->chunk_i * d->page;
            q->chunk_i++;
            if (check_page(d, pg, why, sizeof why)) {
                bad_page(d, q->path, off, why);
                q->gap = true;
                continue;
            }
            q->page_off = off;
            return pg;
        }
        if (read_chunk(d, q))
            continue;
        if (q->live_n) {
            unsigned char *pg = q->live[q->live_head];
            q->live_head = (q->live_head + 1) % q->live_cap;
            q->live_n--;
            if (!pg) {                   /* a damaged page: a gap */
                q->gap = true;
                continue;
            }
            return q->walking = pg;
        }
        return NULL;
    }
    return NULL;
}

/* The next data record of the loaded page (its time in q->ts), or NULL at
 * the page's end.  Time extends, absolute time stamps and padding
 * (discarded events) only move the clock.  check_page() has bounded every
 * length read here. */
#define TS_SHIFT 27
#define TS_MSB (~((1ull << 59) - 1))
static inline void *page_next(struct cpuq *q)
{
    while (q->off < q->len) {
        const unsigned char *r = q->data + q->off;
        uint32_t w = ld32(r);
        unsigned type_len = w & 31u;
        unsigned long long delta = w >> 5;
        if (type_len - 1 < RB_TYPE_DATA_MAX) {    /* 1..28: the usual record */
            q->off += 4 + 4 * type_len;
            q->ts = q->pts += delta;
            return (void *)(r + 4);
        }
        switch (type_len) {
        case 0:
            q->off += 8 + ((ld32(r + 4) - 4 + 3) & ~3u);
            q->ts = q->pts += delta;
            return (void *)(r + 8);
        case RB_TYPE_PADDING:
            q->pts += delta;
            q->off += 4 + ld32(r + 4);
            break;
        case RB_TYPE_PADDING + 1:               /* time extend */
            q->pts += ((unsigned long long)ld32(r + 4) << TS_SHIFT) + delta;
            q->off += 8;
            break;
        default:                                 /* absolute time stamp */
            q->pts = (((unsigned long long)ld32(r + 4) << TS_SHIFT) + delta) |
                     (q->pts & TS_MSB);
            q->off += 8;
            break;
        }
    }
    return NULL;
}

/* Make q->ev the next event of this CPU, loading pages as needed.  Returns
 * false when the CPU has no more now. */
static bool next_event(struct xb_lsched *d, struct cpuq *q)
{
    if (q->loaded && (q->ev = page_next(q)))
        return true;
    q->loaded = false;
    const unsigned char *pg;
    while ((pg = next_page(d, q))) {
        uint64_t commit = ld(pg + 8, (unsigned)sizeof(long)) & ~RB_MISSED_SIGN;
        q->data = pg + PAGE_HDR;
        q->len = (uint32_t)(commit & ~(RB_MISSED_EVENTS | RB_MISSED_STORED));
        q->off = 0;
        q->pts = ld(pg, 8);
        q->loaded = true;
        /* Missed events before this page.  The gap is charged when the
         * CPU's next event is fed, even if this page has none. */
        if (commit & RB_MISSED_EVENTS) {
            q->lost_pages++;
            if (commit & RB_MISSED_STORED)
                q->lost += ld(q->data + q->len, (unsigned)sizeof(long));
            q->gap = true;
        }
        if ((q->ev = page_next(q)))
            return true;
        q->loaded = false;
    }
    return false;
}

static inline unsigned long long num(const struct tep_format_field *f, void *data)
{
    return ld((const unsigned char *)data + f->offset, (unsigned)f->size);
}

/* Stage 1: read the merged stream into decoded events, repairing missing
 * idle -> task switches (see REPAIR_NS); stage 2: apply them to the engine
 * the hold behind the newest event read (settled()). */
static int buf_push(struct xb_lsched *d, const struct lev *ev)
{
    if (d->nbuf == d->bufcap) {
        if (d->bufhead) {
            memmove(d->buf, d->buf + d->bufhead, (d->nbuf - d->bufhead) * sizeof *d->buf);
            d->nbuf -= d->bufhead;
            d->bufhead = 0;
        }
        if (d->nbuf == d->bufcap) {
            size_t cap = d->bufcap ? 2 * d->bufcap : 4096;
            struct lev *b = realloc(d->buf, cap * sizeof *b);
            if (!b)
                return -ENOMEM;
            d->buf = b;
            d->bufcap = cap;
        }
    }
    /* Keep time order: a synthetic event may belong before the tail. */
    size_t k = d->nbuf;
    while (k > d->bufhead && d->buf[k - 1].t > ev->t)
        k--;
    if (k < d->nbuf)
        memmove(d->buf + k + 1, d->buf + k, (d->nbuf - k) * sizeof *d->buf);
    d->buf[k] = *ev;
    d->nbuf++;
    return 0;
}

/* The input side of a task: t is the time of its latest event. */
static void touch(struct task *k, uint64_t t)
{
    k->last_t = t;
    k->seen = true;
}

/* Decode one raw event (engine time t) into the buffer. */
static int read_event(struct xb_lsched *d, unsigned cpu, void *data, uint64_t t)
{
    int type = (int)num(d->f_type, data);
    struct lev ev = { .t = t, .cpu = cpu };
    struct task idle;
    if (type == d->ev_id[EV_SWITCH]) {
        ev.kind = EV_SWITCH;
        ev.a = (pid_t)num(d->f_prev_pid, data);
        ev.b = (pid_t)num(d->f_next_pid, data);
        ev.state = num(d->f_prev_state, data);
        struct cpuin *ci = &d->in[cpu];
        struct task *k = ev.a ? task_of(d, ev.a, cpu, &idle) : NULL;
        struct task *n = ev.b ? task_of(d, ev.b, cpu, &idle) : NULL;
        if ((ev.a && !k) || (ev.b && !n))
            return -ENOMEM;
        if (ci->known && ci->occ != ev.a) {
            /* The kernel did not trace the switch from the last thread it
             * put on this CPU to prev (seen on these machines' kernel, most
             * often from idle: docs/linux-recording.md).  Put it back no
             * earlier than anything known about prev (its last wake-up,
             * switch-in or switch-out, on any CPU) and than the last
             * thread's start here.  The last thread, unless idle, leaves
             * into unknown.  If nothing bounds prev (no event of it yet),
             * or the bound is already applied, the time since the last
             * thread's start is unknown for both and for the CPU. */
            uint64_t ts = ci->since;
            bool bounded = k && k->seen;
            if (bounded && k->last_t > ts)
                ts = k->last_t;
            if (ts < d->applied_ns) {
                ts = d->applied_ns;
                bounded = false;
            }
            if (ts > t)
                ts = t;
            struct lev syn = { .t = ts, .cpu = cpu, .kind = EV_SWITCH, .a = ci->occ,
                               .b = bounded ? ev.a : -1,
                               .state = ci->occ || !bounded ? STATE_UNKNOWN : 0,
                               .synthetic = true };
            int rc = buf_push(d, &syn);
            if (rc)
                return rc;
            if (bounded) {
                d->rep.bounded++;
                d->rep.bounded_ns += t - ts;
            } else {
                d->rep.unbounded++;
                d->rep.unbounded_ns += t - ts;
            }
        }
        if (k)
            touch(k, t);
        if (n)
            touch(n, t);
        ci->known = true;
        ci->occ = ev.b;
        ci->since = t;
    } else if (type == d->ev_id[EV_WAKEUP] || type == d->ev_id[EV_WAKEUP_NEW]) {
        bool isnew = type == d->ev_id[EV_WAKEUP_NEW];
        ev.kind = EV_WAKEUP;
        ev.a = (pid_t)num(isnew ? d->f_wnew_pid : d->f_wake_pid, data);
        long long target = (long long)num(isnew ? d->f_wnew_cpu : d->f_wake_cpu, data);
        ev.b = target >= 0 && target < (long long)d->ncpu ? (pid_t)target : (pid_t)cpu;
        struct task *k = ev.a ? task_of(d, ev.a, cpu, &idle) : NULL;
        if (ev.a && !k)
            return -ENOMEM;
        if (k) {
            k->wake_t = t;
            k->wake_cpu = ev.b;
            touch(k, t);
        }
    } else if (type == d->ev_id[EV_FORK]) {
        ev.kind = EV_FORK;
        ev.a = (pid_t)num(d->f_parent, data);
        ev.b = (pid_t)num(d->f_child, data);
        struct task *p = ev.a > 0 ? find_task(d, ev.a) : NULL;
        struct task *c = ev.b > 0 ? find_task(d, ev.b) : NULL;
        if (!c) {
            /* A new tid: of its parent's domain (the next vCPU; in a QEMU
             * domain an emulator thread), else the host's when first seen. */
            d->events++;
            if (!p || p->domid == XB_HOST_DOMID || ev.b <= 0)
                return 0;
            struct dominfo *di = find_dom(d, p->domid);
            uint32_t vcpu = !di ? 0 : di->qemu ? di->next_emu++ : di->next_vcpu++;
            return xb_lsched_thread(d, ev.b, p->domid, vcpu) ? -ENOMEM : 0;
        }
        /* A tid seen before: a new thread now (renumbered in its place in
         * time, apply()); nothing is known of it yet. */
        c->seen = false;
        c->wake_cpu = -1;
    } else {
        d->events++;
        return 0;
    }
    d->events++;
    return buf_push(d, &ev);
}

static int move(struct xb_engine *e, uint64_t t, unsigned cpu, struct task *k,
                enum xb_state old, enum xb_state new_state, int queue)
{
    int rc = xb_engine_transition(e, t, cpu, k->domid, k->vcpu, old, new_state, queue);
    k->state = new_state;
    k->cpu = (int)cpu;
    k->put_out = false;
    return rc;
}

/* A thread gets a new identity: of its parent's domain, or the host's. */
static int renumber(struct xb_lsched *d, struct task *k, uint32_t domid)
{
    struct dominfo *di = domid == XB_HOST_DOMID ? NULL : find_dom(d, domid);
    if (domid != XB_HOST_DOMID && di) {
        k->domid = domid;
        k->vcpu = di->qemu ? di->next_emu++ : di->next_vcpu++;
    } else {
        k->domid = XB_HOST_DOMID;
        k->vcpu = d->host_next++;
    }
    k->state = XB_UNKNOWN;
    k->cpu = -1;
    return 0;
}

/* The task of tid at apply time: a thread that exited and shows up again
 * without a traced fork is a new thread whose owner is not known: the
 * host's, never the exited domain's. */
static struct task *live_task(struct xb_lsched *d, pid_t tid, unsigned cpu,
                              struct task *idle)
{
    struct task *k = task_of(d, tid, cpu, idle);
    if (k && tid && k->state == XB_OFFLINE) {
        d->rep.reused_tids++;
        renumber(d, k, XB_HOST_DOMID);
    }
    return k;
}

/* Stage 2: one decoded event -> engine transitions. */
static int apply(struct xb_lsched *d, struct xb_engine *e, const struct lev *ev)
{
    struct task idle, *k;
    int rc = 0;
    uint64_t t = ev->t;
    unsigned cpu = ev->cpu;
    if (ev->kind == EV_LOST_BEGIN) {
        for (size_t i = 0; i < d->taskcap; i++)
            if (d->tasks[i].tid && d->tasks[i].cpu == (int)cpu)
                d->tasks[i].state = XB_UNKNOWN;
        return xb_engine_lost_begin(e, t, cpu);
    }
    if (ev->kind == EV_LOST_END)
        return xb_engine_lost_end(e, t, cpu, -1, 0);
    if (ev->kind == EV_CPU_END)
        return xb_engine_pcpu_end(e, cpu, t);
    if (ev->kind == EV_FORK) {
        /* A known tid forked anew belongs to whoever forked it now (the
         * parent's domain, else the host), never to an exited domain's
         * thread; unless it is that domain's live thread already (declared
         * at the start while it was being created). */
        struct task *p = ev->a > 0 ? find_task(d, ev->a) : NULL;
        uint32_t domid = p ? p->domid : XB_HOST_DOMID;
        struct task *c = find_task(d, ev->b);
        if (!c || (c->domid == domid && c->state != XB_OFFLINE))
            return 0;
        d->rep.reused_tids++;
        return renumber(d, c, domid);
    }
    if (ev->kind == EV_SWITCH) {
        enum xb_state to = ev->state == STATE_UNKNOWN ? XB_UNKNOWN
                         : (ev->state & PREV_STATE_MASK) == 0 ? XB_RUNNABLE
                         : (ev->state & PREV_STATE_DEAD) ? XB_OFFLINE : XB_BLOCKED;
        if (!(k = live_task(d, ev->a, cpu, &idle)))
            return -ENOMEM;
        /* runnable: queued here; any other state: it last ran here */
        rc = move(e, t, cpu, k, XB_RUNNING, to, (int)cpu);
        k->put_out = ev->synthetic && to == XB_UNKNOWN && ev->a != 0;
        if (!rc && ev->b < 0) {
            /* the CPU's occupant is not known until this CPU's next switch */
            return 0;
        }
        if (!rc) {
            if (!(k = live_task(d, ev->b, cpu, &idle)))
                return -ENOMEM;
            /* Blocked at a switch-in: its wake-up was not traced (as with
             * the switches above, from idle): it ran as soon as woken. */
            enum xb_state old = ev->b == 0 ? XB_RUNNABLE
                              : k->state == XB_UNKNOWN ? XB_UNKNOWN
                              : k->state == XB_BLOCKED ? XB_BLOCKED : XB_RUNNABLE;
            d->rep.implied_wakeups += old == XB_BLOCKED;
            rc = move(e, t, cpu, k, old, XB_RUNNING, -1);
        }
        return rc;
    }
    /* wake-up: blocked -> runnable, queued on the target CPU */
    if (ev->a == 0 || !(k = live_task(d, ev->a, cpu, &idle)))
        return ev->a == 0 ? 0 : -ENOMEM;
    if (k->state == XB_RUNNING || k->state == XB_RUNNABLE)
        return 0;                      /* already on a run queue */
    if (k->put_out) {
        /* Left by a put-back switch and now woken with nothing in between:
         * only a sleeping thread is woken, so it had blocked there. */
        if ((rc = xb_engine_restate(e, t, k->domid, k->vcpu, XB_BLOCKED)))
            return rc;
        k->state = XB_BLOCKED;
    }
    return move(e, t, (unsigned)ev->b, k,
                k->state == XB_BLOCKED ? XB_BLOCKED : XB_UNKNOWN, XB_RUNNABLE, ev->b);
}

int xb_lsched_seed_blocked(struct xb_lsched *d, struct xb_engine *e, pid_t tid,
                           unsigned cpu)
{
    struct task *k = find_task(d, tid);
    if (!k || cpu >= d->ncpu)
        return 0;
    return move(e, 0, cpu, k, XB_UNKNOWN, XB_BLOCKED, (int)cpu);
}

static int apply_upto(struct xb_lsched *d, struct xb_engine *e, uint64_t upto)
{
    while (d->bufhead < d->nbuf && d->buf[d->bufhead].t <= upto) {
        const struct lev *ev = &d->buf[d->bufhead++];
        uint64_t t = ev->t < d->applied_ns ? d->applied_ns : ev->t;
        d->applied_ns = t;
        struct lev cur = *ev;
        cur.t = t;
        int rc = apply(d, e, &cur);
        if (rc)
            return rc;
        if (t > d->last_ns)
            d->last_ns = t;
    }
    if (d->bufhead == d->nbuf)
        d->bufhead = d->nbuf = 0;
    return 0;
}

/* Up to where the events held may be applied: REPAIR_NS behind the newest
 * event read at least, hold_ns behind it while few events are held. */
static uint64_t settled(const struct xb_lsched *d)
{
    uint64_t upto = d->read_ns > d->hold_ns ? d->read_ns - d->hold_ns : 0;
    if (d->hold_ns > REPAIR_NS && d->nbuf - d->bufhead > HOLD_EVENTS) {
        uint64_t t = d->buf[d->nbuf - HOLD_EVENTS].t;
        uint64_t floor = d->read_ns > REPAIR_NS ? d->read_ns - REPAIR_NS : 0;
        t = t < floor ? t : floor;
        upto = t > upto ? t : upto;
    }
    return upto;
}

void xb_lsched_set_live(struct xb_lsched *d) { d->hold_ns = REPAIR_NS; }

int xb_lsched_drain(struct xb_lsched *d, struct xb_engine *e, uint64_t upto,
                    struct xb_err *err)
{
    int rc = 0;
    for (;;) {
        unsigned best = d->ncpu;
        for (unsigned i = 0; i < d->ncpu && !rc; i++) {
            struct cpuq *q = &d->q[i];
            if (!q->ev)
                next_event(d, q);
            if (q->gap && !q->gap_open) {
                /* Events lost after this CPU's last one: the gap begins
                 * there (it was just read, so it is still in the buffer's
                 * reach) and ends at its next event. */
                uint64_t g = q->last_ts > d->t0 ? q->last_ts - d->t0 : 0;
                struct lev lost = { .t = g, .cpu = i, .kind = EV_LOST_BEGIN };
                d->in[i].known = false;
                q->gap_open = true;
                rc = buf_push(d, &lost);
            }
            if (!q->ev && d->cut && !q->ended && q->last_ts && !rc) {
                /* a run cut short: what this CPU did after its last event
                 * is not known (it was read just now, so still in reach) */
                struct lev end = { .t = q->last_ts > d->t0 ? q->last_ts - d->t0 : 0,
                                   .cpu = i, .kind = EV_CPU_END };
                q->ended = true;
                rc = buf_push(d, &end);
            }
            if (!q->ev)
                continue;
            if (best == d->ncpu || q->ts < d->q[best].ts)
                best = i;
        }
        if (rc || best == d->ncpu || d->q[best].ts > upto)
            break;
        struct cpuq *q = &d->q[best];
        if ((d->lo && q->ts < d->lo) || (d->hi && q->ts > d->hi)) {
            /* not this recording's clock: the manifest or the file is wrong */
            rc = xb_err_set(err, -XB_EINPUT, "%s: page at offset %llu: an event at "
                            "CLOCK_MONOTONIC %.6f s, %s the recording (manifest.json "
                            "t0_mono_ns %.6f s, t_stop_mono_ns %.6f s)",
                            q->path ? q->path : "live", (unsigned long long)q->page_off,
                            q->ts / 1e9, q->ts < d->lo ? "before" : "after",
                            (d->lo + BOUND_SLACK_NS) / 1e9,
                            d->hi ? (d->hi - BOUND_SLACK_NS) / 1e9 : 0.0);
            return rc;
        }
        if (q->ts < d->from) {
            /* a ring run: before the span every CPU keeps (its own older
             * pages are gone elsewhere), so not fed: counted */
            q->ev = NULL;
            q->gap = false;
            d->skipped++;
            continue;
        }
        uint64_t t = q->ts > d->t0 ? q->ts - d->t0 : 0;
        if (t < d->read_ns)
            t = d->read_ns;            /* a late commit: keep time monotonic */
        d->read_ns = t;
        if (q->gap) {                  /* the gap ends with this event */
            struct lev lost = { .t = t, .cpu = best, .kind = EV_LOST_END };
            if ((rc = buf_push(d, &lost)))
                break;
            q->gap = q->gap_open = false;
        }
        q->last_ts = q->ts;
        rc = read_event(d, best, q->ev, t);
        q->ev = NULL;
        if (rc)
            break;
        if (d->read_ns > REPAIR_NS && (rc = apply_upto(d, e, settled(d))))
            break;
    }
    if (!rc && d->failed)
        return xb_err_set(err, d->failed, "%s", d->fail_msg);
    if (!rc)
        rc = apply_upto(d, e, upto == UINT64_MAX ? UINT64_MAX : settled(d));
    if (rc < 0 && rc != XB_ENGINE_TOO_MANY_WINDOWS)
        return xb_err_set(err, rc, "out of memory");
    return rc;
}

void xb_lsched_set_cut(struct xb_lsched *d) { d->cut = true; }

void xb_lsched_set_bounds(struct xb_lsched *d, uint64_t t0, uint64_t t_stop)
{
    d->lo = t0 > BOUND_SLACK_NS ? t0 - BOUND_SLACK_NS : 1;
    d->hi = t_stop ? t_stop + BOUND_SLACK_NS : 0;
}
void xb_lsched_set_from(struct xb_lsched *d, uint64_t from) { d->from = from; }
uint64_t xb_lsched_skipped(const struct xb_lsched *d) { return d->skipped; }
uint64_t xb_lsched_events(const struct xb_lsched *d) { return d->events; }
uint64_t xb_lsched_repaired(const struct xb_lsched *d)
{
    return d->rep.bounded + d->rep.unbounded;
}
uint64_t xb_lsched_implied_wakeups(const struct xb_lsched *d)
{
    return d->rep.implied_wakeups;
}
const struct xb_lsched_repairs *xb_lsched_repairs(const struct xb_lsched *d)
{
    return &d->rep;
}
uint64_t xb_lsched_lost(const struct xb_lsched *d, unsigned cpu) { return d->q[cpu].lost; }
uint64_t xb_lsched_lost_pages(const struct xb_lsched *d, unsigned cpu)
{
    return d->q[cpu].lost_pages;
}
uint64_t xb_lsched_last_ns(const struct xb_lsched *d) { return d->last_ns; }
const char *xb_lsched_warning(const struct xb_lsched *d)
{
    return d->warning[0] ? d->warning : NULL;
}
