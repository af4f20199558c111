/* live.c: the pipeline's input for this Linux host, live (xb_input_live,
 * pipeline/input.h; `top`): tracefs pages go straight from the capture to
 * the decoder; the samplers a recording of these domains would run (procfs,
 * and libvirt's domstats for libvirt guests) write into memory, the last
 * KEEP_SAMPLES readings of each are kept and loaded as counters each
 * interval, by the same loaders as a run folder's files.  Only the event formats go to a
 * temporary folder ($TMPDIR, else /tmp), removed at the end.  It owns the
 * capture, the domain map and its rescans; it must not touch the engine's
 * windows or the presenter (pipeline.c), nor print. */
#define _GNU_SOURCE
#include "pipeline/input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode/linux_sched.h"
#include "decode/libvirt_stats_load.h"
#include "decode/procfs_load.h"
#include "source/libvirt/libvirt_stats.h"
#include "source/linux/domains.h"
#include "source/runfolder.h"
#include "source/linux/procfs_sampler.h"
#include "source/linux/tracefs_capture.h"
#include "util/clock.h"

#define KEEP_SAMPLES 12     /* counter samples kept: covers a 10-window view */

/* One sampler of the live capture: the text its open() wrote (a file
 * header) and its last readings. */
struct live_sampler {
    const struct xb_sampler *s;
    int (*load)(FILE *f, const char *path, const struct xb_timebase *tb,
                struct xb_counters *c, struct xb_err *err);
    void *state;
    bool opened;
    char *head;
    size_t headlen;
    char *ring[KEEP_SAMPLES];         /* oldest first */
    size_t len[KEEP_SAMPLES];
    unsigned n;
};

struct xb_live {
    struct xb_live_opts o;
    uint64_t interval_ns;
    struct xb_tcapture *tc;
    struct xb_lsched *dec;
    struct xb_domain_map map;
    struct xb_names *names;
    unsigned char vm[XB_IDLE_DOMID];  /* info->vm */
    uint64_t t0, next_sample;
    char start_utc[32];             /* the wall clock at t0 */
    struct live_sampler smp[2];       /* in load order: libvirt before procfs */
    unsigned nsmp;
    struct xb_counters *counters;
    uint64_t *lost, *notices;
    bool stopping;                  /* stop(): the next feed is the last */
    uint64_t t_stop;
    char tmpdir[4096];
    struct xb_runfolder facts;        /* info->host, cpu_model: as record's */
};

static int on_page(unsigned cpu, const void *page, size_t len, void *c)
{
    struct xb_live *l = c;
    return xb_lsched_add_page(l->dec, cpu, page, len);
}

/* Declare the map's threads to the decoder; with seed (at the start),
 * those asleep now are blocked from the first instant, as for report. */
static int register_threads(struct xb_live *l, struct xb_engine *e, bool seed)
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
                xb_lsched_seed_blocked(l->dec, e, d->threads[k].tid,
                                       (unsigned)cpu))
                return -ENOMEM;
        }
    }
    return 0;
}

/* The samplers of these domains, each opened into memory: libvirt's
 * domstats for libvirt guests, then procfs (which leaves alone a domain's
 * figure libvirt gave, as for a run folder). */
static int open_samplers(struct xb_live *l, const struct xb_notes *notes,
                         struct xb_err *err)
{
    if (strcmp(l->map.mode, "libvirt") == 0)
        l->smp[l->nsmp++] = (struct live_sampler){
            .s = &xb_libvirt_sampler, .load = xb_libvirt_stats_load_stream };
    l->smp[l->nsmp++] = (struct live_sampler){
        .s = &xb_procfs_sampler, .load = xb_procfs_load_stream };
    for (unsigned i = 0; i < l->nsmp; i++) {
        struct live_sampler *s = &l->smp[i];
        const char *why = NULL;
        FILE *f = open_memstream(&s->head, &s->headlen);
        if (!f)
            return xb_err_set(err, -ENOMEM, "out of memory");
        int rc = s->s->open(&s->state, &l->map, f, &why, err);
        fclose(f);
        if (rc < 0)
            return rc;
        s->opened = rc == 0;
        if (rc == 1)
            xb_note(notes, XB_NOTE_PROGRESS, "%s counters: %s", s->s->name,
                    why ? why : "not available on this host");
    }
    return 0;
}

/* One reading of every sampler into memory, the last KEEP_SAMPLES kept;
 * the counters rebuilt from them. */
static int sample(struct xb_live *l, struct xb_run_info *info, struct xb_err *err)
{
    uint64_t now = xb_mono_ns();
    for (unsigned i = 0; i < l->nsmp; i++) {
        struct live_sampler *s = &l->smp[i];
        if (!s->opened)
            continue;
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
            return xb_err_set(err, -ENOMEM, "out of memory");
        int rc = s->s->sample(s->state, &l->map, now, f, err);
        fclose(f);
        if (rc) {
            free(buf);
            return rc;
        }
        if (s->n == KEEP_SAMPLES) {
            free(s->ring[0]);
            memmove(s->ring, s->ring + 1, (KEEP_SAMPLES - 1) * sizeof *s->ring);
            memmove(s->len, s->len + 1, (KEEP_SAMPLES - 1) * sizeof *s->len);
            s->n--;
        }
        s->ring[s->n] = buf;
        s->len[s->n++] = len;
    }
    struct xb_counters *c = xb_counters_new();
    if (!c)
        return xb_err_set(err, -ENOMEM, "out of memory");
    struct xb_timebase tb = { l->t0, 1000000000ull };
    int rc = 0;
    for (unsigned i = 0; !rc && i < l->nsmp; i++) {
        struct live_sampler *s = &l->smp[i];
        if (!s->opened)
            continue;
        char *all = NULL;
        size_t alllen = 0;
        FILE *m = open_memstream(&all, &alllen);
        if (!m) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            break;
        }
        if (s->headlen)
            fwrite(s->head, 1, s->headlen, m);
        for (unsigned k = 0; k < s->n; k++)
            fwrite(s->ring[k], 1, s->len[k], m);
        fclose(m);
        FILE *in = fmemopen(all, alllen ? alllen : 1, "r");
        char what[64];
        snprintf(what, sizeof what, "%s samples", s->s->name);
        rc = in ? s->load(in, what, &tb, c, err)
                : xb_err_set(err, -ENOMEM, "out of memory");
        if (in)
            fclose(in);
        free(all);
    }
    if (rc) {
        xb_counters_free(c);
        return rc;
    }
    xb_counters_free(l->counters);
    l->counters = c;
    info->counters = c;
    return 0;
}

static int live_open(void **state, const struct xb_input_opts *io,
                     const struct xb_manifest *m, struct xb_names *names,
                     struct xb_run_info *info, struct xb_err *err)
{
    (void)m;
    struct xb_live *l = calloc(1, sizeof *l);
    if (!l)
        return xb_err_set(err, -ENOMEM, "out of memory");
    *state = l;
    const struct xb_live_opts *o = io->live;
    l->o = *o;
    l->interval_ns = io->interval_ns ? io->interval_ns : 1000000000ull;
    l->names = names;
    int rc;
    if ((rc = xb_tcapture_open(&l->tc, o->buffer_kb, err)))
        return rc;
    unsigned ncpu = xb_tcapture_ncpu(l->tc);
    const char *tmp = getenv("TMPDIR");
    snprintf(l->tmpdir, sizeof l->tmpdir, "%s/xenbench-top-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(l->tmpdir)) {
        l->tmpdir[0] = 0;
        return xb_err_set(err, -errno, "mkdtemp: %s", strerror(errno));
    }
    char none[600];
    if ((rc = xb_tcapture_save_formats(l->tc, l->tmpdir, err)) ||
        (rc = xb_domains_discover(o->domains ? o->domains : "auto", o->match,
                                  &l->map, err)) ||
        (rc = xb_domains_require(&l->map, o->domains ? o->domains : "auto",
                                 o->match, o->require, none, sizeof none, err)))
        return rc;
    if (none[0])
        xb_note(io->notes, XB_NOTE_WARNING, "%s", none);
    l->t0 = xb_mono_ns();
    xb_utc_now(l->start_utc, sizeof l->start_utc);
    info->start_utc = l->start_utc;
    info->start_from = "live";
    info->t0_mono_ns = l->t0;
    if ((rc = xb_lsched_new(&l->dec, l->tmpdir, ncpu, xb_tcapture_page_size(l->tc),
                            l->t0, err)))
        return rc;
    xb_lsched_set_live(l->dec);
    l->lost = calloc(ncpu, sizeof *l->lost);
    l->notices = calloc(ncpu, sizeof *l->notices);
    if (!l->lost || !l->notices)
        return xb_err_set(err, -ENOMEM, "out of memory");
    bool oom = xb_names_set(names, XB_HOST_DOMID, "host") != 0;
    for (size_t i = 0; i < l->map.n; i++) {
        const struct xb_ldomain *d = &l->map.d[i];
        oom |= xb_names_set(names, d->domid, d->name) != 0;
        oom |= xb_lsched_domain(l->dec, d->domid, xb_kind_is_vm(d->kind)) != 0;
        if (d->domid < XB_IDLE_DOMID)
            l->vm[d->domid] = xb_kind_is_vm(d->kind);
    }
    if (oom)
        return xb_err_set(err, -ENOMEM, "out of memory");
    xb_runfolder_init(&l->facts, "live");     /* host facts only: no folder */
    info->host = l->facts.host[0] ? l->facts.host : NULL;
    info->cpu_model = l->facts.cpu_model[0] ? l->facts.cpu_model : NULL;
    info->cpu_mhz = l->facts.cpu_mhz;
    info->vm = l->vm;
    info->nvm = XB_IDLE_DOMID;
    info->npcpu = ncpu;
    info->lost = l->lost;
    info->lost_notices = l->notices;
    return 0;
}

/* Every pCPU traced from now (time 0); the threads asleep now are blocked
 * from the first instant, as for report; then capture and a first sample. */
static int live_start(void *state, struct xb_engine *e, struct xb_run_info *info,
                      const struct xb_notes *notes, struct xb_err *err)
{
    struct xb_live *l = state;
    for (unsigned i = 0; i < info->npcpu; i++)
        xb_engine_pcpu_start(e, i, 0);
    if (register_threads(l, e, true))
        return xb_err_set(err, -ENOMEM, "out of memory");
    int rc = open_samplers(l, notes, err);
    if (!rc)
        rc = xb_tcapture_start(l->tc, err);
    if (!rc)
        rc = sample(l, info, err);
    l->next_sample = l->t0 + l->interval_ns;
    return rc;
}

/* Move pages, sample counters when due, close the windows the decoder has
 * passed (it applies events a little behind the newest one read). */
static int live_feed(void *state, struct xb_engine *e, struct xb_run_info *info,
                     struct xb_err *err)
{
    struct xb_live *l = state;
    int rc;
    uint64_t now = l->stopping ? l->t_stop : xb_mono_ns();
    if ((rc = xb_tcapture_read(l->tc, l->stopping, on_page, l, err)))
        return rc;
    if (l->stopping) {
        /* The last reading, every page left, every event: the end. */
        if ((rc = sample(l, info, err)) ||
            (rc = xb_lsched_drain(l->dec, e, UINT64_MAX, err)))
            return rc;
        info->records = xb_lsched_events(l->dec);
        for (unsigned i = 0; i < info->npcpu; i++) {
            l->lost[i] = xb_lsched_lost(l->dec, i);
            l->notices[i] = xb_lsched_lost_pages(l->dec, i);
            uint64_t k = xb_tcapture_lost(l->tc, i);
            if (k > l->lost[i])
                l->lost[i] = k;
        }
        info->span_ns = now > l->t0 ? now - l->t0 : 0;
        if (xb_lsched_last_ns(l->dec) > info->span_ns)
            info->span_ns = xb_lsched_last_ns(l->dec);
        return 1;
    }
    if (now >= l->next_sample) {
        if (xb_domains_rescan(&l->map) > 0 && register_threads(l, e, false))
            return xb_err_set(err, -ENOMEM, "out of memory");
        if ((rc = sample(l, info, err)))
            return rc;
        while (l->next_sample <= now)
            l->next_sample += l->interval_ns;
    }
    if ((rc = xb_lsched_drain(l->dec, e, now, err)))
        return rc;
    info->records = xb_lsched_events(l->dec);
    info->repaired = xb_lsched_repaired(l->dec);
    info->implied_wakeups = xb_lsched_implied_wakeups(l->dec);
    for (unsigned i = 0; i < info->npcpu; i++) {
        l->lost[i] = xb_lsched_lost(l->dec, i);
        l->notices[i] = xb_lsched_lost_pages(l->dec, i);
    }
    info->span_ns = xb_lsched_last_ns(l->dec);
    rc = xb_engine_advance(e, xb_lsched_last_ns(l->dec));
    return rc ? rc : 0;
}

/* Until the next sample is due, a CPU's buffer is a quarter full, or
 * until_ns. */
static int live_wait(void *state, uint64_t until_ns, struct xb_err *err)
{
    struct xb_live *l = state;
    uint64_t now = xb_mono_ns();
    if (l->next_sample < until_ns)
        until_ns = l->next_sample;
    if (until_ns <= now)
        return 0;
    int ready = xb_tcapture_wait(l->tc, (int)((until_ns - now + 999999) / 1000000));
    if (ready < 0)
        return xb_err_set(err, ready, "tracefs: poll: %s", strerror(-ready));
    return 0;
}

static int live_stop(void *state, struct xb_err *err)
{
    struct xb_live *l = state;
    (void)err;
    if (!l->stopping) {
        xb_tcapture_stop(l->tc);
        l->t_stop = xb_mono_ns();
        l->stopping = true;
    }
    return 0;
}

static void live_close(void *state)
{
    struct xb_live *l = state;
    xb_tcapture_close(l->tc);
    xb_lsched_free(l->dec);
    xb_domains_free(&l->map);
    xb_counters_free(l->counters);
    for (unsigned i = 0; i < l->nsmp; i++) {
        struct live_sampler *s = &l->smp[i];
        if (s->opened && s->s->close)
            s->s->close(s->state);
        free(s->head);
        for (unsigned k = 0; k < s->n; k++)
            free(s->ring[k]);
    }
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

const struct xb_input_ops xb_input_live = {
    .name = "live",
    .open = live_open,
    .start = live_start,
    .feed = live_feed,
    .wait = live_wait,
    .stop = live_stop,
    .close = live_close,
};
