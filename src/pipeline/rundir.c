/* rundir.c: manifest.json of a run folder, read with jansson.
 *
 * The layout is documented in docs/run-folder.md.  Only what analysis needs
 * is read here; unknown fields are ignored so newer recorders stay readable.
 * It must not decode the trace, nor judge the state (pipeline.c does).
 */
#include "rundir.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/json.h"
#include <dirent.h>
#include <sys/stat.h>

static int names_from(json_t *root, struct xb_names *names, const char *path,
                      struct xb_err *err)
{
    int rc = 0;
    json_t *doms = json_object_get(root, "domains");
    if (doms && !json_is_array(doms)) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: field \"domains\": expected an "
                        "array", path);
        return rc;
    }
    size_t i;
    json_t *d;
    json_array_foreach(doms, i, d) {
        json_t *id = json_object_get(d, "id"), *name = json_object_get(d, "name");
        if (!json_is_integer(id) || !json_is_string(name) ||
            json_integer_value(id) < 0 || json_integer_value(id) > 0xffff) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: field \"domains\"[%zu]: "
                            "expected {\"id\": 0..65535, \"name\": \"...\"}",
                            path, i);
            return rc;
        }
        if (xb_names_set(names, (uint32_t)json_integer_value(id),
                         json_string_value(name))) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            return rc;
        }
    }
    return rc;
}

static void str_field(json_t *root, const char *key, char *buf, size_t len)
{
    json_t *v = json_object_get(root, key);
    if (json_is_string(v))
        snprintf(buf, len, "%s", json_string_value(v));
}

static int identity(json_t *root, struct xb_manifest *m, const char *path,
                    struct xb_err *err)
{
    str_field(root, "host", m->host, sizeof m->host);
    str_field(root, "cpu_model", m->cpu_model, sizeof m->cpu_model);
    str_field(root, "start_utc", m->start_utc, sizeof m->start_utc);
    str_field(root, "run_id", m->run_id, sizeof m->run_id);
    str_field(root, "state", m->state, sizeof m->state);
    str_field(root, "failure", m->failure, sizeof m->failure);
    if (!m->failure[0])
        str_field(root, "error", m->failure, sizeof m->failure);
    json_t *mhz = json_object_get(root, "cpu_mhz");
    if (mhz && !json_is_number(mhz))
        return xb_err_set(err, -XB_EINPUT, "%s: field \"cpu_mhz\": expected "
                          "a number", path);
    m->cpu_mhz = mhz ? json_number_value(mhz) : 0;
    /* The host's shape (optional; recorders before it wrote none). */
    static const char *const topo[3] = { "cpu_sockets", "cpu_cores_per_socket",
                                         "cpu_threads_per_core" };
    unsigned *dst[3] = { &m->sockets, &m->cores_per_socket, &m->threads_per_core };
    for (int k = 0; k < 3; k++) {
        json_t *v = json_object_get(root, topo[k]);
        if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
                  json_integer_value(v) > 4096))
            return xb_err_set(err, -XB_EINPUT, "%s: field \"%s\": expected a whole "
                              "number 1..4096", path, topo[k]);
        *dst[k] = v ? (unsigned)json_integer_value(v) : 0;
    }
    json_t *mem = json_object_get(root, "mem_total_mib");
    if (mem && (!json_is_number(mem) || json_number_value(mem) <= 0))
        return xb_err_set(err, -XB_EINPUT, "%s: field \"mem_total_mib\": expected a "
                          "number > 0", path);
    m->mem_total_mib = mem ? json_number_value(mem) : 0;
    json_t *miss = json_object_get(root, "sources_missing");
    size_t i;
    json_t *e;
    json_array_foreach(miss, i, e) {
        json_t *s = json_object_get(e, "source"), *r = json_object_get(e, "reason");
        if (!json_is_string(s) || !json_is_string(r))
            continue;
        if (strncmp(json_string_value(s), "perf", 4) == 0 && !m->cache_na[0])
            snprintf(m->cache_na, sizeof m->cache_na, "%s", json_string_value(r));
        size_t n = strlen(m->missing);
        snprintf(m->missing + n, sizeof m->missing - n, "%s%s: %s", n ? "; " : "",
                 json_string_value(s), json_string_value(r));
    }
    return 0;
}

/* The manifest's schema: "format": "xenbench-run" with "version" N (every
 * recorder writes it, docs/run-folder.md), or the Linux recorder's older
 * "format_version": 1; neither (the example run folder's first form) is
 * read as version 1.  A major version this reader does not know is refused,
 * naming both, rather than misread. */
static int check_format(json_t *root, const char *path, struct xb_err *err)
{
    json_t *f = json_object_get(root, "format");
    json_t *v = json_object_get(root, "version");
    const char *key = "version";
    if (!v && (v = json_object_get(root, "format_version")))
        key = "format_version";
    if (f && (!json_is_string(f) || strcmp(json_string_value(f), XB_RUN_FORMAT) != 0))
        return xb_err_set(err, -XB_EINPUT, "%s: field \"format\": %s%s%s is not "
                          "a xenbench run folder (\"%s\")", path,
                          json_is_string(f) ? "\"" : "",
                          json_is_string(f) ? json_string_value(f) : "not a string",
                          json_is_string(f) ? "\"" : "", XB_RUN_FORMAT);
    if (!v)
        return 0;
    if (!json_is_number(v) || json_number_value(v) < 1)
        return xb_err_set(err, -XB_EINPUT, "%s: field \"%s\": expected a version "
                          "number", path, key);
    long major = (long)json_number_value(v);
    if (major != XB_RUN_VERSION)
        return xb_err_set(err, -XB_EINPUT, "%s: run folder format %s version %ld: "
                          "this xenbench reads version %d (a newer xenbench wrote "
                          "it?)", path, XB_RUN_FORMAT, major, XB_RUN_VERSION);
    return 0;
}

/* A file name inside the run folder: no "..", no absolute path. */
static bool inside(const char *name)
{
    return name[0] && name[0] != '/' && !strstr(name, "..");
}

static int counter_files(json_t *root, const char *dir, struct xb_manifest *m,
                         const char *path, struct xb_err *err)
{
    json_t *arr = json_object_get(root, "counters");
    if (arr && !json_is_array(arr))
        return xb_err_set(err, -XB_EINPUT, "%s: field \"counters\": expected "
                          "an array", path);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        json_t *f = json_object_get(e, "format"), *p = json_object_get(e, "path");
        if (!json_is_string(f) || !json_is_string(p) || !inside(json_string_value(p)))
            return xb_err_set(err, -XB_EINPUT, "%s: field \"counters\"[%zu]: "
                              "expected {\"format\": \"...\", \"path\": a file "
                              "inside the run folder}", path, i);
        if (m->ncounters == XB_MAX_COUNTER_FILES)
            return xb_err_set(err, -XB_EINPUT, "%s: field \"counters\": %zu files, "
                              "more than the %d a run folder may have", path,
                              json_array_size(arr), XB_MAX_COUNTER_FILES);
        struct xb_counter_file *c = &m->counters[m->ncounters++];
        snprintf(c->format, sizeof c->format, "%s", json_string_value(f));
        snprintf(c->path, sizeof c->path, "%s/%s", dir, json_string_value(p));
    }
    return 0;
}

static int u64_field(json_t *root, const char *key, uint64_t *out, bool required,
                     const char *path, struct xb_err *err)
{
    json_t *v = json_object_get(root, key);
    if (!v && !required)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: field \"%s\": expected a "
                          "non-negative integer", path, key);
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

struct segname { unsigned cpu, k; };

static int cmp_seg(const void *a, const void *b)
{
    const struct segname *x = a, *y = b;
    if (x->cpu != y->cpu)
        return x->cpu < y->cpu ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* The ring-buffer time stamp of a segment's first page (u64 at offset 0 of
 * the page header), 0 when it has none. */
static uint64_t first_page_ns(const char *path)
{
    unsigned char b[8];
    uint64_t t = 0;
    FILE *f = fopen(path, "rbe");
    if (f && fread(b, 1, sizeof b, f) == sizeof b)
        for (int i = 7; i >= 0; i--)
            t = t << 8 | b[i];
    if (f)
        fclose(f);
    return t;
}

/* A ring run cut short (state "recording"): its manifest is the one of
 * the start, which names segment 0 of each CPU only.  The segments are
 * those in tracefs/, in order; the kept span starts at the latest first
 * page of the CPUs whose segment 0 is gone (how many pages went is not
 * known). */
static int ring_scan(const char *dir, struct xb_manifest *m, const char *path,
                     struct xb_err *err)
{
    char td[4200];
    snprintf(td, sizeof td, "%s/tracefs", dir);
    DIR *d = opendir(td);
    if (!d)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", td, strerror(errno));
    struct segname *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while (!rc && (de = readdir(d))) {
        unsigned cpu, k;
        char again[64];
        if (sscanf(de->d_name, "cpu%u.%u.", &cpu, &k) != 2 || cpu >= m->ncpu)
            continue;
        snprintf(again, sizeof again, "cpu%u.%u.raw", cpu, k);
        if (strcmp(again, de->d_name) != 0)
            continue;
        if (n == cap) {
            struct segname *g = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof *g);
            if (!g) {
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                break;
            }
            v = g;
        }
        v[n++] = (struct segname){ cpu, k };
    }
    closedir(d);
    if (!rc && n)
        qsort(v, n, sizeof *v, cmp_seg);
    if (!rc && (!(m->seg_at = calloc(m->ncpu + 1, sizeof *m->seg_at)) ||
                !(m->seg = calloc(n ? n : 1, sizeof *m->seg))))
        rc = xb_err_set(err, -ENOMEM, "out of memory");
    m->kept_from_mono_ns = m->t0_mono_ns;
    m->ring_cut = true;
    size_t j = 0;
    for (unsigned i = 0; !rc && i < m->ncpu; i++) {
        m->seg_at[i] = j;
        for (; !rc && j < n && v[j].cpu == i; j++) {
            char name[64], full[4300];
            snprintf(name, sizeof name, "tracefs/cpu%u.%u.raw", i, v[j].k);
            snprintf(full, sizeof full, "%s/%s", dir, name);
            uint64_t t = j == m->seg_at[i] && v[j].k ? first_page_ns(full) : 0;
            if (t > m->kept_from_mono_ns)
                m->kept_from_mono_ns = t;
            if (!(m->seg[j] = strdup(name)))
                rc = xb_err_set(err, -ENOMEM, "out of memory");
            else
                m->nseg = j + 1;
        }
        if (!rc && m->seg_at[i] == j)
            rc = xb_err_set(err, -XB_EINPUT, "%s: a ring run cut short, and "
                            "tracefs/ holds no segment of CPU %u", path, i);
    }
    if (m->seg_at)
        m->seg_at[m->ncpu] = j;
    free(v);
    return rc;
}

/* A ring run's "trace".ring {kept_from_mono_ns, dropped_pages} and each
 * CPU's "segments": ["tracefs/cpuI.K.raw", ...], oldest first. */
static int ring_fields(json_t *ring, json_t *cpus, const char *dir,
                       struct xb_manifest *m, const char *path, struct xb_err *err)
{
    int rc;
    if (!json_is_object(ring))
        return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\".ring: expected "
                          "{\"kept_from_mono_ns\": ...}", path);
    if (strcmp(m->state, "recording") == 0)
        return ring_scan(dir, m, path, err);
    if ((rc = u64_field(ring, "kept_from_mono_ns", &m->kept_from_mono_ns, true,
                        path, err)) ||
        (rc = u64_field(ring, "dropped_pages", &m->ring_dropped_pages, false,
                        path, err)))
        return rc;
    if (m->kept_from_mono_ns < m->t0_mono_ns ||
        (m->t_stop_mono_ns && m->kept_from_mono_ns > m->t_stop_mono_ns))
        return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\".ring."
                          "kept_from_mono_ns: %.6f s is outside the recording "
                          "(t0_mono_ns %.6f s .. t_stop_mono_ns %.6f s)", path,
                          m->kept_from_mono_ns / 1e9, m->t0_mono_ns / 1e9,
                          m->t_stop_mono_ns / 1e9);
    /* the windows' wall clock starts where the kept span does */
    json_t *utc = json_object_get(ring, "kept_from_utc");
    if (json_is_string(utc) && json_string_value(utc)[0])
        snprintf(m->start_utc, sizeof m->start_utc, "%s", json_string_value(utc));
    size_t n = json_array_size(cpus), total = 0, i, k;
    json_t *c, *f;
    json_array_foreach(cpus, i, c)
        total += json_array_size(json_object_get(c, "segments"));
    if (!(m->seg_at = calloc(n + 1, sizeof *m->seg_at)) ||
        !(m->seg = calloc(total ? total : 1, sizeof *m->seg)))
        return xb_err_set(err, -ENOMEM, "out of memory");
    total = 0;
    json_array_foreach(cpus, i, c) {
        json_t *segs = json_object_get(c, "segments");
        m->seg_at[i] = total;
        if (!json_is_array(segs) || json_array_size(segs) == 0)
            return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\".cpus[%zu]"
                              ".segments: expected [\"tracefs/cpu%zu.0.raw\", "
                              "...] (a ring run)", path, i, i);
        json_array_foreach(segs, k, f) {
            unsigned cpu, seg;
            char again[64];
            const char *name = json_is_string(f) ? json_string_value(f) : "";
            if (sscanf(name, "tracefs/cpu%u.%u.", &cpu, &seg) != 2 ||
                cpu != i ||
                (snprintf(again, sizeof again, "tracefs/cpu%u.%u.raw", cpu, seg),
                 strcmp(again, name) != 0))
                return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\".cpus[%zu]"
                                  ".segments[%zu]: expected \"tracefs/cpu%zu.K"
                                  ".raw\"", path, i, k, i);
            if (!(m->seg[total] = strdup(name)))
                return xb_err_set(err, -ENOMEM, "out of memory");
            m->nseg = ++total;
        }
    }
    m->seg_at[n] = total;
    return 0;
}

static int linux_fields(json_t *root, const char *dir, struct xb_manifest *m,
                        const char *path, struct xb_err *err)
{
    int rc;
    json_t *tr0 = json_object_get(root, "trace");
    json_t *tf = json_object_get(tr0, "format");
    if (json_is_string(tf) && strcmp(json_string_value(tf), "xenbench-windows") == 0) {
        /* an aggregated run (record --aggregate): its windows file */
        json_t *file = json_object_get(tr0, "file");
        if (!json_is_string(file) || !inside(json_string_value(file)))
            return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\": expected "
                              "{\"format\": \"xenbench-windows\", \"file\": "
                              "\"windows.jsonl.gz\"}", path);
        snprintf(m->windows_file, sizeof m->windows_file, "%s/%s", dir,
                 json_string_value(file));
        return u64_field(root, "t_stop_mono_ns", &m->t_stop_mono_ns, false, path, err);
    }
    if ((rc = u64_field(root, "t0_mono_ns", &m->t0_mono_ns, true, path, err)) ||
        (rc = u64_field(root, "t_stop_mono_ns", &m->t_stop_mono_ns, false, path, err)) ||
        (rc = u64_field(root, "page_size", &m->page_size, true, path, err)))
        return rc;
    if (m->page_size < 64 || m->page_size > (1u << 20))
        return xb_err_set(err, -XB_EINPUT, "%s: field \"page_size\": %llu is "
                          "not a ring-buffer page size", path,
                          (unsigned long long)m->page_size);
    json_t *tr = json_object_get(root, "trace");
    json_t *fd = json_object_get(tr, "formats_dir");
    json_t *cpus = json_object_get(tr, "cpus");
    if (!json_is_object(tr) || !json_is_string(fd) || !inside(json_string_value(fd)) ||
        !json_is_array(cpus) || json_array_size(cpus) == 0 ||
        json_array_size(cpus) > 4096)
        return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\": expected "
                          "{\"formats_dir\": \"tracefs\", \"cpus\": [{\"cpu\": "
                          "0, \"file\": ...}, ...]}", path);
    snprintf(m->formats_dir, sizeof m->formats_dir, "%s/%s", dir,
             json_string_value(fd));
    m->ncpu = (unsigned)json_array_size(cpus);
    m->cpu_lost = calloc(m->ncpu, sizeof *m->cpu_lost);
    if (!m->cpu_lost)
        return xb_err_set(err, -ENOMEM, "out of memory");
    json_t *ring = json_object_get(tr, "ring");
    if (ring && (rc = ring_fields(ring, cpus, dir, m, path, err)))
        return rc;
    size_t i;
    json_t *c;
    json_array_foreach(cpus, i, c) {
        json_t *n = json_object_get(c, "cpu"), *f = json_object_get(c, "file");
        if (ring && json_is_integer(n) && json_integer_value(n) == (json_int_t)i)
            f = NULL;                  /* its segments, read above */
        else if (!json_is_integer(n) || json_integer_value(n) != (json_int_t)i ||
            !json_is_string(f) || strcmp(json_string_value(f), "") == 0) {
            return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\".cpus[%zu]: "
                              "expected {\"cpu\": %zu, \"file\": "
                              "\"tracefs/cpu%zu.raw\"}", path, i, i, i);
        }
        char expect[64];
        snprintf(expect, sizeof expect, "tracefs/cpu%zu.raw", i);
        if (f && strcmp(json_string_value(f), expect) != 0)
            return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\".cpus[%zu]"
                              ".file: expected \"%s\"", path, i, expect);
        json_t *lost = json_object_get(c, "lost_events");
        m->cpu_lost[i] = json_is_integer(lost) && json_integer_value(lost) > 0
                       ? (uint64_t)json_integer_value(lost) : 0;
    }
    json_t *df = json_object_get(root, "domains_file");
    const char *dfn = json_is_string(df) ? json_string_value(df) : "domains.json";
    if (!inside(dfn))
        return xb_err_set(err, -XB_EINPUT, "%s: field \"domains_file\": must "
                          "be a file inside the run folder", path);
    snprintf(m->domains_file, sizeof m->domains_file, "%s/%s", dir, dfn);
    return 0;
}

/* A run folder holds its own files: a symbolic link in it (to a file of
 * another recording, or anywhere) is refused.  path missing: not here. */
static int no_link(const char *path, struct xb_err *err)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return xb_err_set(err, -XB_EINPUT, "%s: a symbolic link; a run folder "
                          "holds its own files (copy it with cp -rL)", path);
    return 0;
}

/* Every file the manifest names, and the entries of the formats folder. */
static int no_links(const char *dir, const struct xb_manifest *m, struct xb_err *err)
{
    int rc;
    char p[4400];
    snprintf(p, sizeof p, "%s/manifest.json", dir);
    if ((rc = no_link(p, err)))
        return rc;
    for (unsigned i = 0; i < m->ncounters; i++)
        if ((rc = no_link(m->counters[i].path, err)))
            return rc;
    if (m->trace[0] && (rc = no_link(m->trace, err)))
        return rc;
    if (!m->formats_dir[0])
        return 0;
    if ((rc = no_link(m->domains_file, err)) || (rc = no_link(m->formats_dir, err)))
        return rc;
    DIR *d = opendir(m->formats_dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", m->formats_dir, de->d_name);
        if ((rc = no_link(p, err)))
            break;
    }
    if (d)
        closedir(d);
    return rc;
}

void xb_manifest_free(struct xb_manifest *m)
{
    free(m->cpu_lost);
    m->cpu_lost = NULL;
    if (m->seg)
        for (size_t i = 0; i < m->nseg; i++)
            free(m->seg[i]);
    free(m->seg);
    free(m->seg_at);
    m->seg = NULL;
    m->seg_at = NULL;
}

int xb_rundir_load(const char *dir, struct xb_manifest *m,
                   struct xb_names *names, struct xb_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (access(path, F_OK) < 0 && errno == ENOENT)
        return xb_err_set(err, -XB_EINPUT, "%s: no manifest.json: is this a run "
                          "folder? (xenbench record writes one; a bare xentrace "
                          "file is read with --tsc-hz)", dir);
    json_t *root;
    int rc = xb_json_load_file(path, &root, err);
    if (rc)
        return rc;
    memset(m, 0, sizeof *m);
    if ((rc = check_format(root, path, err)))
        goto out;
    json_t *src = json_object_get(root, "source");
    if (src && !json_is_string(src)) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: field \"source\": expected a "
                        "string such as \"xen\"", path);
        goto out;
    }
    snprintf(m->source, sizeof m->source, "%s",
             src ? json_string_value(src) : "xen");
    if (strcmp(m->source, "xen") != 0 && strcmp(m->source, "linux") != 0) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: field \"source\": \"%s\" runs "
                        "cannot be analysed by this version (only \"xen\" "
                        "and \"linux\")", path, m->source);
        goto out;
    }
    if ((rc = identity(root, m, path, err)) || (rc = counter_files(root, dir, m, path, err)))
        goto out;
    if (strcmp(m->source, "linux") == 0) {
        rc = linux_fields(root, dir, m, path, err);
        if (!rc)
            rc = names_from(root, names, path, err);
        goto out;
    }
    json_t *hz = json_object_get(root, "tsc_hz");
    if (hz) {
        if (!json_is_integer(hz) || json_integer_value(hz) <= 0) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: field \"tsc_hz\": expected "
                            "a positive integer (Hz)", path);
            goto out;
        }
        m->tsc_hz = (uint64_t)json_integer_value(hz);
    }
    json_t *tr = json_object_get(root, "trace");
    const char *trace = json_is_string(tr) ? json_string_value(tr) : "xentrace.bin";
    if (tr && !json_is_string(tr)) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: field \"trace\": expected a "
                        "file name", path);
        goto out;
    }
    if (strchr(trace, '/') || strcmp(trace, "..") == 0) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: field \"trace\": \"%s\" must be "
                        "a file name inside the run folder", path, trace);
        goto out;
    }
    snprintf(m->trace, sizeof m->trace, "%s/%s", dir, trace);
    rc = names_from(root, names, path, err);
out:
    json_decref(root);
    if (!rc)
        rc = no_links(dir, m, err);
    return rc;
}
