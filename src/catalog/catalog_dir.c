/* catalog_dir.c: where the catalogue files are: the built-in folder, found
 * from the program's own path (no absolute path is compiled in), and the
 * user's list in XENBENCH_CATALOG.  It must not parse the catalogue files
 * (catalog.c does). */
#include "catalog.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int xb_catalog_builtin_dir(char *buf, size_t len, struct xb_err *err)
{
    char exe[4096];
    if (!buf || len == 0)
        return xb_err_set(err, -XB_EUSAGE, "no buffer for the catalogue folder");
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return xb_err_set(err, -XB_EINPUT, "cannot find the program's own path "
                          "(/proc/self/exe): set XENBENCH_CATALOG to the "
                          "catalogue folder");
    exe[n] = '\0';
    char *bindir = dirname(exe);
    if (!buf || !len)       /* (also keeps GCC's -Wformat-truncation quiet) */
        return xb_err_set(err, -EINVAL, "no room for the catalogue path");
    static const char *const rel[] = { "../data/catalog", "../share/xenbench/catalog" };
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        snprintf(buf, len, "%s/%s", bindir, rel[i]);
        if (is_dir(buf))
            return 0;
    }
    return xb_err_set(err, -XB_EINPUT, "no built-in catalogue next to %s (looked "
                      "in %s/%s and %s/%s): set XENBENCH_CATALOG", bindir, bindir,
                      rel[0], bindir, rel[1]);
}

static int load_one(struct xb_catalog *c, const char *item, struct xb_err *err)
{
    char dir[4200];
    if (strcmp(item, "builtin") == 0) {
        int rc = xb_catalog_builtin_dir(dir, sizeof dir, err);
        return rc ? rc : xb_catalog_load_dir(c, dir, err);
    }
    if (is_dir(item))
        return xb_catalog_load_dir(c, item, err);
    return xb_catalog_load_file(c, item, err);
}

int xb_catalog_load_list(struct xb_catalog *c, const char *list, struct xb_err *err)
{
    if (!list || !*list)
        return load_one(c, "builtin", err);
    char *copy = strdup(list), *save = NULL;
    if (!copy)
        return xb_err_set(err, -ENOMEM, "out of memory");
    int rc = 0;
    for (char *t = strtok_r(copy, ":", &save); !rc && t; t = strtok_r(NULL, ":", &save))
        rc = load_one(c, t, err);
    free(copy);
    return rc;
}
