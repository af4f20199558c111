/* linux_run.c: run folder of `record` on Linux -> decoder -> engine ->
 * presenter.  Engine time 0 is the manifest's t0_mono_ns. */
#include "linux_run.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/counters_load.h"
#include "source/linux/domains.h"

int xb_linux_load_domains(const char *path, struct xb_lsched *d,
                          struct xb_engine *e, struct xb_names *names,
                          struct xb_err *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return xb_err_set(err, -XB_EINPUT, "%s: line %d column %d: %s", path,
                          je.line, je.column, je.text);
    int rc = 0;
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
        bool qemu = strcmp(ks, "qemu") == 0 || strcmp(ks, "libvirt") == 0;
        if (xb_names_set(names, domid, json_string_value(name)) ||
            xb_lsched_domain(d, domid, qemu)) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto out;
        }
        json_array_foreach(th, k, tj) {
            json_t *tid = json_object_get(tj, "tid"), *vcpu = json_object_get(tj, "vcpu");
            if (!json_is_integer(tid) || !json_is_integer(vcpu) ||
                json_integer_value(tid) <= 0 || json_integer_value(vcpu) < 0 ||
                json_integer_value(vcpu) > 0xfffffff) {
                rc = xb_err_set(err, -XB_EINPUT, "%s: domains[%zu].threads[%zu]: "
                                "expected {\"tid\": > 0, \"vcpu\": >= 0}", path, i, k);
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

int xb_pipeline_linux(const struct xb_input_opts *o, const struct xb_manifest *m,
                      struct xb_names *names, const struct xb_presenter *p,
                      void *ctx, struct xb_err *err)
{
    struct xb_lsched *d = NULL;
    struct xb_engine *e = NULL;
    struct xb_counters *counters = NULL;
    uint64_t *lost = calloc(m->ncpu, sizeof *lost);
    uint64_t *notices = calloc(m->ncpu, sizeof *notices);
    struct xb_run_info info = { 0 };
    int rc;
    char manifest_path[4200];
    snprintf(manifest_path, sizeof manifest_path, "%s/manifest.json", o->path);

    if (!lost || !notices) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    struct xb_timebase tb = { m->t0_mono_ns, 1000000000ull };
    if ((rc = xb_counters_load_all(m, &tb, &counters, err)))
        goto out;
    info.source = "linux";
    info.trace_path = o->path;
    info.tsc_hz_from = manifest_path;
    info.npcpu = m->ncpu;
    info.names = names;
    info.lost = lost;
    info.lost_notices = notices;
    info.host = m->host[0] ? m->host : NULL;
    info.cpu_model = m->cpu_model[0] ? m->cpu_model : NULL;
    info.cpu_mhz = m->cpu_mhz;
    info.start_utc = m->start_utc[0] ? m->start_utc : NULL;
    info.run_id = m->run_id[0] ? m->run_id : NULL;
    info.counters = counters;
    info.missing = m->missing[0] ? m->missing : NULL;
    info.cache_na = m->cache_na[0] ? m->cache_na : NULL;
    struct xb_pipeline_ctx run = { p, ctx, &info };
    if ((rc = xb_lsched_new(&d, m->formats_dir, m->ncpu, m->page_size,
                            m->t0_mono_ns, err)))
        goto out;
    if (!(e = xb_engine_new(m->ncpu, o->interval_ns, xb_pipeline_on_window, &run))) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    for (unsigned i = 0; i < m->ncpu; i++)
        xb_engine_pcpu_start(e, i, 0);
    if ((rc = xb_linux_load_domains(m->domains_file, d, e, names, err)))
        goto out;
    if (!xb_names_get(names, XB_HOST_DOMID) &&
        xb_names_set(names, XB_HOST_DOMID, "host")) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    char path[4300];
    for (unsigned i = 0; i < m->ncpu; i++) {
        snprintf(path, sizeof path, "%s/tracefs/cpu%u.raw", o->path, i);
        if ((rc = xb_lsched_map_file(d, i, path, err)))
            goto out;
    }
    info.warning = xb_lsched_warning(d);
    char failed[700];
    if (!info.warning && strncmp(m->state, "failed", 6) == 0) {
        snprintf(failed, sizeof failed, "the recorder failed (%s): the run "
                 "holds what was recorded until then",
                 m->failure[0] ? m->failure : "no reason given");
        info.warning = failed;
    }
    if (!m->t_stop_mono_ns && !info.warning)
        info.warning = "the recording has no stop time (cut short): the span "
                       "ends at the last event";
    if (info.warning && o->strict) {
        rc = xb_err_set(err, -XB_EINPUT, "%s (--strict)", info.warning);
        goto out;
    }
    if (info.warning)
        fprintf(stderr, "xenbench: warning: %s\n", info.warning);
    if (p->begin && (rc = p->begin(&info, ctx)))
        goto out;
    if ((rc = xb_lsched_drain(d, e, UINT64_MAX, err)))
        goto out;
    info.span_ns = m->t_stop_mono_ns > m->t0_mono_ns
                 ? m->t_stop_mono_ns - m->t0_mono_ns : xb_lsched_last_ns(d);
    if (info.span_ns < xb_lsched_last_ns(d))
        info.span_ns = xb_lsched_last_ns(d);
    info.records = xb_lsched_events(d);
    for (unsigned i = 0; i < m->ncpu; i++) {
        lost[i] = xb_lsched_lost(d, i);
        if (m->cpu_lost && m->cpu_lost[i] > lost[i])
            lost[i] = m->cpu_lost[i];
        notices[i] = xb_lsched_lost_pages(d, i);
    }
    if ((rc = xb_engine_finish(e, info.span_ns)))
        goto out;
    if (p->end)
        rc = p->end(&info, ctx);
out:
    if (rc > 0)
        rc = xb_err_set(err, -EIO, "writing the report failed");
    xb_engine_free(e);
    xb_lsched_free(d);
    xb_counters_free(counters);
    free(lost);
    free(notices);
    return rc;
}
