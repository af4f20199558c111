/* manifest.c: the Xen keys of manifest.json (xb_xen_manifest_keys), built
 * with jansson.  It owns what a Xen run folder says about Xen, its trace
 * capture and its domains; the common keys (format, version, state, error,
 * host, times) are source/runfolder.c's.  It must not write the file
 * (source/runfolder.c). */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>

static json_t *u64(uint64_t v)
{
    return json_integer((json_int_t)v);
}

int xb_xen_manifest_keys(const struct xb_xen_run *r, json_t *m)
{
    json_t *doms = json_array(), *tr = json_object();
    json_t *ctr = json_pack("[{s:s, s:s}]", "format", "xenstat", "path",
                            "xenstat.jsonl");
    int bad = !doms || !tr || !ctr;
    /* json_object_set_new takes the value even when it fails: always call
     * it, so nothing leaks on the out-of-memory path. */
    char mask[16];
    snprintf(mask, sizeof mask, "0x%08x", r->trace.evt_mask);
    bad |= json_object_set_new(m, "xen_version", json_string(r->xen_version));
    bad |= json_object_set_new(m, "xen_scheduler", json_string(r->scheduler));
    bad |= json_object_set_new(m, "tsc_hz", u64(r->cpu_khz * 1000));
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
    return bad ? -ENOMEM : 0;
}
