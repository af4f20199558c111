/* linux_record.c: `xenbench record` on a Linux host.
 *
 * Order of work: create the run folder, find the domains (domains.json),
 * open the tracefs instance and copy its format files, open the counter
 * samplers, write manifest.json (state "recording"), then loop: every
 * 100 ms move the ring-buffer pages of each CPU into tracefs/cpuN.raw,
 * every interval look for new threads and take a counter sample.  On the
 * duration, SIGINT or SIGTERM: stop tracing, move the last pages, take a
 * last sample and rewrite manifest.json (state "complete").  Any write error
 * stops the recording; what was written stays readable (pages are whole,
 * samples are flushed, the manifest is replaced atomically).
 */
#define _GNU_SOURCE
#include "source/record.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "source/libvirt/libvirt_stats.h"
#include "source/linux/domains.h"
#include "source/linux/perf_counters.h"
#include "source/linux/procfs_sampler.h"
#include "source/linux/sampler.h"
#include "source/linux/tracefs_capture.h"
#include "util/atomic_file.h"
#include "util/clock.h"

#ifndef XB_VERSION
#define XB_VERSION "unknown"
#endif

#define READ_PERIOD_NS 100000000ull  /* move ring-buffer pages every 100 ms */

struct sampler_run {
    const struct xb_sampler *s;
    void *state;
    FILE *out;
    const char *why;                /* absent here: the reason */
};

struct rec {
    const struct xb_record_opts *o;
    char dir[4096];
    struct xb_domain_map map;
    struct xb_tcapture *tc;
    int *cpu_fd;
    uint64_t *pages;
    unsigned ncpu;
    size_t page;
    char *pad;
    struct sampler_run smp[4];
    unsigned nsmp;
    uint64_t t0, t_stop;
    char start_utc[32], stop_utc[32];
    char run_id[40];
    const char *state;
    char failure[512];
};

static void cpu_info(char *model, size_t len, double *mhz)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    char line[512];
    *mhz = 0;
    snprintf(model, len, "unknown");
    while (f && fgets(line, sizeof line, f)) {
        char *v = strchr(line, ':');
        if (!v)
            continue;
        v += 2;
        v[strcspn(v, "\n")] = 0;
        if (strncmp(line, "model name", 10) == 0)
            snprintf(model, len, "%s", v);
        else if (strncmp(line, "cpu MHz", 7) == 0 && *mhz == 0)
            *mhz = atof(v);
    }
    if (f)
        fclose(f);
}

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

static int write_json(const char *dir, const char *file, json_t *root,
                      struct xb_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        return xb_err_set(err, -ENOMEM, "out of memory");
    size_t len = strlen(text);
    text[len] = '\n';   /* over the NUL: the file ends with a newline */
    int rc = xb_write_file_atomic(path, text, len + 1, err);
    free(text);
    return rc;
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
    int rc = write_json(r->dir, "domains.json", root, err);
    json_decref(root);
    return rc;
}

static int write_manifest(struct rec *r, struct xb_err *err)
{
    struct utsname u;
    uname(&u);
    char model[256];
    double mhz;
    cpu_info(model, sizeof model, &mhz);
    json_t *cpus = json_array(), *counters = json_array(), *missing = json_array();
    uint64_t lost_total = 0;
    for (unsigned i = 0; i < r->ncpu; i++) {
        char file[64];
        snprintf(file, sizeof file, "tracefs/cpu%u.raw", i);
        uint64_t lost = r->t_stop && r->tc ? xb_tcapture_lost(r->tc, i) : 0;
        lost_total += lost;
        json_array_append_new(cpus, json_pack("{s:i, s:s, s:I, s:I}", "cpu",
            (json_int_t)i, "file", file, "pages", (json_int_t)r->pages[i],
            "lost_events", (json_int_t)lost));
    }
    for (unsigned i = 0; i < r->nsmp; i++) {
        const struct sampler_run *s = &r->smp[i];
        if (s->why)
            json_array_append_new(missing, json_pack("{s:s, s:s}", "source",
                                  s->s->name, "reason", s->why));
        else
            json_array_append_new(counters, json_pack("{s:s, s:s}", "format",
                                  s->s->format, "path", s->s->file));
    }
    json_t *trace_events = json_array();
    for (const char *const *ev = xb_tcapture_events; *ev; ev++)
        json_array_append_new(trace_events, json_string(*ev));
    json_t *root = json_pack(
        "{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:f, s:s, s:I, s:I,"
        " s:s, s:s, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:I}",
        "source", "linux", "format_version", 1, "state", r->state,
        "run_id", r->run_id, "tool_version", XB_VERSION,
        "host", u.nodename, "kernel", u.release,
        "cpu_count", (json_int_t)r->ncpu, "cpu_model", model, "cpu_mhz", mhz,
        "clock", "CLOCK_MONOTONIC (tracefs trace_clock mono)",
        "t0_mono_ns", (json_int_t)r->t0, "t_stop_mono_ns", (json_int_t)r->t_stop,
        "start_utc", r->start_utc, "stop_utc", r->stop_utc,
        "interval_ns", (json_int_t)r->o->interval_ns,
        "page_size", (json_int_t)r->page,
        "domains_mode", r->map.mode, "domains_file", "domains.json",
        "domains", domains_json(&r->map, false),
        "trace", json_pack("{s:s, s:s, s:o, s:o}", "format", "tracefs-raw",
                           "formats_dir", "tracefs", "events", trace_events,
                           "cpus", cpus),
        "counters", counters, "sources_missing", missing,
        "lost_events", (json_int_t)lost_total);
    if (!root)
        return xb_err_set(err, -ENOMEM, "out of memory");
    if (r->failure[0])
        json_object_set_new(root, "failure", json_string(r->failure));
    int rc = write_json(r->dir, "manifest.json", root, err);
    json_decref(root);
    return rc;
}

static int write_page(unsigned cpu, const void *page, size_t len, void *ctx)
{
    struct rec *r = ctx;
    const char *p = page;
    if (len < r->page) {             /* a flushed partial page: pad it */
        memcpy(r->pad, page, len);
        memset(r->pad + len, 0, r->page - len);
        p = r->pad;
    }
    size_t left = r->page;
    while (left) {
        ssize_t n = write(r->cpu_fd[cpu], p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            /* Cut back to whole pages so the file stays readable. */
            if (ftruncate(r->cpu_fd[cpu], (off_t)(r->pages[cpu] * r->page)) < 0)
                (void)0;
            snprintf(r->failure, sizeof r->failure, "tracefs/cpu%u.raw: %s",
                     cpu, strerror(e));
            return -e;
        }
        p += n;
        left -= (size_t)n;
    }
    r->pages[cpu]++;
    return 0;
}

static int take_samples(struct rec *r, struct xb_err *err)
{
    uint64_t t = xb_mono_ns();
    for (unsigned i = 0; i < r->nsmp; i++) {
        struct sampler_run *s = &r->smp[i];
        if (s->why || !s->out)
            continue;
        int rc = s->s->sample(s->state, &r->map, t, s->out, err);
        if (rc) {
            snprintf(r->failure, sizeof r->failure, "%s", err->msg);
            return rc;
        }
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
        snprintf(path, sizeof path, "%s/%s", r->dir, list[i]->file);
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
            if (!r->o->quiet)
                fprintf(stderr, "xenbench: %s counters: %s\n", list[i]->name,
                        s->why);
        }
    }
    return 0;
}

static int make_dir(const char *dir, struct xb_err *err)
{
    if (mkdir(dir, 0755) < 0) {
        if (errno != EEXIST)
            return xb_err_set(err, -errno, "%s: %s", dir, strerror(errno));
        char probe[4200];
        snprintf(probe, sizeof probe, "%s/manifest.json", dir);
        if (access(probe, F_OK) == 0)
            return xb_err_set(err, -XB_EUSAGE, "%s: already holds a recording "
                              "(choose another -o)", dir);
    }
    return 0;
}

static void sleep_until(uint64_t t)
{
    uint64_t now = xb_mono_ns();
    if (t <= now)
        return;
    struct timespec ts = { (time_t)((t - now) / 1000000000ull),
                           (long)((t - now) % 1000000000ull) };
    nanosleep(&ts, NULL);             /* a signal ends it early: fine */
}

static void free_rec(struct rec *r)
{
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
    xb_tcapture_close(r->tc);
    xb_domains_free(&r->map);
}

int xb_record_linux(const struct xb_record_opts *o, struct xb_err *err)
{
    struct rec r = { .o = o, .state = "recording" };
    int rc;
    snprintf(r.dir, sizeof r.dir, "%s", o->outdir);
    unsigned char rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
        memset(rnd, 0, sizeof rnd);
    for (int i = 0; i < 16; i++)
        sprintf(r.run_id + 2 * i, "%02x", rnd[i]);

    if ((rc = xb_tcapture_open(&r.tc, o->buffer_kb, err)))
        goto out;
    r.ncpu = xb_tcapture_ncpu(r.tc);
    r.page = xb_tcapture_page_size(r.tc);
    r.cpu_fd = malloc(r.ncpu * sizeof *r.cpu_fd);
    r.pages = calloc(r.ncpu, sizeof *r.pages);
    r.pad = malloc(r.page);
    if (!r.cpu_fd || !r.pages || !r.pad) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    for (unsigned i = 0; i < r.ncpu; i++)
        r.cpu_fd[i] = -1;
    /* Domains before the folder: a bad --domains or --match leaves none. */
    if ((rc = xb_domains_discover(o->domains ? o->domains : "auto", o->match,
                                  &r.map, err)) ||
        (rc = make_dir(r.dir, err)))
        goto out;
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/tracefs", r.dir);
    if (mkdir(sub, 0755) < 0 && errno != EEXIST) {
        rc = xb_err_set(err, -errno, "%s: %s", sub, strerror(errno));
        goto out;
    }
    if ((rc = xb_tcapture_save_formats(r.tc, sub, err)))
        goto out;
    for (unsigned i = 0; i < r.ncpu; i++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/cpu%u.raw", sub, i);
        r.cpu_fd[i] = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (r.cpu_fd[i] < 0) {
            rc = xb_err_set(err, -errno, "%s: %s", path, strerror(errno));
            goto out;
        }
    }
    if ((rc = write_domains(&r, true, err)) || (rc = open_samplers(&r, err)))
        goto out;
    xb_utc_now(r.start_utc, sizeof r.start_utc);
    r.t0 = xb_mono_ns();
    if ((rc = write_manifest(&r, err)) || (rc = xb_tcapture_start(r.tc, err)))
        goto out;
    if (!o->quiet)
        fprintf(stderr, "xenbench: recording %zu %s domains on %u CPUs into %s%s\n",
                r.map.n, r.map.mode, r.ncpu, r.dir,
                o->duration_ns ? "" : " (Ctrl-C stops)");
    if ((rc = take_samples(&r, err)))
        goto stop;

    uint64_t interval = o->interval_ns ? o->interval_ns : 1000000000ull;
    uint64_t next_sample = r.t0 + interval, next_read = r.t0 + READ_PERIOD_NS;
    uint64_t end = o->duration_ns ? r.t0 + o->duration_ns : UINT64_MAX;
    while (!xb_record_stop) {
        uint64_t wake = next_read < next_sample ? next_read : next_sample;
        sleep_until(wake < end ? wake : end);
        uint64_t now = xb_mono_ns();
        if (xb_record_stop || now >= end)
            break;
        if (now >= next_read) {
            if ((rc = xb_tcapture_read(r.tc, false, write_page, &r, err)))
                goto stop;
            next_read = now + READ_PERIOD_NS;
        }
        if (now >= next_sample) {
            int added = xb_domains_rescan(&r.map);
            if (added > 0 && (rc = write_domains(&r, false, err)))
                goto stop;
            if ((rc = take_samples(&r, err)))
                goto stop;
            while (next_sample <= now)
                next_sample += interval;
        }
    }
stop:
    xb_tcapture_stop(r.tc);
    r.t_stop = xb_mono_ns();
    xb_utc_now(r.stop_utc, sizeof r.stop_utc);
    if (!rc) {
        rc = xb_tcapture_read(r.tc, true, write_page, &r, err);
        if (!rc)
            rc = take_samples(&r, err);
    }
    if (rc && !r.failure[0])
        snprintf(r.failure, sizeof r.failure, "%s", err->msg);
    if (rc && !err->code)
        xb_err_set(err, rc, "%s", r.failure);
    r.state = rc ? "failed" : xb_record_stop ? "complete (stopped by signal)"
                                             : "complete";
    {
        struct xb_err merr = { 0 };
        int mrc = write_manifest(&r, &merr);
        if (mrc && !rc)
            rc = xb_err_set(err, mrc, "%s", merr.msg);
    }
    if (!o->quiet && !rc)
        fprintf(stderr, "xenbench: recorded %.1f s into %s\n",
                (double)(r.t_stop - r.t0) / 1e9, r.dir);
out:
    free_rec(&r);
    return rc;
}
