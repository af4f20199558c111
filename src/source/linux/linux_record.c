/* linux_record.c: the Linux source of `xenbench record` (xb_recorder_linux,
 * source/record.h).
 *
 * It owns what a Linux recording captures: the domains (domains.json,
 * rewritten when new threads appear), the tracefs instance (its format
 * files, and each CPU's ring-buffer pages spliced whole into
 * tracefs/cpuN.raw whenever its buffer is a quarter full or the interval
 * ends: wait() sleeps in poll on the instance's buffer_percent, read_raw()
 * splices -- never a copy through user space, nor a wake-up per page), and
 * the counter samplers (procfs always, libvirt's
 * domstats with libvirt domains, perf where the PMU has the events), each
 * into its own file.  The order, the clock, the manifest's common keys and
 * the notes are the recording loop's (source/record.c, source/runfolder.c);
 * this file adds the Linux keys.  A write error stops the recording; what
 * was written stays readable (pages are whole, samples are flushed).
 * It must not decide when to start, sample or stop (source/record.c).
 */
#define _GNU_SOURCE
#include "source/record.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "source/libvirt/libvirt_stats.h"
#include "source/linux/domains.h"
#include "source/linux/hostinfo.h"
#include "source/linux/perf_counters.h"
#include "source/linux/procfs_sampler.h"
#include "source/runfolder.h"
#include "source/sampler.h"
#include "source/linux/trace_ring.h"
#include "source/linux/tracefs_capture.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/parse.h"

/* After a wake-up that found no whole page (a kernel without
 * buffer_percent wakes for any data), wait at least this long. */
#define IDLE_WAIT_MS 100
/* With a progress callback (bench on a terminal), wake at least this often. */
#define PROGRESS_MS 250

struct sampler_run {
    const struct xb_sampler *s;
    void *state;
    FILE *out;
    const char *why;                /* absent here: the reason */
};

struct rec {
    const struct xb_record_opts *o;
    struct xb_runfolder *f;
    struct xb_domain_map map;
    struct xb_tcapture *tc;
    struct xb_tring *ring;          /* --ring: the segment files, else NULL */
    int *cpu_fd;
    uint64_t *pages;
    unsigned ncpu;
    size_t page;
    char *pad;
    struct sampler_run smp[4];
    unsigned nsmp;
    bool stopped;
    bool moved;                     /* the last read_raw found whole pages */
    uint64_t bytes;                 /* written into tracefs/ so far */
    uint64_t over_pages;            /* left out after --max-size was met */
    char failure[512];              /* a page write that failed */
};

static json_t *domains_json(const struct xb_domain_map *m, bool with_threads)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < m->n; i++) {
        const struct xb_ldomain *d = &m->d[i];
        json_t *o = json_pack("{s:i, s:s, s:s}", "id", (json_int_t)d->domid,
                              "name", d->name, "kind", d->kind);
        if (d->uuid[0])
            json_object_set_new(o, "uuid", json_string(d->uuid));
        if (d->cgroup[0])
            json_object_set_new(o, "cgroup", json_string(d->cgroup));
        if (with_threads) {
            json_t *pids = json_array(), *th = json_array();
            for (size_t k = 0; k < d->npid; k++)
                json_array_append_new(pids, json_integer(d->pids[k]));
            for (size_t k = 0; k < d->nthread; k++)
                json_array_append_new(th, json_pack("{s:i, s:i}",
                    "tid", (json_int_t)d->threads[k].tid,
                    "vcpu", (json_int_t)d->threads[k].vcpu));
            json_object_set_new(o, "pids", pids);
            json_object_set_new(o, "threads", th);
            json_object_set_new(o, "nvcpu", json_integer(d->nvcpu));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

/* domains.json: the domain map with every thread (tid -> vCPU index) and,
 * for threads found before the start, their state and CPU then ("state0",
 * "cpu0") so the decoder knows who was asleep from the first instant. */
static int write_domains(struct rec *r, bool seed, struct xb_err *err)
{
    json_t *root = json_pack("{s:s, s:o}", "mode", r->map.mode,
                             "domains", domains_json(&r->map, true));
    if (seed) {
        json_t *doms = json_object_get(root, "domains");
        for (size_t i = 0; i < r->map.n; i++) {
            json_t *th = json_object_get(json_array_get(doms, i), "threads");
            for (size_t k = 0; k < r->map.d[i].nthread; k++) {
                char st[2] = "?";
                int cpu = -1;
                if (xb_thread_state(r->map.d[i].threads[k].tid, &st[0], &cpu))
                    continue;
                json_t *t = json_array_get(th, k);
                json_object_set_new(t, "state0", json_string(st));
                json_object_set_new(t, "cpu0", json_integer(cpu));
            }
        }
    }
    char path[4200];
    xb_runfolder_path(r->f, "domains.json", path, sizeof path);
    int rc = xb_json_save_atomic(path, root, err);
    json_decref(root);
    return rc;
}

/* The Linux keys of manifest.json (docs/run-folder.md). */
/* The wall clock at mono (the start's, moved on), "" when unknown. */
static void ring_utc(const struct rec *r, uint64_t mono, char *buf, size_t len)
{
    double start;
    if (xb_parse_utc(r->f->start_utc, &start) == 0)
        xb_utc_format(start + (double)(mono - r->f->t0_mono_ns) / 1e9, buf, len);
}

static int linux_describe(void *state, json_t *m)
{
    struct rec *r = state;
    json_t *cpus = json_array(), *counters = json_array(), *missing = json_array();
    uint64_t lost_total = 0;
    int bad = !cpus || !counters || !missing;
    for (unsigned i = 0; i < r->ncpu; i++) {
        char file[64];
        snprintf(file, sizeof file, "tracefs/cpu%u.raw", i);
        uint64_t lost = r->stopped && r->tc ? xb_tcapture_lost(r->tc, i) : 0;
        lost_total += lost;
        json_t *c = json_pack("{s:i, s:I, s:I}", "cpu", (json_int_t)i,
                              "pages", (json_int_t)r->pages[i],
                              "lost_events", (json_int_t)lost);
        if (c && r->ring)              /* a ring run: its segments instead */
            bad |= json_object_update_new(c, json_pack("{s:o, s:I, s:I, s:I}",
                "segments", xb_tring_segments(r->ring, i),
                "kept_pages", (json_int_t)xb_tring_kept(r->ring, i),
                "dropped_pages", (json_int_t)xb_tring_dropped(r->ring, i),
                "first_mono_ns", (json_int_t)xb_tring_first_ns(r->ring, i)));
        else if (c)
            bad |= json_object_set_new(c, "file", json_string(file));
        bad |= json_array_append_new(cpus, c);
    }
    for (unsigned i = 0; i < r->nsmp; i++) {
        const struct sampler_run *s = &r->smp[i];
        if (s->why)
            bad |= json_array_append_new(missing, json_pack("{s:s, s:s}", "source",
                                         s->s->name, "reason", s->why));
        else
            bad |= json_array_append_new(counters, json_pack("{s:s, s:s}", "format",
                                         s->s->format, "path", s->s->file));
    }
    json_t *trace_events = json_array();
    for (const char *const *ev = xb_tcapture_events; *ev; ev++)
        bad |= json_array_append_new(trace_events, json_string(*ev));
    bad |= json_object_update_new(m, json_pack(
        "{s:s, s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:I}",
        "clock", "CLOCK_MONOTONIC (tracefs trace_clock mono)",
        "t0_mono_ns", (json_int_t)r->f->t0_mono_ns,
        "t_stop_mono_ns", (json_int_t)r->f->t_stop_mono_ns,
        "page_size", (json_int_t)r->page,
        "domains_mode", r->map.mode, "domains_file", "domains.json",
        "domains", domains_json(&r->map, false),
        "trace", json_pack("{s:s, s:s, s:o, s:o}", "format", "tracefs-raw",
                           "formats_dir", "tracefs", "events", trace_events,
                           "cpus", cpus),
        "counters", counters, "sources_missing", missing,
        "lost_events", (json_int_t)lost_total)) != 0;
    if (r->ring) {
        uint64_t from = xb_tring_kept_from(r->ring, r->f->t0_mono_ns);
        char utc[32] = "";
        ring_utc(r, from, utc, sizeof utc);
        bad |= json_object_set_new(json_object_get(m, "trace"), "ring", json_pack(
            "{s:I, s:I, s:s, s:I}", "max_bytes", (json_int_t)r->o->max_size_bytes,
            "kept_from_mono_ns", (json_int_t)from, "kept_from_utc", utc,
            "dropped_pages", (json_int_t)xb_tring_dropped_total(r->ring))) != 0;
    }
    /* The host's shape and memory, for the placement's hosts file. */
    bad |= xb_hostinfo_manifest(m) != 0;
    return bad ? -ENOMEM : 0;
}

static int write_page(unsigned cpu, const void *page, size_t len, void *ctx)
{
    struct rec *r = ctx;
    const char *p = page;
    /* --max-size: what the kernel filled after the bound stays out (the
     * trace ends where the bound was met; counted and said at the stop). */
    if (!r->ring && r->o->max_size_bytes && r->bytes >= r->o->max_size_bytes) {
        r->over_pages++;
        return 0;
    }
    int fd = r->cpu_fd[cpu];
    uint64_t room, cut = r->pages[cpu] * r->page;
    struct xb_err e2 = { 0 };
    if (r->ring) {
        int rc = xb_tring_next(r->ring, cpu, &fd, &room, &e2);
        if (rc) {
            snprintf(r->failure, sizeof r->failure, "%s", e2.msg);
            return rc;
        }
        cut = xb_tring_seg_bytes(r->ring, cpu);
    }
    if (len < r->page) {             /* a flushed partial page: pad it */
        memcpy(r->pad, page, len);
        memset(r->pad + len, 0, r->page - len);
        p = r->pad;
    }
    size_t left = r->page;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            /* Cut back to whole pages so the file stays readable. */
            if (ftruncate(fd, (off_t)cut) < 0)
                (void)0;
            snprintf(r->failure, sizeof r->failure, "tracefs/cpu%u.raw: %s",
                     cpu, strerror(e));
            return -e;
        }
        p += n;
        left -= (size_t)n;
    }
    r->pages[cpu]++;
    r->bytes += r->page;
    int rc = r->ring ? xb_tring_wrote(r->ring, cpu, 1, &e2) : 0;
    if (rc)
        snprintf(r->failure, sizeof r->failure, "%s", e2.msg);
    return rc;
}

static int take_samples(struct rec *r, struct xb_err *err)
{
    uint64_t t = xb_mono_ns();
    for (unsigned i = 0; i < r->nsmp; i++) {
        struct sampler_run *s = &r->smp[i];
        if (s->why || !s->out)
            continue;
        int rc = s->s->sample(s->state, &r->map, t, s->out, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int open_samplers(struct rec *r, struct xb_err *err)
{
    const struct xb_sampler *list[] = {
        &xb_procfs_sampler,
        strcmp(r->map.mode, "libvirt") == 0 ? &xb_libvirt_sampler : NULL,
        &xb_perf_sampler,
    };
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
        if (!list[i])
            continue;
        struct sampler_run *s = &r->smp[r->nsmp++];
        char path[4200];
        s->s = list[i];
        xb_runfolder_path(r->f, list[i]->file, path, sizeof path);
        s->out = fopen(path, "wxe");
        if (!s->out)
            return xb_err_set(err, -errno, "%s: %s", path, strerror(errno));
        int rc = list[i]->open(&s->state, &r->map, s->out, &s->why, err);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            if (!s->why)
                s->why = "not available on this host";
            fclose(s->out);
            s->out = NULL;
            unlink(path);
            xb_note(r->o->notes, XB_NOTE_PROGRESS, "%s counters: %s",
                    list[i]->name, s->why);
        }
    }
    return 0;
}

static void linux_close(void *state)
{
    struct rec *r = state;
    for (unsigned i = 0; i < r->nsmp; i++) {
        if (r->smp[i].s->close && !r->smp[i].why)
            r->smp[i].s->close(r->smp[i].state);
        if (r->smp[i].out)
            fclose(r->smp[i].out);
    }
    if (r->cpu_fd)
        for (unsigned i = 0; i < r->ncpu; i++)
            if (r->cpu_fd[i] >= 0)
                close(r->cpu_fd[i]);
    free(r->cpu_fd);
    free(r->pages);
    free(r->pad);
    xb_tring_close(r->ring);
    xb_tcapture_close(r->tc);
    xb_domains_free(&r->map);
    free(r);
}

/* The tracefs instance and the domains, before any folder exists: a bad
 * --domains or --match leaves none. */
static int linux_open(void **state, const struct xb_record_opts *o,
                      struct xb_runfolder *f, struct xb_err *err)
{
    struct rec *r = calloc(1, sizeof *r);
    if (!r)
        return xb_err_set(err, -ENOMEM, "out of memory");
    *state = r;
    r->o = o;
    r->f = f;
    r->moved = true;                   /* the first wait is a normal one */
    int rc = xb_tcapture_open(&r->tc, o->buffer_kb, err);
    if (rc)
        return rc;
    r->ncpu = f->cpu_count = xb_tcapture_ncpu(r->tc);
    r->page = xb_tcapture_page_size(r->tc);
    r->cpu_fd = malloc(r->ncpu * sizeof *r->cpu_fd);
    r->pages = calloc(r->ncpu, sizeof *r->pages);
    r->pad = malloc(r->page);
    if (!r->cpu_fd || !r->pages || !r->pad)
        return xb_err_set(err, -ENOMEM, "out of memory");
    for (unsigned i = 0; i < r->ncpu; i++)
        r->cpu_fd[i] = -1;
    char none[600];
    const char *mode = o->domains ? o->domains : "auto";
    if ((rc = xb_domains_discover(mode, o->match, &r->map, err)) ||
        (rc = xb_domains_require(&r->map, mode, o->match, o->require, none,
                                 sizeof none, err)))
        return rc;
    if (none[0])
        xb_note(o->notes, XB_NOTE_WARNING, "%s", none);
    return 0;
}

/* tracefs/ with the format files and a page file per CPU, domains.json
 * (with who is asleep now), and the samplers' files. */
static int linux_prepare(void *state, struct xb_err *err)
{
    struct rec *r = state;
    char sub[4200];
    xb_runfolder_path(r->f, "tracefs", sub, sizeof sub);
    if (mkdir(sub, 0755) < 0 && errno != EEXIST)
        return xb_err_set(err, -errno, "%s: %s", sub, strerror(errno));
    int rc = xb_tcapture_save_formats(r->tc, sub, err);
    if (!rc && r->o->ring)
        rc = xb_tring_open(&r->ring, sub, r->ncpu, r->page, r->o->max_size_bytes, err);
    for (unsigned i = 0; !rc && !r->ring && i < r->ncpu; i++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/cpu%u.raw", sub, i);
        r->cpu_fd[i] = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (r->cpu_fd[i] < 0)
            rc = xb_err_set(err, -errno, "%s: %s", path, strerror(errno));
    }
    if (!rc)
        rc = write_domains(r, true, err);
    if (!rc)
        rc = open_samplers(r, err);
    return rc;
}

static int linux_start(void *state, struct xb_err *err)
{
    struct rec *r = state;
    int rc = xb_tcapture_start(r->tc, err);
    if (!rc)
        xb_note(r->o->notes, XB_NOTE_PROGRESS, "recording %zu %s domains on %u "
                "CPUs into %s%s", r->map.n, r->map.mode, r->ncpu, r->f->dir,
                r->o->duration_ns ? "" : " (Ctrl-C stops)");
    return rc;
}

static int linux_wait(void *state, uint64_t until_ns, struct xb_err *err)
{
    struct rec *r = state;
    uint64_t now = xb_mono_ns();
    if (until_ns <= now)
        return 0;
    uint64_t ms = (until_ns - now + 999999) / 1000000;
    if (r->o->progress && ms > PROGRESS_MS)
        ms = PROGRESS_MS;               /* a progress line moves on meanwhile */
    if (!r->moved && ms > IDLE_WAIT_MS) {
        struct timespec ts = { 0, IDLE_WAIT_MS * 1000000L };
        nanosleep(&ts, NULL);           /* a signal ends it early: fine */
        return 0;
    }
    int ready = xb_tcapture_wait(r->tc, (int)ms);   /* > 0: pages wait */
    if (ready < 0)
        return xb_err_set(err, ready, "tracefs: poll: %s", strerror(-ready));
    return 0;
}

/* Splice every whole page of every CPU into its file.  r->moved: whether
 * any was.  A write error cuts the file back to whole pages. */
static int move_ring(struct rec *r, unsigned cpu, struct xb_err *err);

static int move_pages(struct rec *r, struct xb_err *err)
{
    r->moved = false;
    for (unsigned i = 0; r->ring && i < r->ncpu; i++) {
        int rc = move_ring(r, i, err);
        if (rc)
            return rc;
    }
    for (unsigned i = 0; !r->ring && i < r->ncpu; i++) {
        uint64_t bytes;
        char name[64];
        snprintf(name, sizeof name, "tracefs/cpu%u.raw", i);
        uint64_t max = 0;
        if (r->o->max_size_bytes) {
            if (r->bytes >= r->o->max_size_bytes)
                continue;              /* at the bound: the stop follows */
            max = r->o->max_size_bytes - r->bytes;
        }
        int rc = xb_tcapture_move(r->tc, i, r->cpu_fd[i], name, max, &bytes, err);
        uint64_t whole = bytes / r->page;
        r->pages[i] += whole;
        r->moved |= whole > 0;
        r->bytes += whole * r->page;
        if (rc || bytes % r->page) {
            /* Cut back to whole pages so the file stays readable. */
            if (ftruncate(r->cpu_fd[i], (off_t)(r->pages[i] * r->page)) < 0 ||
                lseek(r->cpu_fd[i], (off_t)(r->pages[i] * r->page), SEEK_SET) < 0)
                (void)0;
            if (!rc)
                rc = xb_err_set(err, -EIO, "%s: a page written in part", name);
            return rc;
        }
    }
    return 0;
}

/* --ring: splice cpu's whole pages segment by segment (each filled to its
 * size, then the next begun; the oldest deleted past the bound). */
static int move_ring(struct rec *r, unsigned cpu, struct xb_err *err)
{
    char name[64];
    snprintf(name, sizeof name, "tracefs/cpu%u (a segment)", cpu);
    for (;;) {
        int fd, rc;
        uint64_t room, bytes;
        if ((rc = xb_tring_next(r->ring, cpu, &fd, &room, err)))
            return rc;
        rc = xb_tcapture_move(r->tc, cpu, fd, name, room, &bytes, err);
        uint64_t whole = bytes / r->page;
        r->pages[cpu] += whole;
        r->moved |= whole > 0;
        r->bytes += whole * r->page;
        int wrc = xb_tring_wrote(r->ring, cpu, whole, err);
        if (rc || bytes % r->page) {
            uint64_t cut = xb_tring_seg_bytes(r->ring, cpu);
            if (ftruncate(fd, (off_t)cut) < 0 || lseek(fd, (off_t)cut, SEEK_SET) < 0)
                (void)0;
            if (!rc)
                rc = xb_err_set(err, -EIO, "%s: a page written in part", name);
            return rc;
        }
        if (wrc || bytes < room)
            return wrc;
    }
}

/* Whole pages are spliced; at the end (final) the part-filled last pages
 * are read out too, padded to whole pages. */
static int linux_read_raw(void *state, bool final, struct xb_err *err)
{
    struct rec *r = state;
    int rc = move_pages(r, err);
    if (!rc && final)
        rc = xb_tcapture_read(r->tc, true, write_page, r, err);
    if (!rc && final && r->ring) {
        xb_tring_finish(r->ring);
        uint64_t from = xb_tring_kept_from(r->ring, r->f->t0_mono_ns);
        uint64_t dropped = xb_tring_dropped_total(r->ring);
        if (dropped)
            xb_note(r->o->notes, XB_NOTE_WARNING, "--ring: %llu older pages "
                    "(%.1f MB) were dropped to stay within --max-size; the run "
                    "keeps the trace from %.1f s of the recording on",
                    (unsigned long long)dropped,
                    (double)dropped * (double)r->page / 1e6,
                    (double)(from - r->f->t0_mono_ns) / 1e9);
    }
    if (!rc && final && r->over_pages)
        xb_note(r->o->notes, XB_NOTE_WARNING, "--max-size: %llu pages (%.1f MB) that "
                "the kernel filled after the bound was met are left out: the trace "
                "of each CPU ends there", (unsigned long long)r->over_pages,
                (double)r->over_pages * (double)r->page / 1e6);
    if (rc && r->failure[0])
        xb_err_set(err, rc, "%s", r->failure);
    /* At the bound the recording stops; what the kernel filled until the
     * stop (a few ms of events) still goes in then. */
    if (!rc && !final && !r->ring && r->o->max_size_bytes &&
        r->bytes >= r->o->max_size_bytes)
        return XB_RECORD_FULL;
    return rc;
}

/* New threads (domains.json rewritten), then every sampler's reading. */
static int linux_sample(void *state, struct xb_err *err)
{
    struct rec *r = state;
    int rc = 0;
    if (xb_domains_rescan(&r->map) > 0)
        rc = write_domains(r, false, err);
    return rc ? rc : take_samples(r, err);
}

static int linux_stop(void *state, struct xb_err *err)
{
    (void)err;
    struct rec *r = state;
    xb_tcapture_stop(r->tc);
    r->stopped = true;
    return 0;
}

const struct xb_recorder_ops xb_recorder_linux = {
    .name = "linux",
    .read_period_ns = 0,               /* at each wake: wait() knows when */
    .open = linux_open,
    .prepare = linux_prepare,
    .start = linux_start,
    .wait = linux_wait,
    .read_raw = linux_read_raw,
    .sample = linux_sample,
    .stop = linux_stop,
    .describe = linux_describe,
    .close = linux_close,
};
