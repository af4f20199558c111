/* page_writer.c: tracefs ring-buffer pages from scripted sched events (test
 * only; see page_writer.h).  Reads the formats directory for every layout
 * fact; the ring-buffer record format itself (header word, time extend,
 * padding, missed-events flags) is the kernel's, described in
 * include/linux/ring_buffer.h and Documentation/trace/ring-buffer-design.rst.
 */
#include "page_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ring-buffer record types (type_len values above the data lengths). */
#define TL_MAX_DATA 28u          /* type_len 1..28: data of 4 * type_len */
#define TL_PADDING 29u
#define TL_TIME_EXTEND 30u
#define DELTA_BITS 27
#define MAX_SHORT_DATA (4u * TL_MAX_DATA)
#define MISSED_EVENTS (1ull << 31)
#define MISSED_STORED (1ull << 30)

enum { PW_SWITCH, PW_WAKEUP, PW_WAKEUP_NEW, PW_FORK, PW_NEV };

static const char *const ev_file[PW_NEV] = {
    "sched-sched_switch.format", "sched-sched_wakeup.format",
    "sched-sched_wakeup_new.format", "sched-sched_process_fork.format",
};

struct fmt_field {
    char name[64];
    unsigned off, size;
    bool dataloc;                /* __data_loc: u32 (len << 16 | offset) */
};

struct fmt {
    unsigned id;
    unsigned len;                /* fixed part: end of the last field */
    struct fmt_field f[32];
    unsigned nf;
};

struct pw {
    struct fmt ev[PW_NEV];
    unsigned ts_off, ts_size, commit_off, commit_size, data_off;
    size_t page;                 /* data_off + data size */
    uint8_t *buf;                /* npages * page */
    size_t npages;
    size_t used;                 /* data bytes of the last page */
    bool open;                   /* the last page takes more records */
    bool long_form;
    uint64_t last_t;
    bool missed_pending;
    long missed_n;
    uint64_t flags;              /* flags of the last page's commit */
    long page_missed;            /* count stored on the last page */
    uint8_t scratch[4096];
};

static void die(const char *what)
{
    fprintf(stderr, "page_writer: %s\n", what);
    abort();
}

/* Parse "field:DECL NAME;\toffset:N;\tsize:N;" lines of a format file. */
static int parse_fields(const char *path, struct fmt *ev, bool want_id)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[1024];
    bool have_id = false;
    ev->nf = 0;
    ev->len = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "ID:", 3) == 0) {
            ev->id = (unsigned)strtoul(line + 3, NULL, 10);
            have_id = true;
            continue;
        }
        char *p = strstr(line, "field:");
        if (!p)
            continue;
        p += 6;
        char *semi = strchr(p, ';');
        char *o = strstr(line, "offset:"), *s = strstr(line, "size:");
        if (!semi || !o || !s || ev->nf == sizeof ev->f / sizeof ev->f[0])
            continue;
        *semi = 0;
        struct fmt_field *fl = &ev->f[ev->nf];
        fl->dataloc = strstr(p, "__data_loc") != NULL;
        char *br = strchr(p, '[');
        char *end = br && !fl->dataloc ? br : semi;
        while (end > p && end[-1] == ' ')
            end--;
        char *start = end;
        while (start > p && start[-1] != ' ' && start[-1] != '\t')
            start--;
        if (fl->dataloc && br && br < end) {   /* "__data_loc char[] name" */
            end = semi;
            start = end;
            while (start > p && start[-1] != ' ')
                start--;
        }
        size_t n = (size_t)(end - start);
        if (n == 0 || n >= sizeof fl->name)
            continue;
        memcpy(fl->name, start, n);
        fl->name[n] = 0;
        fl->off = (unsigned)strtoul(o + 7, NULL, 10);
        fl->size = (unsigned)strtoul(s + 5, NULL, 10);
        if (fl->off + fl->size > ev->len)
            ev->len = fl->off + fl->size;
        ev->nf++;
    }
    fclose(f);
    if (want_id && !have_id) {
        fprintf(stderr, "page_writer: %s: no ID\n", path);
        return -1;
    }
    return 0;
}

static const struct fmt_field *fld(const struct fmt *ev, const char *name)
{
    for (unsigned i = 0; i < ev->nf; i++)
        if (strcmp(ev->f[i].name, name) == 0)
            return &ev->f[i];
    return NULL;
}

static const char *const needed[PW_NEV][8] = {
    { "common_type", "common_pid", "prev_comm", "prev_pid", "prev_state",
      "next_comm", "next_pid", NULL },
    { "common_type", "common_pid", "comm", "pid", "target_cpu", NULL },
    { "common_type", "common_pid", "comm", "pid", "target_cpu", NULL },
    { "common_type", "common_pid", "parent_comm", "parent_pid", "child_comm",
      "child_pid", NULL },
};

struct pw *pw_new(const char *dir)
{
    struct pw *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    char path[4096];
    struct fmt hdr;
    snprintf(path, sizeof path, "%s/header_page", dir);
    if (parse_fields(path, &hdr, false))
        goto fail;
    const struct fmt_field *ts = fld(&hdr, "timestamp"), *cm = fld(&hdr, "commit"),
                           *da = fld(&hdr, "data");
    if (!ts || !cm || !da || cm->size > 8 || ts->size != 8) {
        fprintf(stderr, "page_writer: %s: fields missing\n", path);
        goto fail;
    }
    w->ts_off = ts->off;
    w->ts_size = ts->size;
    w->commit_off = cm->off;
    w->commit_size = cm->size;
    w->data_off = da->off;
    w->page = (size_t)da->off + da->size;
    if (w->page > sizeof w->scratch + da->off) {
        fprintf(stderr, "page_writer: %s: page too large\n", path);
        goto fail;
    }
    for (int i = 0; i < PW_NEV; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, ev_file[i]);
        if (parse_fields(path, &w->ev[i], true))
            goto fail;
        for (int k = 0; needed[i][k]; k++)
            if (!fld(&w->ev[i], needed[i][k])) {
                fprintf(stderr, "page_writer: %s: no field %s\n", path,
                        needed[i][k]);
                goto fail;
            }
    }
    return w;
fail:
    free(w);
    return NULL;
}

void pw_free(struct pw *w)
{
    if (!w)
        return;
    free(w->buf);
    free(w);
}

size_t pw_page_size(const struct pw *w) { return w->page; }
size_t pw_commit_offset(const struct pw *w) { return w->commit_off; }
size_t pw_data_offset(const struct pw *w) { return w->data_off; }
size_t pw_npages(const struct pw *w) { return w->npages; }
uint8_t *pw_page(struct pw *w, size_t i) { return w->buf + i * w->page; }

const uint8_t *pw_bytes(const struct pw *w, size_t *len)
{
    *len = w->npages * w->page;
    return w->buf;
}

static void put_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void write_commit(struct pw *w)
{
    uint8_t *pg = pw_page(w, w->npages - 1);
    put_le(pg + w->commit_off, w->commit_size, (uint64_t)w->used | w->flags);
    if (w->flags & MISSED_STORED)          /* kept right after the data */
        put_le(pg + w->data_off + w->used, 8, (uint64_t)w->page_missed);
}

static void open_page(struct pw *w, uint64_t t)
{
    w->buf = realloc(w->buf, (w->npages + 1) * w->page);
    if (!w->buf)
        die("out of memory");
    uint8_t *pg = w->buf + w->npages * w->page;
    memset(pg, 0, w->page);
    w->npages++;
    put_le(pg + w->ts_off, w->ts_size, t);
    w->used = 0;
    w->flags = 0;
    w->open = true;
    w->last_t = t;
    if (w->missed_pending) {
        w->flags = MISSED_EVENTS;
        if (w->missed_n >= 0) {
            w->flags |= MISSED_STORED;
            w->page_missed = w->missed_n;
        }
        w->missed_pending = false;
    }
    write_commit(w);
}

/* Room left on the last page, less the stored missed count (kept last). */
static size_t room(const struct pw *w)
{
    size_t cap = w->page - w->data_off - ((w->flags & MISSED_STORED) ? 8 : 0);
    return cap - w->used;
}

static void put_word(struct pw *w, uint32_t v)
{
    uint8_t *pg = pw_page(w, w->npages - 1);
    put_le(pg + w->data_off + w->used, 4, v);
    w->used += 4;
}

/* Append one record: type_len (0 for the long form, else TL_PADDING or a
 * data word count), its time, and body (len bytes, NULL: zeros). */
static void emit(struct pw *w, uint64_t t, unsigned type_len, const void *body,
                 unsigned len)
{
    unsigned padded = (len + 3) & ~3u;
    bool with_len = type_len == 0 || type_len == TL_PADDING;
    unsigned need = 4 + (with_len ? 4 : 0) + padded;
    /* a discarded event keeps a non-zero delta (as the kernel makes it):
     * on a new page its page starts 1 ns before it */
    uint64_t keep = type_len == TL_PADDING ? 1 : 0;
    if (w->npages && t < w->last_t + keep)
        die("records must come in time order");
    if (!w->open)
        open_page(w, t - keep);
    uint64_t delta = t - w->last_t;
    unsigned ext = (delta - keep) >> DELTA_BITS ? 8 : 0;
    if (need + ext > room(w)) {
        if (need > w->page - w->data_off - 8)
            die("record larger than a page");
        open_page(w, t - keep);
        delta = keep;
        ext = 0;
    }
    if (ext) {
        uint64_t x = delta - keep;
        put_word(w, TL_TIME_EXTEND | (uint32_t)(x & ((1u << DELTA_BITS) - 1)) << 5);
        put_word(w, (uint32_t)(x >> DELTA_BITS));
        delta = keep;
    }
    put_word(w, type_len | (uint32_t)delta << 5);
    if (with_len)                          /* the length word and the data */
        put_word(w, padded + 4);
    uint8_t *pg = pw_page(w, w->npages - 1);
    memset(pg + w->data_off + w->used, 0, padded);
    if (body)
        memcpy(pg + w->data_off + w->used, body, len);
    w->used += padded;
    w->last_t = t;
    write_commit(w);
}

static void emit_data(struct pw *w, uint64_t t, const uint8_t *rec, unsigned len)
{
    unsigned padded = (len + 3) & ~3u;
    unsigned tl = w->long_form || padded > MAX_SHORT_DATA ? 0 : padded / 4;
    if (padded == 0)
        tl = 1;
    emit(w, t, tl, rec, len);
}

static void set_num(const struct fmt *ev, uint8_t *rec, const char *name, uint64_t v)
{
    const struct fmt_field *f = fld(ev, name);
    if (f && f->size <= 8)
        put_le(rec + f->off, f->size, v);
}

static void set_str(const struct fmt *ev, uint8_t *rec, const char *name,
                    const char *s, unsigned *len)
{
    const struct fmt_field *f = fld(ev, name);
    if (!f)
        return;
    size_t n = strlen(s) + 1;
    if (f->dataloc) {                      /* string after the fixed part */
        memcpy(rec + *len, s, n);
        put_le(rec + f->off, f->size < 4 ? f->size : 4,
               (uint64_t)n << 16 | *len);
        *len += (unsigned)n;
    } else {
        if (n > f->size)
            n = f->size;
        memcpy(rec + f->off, s, n);
    }
}

/* The fixed part of a record of event i, common fields set. */
static uint8_t *start_rec(struct pw *w, int i, pid_t common_pid)
{
    memset(w->scratch, 0, sizeof w->scratch);
    set_num(&w->ev[i], w->scratch, "common_type", w->ev[i].id);
    set_num(&w->ev[i], w->scratch, "common_pid", (uint32_t)common_pid);
    return w->scratch;
}

static void comm_of(char *buf, size_t n, pid_t pid)
{
    if (pid == 0)
        snprintf(buf, n, "swapper");
    else
        snprintf(buf, n, "t%d", (int)pid);
}

void pw_switch(struct pw *w, uint64_t t, pid_t prev, long prev_state, pid_t next)
{
    const struct fmt *ev = &w->ev[PW_SWITCH];
    uint8_t *rec = start_rec(w, PW_SWITCH, prev);
    unsigned len = ev->len;
    char comm[16];
    comm_of(comm, sizeof comm, prev);
    set_str(ev, rec, "prev_comm", comm, &len);
    set_num(ev, rec, "prev_pid", (uint32_t)prev);
    set_num(ev, rec, "prev_prio", 120);
    set_num(ev, rec, "prev_state", (uint64_t)prev_state);
    comm_of(comm, sizeof comm, next);
    set_str(ev, rec, "next_comm", comm, &len);
    set_num(ev, rec, "next_pid", (uint32_t)next);
    set_num(ev, rec, "next_prio", 120);
    emit_data(w, t, rec, len);
}

static void wakeup(struct pw *w, int i, uint64_t t, pid_t pid, int target_cpu)
{
    const struct fmt *ev = &w->ev[i];
    uint8_t *rec = start_rec(w, i, 0);
    unsigned len = ev->len;
    char comm[16];
    comm_of(comm, sizeof comm, pid);
    set_str(ev, rec, "comm", comm, &len);
    set_num(ev, rec, "pid", (uint32_t)pid);
    set_num(ev, rec, "prio", 120);
    set_num(ev, rec, "target_cpu", (uint32_t)target_cpu);
    emit_data(w, t, rec, len);
}

void pw_wakeup(struct pw *w, uint64_t t, pid_t pid, int target_cpu)
{
    wakeup(w, PW_WAKEUP, t, pid, target_cpu);
}

void pw_wakeup_new(struct pw *w, uint64_t t, pid_t pid, int target_cpu)
{
    wakeup(w, PW_WAKEUP_NEW, t, pid, target_cpu);
}

void pw_fork(struct pw *w, uint64_t t, pid_t parent, pid_t child)
{
    const struct fmt *ev = &w->ev[PW_FORK];
    uint8_t *rec = start_rec(w, PW_FORK, parent);
    unsigned len = ev->len;
    char comm[16];
    comm_of(comm, sizeof comm, parent);
    set_str(ev, rec, "parent_comm", comm, &len);
    set_num(ev, rec, "parent_pid", (uint32_t)parent);
    set_str(ev, rec, "child_comm", comm, &len);   /* a child starts as a copy */
    set_num(ev, rec, "child_pid", (uint32_t)child);
    emit_data(w, t, rec, len);
}

void pw_discarded(struct pw *w, uint64_t t, unsigned len)
{
    emit(w, t, TL_PADDING, NULL, len);
}

void pw_other(struct pw *w, uint64_t t, uint16_t id, unsigned len)
{
    memset(w->scratch, 0, sizeof w->scratch);
    if (len > sizeof w->scratch)
        len = sizeof w->scratch;
    put_le(w->scratch, 2, id);
    emit_data(w, t, w->scratch, len);
}

void pw_set_long_form(struct pw *w, bool on) { w->long_form = on; }

void pw_break(struct pw *w) { w->open = false; }

void pw_missed(struct pw *w, long n)
{
    w->open = false;
    w->missed_pending = true;
    w->missed_n = n;
}

int pw_write(const struct pw *w, const char *path, size_t extra)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t len = w->npages * w->page;
    int rc = len && fwrite(w->buf, 1, len, f) != len ? -1 : 0;
    for (size_t i = 0; i < extra && !rc; i++)
        rc = fputc(0, f) == EOF ? -1 : 0;
    if (fclose(f))
        rc = -1;
    return rc;
}
