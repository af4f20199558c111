/* lost.c: record and lost-records counting over raw trace bytes.  It must
 * not decode records (decode/xentrace.c). */
#include "lost.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/trace.h>

int xb_lost_scan_window(const void *buf, size_t len, struct xb_lost_count *n)
{
    const uint8_t *p = buf;
    size_t off = 0;
    while (off + 4 <= len) {
        uint32_t h;
        memcpy(&h, p + off, 4);
        size_t extra = (h >> TRACE_EXTRA_SHIFT) & 7;
        size_t cyc = (h >> 31) ? 8 : 0;
        size_t sz = 4 + cyc + 4 * extra;
        if (off + sz > len)
            return -1;
        n->records++;
        if ((h & 0x0fffffffu) == TRC_LOST_RECORDS && extra >= 1) {
            uint32_t lost;
            memcpy(&lost, p + off + 4 + cyc, 4);
            n->notices++;
            n->lost += lost;
        }
        off += sz;
    }
    return off == len ? 0 : -1;
}

int xb_lost_scan_file(const char *path, struct xb_lost_count *n,
                      struct xb_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xb_err_set(err, -errno, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return xb_err_set(err, -e, "%s: %s", path, strerror(e));
    }
    size_t len = (size_t)st.st_size;
    if (len == 0) {
        close(fd);
        return 0;
    }
    const uint8_t *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return xb_err_set(err, -errno, "%s: mmap: %s", path, strerror(errno));
    int rc = 0;
    size_t off = 0;
    while (off + 12 <= len) {
        uint32_t h, win;
        memcpy(&h, p + off, 4);
        memcpy(&win, p + off + 8, 4);
        if ((h & 0x0fffffffu) != TRC_TRACE_CPU_CHANGE || off + 12 + win > len) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: byte %zu: not a window header "
                            "or a window cut short", path, off);
            break;
        }
        if (xb_lost_scan_window(p + off + 12, win, n)) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: window at byte %zu: a record "
                            "runs past its end", path, off);
            break;
        }
        off += 12 + (size_t)win;
    }
    munmap((void *)p, len);
    return rc;
}
