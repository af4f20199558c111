/* import.c: a recording -> sample rows, through the shared pipeline.
 *
 * Per window and domain: cores used = running ns of all its vCPUs on all
 * pCPUs (xb_window_dom_sum, the same sums `report` prints) over the known
 * part of the window (window x known fraction): time the source says
 * nothing about is neither idle nor busy; waited likewise, blocked over the
 * threads that count as its vCPUs (xb_run_dom_blocked: on Linux a VM's vCPU
 * threads, a process or cgroup domain's threads that ran in the window);
 * vCPUs = engine vCPUs with an index below XB_VCPU_EMU (emulator threads on
 * Linux are counted in the time, not as vCPUs).  Disk, network, memory and
 * cache come from the run's counters when it has them, else stay NULL.  The
 * windows go to the history through store/feed.c (sample rows and roll-ups).
 * The run key is the manifest's run_id, else a hash of the trace file's
 * bytes, so the same recording imported from two folders is one run.  A run
 * is dated by the manifest's start_utc, else --start, else (a bare trace or
 * capture folder) the trace file's modification time, else the fixed epoch.
 * It must not name a metric or add up time itself (model/metric.c,
 * account/window.h).
 */
#include "import.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "account/counters.h"
#include "account/window.h"
#include "pipeline/pipeline.h"
#include "store/capture.h"
#include "store/feed.h"
#include "util/parse.h"

struct collect {
    struct xb_store *s;
    const char *path;
    const struct xb_capture *cap;   /* bare capture folder, or NULL */
    const struct xb_import_opts *o;
    bool bare;                      /* a trace file or capture folder */
    struct xb_err *err;
    int64_t run_id;
    struct xb_feed *feed;
    double start_unix;
    double interval_s;
    struct xb_import_result res;
};

/* FNV-1a, 64 bits, over the file's bytes: a stable name for a recording. */
static int hash_file(const char *path, char *key, size_t len, struct xb_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    uint64_t h = 0xcbf29ce484222325ull, size = 0;
    static unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < n; i++) {
            h ^= buf[i];
            h *= 0x100000001b3ull;
        }
        size += n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return xb_err_set(err, -XB_EINPUT, "%s: read error", path);
    snprintf(key, len, "xen-trace:%016llx:%llu", (unsigned long long)h,
             (unsigned long long)size);
    return 0;
}

static int on_begin(const struct xb_run_info *info, void *ctx)
{
    struct collect *c = ctx;
    struct xb_import_result *r = &c->res;
    int rc;

    if (info->run_id && *info->run_id)
        snprintf(r->run_key, sizeof r->run_key, "run:%s", info->run_id);
    else if (!info->trace_file)
        return xb_err_set(c->err, -XB_EINPUT, "%s: no run_id in the manifest",
                          c->path);
    else if ((rc = hash_file(info->trace_file, r->run_key, sizeof r->run_key,
                             c->err)))
        return rc;

    c->start_unix = XB_FIXED_EPOCH_UNIX;
    r->fixed_epoch = true;
    const char *start_from = "fixed-epoch";
    struct stat st;
    if (info->start_utc) {
        if (xb_parse_utc(info->start_utc, &c->start_unix))
            return xb_err_set(c->err, -XB_EINPUT, "%s: manifest field "
                              "\"start_utc\": '%s' is not an ISO 8601 time",
                              c->path, info->start_utc);
        start_from = "manifest";
    } else if (c->o->start_unix > 0) {
        c->start_unix = c->o->start_unix;
        start_from = "--start";
    } else if (c->bare && stat(info->trace_file, &st) == 0) {
        /* Written until the end of the recording: about its end, a few
         * seconds to minutes after its start (say so). */
        c->start_unix = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
        start_from = "file-time";
    }
    r->fixed_epoch = strcmp(start_from, "fixed-epoch") == 0;
    snprintf(r->start_from, sizeof r->start_from, "%s", start_from);

    const char *host = info->host ? info->host
                     : c->cap && c->cap->host[0] ? c->cap->host : "unknown";
    snprintf(r->host, sizeof r->host, "%s", host);

    double mhz = NAN;
    const char *from = NULL;
    if (info->cpu_mhz > 0) {
        mhz = info->cpu_mhz;
        from = "manifest cpu_mhz";
    } else if (c->cap && c->cap->cpu_mhz > 0) {
        mhz = c->cap->cpu_mhz;
        from = c->cap->cpu_mhz_from;
    } else if ((!info->source || strcmp(info->source, "xen") == 0) && info->tsc_hz) {
        /* On Xen the TSC runs at the nominal core clock (`xl info` cpu_mhz). */
        mhz = (double)info->tsc_hz / 1e6;
        from = "TSC rate";
    }
    if (from)
        snprintf(r->clock_note, sizeof r->clock_note, "%.3f MHz from %s", mhz, from);
    else
        snprintf(r->clock_note, sizeof r->clock_note, "unknown");

    struct xb_run_rec run = {
        .run_key = r->run_key, .host = host, .cpu_model = info->cpu_model,
        .cpu_mhz = mhz, .cpu_mhz_from = from,
        .source = info->source ? info->source : "xen", .path = c->path,
        .start_unix = c->start_unix, .start_from = start_from,
        .interval_s = c->interval_s, .npcpu = info->npcpu,
    };
    rc = xb_store_put_run(c->s, &run, &c->run_id, &r->replaced, c->err);
    if (!rc)
        rc = xb_feed_open(&c->feed, c->s, c->run_id,
                          xb_feed_keeps_raw(c->interval_s), c->err);
    return rc;
}

static int on_window(const struct xb_window *w, const struct xb_run_info *info,
                     void *ctx)
{
    struct collect *c = ctx;
    uint64_t len = w->t_end_ns - w->t_start_ns;
    if (len == 0)
        return 0;
    c->res.windows++;
    unsigned domains = 0;
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        if (d->domid == XB_IDLE_DOMID || d->nvcpu == 0)
            continue;
        domains++;
        char dn[32], name[96];
        const char *base = xb_names_show(info->names, d->domid, dn, sizeof dn);
        size_t same = 0;    /* a VM is known by name: make shared names unique */
        for (size_t k = 0; info->names && k < info->names->n; k++)
            same += strcmp(info->names->v[k].name, base) == 0;
        int used = snprintf(name, sizeof name, same > 1 ? "%s/d%u" : "%s", base,
                            d->domid);
        if (d->instance && used > 0 && (size_t)used < sizeof name)
            snprintf(name + used, sizeof name - (size_t)used, "#%u", d->instance);

        struct xb_acc acc;
        xb_window_dom_sum(w, d, -1, XB_COL_TOTAL(w->npcpu), &acc);
        struct xb_sample x;
        xb_sample_init(&x);
        x.t_unix = c->start_unix + (double)w->t_start_ns / 1e9;
        x.len_s = (double)len / 1e9;
        x.interval_s = c->interval_s;
        for (uint32_t k = 0; k < d->nvcpu; k++)
            x.vcpus += d->vcpus[k].vcpu < XB_VCPU_EMU;
        x.known_frac = 1.0 - (double)acc.ns[XB_UNKNOWN] /
                             ((double)len * (double)d->nvcpu);
        /* Over the known part: a window half unknown is not half idle. */
        double known_ns = (double)len * x.known_frac;
        x.cpu_cores = known_ns > 0 ? (double)acc.ns[XB_RUNNING] / known_ns : 0;
        x.waited_cores = known_ns > 0 ? (double)acc.ns[XB_RUNNABLE] / known_ns : 0;
        /* the threads that count as its vCPUs, as report shows */
        uint64_t blocked = xb_run_dom_blocked(info, w, d, XB_COL_TOTAL(w->npcpu));
        x.blocked_cores = known_ns > 0 ? (double)blocked / known_ns : 0;
        char key[48];
        xb_counters_domkey(key, sizeof key, d->domid, d->instance);
        const struct xb_capture_dom *cd = c->cap ? xb_capture_dom(c->cap, base) : NULL;
        if (cd)
            x.mem_alloc_bytes = cd->mem_bytes;
        xb_counters_metrics(info->counters, key, w->t_start_ns, w->t_end_ns, x.m);
        /* libxenstat's cur_mem is what the domain was given, not what the
         * guest uses: the allocation. */
        if (isnan(x.mem_alloc_bytes) && info->source && strcmp(info->source, "xen") == 0)
            x.mem_alloc_bytes = x.m[XB_MET_MEM];
        /* A process or cgroup domain has no guest: its resident memory is
         * what the workload itself uses.  A VM's (QEMU's) is not. */
        if (xb_run_linux(info) && !xb_run_dom_is_vm(info, d->domid))
            x.m[XB_MET_MEM_GUEST] = x.m[XB_MET_MEM];
        int rc = xb_feed_add(c->feed, w->index, d->domid, d->instance, name, &x,
                             c->err);
        if (rc)
            return rc;
        c->res.samples++;
    }
    if (domains > c->res.domains)
        c->res.domains = domains;
    return 0;
}

static int on_end(const struct xb_run_info *info, void *ctx)
{
    struct collect *c = ctx;
    int rc = c->feed ? xb_feed_flush(c->feed, c->err) : 0;
    c->res.rollups = c->feed ? xb_feed_rollups(c->feed) : 0;
    c->res.raw_kept = c->feed && xb_feed_samples(c->feed) > 0;
    xb_feed_free(c->feed);
    c->feed = NULL;
    if (!rc)
        rc = xb_store_end_run(c->s, c->run_id, (double)info->span_ns / 1e9, c->err);
    return rc;
}

static const struct xb_presenter collector = { on_begin, on_window, on_end };

/* ---- one run's collector for a recorder that decodes live ---- */

struct xb_import_run {
    struct collect c;
    struct xb_import_opts o;
    struct xb_err err;
};

int xb_import_run_new(struct xb_import_run **out, struct xb_store *s, const char *path,
                      double interval_s, struct xb_err *err)
{
    struct xb_import_run *r = calloc(1, sizeof *r);
    if (!r)
        return xb_err_set(err, -ENOMEM, "out of memory");
    r->c = (struct collect){ .s = s, .path = path, .o = &r->o, .err = &r->err,
                             .interval_s = interval_s };
    r->c.res.path = path;
    *out = r;
    return 0;
}

const struct xb_presenter *xb_import_run_presenter(void)
{
    return &collector;
}

void *xb_import_run_ctx(struct xb_import_run *r)
{
    return &r->c;
}

const struct xb_err *xb_import_run_err(const struct xb_import_run *r)
{
    return &r->err;
}

int xb_import_run_sync(struct xb_import_run *r, double span_s, struct xb_err *err)
{
    int rc = r->c.feed ? xb_feed_sync(r->c.feed, err) : 0;
    return rc ? rc : xb_store_end_run(r->c.s, r->c.run_id, span_s, err);
}

const struct xb_import_result *xb_import_run_result(const struct xb_import_run *r)
{
    return &r->c.res;
}

void xb_import_run_free(struct xb_import_run *r)
{
    if (!r)
        return;
    xb_feed_free(r->c.feed);
    free(r);
}

static int import_one(struct xb_store *s, const char *path, const char *shown,
                      const struct xb_import_opts *o, const struct xb_capture *cap,
                      bool bare, xb_import_cb cb, void *ctx, struct xb_err *err)
{
    struct xb_input_opts in = {
        .path = path, .tsc_hz = o->tsc_hz,
        .interval_ns = o->interval_ns ? o->interval_ns : 1000000000ull,
        .names_file = o->names_file, .strict = o->strict, .notes = o->notes,
    };
    if (cap) {
        if (!in.tsc_hz && cap->cpu_mhz > 0)
            in.tsc_hz = (uint64_t)llround(cap->cpu_mhz * 1e6);
        if (!in.names_file && cap->names_file[0])
            in.names_file = cap->names_file;
    }
    struct collect c = { .s = s, .path = shown, .cap = cap, .o = o, .err = err,
                         .interval_s = (double)in.interval_ns / 1e9, .bare = bare };
    c.res.path = shown;
    int rc = xb_pipeline_run(&in, &collector, &c, err);
    xb_feed_free(c.feed);
    if (!rc && cb)
        cb(&c.res, ctx);
    return rc;
}

int xb_import_path(struct xb_store *s, const char *path,
                   const struct xb_import_opts *o, xb_import_cb cb, void *ctx,
                   struct xb_err *err)
{
    struct stat st;
    bool dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    if (dir && xb_capture_detect(path)) {
        struct xb_capture cap;
        int rc = xb_capture_load(path, &cap, err);
        if (rc)
            return rc;
        if (!(cap.cpu_mhz > 0) && !o->tsc_hz)
            rc = xb_err_set(err, -XB_EUSAGE, "%s: no TSC rate: neither "
                            "xl-info.txt (cpu_mhz) nor cpu_mhz.txt; give "
                            "--tsc-hz", path);
        for (size_t i = 0; !rc && i < cap.ntraces; i++)
            rc = import_one(s, cap.traces[i], cap.traces[i], o, &cap, true, cb, ctx,
                            err);
        xb_capture_free(&cap);
        return rc;
    }
    /* A run folder: the allocations of its xl-list.txt, if it keeps one. */
    struct xb_capture doms = { 0 };
    int rc = dir ? xb_capture_load_domains(path, &doms, err) : 0;
    if (!rc)
        rc = import_one(s, path, path, o, doms.ndom ? &doms : NULL, !dir, cb, ctx,
                        err);
    xb_capture_free(&doms);
    return rc;
}
