/* dirlist.h: the files of a folder whose names start with a prefix and end
 * in a suffix, in version order ("2.csv" before "10.csv"), hidden files left
 * out. */
#ifndef XB_UTIL_DIRLIST_H
#define XB_UTIL_DIRLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct xb_dirlist {
    char **path;        /* "DIR/NAME", malloc'ed */
    size_t n;
};

/* prefix "" takes any name; a name must be longer than prefix and suffix
 * together.  Errors: the folder cannot be read (-XB_EINPUT, naming it), no
 * memory. */
int xb_dirlist(const char *dir, const char *prefix, const char *suffix,
               struct xb_dirlist *out, struct xb_err *err);
/* Whether NAME would be listed. */
bool xb_dirlist_match(const char *name, const char *prefix, const char *suffix);
void xb_dirlist_free(struct xb_dirlist *l);
/* The last component of path without the suffix (".csv": a GWA VM, a samples
 * CSV's default host), into buf (cut to len). */
void xb_path_stem(const char *path, const char *suffix, char *buf, size_t len);

#endif
