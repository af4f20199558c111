/* record_xen.c: `xenbench record` on a Xen dom0 (xb_record_xen).
 *
 * Owns the order of a recording: check dom0 and root, create the run folder,
 * write the manifest (state "recording"), start the trace capture (tbuf.c,
 * or Debian's xentrace with --use-xentrace), then until the duration ends or
 * xb_record_stop is set: drain the trace buffers on VIRQ_TBUF or a short
 * timeout, and take a libxenstat reading every interval (the first right
 * after tracing starts, the last right before it stops, so the readings lie
 * inside the trace).  At the stop: disable tracing, drain, fsync, manifest
 * "complete".  After a failure the manifest says "failed" with the message,
 * and everything written so far stays.
 */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xen/trace.h>

#include "source/record.h"
#include "source/xen/dom0.h"
#include "source/xen/domains.h"
#include "source/xen/lost.h"
#include "source/xen/manifest.h"
#include "source/xen/tbuf.h"
#include "source/xen/xenstat_sampler.h"
#include "source/xen/xentrace_child.h"
#include "util/clock.h"

#define DEFAULT_PAGES 1024u         /* 4 MiB per CPU: --buffer-kb default on Linux too */

/* The run folder must be new or empty. */
static int make_rundir(const char *dir, struct xb_err *err)
{
    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return xb_err_set(err, -errno, "cannot create %s: %s", dir, strerror(errno));
    DIR *d = opendir(dir);
    if (!d)
        return xb_err_set(err, -XB_EUSAGE, "%s exists and is not a folder", dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    if (n)
        return xb_err_set(err, -XB_EUSAGE, "%s is not empty: give a new folder "
                          "for the run", dir);
    return 0;
}

static void host_facts(struct xb_xen_run *r)
{
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(r->host, sizeof r->host, "%s", u.nodename);
        snprintf(r->kernel, sizeof r->kernel, "%s %s %s", u.sysname, u.release,
                 u.version);
    }
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *v = strchr(line, ':');
            if (v) {
                v += 1 + (v[1] == ' ');
                v[strcspn(v, "\n")] = '\0';
                snprintf(r->cpu_model, sizeof r->cpu_model, "%s", v);
            }
            break;
        }
    }
    if (f)
        fclose(f);
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)(xb_mono_ns() >> (i % 8 * 8));
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(r->run_id + 2 * i, 3, "%02x", b[i]);
}

static int xen_facts(struct xb_xen_run *r, struct xb_err *err)
{
    xc_interface *xc = xc_interface_open(NULL, NULL, 0);
    if (!xc)
        return xb_err_set(err, errno == EACCES ? -EACCES : -ENODEV,
                          "cannot open the Xen control interface "
                          "(/dev/xen/privcmd): %s", strerror(errno));
    xc_physinfo_t pi;
    memset(&pi, 0, sizeof pi);
    int rc = 0;
    if (xc_physinfo(xc, &pi) != 0) {
        rc = xb_err_set(err, -errno, "xc_physinfo: %s", strerror(errno));
        goto out;
    }
    r->cpu_count = pi.nr_cpus;
    r->cpu_khz = pi.cpu_khz;
    if (r->cpu_khz == 0) {
        rc = xb_err_set(err, -ENODEV, "Xen reports a TSC rate of 0 kHz");
        goto out;
    }
    int v = xc_version(xc, XENVER_version, NULL);
    xen_extraversion_t extra;
    memset(extra, 0, sizeof extra);
    xc_version(xc, XENVER_extraversion, &extra);
    extra[sizeof extra - 1] = '\0';
    snprintf(r->xen_version, sizeof r->xen_version, "%d.%d%s", (v >> 16) & 0xffff,
             v & 0xffff, extra);
    int sid = 0;
    const char *s = "unknown";
    if (xc_sched_id(xc, &sid) == 0) {
        switch (sid) {
        case XEN_SCHEDULER_CREDIT: s = "credit"; break;
        case XEN_SCHEDULER_CREDIT2: s = "credit2"; break;
        case XEN_SCHEDULER_RTDS: s = "rtds"; break;
        case XEN_SCHEDULER_ARINC653: s = "arinc653"; break;
        case XEN_SCHEDULER_NULL: s = "null"; break;
        default: break;
        }
    }
    snprintf(r->scheduler, sizeof r->scheduler, "%s", s);
out:
    xc_interface_close(xc);
    return rc;
}

struct loop {
    const struct xb_record_opts *o;
    struct xb_xen_run *run;
    struct xb_xdoms doms;
    struct xb_xsampler *sampler;
    struct xb_tbuf *tbuf;           /* built-in capture, or */
    struct xb_xentrace xt;          /* --use-xentrace */
    bool xt_running;
    bool warned_sample;
};

static void say(const struct loop *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct loop *l, const char *fmt, ...)
{
    if (l->o->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("xenbench record: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void on_born(const struct xb_xdom *d, void *ctx)
{
    const struct loop *l = ctx;
    if (d->created)
        say(l, "domain %u%s%.0u (%s) appeared", d->domid, d->instance ? "#" : "",
            d->instance, d->name);
}

static void on_gone(const struct xb_xdom *d, void *ctx)
{
    say(ctx, "domain %u%s%.0u (%s) went away", d->domid, d->instance ? "#" : "",
        d->instance, d->name);
}

static int sample(struct loop *l, struct xb_err *err)
{
    int rc = xb_xsampler_sample(l->sampler, &l->doms, on_gone, on_born, l, err);
    if (rc == -EAGAIN) {
        l->run->samples_failed++;
        if (!l->warned_sample)
            say(l, "warning: libxenstat gave no reading (%s); going on",
                strerror(errno));
        l->warned_sample = true;
        return 0;
    }
    if (rc == 0)
        l->run->samples++;
    return rc;
}

static int drain(struct loop *l, struct xb_err *err)
{
    if (l->tbuf)
        return xb_tbuf_drain(l->tbuf, err);
    if (l->xt_running && !xb_xentrace_alive(&l->xt, err)) {
        l->xt_running = false;
        return err->code ? err->code : -EIO;
    }
    return 0;
}

static int wait_a_little(struct loop *l, int ms, struct xb_err *err)
{
    if (l->tbuf)
        return xb_tbuf_wait(l->tbuf, ms, err);
    struct timespec nap = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&nap, NULL);
    return 0;
}

static int run_loop(struct loop *l, struct xb_err *err)
{
    const struct xb_record_opts *o = l->o;
    uint64_t t0 = xb_mono_ns();
    uint64_t next = t0 + l->run->interval_ns;
    uint64_t end = o->duration_ns ? t0 + o->duration_ns : UINT64_MAX;
    uint64_t next_note = t0 + 10 * 1000000000ull;
    int rc = sample(l, err);
    while (!rc && !xb_record_stop) {
        if ((rc = drain(l, err)))
            break;
        uint64_t now = xb_mono_ns();
        if (now >= end)
            break;
        if (now >= next) {
            if ((rc = sample(l, err)))
                break;
            while (next <= now)
                next += l->run->interval_ns;
        }
        if (now >= next_note) {
            say(l, "%.0f s recorded, %.1f MB of trace, %llu lost records",
                (double)(now - t0) / 1e9,
                l->tbuf ? (double)xb_tbuf_stats(l->tbuf)->bytes / 1e6 : 0.0,
                l->tbuf ? (unsigned long long)xb_tbuf_stats(l->tbuf)->count.lost : 0ull);
            next_note += 10 * 1000000000ull;
        }
        /* Sleep until VIRQ_TBUF (a buffer half full), the next reading or
         * the end; a signal cuts it short. */
        uint64_t until = next < end ? next : end;
        uint64_t ms = (until - now) / 1000000 + 1;
        rc = wait_a_little(l, ms < 60000 ? (int)ms : 60000, err);
    }
    /* Last reading while tracing still runs. */
    if (!rc)
        rc = sample(l, err);
    return rc;
}

/* Stop capturing and count what the trace holds. */
static int stop_capture(struct loop *l, struct xb_err *err)
{
    int rc = 0;
    if (l->tbuf) {
        rc = xb_tbuf_stop(l->tbuf, err);
        l->run->trace = *xb_tbuf_stats(l->tbuf);
    } else if (l->xt_running) {
        l->xt_running = false;
        rc = xb_xentrace_stop(&l->xt, 60, err);
    }
    if (!l->tbuf) {
        char path[4200];
        snprintf(path, sizeof path, "%s/xentrace.bin", l->run->dir);
        struct stat st;
        if (stat(path, &st) == 0)
            l->run->trace.bytes = (uint64_t)st.st_size;
        struct xb_err e2 = { 0, "" };
        xb_lost_scan_file(path, &l->run->trace.count, rc ? &e2 : err);
        if (!rc)
            rc = err->code;
    }
    return rc;
}

static int fsync_path(const char *dir, const char *name, struct xb_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int rc = 0;
    if (fsync(fd) < 0)
        rc = xb_err_set(err, -errno, "%s: %s", path, strerror(errno));
    close(fd);
    return rc;
}

int xb_record_xen(const struct xb_record_opts *o, struct xb_err *err)
{
    if (!o->outdir || !o->outdir[0])
        return xb_err_set(err, -XB_EUSAGE, "no run folder given (-o RUNDIR)");
    unsigned pages = DEFAULT_PAGES;
    if (o->buffer_kb) {
        pages = (o->buffer_kb + 3) / 4;
        if (pages > 65535)
            return xb_err_set(err, -XB_EUSAGE, "--buffer-kb %u: Xen's trace "
                              "buffers hold at most 65535 pages (262140 KiB) "
                              "per CPU", o->buffer_kb);
    }
    int rc = xb_xen_check_dom0(err);
    if (rc)
        return rc;

    struct xb_xen_run run;
    memset(&run, 0, sizeof run);
    run.dir = o->outdir;
    run.state = "recording";
    run.interval_ns = o->interval_ns ? o->interval_ns : 1000000000ull;
    run.duration_ns = o->duration_ns;
    run.method = o->use_xentrace ? "xentrace" : "libxenctrl";
    run.trace.pages_requested = pages;
    run.trace.evt_mask = TRC_SCHED;
    host_facts(&run);
    if ((rc = xen_facts(&run, err)))
        return rc;
    if ((rc = make_rundir(o->outdir, err)))
        return rc;

    struct loop l;
    memset(&l, 0, sizeof l);
    l.o = o;
    l.run = &run;
    if (xb_xdoms_init(&l.doms))
        return xb_err_set(err, -ENOMEM, "out of memory");
    run.doms = &l.doms;

    char path[4200];
    int tfd = -1;
    FILE *xs = NULL;
    snprintf(path, sizeof path, "%s/xenstat.jsonl", o->outdir);
    xs = fopen(path, "wxe");
    if (!xs) {
        rc = xb_err_set(err, -errno, "cannot create %s: %s", path, strerror(errno));
        goto fail;
    }
    snprintf(path, sizeof path, "%s/xentrace.bin", o->outdir);
    if (!o->use_xentrace) {
        tfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (tfd < 0) {
            rc = xb_err_set(err, -errno, "cannot create %s: %s", path,
                            strerror(errno));
            goto fail;
        }
    }
    if ((rc = xb_xsampler_open(&l.sampler, xs, err)))
        goto fail;
    xb_utc_now(run.start_utc, sizeof run.start_utc);
    if ((rc = xb_xen_manifest_write(&run, err)))
        goto fail;

    if (o->use_xentrace) {
        char log[4200];
        snprintf(log, sizeof log, "%s/xentrace.log", o->outdir);
        rc = xb_xentrace_start(&l.xt, path, log, pages, TRC_SCHED, err);
        if (rc)
            goto fail;
        l.xt_running = true;
        run.xentrace_cmd = l.xt.cmd;
        /* xentrace needs a moment to bind, size, enable and discard. */
        struct timespec nap = { 1, 0 };
        nanosleep(&nap, NULL);
        if (!xb_xentrace_alive(&l.xt, err)) {
            l.xt_running = false;
            rc = err->code;
            goto fail;
        }
    } else {
        rc = xb_tbuf_start(&l.tbuf, pages, TRC_SCHED, tfd, err);
        if (l.tbuf)
            run.trace = *xb_tbuf_stats(l.tbuf);
        if (rc)
            goto fail;
        if (run.trace.pages != pages)
            say(&l, "note: Xen's trace buffers were sized earlier in this boot: "
                "%u pages per CPU (asked for %u)", run.trace.pages, pages);
    }
    say(&l, "recording Xen %s (%s, %u pCPUs, TSC %.3f MHz) into %s%s",
        run.xen_version, run.scheduler, run.cpu_count, (double)run.cpu_khz / 1000,
        o->outdir, o->duration_ns ? "" : "; stop with Ctrl-C");

    rc = run_loop(&l, err);
    {
        int rc2 = stop_capture(&l, err);
        if (!rc)
            rc = rc2;
    }
    if (!rc && tfd >= 0 && fsync(tfd) < 0)
        rc = xb_err_set(err, -errno, "xentrace.bin: %s", strerror(errno));
    if (!rc && fflush(xs) != 0)
        rc = xb_err_set(err, -errno, "xenstat.jsonl: %s", strerror(errno));
    if (!rc)
        rc = fsync_path(o->outdir, "xenstat.jsonl", err);
    if (!rc && o->use_xentrace)
        rc = fsync_path(o->outdir, "xentrace.bin", err);
    if (rc)
        goto fail;
    xb_utc_now(run.stop_utc, sizeof run.stop_utc);
    run.state = "complete";
    rc = xb_xen_manifest_write(&run, err);
    if (!rc)
        say(&l, "done: %llu bytes of trace, %llu records, %llu lost; %u "
            "xenstat readings; %zu domains", (unsigned long long)run.trace.bytes,
            (unsigned long long)run.trace.count.records,
            (unsigned long long)run.trace.count.lost, run.samples, l.doms.n);
    goto out;

fail:
    /* Stop Xen tracing before anything else, then say what happened in the
     * manifest (best effort: the disk may be full). */
    if (l.tbuf) {
        struct xb_err e2 = { 0, "" };
        xb_tbuf_stop(l.tbuf, &e2);
        run.trace = *xb_tbuf_stats(l.tbuf);
    }
    if (l.xt_running) {
        struct xb_err e2 = { 0, "" };
        xb_xentrace_stop(&l.xt, 60, &e2);
        l.xt_running = false;
    }
    xb_utc_now(run.stop_utc, sizeof run.stop_utc);
    run.state = "failed";
    run.error = err->msg;
    {
        struct xb_err e2 = { 0, "" };
        xb_xen_manifest_write(&run, &e2);
    }
out:
    xb_tbuf_free(l.tbuf);
    xb_xsampler_free(l.sampler);
    if (tfd >= 0)
        close(tfd);
    if (xs)
        fclose(xs);
    xb_xdoms_free(&l.doms);
    return rc;
}
