/* dirlist.c: listing a folder's files by prefix and suffix (dirlist.h).
 * It must not open or read the files. */
#define _GNU_SOURCE     /* strverscmp */
#include "dirlist.h"

#include "util/grow.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_version(const void *a, const void *b)
{
    return strverscmp(*(char *const *)a, *(char *const *)b);
}

bool xb_dirlist_match(const char *name, const char *prefix, const char *suffix)
{
    size_t len = strlen(name), plen = strlen(prefix), slen = strlen(suffix);
    return name[0] != '.' && len > plen + slen && strncmp(name, prefix, plen) == 0 &&
           strcmp(name + len - slen, suffix) == 0;
}

int xb_dirlist(const char *dir, const char *prefix, const char *suffix,
               struct xb_dirlist *out, struct xb_err *err)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", dir, strerror(errno));
    size_t cap = 0;
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (!xb_dirlist_match(e->d_name, prefix, suffix))
            continue;
        size_t len = strlen(e->d_name);
        if (xb_grow((void **)&out->path, &cap, out->n, sizeof *out->path, 64)) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            break;
        }
        size_t plen = strlen(dir) + len + 2;
        char *p = malloc(plen);
        if (!p) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            break;
        }
        snprintf(p, plen, "%s/%s", dir, e->d_name);
        out->path[out->n++] = p;
    }
    closedir(d);
    if (rc) {
        xb_dirlist_free(out);
        return rc;
    }
    if (out->n)
        qsort(out->path, out->n, sizeof *out->path, cmp_version);
    return 0;
}

void xb_dirlist_free(struct xb_dirlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->path[i]);
    free(l->path);
    memset(l, 0, sizeof *l);
}

void xb_path_stem(const char *path, const char *suffix, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    size_t n = strlen(name), k = strlen(suffix);
    if (n > k && strcmp(name + n - k, suffix) == 0)
        n -= k;
    snprintf(buf, len, "%.*s", (int)n, name);
}
