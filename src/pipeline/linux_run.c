/* linux_run.c: the pipeline's input for a run folder of `record` on Linux
 * (xb_input_linux, pipeline/input.h): tracefs pages, domains.json and the
 * counters, on CLOCK_MONOTONIC from the manifest's t0_mono_ns (engine time
 * 0).  It owns reading domains.json and feeding the Linux decoder; it must
 * not touch the manifest's other facts, the warning block or the presenter
 * (pipeline.c). */
#include "linux_run.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/counters_load.h"
#include "pipeline/input.h"
#include "util/json.h"
#include "source/linux/domains.h"

/* t_stop_mono_ns may lie this far after the last event. */
#define STOP_SLACK_NS 60000000000ull

int xb_linux_load_domains(const char *path, struct xb_lsched *d,
                          struct xb_engine *e, struct xb_names *names,
                          unsigned char *vm, struct xb_err *err)
{
    json_t *root;
    int rc = xb_json_load_file(path, &root, err);
    if (rc)
        return rc;
    json_t *doms = json_object_get(root, "domains");
    if (!json_is_array(doms)) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: field \"domains\": expected an array",
                        path);
        goto out;
    }
    size_t i, k;
    json_t *dj, *tj;
    json_array_foreach(doms, i, dj) {
        json_t *id = json_object_get(dj, "id"), *name = json_object_get(dj, "name");
        json_t *kind = json_object_get(dj, "kind"), *th = json_object_get(dj, "threads");
        if (!json_is_integer(id) || json_integer_value(id) < 1 ||
            json_integer_value(id) >= XB_IDLE_DOMID || !json_is_string(name) ||
            (th && !json_is_array(th))) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: domains[%zu]: expected {\"id\": "
                            "1..32766, \"name\": \"...\", \"threads\": [...]}", path, i);
            goto out;
        }
        uint32_t domid = (uint32_t)json_integer_value(id);
        const char *ks = json_is_string(kind) ? json_string_value(kind) : "";
        bool qemu = xb_kind_is_vm(ks);
        if (vm)
            vm[domid] = qemu;
        if (xb_names_set(names, domid, json_string_value(name)) ||
            xb_lsched_domain(d, domid, qemu)) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto out;
        }
        json_array_foreach(th, k, tj) {
            json_t *tid = json_object_get(tj, "tid"), *vcpu = json_object_get(tj, "vcpu");
            if (!json_is_integer(tid) || !json_is_integer(vcpu) ||
                json_integer_value(tid) <= 0 || json_integer_value(tid) > INT32_MAX ||
                json_integer_value(vcpu) < 0 ||
                json_integer_value(vcpu) > XB_MAX_VCPU_ID) {
                rc = xb_err_set(err, -XB_EINPUT, "%s: domains[%zu].threads[%zu]: "
                                "expected {\"tid\": 1..%d, \"vcpu\": 0..%u}", path,
                                i, k, INT32_MAX, XB_MAX_VCPU_ID);
                goto out;
            }
            pid_t t = (pid_t)json_integer_value(tid);
            if (xb_lsched_thread(d, t, domid, (uint32_t)json_integer_value(vcpu))) {
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                goto out;
            }
            json_t *st = json_object_get(tj, "state0"), *cpu = json_object_get(tj, "cpu0");
            const char *s0 = json_is_string(st) ? json_string_value(st) : "";
            if (e && s0[0] && strchr("SDIT", s0[0]) && json_is_integer(cpu) &&
                json_integer_value(cpu) >= 0 &&
                xb_lsched_seed_blocked(d, e, t, (unsigned)json_integer_value(cpu))) {
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                goto out;
            }
        }
    }
out:
    json_decref(root);
    return rc;
}

struct linux_in {
    struct xb_lsched *d;
    const struct xb_notes *notes;
    char both[1300];                /* the warnings before and after decoding */
    char counters_damage[700];      /* what loading procfs.txt skipped */
    char open_warning[1300];        /* the pages' and the counters' warnings */
    const struct xb_manifest *m;
    uint64_t t0;                    /* engine time 0 (a ring run: its kept span) */
    const char *dir;
    struct xb_names *names;
    struct xb_counters *counters;
    uint64_t *lost, *notices;
    unsigned char vm[XB_IDLE_DOMID];   /* info->vm */
};

static int linux_open(void **state, const struct xb_input_opts *o,
                      const struct xb_manifest *m, struct xb_names *names,
                      struct xb_run_info *info, struct xb_err *err)
{
    struct linux_in *x = calloc(1, sizeof *x);
    if (!x)
        return xb_err_set(err, -ENOMEM, "out of memory");
    *state = x;
    x->m = m;
    x->dir = o->path;
    x->names = names;
    x->lost = calloc(m->ncpu, sizeof *x->lost);
    x->notices = calloc(m->ncpu, sizeof *x->notices);
    if (!x->lost || !x->notices)
        return xb_err_set(err, -ENOMEM, "out of memory");
    info->npcpu = m->ncpu;
    info->lost = x->lost;
    info->lost_notices = x->notices;
    /* A ring run reads as a raw run that starts where every CPU's kept
     * pages begin: engine time 0 is there, and what came before is gone. */
    uint64_t t0 = x->t0 = m->seg ? m->kept_from_mono_ns : m->t0_mono_ns;
    int rc = xb_lsched_new(&x->d, m->formats_dir, m->ncpu, m->page_size, t0, err);
    char path[4300];
    for (unsigned i = 0; !rc && i < m->ncpu; i++) {
        snprintf(path, sizeof path, "%s/tracefs/cpu%u.raw", o->path, i);
        if (!m->seg)
            rc = xb_lsched_map_file(x->d, i, path, err);
        for (size_t k = m->seg ? m->seg_at[i] : 0;
             !rc && m->seg && k < m->seg_at[i + 1]; k++) {
            snprintf(path, sizeof path, "%s/%s", o->path, m->seg[k]);
            rc = xb_lsched_map_file(x->d, i, path, err);
        }
    }
    if (!rc) {
        info->warning = xb_lsched_warning(x->d);
        xb_lsched_set_strict(x->d, o->strict);
    }
    if (!rc && m->t_stop_mono_ns && m->t_stop_mono_ns < m->t0_mono_ns)
        rc = xb_err_set(err, -XB_EINPUT, "%s/manifest.json: t_stop_mono_ns (%.6f s) "
                        "is before t0_mono_ns (%.6f s)", o->path,
                        m->t_stop_mono_ns / 1e9, m->t0_mono_ns / 1e9);
    if (!rc) {
        /* events outside t0 .. t_stop are not this recording's; a run with
         * no stop time: each CPU's time after its own last event is unknown */
        xb_lsched_set_bounds(x->d, m->t0_mono_ns, m->t_stop_mono_ns);
        if (m->seg)
            xb_lsched_set_from(x->d, t0);
        if (!m->t_stop_mono_ns)
            xb_lsched_set_cut(x->d);
    }
    info->vm = x->vm;
    info->nvm = XB_IDLE_DOMID;
    /* Counters now, so that their damage joins the warning the pipeline
     * shows (and --strict refuses) before the figures. */
    /* from the recording's start, then (a ring run) from the kept span's:
     * a sample before it gives its value there, not its own */
    struct xb_timebase tb = { m->t0_mono_ns, 1000000000ull };
    if (!rc)
        rc = xb_counters_load_all(m, &tb, &x->counters, x->counters_damage,
                                  sizeof x->counters_damage, err);
    if (!rc && t0 > m->t0_mono_ns)
        xb_counters_rebase(x->counters, t0 - m->t0_mono_ns);
    if (!rc && x->counters_damage[0]) {
        if (info->warning)
            snprintf(x->open_warning, sizeof x->open_warning, "%s; %s",
                     info->warning, x->counters_damage);
        else
            snprintf(x->open_warning, sizeof x->open_warning, "%s",
                     x->counters_damage);
        info->warning = x->open_warning;
    }
    info->counters = x->counters;
    return rc;
}

/* Every pCPU traced from time 0; the domains, their threads and who was
 * asleep at the start (the counters, on CLOCK_MONOTONIC from t0, are loaded
 * at open). */
static int linux_start(void *state, struct xb_engine *e, struct xb_run_info *info,
                       const struct xb_notes *notes, struct xb_err *err)
{
    struct linux_in *x = state;
    x->notes = notes;
    int rc;
    (void)info;
    for (unsigned i = 0; i < x->m->ncpu; i++)
        xb_engine_pcpu_start(e, i, 0);
    /* who was asleep at the recording's start says nothing of a ring
     * run's kept span: each thread is unknown until its first event */
    if ((rc = xb_linux_load_domains(x->m->domains_file, x->d, x->m->seg ? NULL : e,
                                    x->names, x->vm, err)))
        return rc;
    if (!xb_names_get(x->names, XB_HOST_DOMID) &&
        xb_names_set(x->names, XB_HOST_DOMID, "host"))
        return xb_err_set(err, -ENOMEM, "out of memory");
    return 0;
}

static int linux_feed(void *state, struct xb_engine *e, struct xb_run_info *info,
                      struct xb_err *err)
{
    struct linux_in *x = state;
    const struct xb_manifest *m = x->m;
    char before[512];
    snprintf(before, sizeof before, "%s", xb_lsched_warning(x->d) ? xb_lsched_warning(x->d) : "");
    int rc = xb_lsched_drain(x->d, e, UINT64_MAX, err);
    if (rc)
        return rc;
    /* Damaged pages are found as the pages are read: told at the end. */
    const char *now = xb_lsched_warning(x->d);
    if (now && strcmp(now, before) != 0) {
        xb_note(x->notes, XB_NOTE_WARNING, "%s", now);
        if (info->warning && info->warning != now) {
            snprintf(x->both, sizeof x->both, "%s; %s", info->warning, now);
            info->warning = x->both;
        } else {
            info->warning = now;
        }
    }
    if (m->t_stop_mono_ns &&
        m->t_stop_mono_ns - x->t0 > xb_lsched_last_ns(x->d) + STOP_SLACK_NS)
        /* the recorder itself runs every 100 ms: a minute without an event
         * is not a recording's end */
        return xb_err_set(err, -XB_EINPUT, "%s/manifest.json: t_stop_mono_ns lies "
                          "%.0f s after the last event (at %.6f s): not this "
                          "recording's stop", x->dir, (m->t_stop_mono_ns -
                          x->t0 - xb_lsched_last_ns(x->d)) / 1e9,
                          xb_lsched_last_ns(x->d) / 1e9);
    info->span_ns = m->t_stop_mono_ns > x->t0 ? m->t_stop_mono_ns - x->t0
                  : xb_lsched_last_ns(x->d);
    if (info->span_ns < xb_lsched_last_ns(x->d))
        info->span_ns = xb_lsched_last_ns(x->d);
    info->records = xb_lsched_events(x->d);
    info->repaired = xb_lsched_repaired(x->d);
    info->implied_wakeups = xb_lsched_implied_wakeups(x->d);
    for (unsigned i = 0; i < m->ncpu; i++) {
        x->lost[i] = xb_lsched_lost(x->d, i);
        if (m->cpu_lost && m->cpu_lost[i] > x->lost[i])
            x->lost[i] = m->cpu_lost[i];
        x->notices[i] = xb_lsched_lost_pages(x->d, i);
    }
    if (m->ring_cut)
        xb_note(x->notes, XB_NOTE_WARNING, "a ring run cut short (record "
                "--max-size --ring): its segments are read from tracefs/; the "
                "trace keeps the last %.3f s, how many older pages were dropped "
                "is not known, and %llu events before the span every CPU keeps "
                "are skipped", info->span_ns / 1e9,
                (unsigned long long)xb_lsched_skipped(x->d));
    else if (m->seg)
        xb_note(x->notes, XB_NOTE_WARNING, "a ring run (record --max-size "
                "--ring): the trace keeps the last %.3f s of %.3f s recorded; "
                "%llu older pages (%.1f MB) were dropped, and %llu events before "
                "the span every CPU keeps are skipped", info->span_ns / 1e9,
                m->t_stop_mono_ns > m->t0_mono_ns
                ? (m->t_stop_mono_ns - m->t0_mono_ns) / 1e9 : 0.0,
                (unsigned long long)m->ring_dropped_pages,
                (double)m->ring_dropped_pages * (double)m->page_size / 1e6,
                (unsigned long long)xb_lsched_skipped(x->d));
    const struct xb_lsched_repairs *rp = xb_lsched_repairs(x->d);
    info->repairs = (struct xb_run_repairs){ rp->bounded, rp->bounded_ns,
        rp->unbounded, rp->unbounded_ns, rp->implied_wakeups, rp->reused_tids };
    return 1;
}

static void linux_close(void *state)
{
    struct linux_in *x = state;
    xb_lsched_free(x->d);
    xb_counters_free(x->counters);
    free(x->lost);
    free(x->notices);
    free(x);
}

const struct xb_input_ops xb_input_linux = {
    .name = "Linux run folder",
    .open = linux_open,
    .start = linux_start,
    .feed = linux_feed,
    .close = linux_close,
};
