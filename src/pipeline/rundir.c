/* rundir.c: manifest.json of a run folder, read with jansson.
 *
 * The layout is documented in docs/run-folder.md.  Only what analysis needs
 * is read here; unknown fields are ignored so newer recorders stay readable.
 */
#include "rundir.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

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
    if (strcmp(m->source, "xen") != 0) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: field \"source\": \"%s\" runs "
                        "cannot be analysed by this version (only \"xen\")",
                        path, m->source);
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
    json_t *doms = json_object_get(root, "domains");
    if (doms && !json_is_array(doms)) {
        rc = xb_err_set(err, -XB_EINPUT, "%s: field \"domains\": expected an "
                        "array", path);
        goto out;
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
            goto out;
        }
        if (xb_names_set(names, (uint32_t)json_integer_value(id),
                         json_string_value(name))) {
            rc = xb_err_set(err, -1, "out of memory");
            goto out;
        }
    }
out:
    json_decref(root);
    return rc;
}
