/* json.c: a JSON file's top-level object through jansson, read or written
 * atomically (see json.h); it must not know what any file means. */
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"

int xb_json_load_file(const char *path, json_t **root, struct xb_err *err)
{
    json_error_t je;
    *root = json_load_file(path, 0, &je);
    if (!*root) {
        if (je.line <= 0)      /* not opened or not read: no position */
            return xb_err_set(err, -XB_EINPUT, "%s: %s", path, je.text);
        return xb_err_set(err, -XB_EINPUT, "%s: line %d column %d: %s", path,
                          je.line, je.column, je.text);
    }
    if (!json_is_object(*root)) {
        json_decref(*root);
        *root = NULL;
        return xb_err_set(err, -XB_EINPUT, "%s: expected a JSON object at the "
                          "top level", path);
    }
    return 0;
}

int xb_json_save_atomic(const char *path, const json_t *root, struct xb_err *err)
{
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        return xb_err_set(err, -ENOMEM, "out of memory writing %s", path);
    size_t len = strlen(text);
    char *line = realloc(text, len + 2);
    if (!line) {
        free(text);
        return xb_err_set(err, -ENOMEM, "out of memory writing %s", path);
    }
    line[len] = '\n';
    int rc = xb_write_file_atomic(path, line, len + 1, err);
    free(line);
    return rc;
}

json_t *xb_json_num(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

json_t *xb_json_fixed(double v, int digits)
{
    if (isnan(v) || isinf(v))
        return json_null();
    double p = pow(10, digits);
    double r = round(v * p) / p;
    return json_real(isfinite(r) ? r : v);
}
