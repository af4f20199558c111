/* live.c: capture -> decoder -> engine -> presenter, in one process. */
#define _GNU_SOURCE
#include "live.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode/linux_sched.h"
#include "decode/procfs_load.h"
#include "source/linux/domains.h"
#include "source/linux/procfs_sampler.h"
#include "source/linux/tracefs_capture.h"
#include "util/clock.h"

#define KEEP_SAMPLES 12     /* counter samples kept: covers a 10-window view */

struct xb_live {
    struct xb_live_opts o;
    struct xb_tcapture *tc;
    struct xb_lsched *dec;
    struct xb_engine *e;
    struct xb_domain_map map;
    struct xb_names names;
    struct xb_run_info info;
    const struct xb_presenter *p;
    void *ctx;
    uint64_t t0, next_sample;
    char *sample[KEEP_SAMPLES];       /* procfs sampler text, oldest first */
    size_t samplelen[KEEP_SAMPLES];
    unsigned nsample;
    struct xb_counters *counters;
    uint64_t *lost, *notices;
    char tmpdir[4096];
};

static int on_window(const struct xb_window *w, void *c)
{
    struct xb_live *l = c;
    return l->p->window ? l->p->window(w, &l->info, l->ctx) : 0;
}

static int on_page(unsigned cpu, const void *page, size_t len, void *c)
{
    struct xb_live *l = c;
    return xb_lsched_add_page(l->dec, cpu, page, len);
}

/* Declare the map's threads to the decoder; with seed (at the start),
 * those asleep now are blocked from the first instant, as for report. */
static int register_threads(struct xb_live *l, bool seed)
{
    for (size_t i = 0; i < l->map.n; i++) {
        const struct xb_ldomain *d = &l->map.d[i];
        for (size_t k = 0; k < d->nthread; k++) {
            if (xb_lsched_thread(l->dec, d->threads[k].tid, d->domid,
                                 d->threads[k].vcpu))
                return -ENOMEM;
            char st;
            int cpu;
            if (seed && xb_thread_state(d->threads[k].tid, &st, &cpu) == 0 &&
                st && strchr("SDIT", st) && cpu >= 0 &&
                xb_lsched_seed_blocked(l->dec, l->e, d->threads[k].tid,
                                       (unsigned)cpu))
                return -ENOMEM;
        }
    }
    return 0;
}

/* Sample procfs into memory, keep the last KEEP_SAMPLES, rebuild counters. */
static int sample(struct xb_live *l, struct xb_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return xb_err_set(err, -ENOMEM, "out of memory");
    int rc = xb_procfs_sampler.sample(NULL, &l->map, xb_mono_ns(), f, err);
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    if (l->nsample == KEEP_SAMPLES) {
        free(l->sample[0]);
        memmove(l->sample, l->sample + 1, (KEEP_SAMPLES - 1) * sizeof *l->sample);
        memmove(l->samplelen, l->samplelen + 1, (KEEP_SAMPLES - 1) * sizeof *l->samplelen);
        l->nsample--;
    }
    l->sample[l->nsample] = buf;
    l->samplelen[l->nsample++] = len;
    char *all = NULL;
    size_t alllen = 0;
    FILE *m = open_memstream(&all, &alllen);
    if (!m)
        return xb_err_set(err, -ENOMEM, "out of memory");
    for (unsigned i = 0; i < l->nsample; i++)
        fwrite(l->sample[i], 1, l->samplelen[i], m);
    fclose(m);
    struct xb_counters *c = xb_counters_new();
    FILE *in = fmemopen(all, alllen ? alllen : 1, "r");
    struct xb_timebase tb = { l->t0, 1000000000ull };
    rc = !c || !in ? xb_err_set(err, -ENOMEM, "out of memory")
                   : xb_procfs_load_stream(in, "procfs samples", &tb, c, err);
    if (in)
        fclose(in);
    free(all);
    if (rc) {
        xb_counters_free(c);
        return rc;
    }
    xb_counters_free(l->counters);
    l->counters = c;
    l->info.counters = c;
    return 0;
}

int xb_live_open(struct xb_live **out, const struct xb_live_opts *o,
                 const struct xb_presenter *p, void *ctx, struct xb_err *err)
{
    *out = NULL;
    struct xb_live *l = calloc(1, sizeof *l);
    if (!l)
        return xb_err_set(err, -ENOMEM, "out of memory");
    l->o = *o;
    l->p = p;
    l->ctx = ctx;
    int rc;
    if ((rc = xb_tcapture_open(&l->tc, o->buffer_kb, err)))
        goto fail;
    unsigned ncpu = xb_tcapture_ncpu(l->tc);
    const char *tmp = getenv("TMPDIR");
    snprintf(l->tmpdir, sizeof l->tmpdir, "%s/xenbench-top-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(l->tmpdir)) {
        l->tmpdir[0] = 0;
        rc = xb_err_set(err, -errno, "mkdtemp: %s", strerror(errno));
        goto fail;
    }
    if ((rc = xb_tcapture_save_formats(l->tc, l->tmpdir, err)) ||
        (rc = xb_domains_discover(o->domains ? o->domains : "auto", o->match,
                                  &l->map, err)))
        goto fail;
    l->t0 = xb_mono_ns();
    if ((rc = xb_lsched_new(&l->dec, l->tmpdir, ncpu, xb_tcapture_page_size(l->tc),
                            l->t0, err)))
        goto fail;
    l->e = xb_engine_new(ncpu, o->interval_ns, on_window, l);
    l->lost = calloc(ncpu, sizeof *l->lost);
    l->notices = calloc(ncpu, sizeof *l->notices);
    if (!l->e || !l->lost || !l->notices) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto fail;
    }
    bool oom = xb_names_set(&l->names, XB_HOST_DOMID, "host") != 0;
    for (size_t i = 0; i < l->map.n; i++) {
        const struct xb_ldomain *d = &l->map.d[i];
        oom |= xb_names_set(&l->names, d->domid, d->name) != 0;
        oom |= xb_lsched_domain(l->dec, d->domid, strcmp(d->kind, "qemu") == 0 ||
                                                  strcmp(d->kind, "libvirt") == 0) != 0;
    }
    for (unsigned i = 0; i < ncpu; i++)
        xb_engine_pcpu_start(l->e, i, 0);
    if (oom || register_threads(l, true)) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto fail;
    }
    l->info.source = "linux";
    l->info.trace_path = "live";
    l->info.tsc_hz_from = "live";
    l->info.npcpu = ncpu;
    l->info.names = &l->names;
    l->info.lost = l->lost;
    l->info.lost_notices = l->notices;
    if ((rc = xb_tcapture_start(l->tc, err)) || (rc = sample(l, err)))
        goto fail;
    l->next_sample = l->t0 + o->interval_ns;
    if (p->begin && (rc = p->begin(&l->info, ctx)))
        goto fail;
    *out = l;
    return 0;
fail:
    xb_live_close(l);
    return rc;
}

int xb_live_step(struct xb_live *l, struct xb_err *err)
{
    int rc;
    uint64_t now = xb_mono_ns();
    if ((rc = xb_tcapture_read(l->tc, false, on_page, l, err)))
        return rc;
    if (now >= l->next_sample) {
        if (xb_domains_rescan(&l->map) > 0 && register_threads(l, false))
            return xb_err_set(err, -ENOMEM, "out of memory");
        if ((rc = sample(l, err)))
            return rc;
        while (l->next_sample <= now)
            l->next_sample += l->o.interval_ns;
    }
    if ((rc = xb_lsched_drain(l->dec, l->e, now, err)))
        return rc;
    /* Close the windows the decoder has passed (it applies events a little
     * behind the newest one read). */
    l->info.records = xb_lsched_events(l->dec);
    for (unsigned i = 0; i < l->info.npcpu; i++) {
        l->lost[i] = xb_lsched_lost(l->dec, i);
        l->notices[i] = xb_lsched_lost_pages(l->dec, i);
    }
    l->info.span_ns = xb_lsched_last_ns(l->dec);
    rc = xb_engine_advance(l->e, xb_lsched_last_ns(l->dec));
    if (rc < 0)
        xb_err_set(err, rc, "out of memory");
    return rc;
}

const struct xb_run_info *xb_live_info(const struct xb_live *l)
{
    return &l->info;
}

void xb_live_close(struct xb_live *l)
{
    if (!l)
        return;
    xb_tcapture_close(l->tc);
    xb_engine_free(l->e);
    xb_lsched_free(l->dec);
    xb_domains_free(&l->map);
    xb_names_free(&l->names);
    xb_counters_free(l->counters);
    for (unsigned i = 0; i < l->nsample; i++)
        free(l->sample[i]);
    free(l->lost);
    free(l->notices);
    if (l->tmpdir[0]) {
        char path[4300];
        for (const char *const *ev = xb_tcapture_events; *ev; ev++) {
            snprintf(path, sizeof path, "%s/%.*s-%s.format", l->tmpdir,
                     (int)(strchr(*ev, '/') - *ev), *ev, strchr(*ev, '/') + 1);
            unlink(path);
        }
        snprintf(path, sizeof path, "%s/header_page", l->tmpdir);
        unlink(path);
        rmdir(l->tmpdir);
    }
    free(l);
}
