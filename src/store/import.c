/* import.c: a recording -> sample rows, through the shared pipeline.
 *
 * Per window and domain: cores used = running ns of all its vCPUs on all
 * pCPUs / window length (xb_present_sum, the same sums `report` prints);
 * waited and blocked likewise; vCPUs = engine vCPUs with an index below
 * XB_VCPU_EMU (emulator threads on Linux are counted in the time, not as
 * vCPUs).  Disk, network, memory and cache come from the run's counters when
 * it has them, else stay NULL.  The run key is the manifest's run_id, else a
 * hash of the trace file's bytes, so the same recording imported from two
 * folders is one run.
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
#include "pipeline/pipeline.h"
#include "present/present.h"
#include "store/capture.h"

struct collect {
    struct xb_store *s;
    const char *path;
    const struct xb_capture *cap;   /* bare capture folder, or NULL */
    struct xb_err *err;
    int64_t run_id;
    double start_unix;
    double interval_s;
    struct xb_import_result res;
};

int xb_parse_utc(const char *s, double *unix_s)
{
    struct tm tm = { 0 };
    int off = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &off) != 6 ||
        off != 19)
        return -1;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    const char *p = s + off;
    double frac = 0;
    if (*p == '.') {
        double scale = 0.1;
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    long zone = 0;
    if (*p == 'Z')
        p++;
    else if (*p == '+' || *p == '-') {
        int hh, mm, n = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5 || hh > 23 ||
            mm > 59)
            return -1;
        zone = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else
        return -1;
    if (*p)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *unix_s = (double)timegm(&tm) - (double)zone + frac;
    return 0;
}

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
    else if ((rc = hash_file(info->trace_path, r->run_key, sizeof r->run_key,
                             c->err)))
        return rc;

    c->start_unix = XB_FIXED_EPOCH_UNIX;
    r->fixed_epoch = true;
    if (info->start_utc) {
        if (xb_parse_utc(info->start_utc, &c->start_unix))
            return xb_err_set(c->err, -XB_EINPUT, "%s: manifest field "
                              "\"start_utc\": '%s' is not an ISO 8601 time",
                              c->path, info->start_utc);
        r->fixed_epoch = false;
    }

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
        .start_unix = c->start_unix,
        .start_from = r->fixed_epoch ? "fixed-epoch" : "manifest",
        .interval_s = c->interval_s, .npcpu = info->npcpu,
    };
    return xb_store_put_run(c->s, &run, &c->run_id, &r->replaced, c->err);
}

static double rate(const struct xb_counters *k, const char *entity,
                   const char *metric, const struct xb_window *w)
{
    double v;
    if (k && xb_counters_rate(k, entity, metric, w->t_start_ns, w->t_end_ns, &v))
        return v;
    return NAN;
}

static void add_counters(struct xb_sample *x, const struct xb_counters *k,
                         const struct xb_domain_acc *d, const struct xb_window *w)
{
    char key[48];
    xb_counters_domkey(key, sizeof key, d->domid, d->instance);
    x->disk_read_Bps = rate(k, key, "disk_read_bytes", w);
    x->disk_write_Bps = rate(k, key, "disk_write_bytes", w);
    x->disk_read_iops = rate(k, key, "disk_read_ops", w);
    x->disk_write_iops = rate(k, key, "disk_write_ops", w);
    x->net_rx_Bps = rate(k, key, "net_rx_bytes", w);
    x->net_tx_Bps = rate(k, key, "net_tx_bytes", w);
    x->mem_used_bytes = rate(k, key, "mem_bytes", w);
    x->llc_refs_ps = rate(k, key, "llc_refs", w);
    x->llc_misses_ps = rate(k, key, "llc_misses", w);
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
        xb_present_sum(w, d, -1, XB_COL_TOTAL(w->npcpu), &acc);
        struct xb_sample x;
        xb_sample_init(&x);
        x.t_unix = c->start_unix + (double)w->t_start_ns / 1e9;
        x.len_s = (double)len / 1e9;
        x.interval_s = c->interval_s;
        for (uint32_t k = 0; k < d->nvcpu; k++)
            x.vcpus += d->vcpus[k].vcpu < XB_VCPU_EMU;
        x.cpu_cores = (double)acc.ns[XB_RUNNING] / (double)len;
        x.waited_cores = (double)acc.ns[XB_RUNNABLE] / (double)len;
        x.blocked_cores = (double)acc.ns[XB_BLOCKED] / (double)len;
        x.known_frac = 1.0 - (double)acc.ns[XB_UNKNOWN] /
                             ((double)len * (double)d->nvcpu);
        const struct xb_capture_dom *cd = c->cap ? xb_capture_dom(c->cap, base) : NULL;
        if (cd)
            x.mem_alloc_bytes = cd->mem_bytes;
        add_counters(&x, info->counters, d, w);
        int rc = xb_store_put_sample(c->s, c->run_id, w->index, d->domid,
                                     d->instance, name, &x, c->err);
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
    return xb_store_end_run(c->s, c->run_id, (double)info->span_ns / 1e9, c->err);
}

static const struct xb_presenter collector = { on_begin, on_window, on_end };

static int import_one(struct xb_store *s, const char *path, const char *shown,
                      const struct xb_import_opts *o, const struct xb_capture *cap,
                      xb_import_cb cb, void *ctx, struct xb_err *err)
{
    struct xb_input_opts in = {
        .path = path, .tsc_hz = o->tsc_hz,
        .interval_ns = o->interval_ns ? o->interval_ns : 1000000000ull,
        .names_file = o->names_file, .strict = o->strict,
    };
    if (cap) {
        if (!in.tsc_hz && cap->cpu_mhz > 0)
            in.tsc_hz = (uint64_t)llround(cap->cpu_mhz * 1e6);
        if (!in.names_file && cap->names_file[0])
            in.names_file = cap->names_file;
    }
    struct collect c = { .s = s, .path = shown, .cap = cap, .err = err,
                         .interval_s = (double)in.interval_ns / 1e9 };
    c.res.path = shown;
    int rc = xb_pipeline_run(&in, &collector, &c, err);
    if (!rc && cb)
        cb(&c.res, ctx);
    return rc;
}

int xb_import_path(struct xb_store *s, const char *path,
                   const struct xb_import_opts *o, xb_import_cb cb, void *ctx,
                   struct xb_err *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && xb_capture_detect(path)) {
        struct xb_capture cap;
        int rc = xb_capture_load(path, &cap, err);
        if (rc)
            return rc;
        if (!(cap.cpu_mhz > 0) && !o->tsc_hz)
            rc = xb_err_set(err, -XB_EUSAGE, "%s: no TSC rate: neither "
                            "xl-info.txt (cpu_mhz) nor cpu_mhz.txt; give "
                            "--tsc-hz", path);
        for (size_t i = 0; !rc && i < cap.ntraces; i++)
            rc = import_one(s, cap.traces[i], cap.traces[i], o, &cap, cb, ctx, err);
        xb_capture_free(&cap);
        return rc;
    }
    return import_one(s, path, path, o, NULL, cb, ctx, err);
}
