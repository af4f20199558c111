/* linux_sched.c: raw tracefs pages -> engine transitions (see the header).
 *
 * libtraceevent parses the event formats saved at record time (so a run
 * folder is read correctly on any machine) and its kbuffer walks each page.
 * Threads are kept in an open-addressing hash table keyed by tid.
 */
#define _GNU_SOURCE
#include "linux_sched.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include <unistd.h>

#include "source/linux/domains.h"

/* prev_state: the kernel reports the task state bits below 0x100 (mask from
 * the sched_switch format's print fmt: TASK_REPORT_MAX << 1 minus 1); none
 * set means R (still runnable: preempted).  X (0x10) and Z (0x20): exited. */
#define PREV_STATE_MASK 0xffu
#define PREV_STATE_DEAD 0x30u

enum { EV_SWITCH, EV_WAKEUP, EV_WAKEUP_NEW, EV_FORK, NEV, EV_LOST };

/* Events are applied this far behind the newest one read, so that a switch
 * the kernel did not trace can still be put in its place. */
#define REPAIR_NS 200000000ull

/* A decoded event waiting in the repair buffer. */
struct lev {
    uint64_t t;
    unsigned cpu;
    int kind;            /* EV_SWITCH, EV_WAKEUP, EV_LOST */
    pid_t a, b;          /* switch: prev, next; wake-up: pid, target CPU */
    unsigned long long state;   /* switch: prev_state */
    uint64_t gap0;       /* lost: start of the gap */
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
};

struct dominfo {
    uint32_t domid;
    bool qemu;
    uint32_t next_vcpu, next_emu;
};

struct cpuq {
    const char **page;   /* pages not yet consumed */
    bool *owned;
    size_t n, cap, head;
    struct kbuffer *kb;
    bool loaded;
    void *ev;            /* current event, or NULL */
    unsigned long long ts;
    uint64_t last_ts;    /* last event fed on this CPU (mono) */
    uint64_t lost, lost_pages;
    bool gap;            /* the current page follows missed events */
    void *map;
    size_t maplen;
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
    uint64_t events, repaired, implied_wakeups, last_ns, read_ns, applied_ns;
    char warning[512];
    /* page checks (check_page): damaged pages skipped, the first one's
     * message, and a file's partial last page */
    uint64_t bad_pages;
    char bad_msg[300], tail_msg[200];
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
    for (unsigned i = 0; i < ncpu; i++) {
        d->q[i].kb = kbuffer_alloc(sizeof(long) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
                                   KBUFFER_ENDIAN_LITTLE);
        if (!d->q[i].kb) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto fail;
        }
    }
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
        for (size_t k = q->head; k < q->n; k++)
            if (q->owned[k])
                free((void *)q->page[k]);
        free(q->page);
        free(q->owned);
        if (q->kb)
            kbuffer_free(q->kb);
        if (q->map)
            munmap(q->map, q->maplen);
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
 * Every page is checked before kbuffer sees it (check_page): kbuffer trusts
 * the commit word and each record's length, so a damaged page would make it
 * read past the page.  A damaged page is skipped (a NULL entry in the queue:
 * the CPU's time up to its next event is then a lost-records gap) and told
 * in the warning with the file and the page's byte offset. */

static uint64_t rd_le(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
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

/* 0 when kbuffer and read_event() stay inside this page, else -1 with the
 * reason in why.  Walks the records as kbuffer does: a 32-bit header
 * (type_len: low 5 bits); type_len 1..28: 4 * type_len data bytes; 0: a
 * length word (itself and the data), then the data; padding: a length word
 * (itself and what follows); time extend and time stamp: 8 bytes. */
static int check_page(const struct xb_lsched *d, const unsigned char *pg,
                      char *why, size_t whylen)
{
    size_t cap = d->page - PAGE_HDR;
    uint64_t commit = rd_le(pg + 8, (unsigned)sizeof(long));
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
    size_t off = 0;
    while (off < len) {
        if (off + 4 > len)
            goto past;
        unsigned type_len = (unsigned)rd_le(data + off, 4) & 31u;
        size_t start = off + 4, dlen;
        if (type_len > RB_TYPE_DATA_MAX) {   /* padding, time extend/stamp */
            if (off + 8 > len)
                goto past;
            if (type_len == RB_TYPE_PADDING) {
                uint64_t plen = rd_le(data + off + 4, 4);
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
            uint64_t rlen = rd_le(data + off + 4, 4);
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
        unsigned need = field_end(d->f_type);
        if (dlen >= need) {
            unsigned long long type = 0;
            tep_read_number_field(d->f_type, data + start, &type);
            need = record_need(d, (int)type, &name);
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

static void bad_page(struct xb_lsched *d, const char *file, uint64_t off,
                     const char *why)
{
    if (d->bad_pages++ == 0)
        snprintf(d->bad_msg, sizeof d->bad_msg, "%s: page at offset %llu: %s",
                 file, (unsigned long long)off, why);
    compose_warning(d);
}

/* Queue a page (NULL: a damaged page, skipped with a gap). */
static int push_page(struct cpuq *q, const char *page, bool owned)
{
    if (q->head && q->head == q->n) {
        q->head = q->n = 0;
    }
    if (q->n == q->cap) {
        if (q->head) {                   /* reuse the consumed front */
            memmove(q->page, q->page + q->head, (q->n - q->head) * sizeof *q->page);
            memmove(q->owned, q->owned + q->head, (q->n - q->head) * sizeof *q->owned);
            q->n -= q->head;
            q->head = 0;
        }
        if (q->n == q->cap) {
            size_t cap = q->cap ? 2 * q->cap : 64;
            const char **p = realloc(q->page, cap * sizeof *p);
            if (!p)
                return -ENOMEM;
            q->page = p;
            bool *o = realloc(q->owned, cap * sizeof *o);
            if (!o)
                return -ENOMEM;
            q->owned = o;
            q->cap = cap;
        }
    }
    q->page[q->n] = page;
    q->owned[q->n++] = owned;
    return 0;
}

/* Largest page the checks accept (kbuffer keeps offsets in 27 bits). */
#define PAGE_MAX (1u << 26)

int xb_lsched_map_file(struct xb_lsched *d, unsigned cpu, const char *path,
                       struct xb_err *err)
{
    if (cpu >= d->ncpu)
        return xb_err_set(err, -XB_EINPUT, "%s: CPU %u of %u", path, cpu, d->ncpu);
    if (d->page <= PAGE_HDR || d->page > PAGE_MAX)
        return xb_err_set(err, -XB_EINPUT, "%s: page size %zu is not usable",
                          path, d->page);
    struct cpuq *q = &d->q[cpu];
    if (q->map)
        return xb_err_set(err, -XB_EINPUT, "%s: CPU %u already has a file", path, cpu);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    }
    size_t len = (size_t)st.st_size;
    if (len % d->page) {
        snprintf(d->tail_msg, sizeof d->tail_msg, "%s: %zu bytes at the end are "
                 "not a whole %zu-byte page (recording cut short?): ignored",
                 path, len % d->page, d->page);
        compose_warning(d);
    }
    len -= len % d->page;
    if (len) {
        q->map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (q->map == MAP_FAILED) {
            q->map = NULL;
            close(fd);
            return xb_err_set(err, -EIO, "%s: mmap: %s", path, strerror(errno));
        }
        q->maplen = len;
        madvise(q->map, len, MADV_SEQUENTIAL);
    }
    close(fd);
    char why[160];
    for (size_t off = 0; off < len; off += d->page) {
        const char *pg = (const char *)q->map + off;
        if (check_page(d, (const unsigned char *)pg, why, sizeof why)) {
            bad_page(d, path, off, why);
            pg = NULL;
        }
        if (push_page(q, pg, false))
            return xb_err_set(err, -ENOMEM, "out of memory");
    }
    return 0;
}

int xb_lsched_add_page(struct xb_lsched *d, unsigned cpu, const void *page,
                       size_t len)
{
    if (cpu >= d->ncpu || len > d->page || d->page <= PAGE_HDR || d->page > PAGE_MAX)
        return -EINVAL;
    char *p = calloc(1, d->page);
    if (!p)
        return -ENOMEM;
    memcpy(p, page, len);
    char why[160], name[32];
    uint64_t off = d->q[cpu].added++ * (uint64_t)d->page;
    if (check_page(d, (unsigned char *)p, why, sizeof why)) {
        snprintf(name, sizeof name, "cpu%u (live)", cpu);
        bad_page(d, name, off, why);
        free(p);
        p = NULL;
    }
    int rc = push_page(&d->q[cpu], p, p != NULL);
    if (rc)
        free(p);
    return rc;
}

/* Make q->ev the next event of this CPU, loading pages as needed.  Returns
 * false when the CPU has no more. */
static bool next_event(struct cpuq *q)
{
    if (q->loaded) {
        q->ev = kbuffer_next_event(q->kb, &q->ts);
        if (q->ev)
            return true;
        /* page done */
        if (q->owned[q->head])
            free((void *)q->page[q->head]);
        q->head++;
        q->loaded = false;
    }
    while (q->head < q->n) {
        if (!q->page[q->head]) {         /* damaged, skipped: a gap */
            q->gap = true;
            q->head++;
            continue;
        }
        if (kbuffer_load_subbuffer(q->kb, (void *)q->page[q->head]) < 0) {
            if (q->owned[q->head])
                free((void *)q->page[q->head]);
            q->head++;
            continue;
        }
        q->loaded = true;
        q->ev = kbuffer_read_event(q->kb, &q->ts);
        /* Missed events before this page (read here: kbuffer_missed_events
         * says 0 when the page starts with a time extend or padding).  The
         * gap is charged when the CPU's next event is fed, even if this
         * page has none. */
        const unsigned char *pg = (const unsigned char *)q->page[q->head];
        uint64_t commit = rd_le(pg + 8, (unsigned)sizeof(long));
        if (commit & RB_MISSED_EVENTS) {
            q->lost_pages++;
            if (commit & RB_MISSED_STORED) {
                uint64_t len = commit & ~(RB_MISSED_EVENTS | RB_MISSED_STORED);
                q->lost += rd_le(pg + PAGE_HDR + len, (unsigned)sizeof(long));
            }
            q->gap = true;
        }
        if (q->ev)
            return true;
        if (q->owned[q->head])
            free((void *)q->page[q->head]);
        q->head++;
        q->loaded = false;
    }
    return false;
}

static unsigned long long num(struct tep_format_field *f, void *data)
{
    unsigned long long v = 0;
    tep_read_number_field(f, data, &v);
    return v;
}

/* Stage 1: read the merged stream into decoded events, repairing missing
 * idle -> task switches (see REPAIR_NS); stage 2: apply them to the engine
 * REPAIR_NS behind the newest event read. */
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
    memmove(d->buf + k + 1, d->buf + k, (d->nbuf - k) * sizeof *d->buf);
    d->buf[k] = *ev;
    d->nbuf++;
    return 0;
}

/* Decode one raw event (engine time t) into the buffer. */
static int read_event(struct xb_lsched *d, unsigned cpu, void *data, uint64_t t)
{
    int type = (int)num(d->f_type, data);
    struct lev ev = { .t = t, .cpu = cpu };
    if (type == d->ev_id[EV_SWITCH]) {
        ev.kind = EV_SWITCH;
        ev.a = (pid_t)num(d->f_prev_pid, data);
        ev.b = (pid_t)num(d->f_next_pid, data);
        ev.state = num(d->f_prev_state, data);
        struct cpuin *ci = &d->in[cpu];
        if (ci->known && ci->occ != ev.a) {
            /* The kernel did not trace the switch from the last thread it
             * put on this CPU to prev (seen on these machines' kernel, most
             * often from idle: docs/linux-recording.md).  Put it back:
             * prev started when it was woken onto this CPU, else when the
             * last thread started; the last thread, if not idle, is taken
             * to have blocked. */
            struct task *k = find_task(d, ev.a);
            uint64_t ts = ci->since;
            if (k && k->wake_cpu == (int)cpu && k->wake_t > ts && k->wake_t <= t)
                ts = k->wake_t;
            if (ts < d->applied_ns)
                ts = d->applied_ns;
            struct lev syn = { .t = ts, .cpu = cpu, .kind = EV_SWITCH, .a = ci->occ,
                               .b = ev.a, .state = ci->occ ? 1 : 0,
                               .synthetic = true };
            int rc = buf_push(d, &syn);
            if (rc)
                return rc;
            d->repaired++;
        }
        ci->known = true;
        ci->occ = ev.b;
        ci->since = t;
    } else if (type == d->ev_id[EV_WAKEUP] || type == d->ev_id[EV_WAKEUP_NEW]) {
        bool isnew = type == d->ev_id[EV_WAKEUP_NEW];
        ev.kind = EV_WAKEUP;
        ev.a = (pid_t)num(isnew ? d->f_wnew_pid : d->f_wake_pid, data);
        long long target = (long long)num(isnew ? d->f_wnew_cpu : d->f_wake_cpu, data);
        ev.b = target >= 0 && target < (long long)d->ncpu ? (pid_t)target : (pid_t)cpu;
        struct task idle;
        struct task *k = ev.a ? task_of(d, ev.a, cpu, &idle) : NULL;
        if (ev.a && !k)
            return -ENOMEM;
        if (k) {
            k->wake_t = t;
            k->wake_cpu = ev.b;
        }
    } else if (type == d->ev_id[EV_FORK]) {
        pid_t parent = (pid_t)num(d->f_parent, data);
        pid_t child = (pid_t)num(d->f_child, data);
        struct task *p = parent ? find_task(d, parent) : NULL;
        if (p && p->domid != XB_HOST_DOMID && !find_task(d, child)) {
            struct dominfo *di = find_dom(d, p->domid);
            uint32_t vcpu = !di ? 0 : di->qemu ? di->next_emu++ : di->next_vcpu++;
            if (xb_lsched_thread(d, child, p->domid, vcpu))
                return -ENOMEM;
        }
        d->events++;
        return 0;
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
    return rc;
}

/* Stage 2: one decoded event -> engine transitions. */
static int apply(struct xb_lsched *d, struct xb_engine *e, const struct lev *ev)
{
    struct task idle, *k;
    int rc = 0;
    uint64_t t = ev->t;
    unsigned cpu = ev->cpu;
    if (ev->kind == EV_LOST) {
        xb_engine_lost(e, t, cpu, ev->gap0 < t ? ev->gap0 : t);
        for (size_t i = 0; i < d->taskcap; i++)
            if (d->tasks[i].tid && d->tasks[i].cpu == (int)cpu)
                d->tasks[i].state = XB_UNKNOWN;
        return 0;
    }
    if (ev->kind == EV_SWITCH) {
        enum xb_state to = (ev->state & PREV_STATE_MASK) == 0 ? XB_RUNNABLE
                         : (ev->state & PREV_STATE_DEAD) ? XB_OFFLINE : XB_BLOCKED;
        if (!(k = task_of(d, ev->a, cpu, &idle)))
            return -ENOMEM;
        rc = move(e, t, cpu, k, XB_RUNNING, to, to == XB_RUNNABLE ? (int)cpu : -1);
        if (!rc) {
            if (!(k = task_of(d, ev->b, cpu, &idle)))
                return -ENOMEM;
            /* Blocked at a switch-in: its wake-up was not traced (as with
             * the switches above, from idle): it ran as soon as woken. */
            enum xb_state old = ev->b == 0 ? XB_RUNNABLE
                              : k->state == XB_UNKNOWN ? XB_UNKNOWN
                              : k->state == XB_BLOCKED ? XB_BLOCKED : XB_RUNNABLE;
            d->implied_wakeups += old == XB_BLOCKED;
            rc = move(e, t, cpu, k, old, XB_RUNNING, -1);
        }
        return rc;
    }
    /* wake-up: blocked -> runnable, queued on the target CPU */
    if (ev->a == 0 || !(k = task_of(d, ev->a, cpu, &idle)))
        return ev->a == 0 ? 0 : -ENOMEM;
    if (k->state == XB_RUNNING || k->state == XB_RUNNABLE)
        return 0;                      /* already on a run queue */
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

int xb_lsched_drain(struct xb_lsched *d, struct xb_engine *e, uint64_t upto,
                    struct xb_err *err)
{
    int rc = 0;
    for (;;) {
        unsigned best = d->ncpu;
        for (unsigned i = 0; i < d->ncpu; i++) {
            struct cpuq *q = &d->q[i];
            if (!q->ev && !next_event(q))
                continue;
            if (best == d->ncpu || q->ts < d->q[best].ts)
                best = i;
        }
        if (best == d->ncpu || d->q[best].ts > upto)
            break;
        struct cpuq *q = &d->q[best];
        uint64_t t = q->ts > d->t0 ? q->ts - d->t0 : 0;
        if (t < d->read_ns)
            t = d->read_ns;            /* a late commit: keep time monotonic */
        d->read_ns = t;
        if (q->gap) {                  /* events lost since the last one */
            struct lev lost = { .t = t, .cpu = best, .kind = EV_LOST,
                                .gap0 = q->last_ts > d->t0 ? q->last_ts - d->t0 : 0 };
            d->in[best].known = false;
            if ((rc = buf_push(d, &lost)))
                break;
            q->gap = false;
        }
        q->last_ts = q->ts;
        rc = read_event(d, best, q->ev, t);
        q->ev = NULL;
        if (rc)
            break;
        if (d->read_ns > REPAIR_NS && (rc = apply_upto(d, e, d->read_ns - REPAIR_NS)))
            break;
    }
    if (!rc)
        rc = apply_upto(d, e, upto == UINT64_MAX ? UINT64_MAX
                        : d->read_ns > REPAIR_NS ? d->read_ns - REPAIR_NS : 0);
    if (rc < 0)
        return xb_err_set(err, rc, "out of memory");
    return rc;
}

uint64_t xb_lsched_events(const struct xb_lsched *d) { return d->events; }
uint64_t xb_lsched_repaired(const struct xb_lsched *d) { return d->repaired; }
uint64_t xb_lsched_implied_wakeups(const struct xb_lsched *d)
{
    return d->implied_wakeups;
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
