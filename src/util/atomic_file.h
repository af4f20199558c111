/* atomic_file.h: replace a file so readers see the old or the new content,
 * never a half-written one (write PATH.tmp, fsync, rename, fsync the folder). */
#ifndef XB_ATOMIC_FILE_H
#define XB_ATOMIC_FILE_H

#include <stddef.h>

#include "util/err.h"

int xb_write_file_atomic(const char *path, const void *data, size_t len,
                         struct xb_err *err);

#endif
