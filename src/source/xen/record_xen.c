/* record_xen.c: the Xen source of `xenbench record` (xb_recorder_xen,
 * source/record.h), in a dom0.
 *
 * It owns what a Xen recording captures: the dom0 and root checks, Xen's
 * facts (version, scheduler, pCPUs, TSC rate), the trace capture (tbuf.c,
 * or Debian's xentrace with --use-xentrace) drained on VIRQ_TBUF or a short
 * timeout, and a libxenstat reading every interval (the first right after
 * tracing starts, the last right before it stops, so the readings lie
 * inside the trace); at the stop: tracing disabled, drained, fsync.  The
 * order, the clock, the manifest's common keys and the notes are the
 * recording loop's (source/record.c); manifest.c adds the Xen keys.
 * It must not decide when to start, sample or stop (source/record.c).
 */
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xen/trace.h>

#include "source/record.h"
#include "source/runfolder.h"
#include "source/xen/dom0.h"
#include "source/xen/domains.h"
#include "source/xen/lost.h"
#include "source/xen/manifest.h"
#include "source/xen/tbuf.h"
#include "source/xen/xenstat_sampler.h"
#include "source/xen/xentrace_child.h"
#include "util/clock.h"

#define DEFAULT_PAGES 1024u         /* 4 MiB per CPU: --buffer-kb default on Linux too */

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

struct xrec {
    const struct xb_record_opts *o;
    struct xb_runfolder *f;
    struct xb_xen_run run;
    unsigned pages;
    struct xb_xdoms doms;
    bool have_doms;
    struct xb_xsampler *sampler;
    FILE *xs;                       /* xenstat.jsonl */
    int tfd;                        /* xentrace.bin (built-in capture) */
    struct xb_tbuf *tbuf;           /* built-in capture, or */
    struct xb_xentrace xt;          /* --use-xentrace */
    bool xt_running, stopped;
    bool warned_sample;
    uint64_t next_note;
};

static void on_born(const struct xb_xdom *d, void *ctx)
{
    const struct xrec *x = ctx;
    if (d->created)
        xb_note(x->o->notes, XB_NOTE_PROGRESS, "domain %u%s%.0u (%s) appeared",
                d->domid, d->instance ? "#" : "", d->instance, d->name);
}

static void on_gone(const struct xb_xdom *d, void *ctx)
{
    const struct xrec *x = ctx;
    xb_note(x->o->notes, XB_NOTE_PROGRESS, "domain %u%s%.0u (%s) went away",
            d->domid, d->instance ? "#" : "", d->instance, d->name);
}

static int xen_sample(void *state, struct xb_err *err)
{
    struct xrec *x = state;
    int rc = xb_xsampler_sample(x->sampler, &x->doms, on_gone, on_born, x, err);
    if (rc == -EAGAIN) {
        x->run.samples_failed++;
        if (!x->warned_sample)
            xb_note(x->o->notes, XB_NOTE_WARNING, "libxenstat gave no reading "
                    "(%s); going on", strerror(errno));
        x->warned_sample = true;
        return 0;
    }
    if (rc == 0)
        x->run.samples++;
    return rc;
}

/* Move the trace buffers into the file (or check that xentrace still
 * runs); every 10 s a progress line. */
static int xen_read_raw(void *state, bool final, struct xb_err *err)
{
    struct xrec *x = state;
    if (final)
        return 0;                    /* xen_stop drained what was left */
    int rc = 0;
    if (x->tbuf)
        rc = xb_tbuf_drain(x->tbuf, err);
    else if (x->xt_running && !xb_xentrace_alive(&x->xt, err)) {
        x->xt_running = false;
        rc = err->code ? err->code : -EIO;
    }
    uint64_t now = xb_mono_ns();
    if (!rc && now >= x->next_note) {
        xb_note(x->o->notes, XB_NOTE_PROGRESS, "%.0f s recorded, %.1f MB of "
                "trace, %llu lost records", (double)(now - x->f->t0_mono_ns) / 1e9,
                x->tbuf ? (double)xb_tbuf_stats(x->tbuf)->bytes / 1e6 : 0.0,
                x->tbuf ? (unsigned long long)xb_tbuf_stats(x->tbuf)->count.lost : 0ull);
        x->next_note += 10 * 1000000000ull;
    }
    return rc;
}

/* Until VIRQ_TBUF (a buffer half full), until_ns or a signal. */
static int xen_wait(void *state, uint64_t until_ns, struct xb_err *err)
{
    struct xrec *x = state;
    uint64_t now = xb_mono_ns();
    uint64_t ms = until_ns > now ? (until_ns - now) / 1000000 + 1 : 0;
    int t = ms < 60000 ? (int)ms : 60000;
    if (x->tbuf)
        return xb_tbuf_wait(x->tbuf, t, err);
    struct timespec nap = { t / 1000, (long)(t % 1000) * 1000000L };
    nanosleep(&nap, NULL);
    return 0;
}

static int fsync_path(const struct xb_runfolder *f, const char *name,
                      struct xb_err *err)
{
    char path[4200];
    xb_runfolder_path(f, name, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int rc = 0;
    if (fsync(fd) < 0)
        rc = xb_err_set(err, -errno, "%s: %s", path, strerror(errno));
    close(fd);
    return rc;
}

/* Stop capturing, count what the trace holds, and put the files on disk.
 * Safe after a failure and twice. */
static int xen_stop(void *state, struct xb_err *err)
{
    struct xrec *x = state;
    if (x->stopped)
        return 0;
    x->stopped = true;
    int rc = 0;
    if (x->tbuf) {
        rc = xb_tbuf_stop(x->tbuf, err);
        x->run.trace = *xb_tbuf_stats(x->tbuf);
    } else if (x->xt_running) {
        x->xt_running = false;
        rc = xb_xentrace_stop(&x->xt, 60, err);
    }
    if (!x->tbuf) {
        char path[4200];
        xb_runfolder_path(x->f, "xentrace.bin", path, sizeof path);
        struct stat st;
        if (stat(path, &st) == 0)
            x->run.trace.bytes = (uint64_t)st.st_size;
        struct xb_err e2 = { 0, "" };
        xb_lost_scan_file(path, &x->run.trace.count, rc ? &e2 : err);
        if (!rc)
            rc = err->code;
    }
    if (!rc && x->tfd >= 0 && fsync(x->tfd) < 0)
        rc = xb_err_set(err, -errno, "xentrace.bin: %s", strerror(errno));
    if (!rc && x->xs && fflush(x->xs) != 0)
        rc = xb_err_set(err, -errno, "xenstat.jsonl: %s", strerror(errno));
    if (!rc)
        rc = fsync_path(x->f, "xenstat.jsonl", err);
    if (!rc && x->o->use_xentrace)
        rc = fsync_path(x->f, "xentrace.bin", err);
    return rc;
}

/* dom0, root and Xen's facts, before any folder exists. */
static int xen_open(void **state, const struct xb_record_opts *o,
                    struct xb_runfolder *f, struct xb_err *err)
{
    struct xrec *x = calloc(1, sizeof *x);
    if (!x)
        return xb_err_set(err, -ENOMEM, "out of memory");
    *state = x;
    x->o = o;
    x->f = f;
    x->tfd = -1;
    x->pages = DEFAULT_PAGES;
    if (o->buffer_kb) {
        x->pages = (o->buffer_kb + 3) / 4;
        if (x->pages > 65535)
            return xb_err_set(err, -XB_EUSAGE, "--buffer-kb %u: Xen's trace "
                              "buffers hold at most 65535 pages (262140 KiB) "
                              "per CPU", o->buffer_kb);
    }
    int rc = xb_xen_check_dom0(err);
    if (rc || (rc = xen_facts(&x->run, err)))
        return rc;
    f->cpu_count = x->run.cpu_count;
    f->cpu_mhz = (double)x->run.cpu_khz / 1000.0;
    x->run.method = o->use_xentrace ? "xentrace" : "libxenctrl";
    x->run.trace.pages_requested = x->pages;
    x->run.trace.evt_mask = TRC_SCHED;
    if (xb_xdoms_init(&x->doms))
        return xb_err_set(err, -ENOMEM, "out of memory");
    x->have_doms = true;
    x->run.doms = &x->doms;
    return 0;
}

/* xenstat.jsonl and xentrace.bin, created new. */
static int xen_prepare(void *state, struct xb_err *err)
{
    struct xrec *x = state;
    char path[4200];
    xb_runfolder_path(x->f, "xenstat.jsonl", path, sizeof path);
    if (!(x->xs = fopen(path, "wxe")))
        return xb_err_set(err, -errno, "cannot create %s: %s", path, strerror(errno));
    /* Created new here even when xentrace writes it (--use-xentrace): a
     * recording never overwrites a file it did not make. */
    xb_runfolder_path(x->f, "xentrace.bin", path, sizeof path);
    x->tfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (x->tfd < 0)
        return xb_err_set(err, -errno, "cannot create %s: %s", path,
                          strerror(errno));
    if (x->o->use_xentrace) {
        close(x->tfd);
        x->tfd = -1;
    }
    return xb_xsampler_open(&x->sampler, x->xs, err);
}

static int xen_start(void *state, struct xb_err *err)
{
    struct xrec *x = state;
    const struct xb_record_opts *o = x->o;
    int rc;
    if (o->use_xentrace) {
        char trace[4200], log[4200];
        xb_runfolder_path(x->f, "xentrace.bin", trace, sizeof trace);
        xb_runfolder_path(x->f, "xentrace.log", log, sizeof log);
        if ((rc = xb_xentrace_start(&x->xt, trace, log, x->pages, TRC_SCHED, err)))
            return rc;
        x->xt_running = true;
        x->run.xentrace_cmd = x->xt.cmd;
        /* xentrace needs a moment to bind, size, enable and discard. */
        struct timespec nap = { 1, 0 };
        nanosleep(&nap, NULL);
        if (!xb_xentrace_alive(&x->xt, err)) {
            x->xt_running = false;
            return err->code ? err->code : -EIO;
        }
    } else {
        rc = xb_tbuf_start(&x->tbuf, x->pages, TRC_SCHED, x->tfd, err);
        if (x->tbuf)
            x->run.trace = *xb_tbuf_stats(x->tbuf);
        if (rc)
            return rc;
        if (x->run.trace.pages != x->pages)
            xb_note(o->notes, XB_NOTE_PROGRESS, "note: Xen's trace buffers were "
                    "sized earlier in this boot: %u pages per CPU (asked for %u)",
                    x->run.trace.pages, x->pages);
    }
    xb_note(o->notes, XB_NOTE_PROGRESS, "recording Xen %s (%s, %u pCPUs, TSC %.3f "
            "MHz) into %s%s", x->run.xen_version, x->run.scheduler,
            x->run.cpu_count, (double)x->run.cpu_khz / 1000, x->f->dir,
            o->duration_ns ? "" : "; stop with Ctrl-C");
    x->next_note = xb_mono_ns() + 10 * 1000000000ull;
    return 0;
}

static int xen_describe(void *state, json_t *m)
{
    struct xrec *x = state;
    if (x->tbuf)
        x->run.trace = *xb_tbuf_stats(x->tbuf);
    return xb_xen_manifest_keys(&x->run, m);
}

static void xen_summary(void *state, char *buf, size_t len)
{
    struct xrec *x = state;
    snprintf(buf, len, "%llu bytes of trace, %llu records, %llu lost; %u xenstat "
             "readings; %zu domains", (unsigned long long)x->run.trace.bytes,
             (unsigned long long)x->run.trace.count.records,
             (unsigned long long)x->run.trace.count.lost, x->run.samples, x->doms.n);
}

static void xen_close(void *state)
{
    struct xrec *x = state;
    if (x->xt_running) {
        struct xb_err e2 = { 0, "" };
        xb_xentrace_stop(&x->xt, 60, &e2);
    }
    xb_tbuf_free(x->tbuf);
    xb_xsampler_free(x->sampler);
    if (x->tfd >= 0)
        close(x->tfd);
    if (x->xs)
        fclose(x->xs);
    if (x->have_doms)
        xb_xdoms_free(&x->doms);
    free(x);
}

const struct xb_recorder_ops xb_recorder_xen = {
    .name = "xen",
    .read_period_ns = 0,             /* drain at every wake */
    .open = xen_open,
    .prepare = xen_prepare,
    .start = xen_start,
    .wait = xen_wait,
    .read_raw = xen_read_raw,
    .sample = xen_sample,
    .stop = xen_stop,
    .describe = xen_describe,
    .summary = xen_summary,
    .close = xen_close,
};
