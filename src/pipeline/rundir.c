/* rundir.c: manifest.json of a run folder, read with jansson.
 *
 * The layout is documented in docs/run-folder.md.  Only what analysis needs
 * is read here; unknown fields are ignored so newer recorders stay readable.
 */
#include "rundir.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
            rc = xb_err_set(err, -1, "out of memory");
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
            break;
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

static int linux_fields(json_t *root, const char *dir, struct xb_manifest *m,
                        const char *path, struct xb_err *err)
{
    int rc;
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
    size_t i;
    json_t *c;
    json_array_foreach(cpus, i, c) {
        json_t *n = json_object_get(c, "cpu"), *f = json_object_get(c, "file");
        if (!json_is_integer(n) || json_integer_value(n) != (json_int_t)i ||
            !json_is_string(f) || strcmp(json_string_value(f), "") == 0) {
            return xb_err_set(err, -XB_EINPUT, "%s: field \"trace\".cpus[%zu]: "
                              "expected {\"cpu\": %zu, \"file\": "
                              "\"tracefs/cpu%zu.raw\"}", path, i, i, i);
        }
        char expect[64];
        snprintf(expect, sizeof expect, "tracefs/cpu%zu.raw", i);
        if (strcmp(json_string_value(f), expect) != 0)
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

void xb_manifest_free(struct xb_manifest *m)
{
    free(m->cpu_lost);
    m->cpu_lost = NULL;
}

int xb_rundir_load(const char *dir, struct xb_manifest *m,
                   struct xb_names *names, struct xb_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return xb_err_set(err, -XB_EINPUT, "%s: line %d column %d: %s", path,
                          je.line, je.column, je.text);
    int rc = 0;
    memset(m, 0, sizeof *m);
    if (!json_is_object(root)) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: top level is not an object", path);
        goto out;
    }
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
    return rc;
}
