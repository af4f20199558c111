/* manifest.c: building manifest.json of a Xen run with jansson. */
#include "manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"

#ifndef XB_VERSION
#define XB_VERSION "unknown"
#endif

static json_t *u64(uint64_t v)
{
    return json_integer((json_int_t)v);
}

int xb_xen_manifest_write(const struct xb_xen_run *r, struct xb_err *err)
{
    json_t *m = json_object(), *doms = json_array(), *tr = json_object();
    json_t *ctr = json_pack("[{s:s, s:s}]", "format", "xenstat", "path",
                            "xenstat.jsonl");
    if (!m || !doms || !tr || !ctr) {
        json_decref(m);
        json_decref(doms);
        json_decref(tr);
        json_decref(ctr);
        return xb_err_set(err, -ENOMEM, "out of memory building manifest.json");
    }
    int bad = 0;
    /* json_object_set_new takes the value even when it fails: always call
     * it, so nothing leaks on the out-of-memory path. */
    char mask[16];
    snprintf(mask, sizeof mask, "0x%08x", r->trace.evt_mask);
    bad |= json_object_set_new(m, "format", json_string("xenbench-run"));
    bad |= json_object_set_new(m, "version", json_integer(1));
    bad |= json_object_set_new(m, "source", json_string("xen"));
    bad |= json_object_set_new(m, "state", json_string(r->state));
    bad |= json_object_set_new(m, "run_id", json_string(r->run_id));
    bad |= json_object_set_new(m, "tool_version", json_string(XB_VERSION));
    bad |= json_object_set_new(m, "host", json_string(r->host));
    bad |= json_object_set_new(m, "kernel", json_string(r->kernel));
    bad |= json_object_set_new(m, "xen_version", json_string(r->xen_version));
    bad |= json_object_set_new(m, "xen_scheduler", json_string(r->scheduler));
    bad |= json_object_set_new(m, "cpu_count", json_integer(r->cpu_count));
    bad |= json_object_set_new(m, "cpu_model", json_string(r->cpu_model));
    bad |= json_object_set_new(m, "cpu_mhz", json_real((double)r->cpu_khz / 1000.0));
    bad |= json_object_set_new(m, "tsc_hz", u64(r->cpu_khz * 1000));
    bad |= json_object_set_new(m, "interval_ns", u64(r->interval_ns));
    bad |= json_object_set_new(m, "duration_ns", u64(r->duration_ns));
    bad |= json_object_set_new(m, "start_utc", json_string(r->start_utc));
    if (r->stop_utc[0])
        bad |= json_object_set_new(m, "stop_utc", json_string(r->stop_utc));
    bad |= json_object_set_new(m, "trace", json_string("xentrace.bin"));
    bad |= json_object_set_new(tr, "method", json_string(r->method));
    if (r->xentrace_cmd)
        bad |= json_object_set_new(tr, "command", json_string(r->xentrace_cmd));
    bad |= json_object_set_new(tr, "evt_mask", json_string(mask));
    bad |= json_object_set_new(tr, "buffer_pages_per_cpu", json_integer(r->trace.pages));
    bad |= json_object_set_new(tr, "buffer_pages_requested", json_integer(r->trace.pages_requested));
    bad |= json_object_set_new(tr, "cpus", json_integer(r->trace.ncpu));
    bad |= json_object_set_new(tr, "bytes", u64(r->trace.bytes));
    bad |= json_object_set_new(tr, "records", u64(r->trace.count.records));
    bad |= json_object_set_new(tr, "wakeups_virq", u64(r->trace.wake_virq));
    bad |= json_object_set_new(tr, "wakeups_timeout", u64(r->trace.wake_timeout));
    bad |= json_object_set_new(m, "trace_capture", tr);
    bad |= json_object_set_new(m, "lost_records", u64(r->trace.count.lost));
    bad |= json_object_set_new(m, "lost_notices", u64(r->trace.count.notices));
    bad |= json_object_set_new(m, "counters", ctr);
    bad |= json_object_set_new(m, "xenstat_samples", json_integer(r->samples));
    bad |= json_object_set_new(m, "xenstat_samples_failed", json_integer(r->samples_failed));
    for (size_t i = 0; r->doms && i < r->doms->n; i++) {
        const struct xb_xdom *d = &r->doms->d[i];
        json_t *o = json_pack("{s:i, s:i, s:s, s:s, s:b, s:b}", "id", (int)d->domid,
                              "instance", (int)d->instance, "name", d->name,
                              "uuid", d->uuid, "created_during", d->created,
                              "destroyed_during", d->destroyed);
        bad |= !o || json_array_append_new(doms, o);
    }
    bad |= json_object_set_new(m, "domains", doms);
    if (r->error)
        bad |= json_object_set_new(m, "error", json_string(r->error));
    char *text = bad ? NULL : json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(m);
    if (!text)
        return xb_err_set(err, -ENOMEM, "out of memory building manifest.json");
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.json", r->dir);
    size_t len = strlen(text);
    char *withnl = malloc(len + 2);
    if (!withnl) {
        free(text);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    memcpy(withnl, text, len);
    withnl[len] = '\n';
    free(text);
    int rc = xb_write_file_atomic(path, withnl, len + 1, err);
    free(withnl);
    return rc;
}
