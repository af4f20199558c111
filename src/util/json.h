/* json.h: loading a JSON file with jansson, with one wording of its errors
 * for every reader (run folders, price lists). */
#ifndef XB_UTIL_JSON_H
#define XB_UTIL_JSON_H

#include "util/err.h"

struct json_t;

/* *root = the file's top-level object.  0, or -XB_EINPUT with err naming the
 * file and the line and column of a syntax error, or why it could not be
 * opened. */
int xb_json_load_file(const char *path, struct json_t **root, struct xb_err *err);

/* A number, or null for NAN and infinities (JSON has neither). */
struct json_t *xb_json_num(double v);
/* v rounded to digits decimals (what a text format prints), or null. */
struct json_t *xb_json_fixed(double v, int digits);

/* root as PATH, indented, keys in insertion order, ending in a newline,
 * written atomically (util/atomic_file.h). */
int xb_json_save_atomic(const char *path, const struct json_t *root,
                        struct xb_err *err);

#endif
