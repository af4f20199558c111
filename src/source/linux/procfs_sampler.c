/* procfs_sampler.c: per-domain disk I/O and memory, and host block devices,
 * sampled verbatim from /proc and cgroup files each interval.
 *
 * File format (procfs.txt): blocks, each a header line then the file's text
 * exactly as read:
 *   @ T_NS io DOMID PID            /proc/PID/io
 *   @ T_NS statm DOMID PID PAGESIZE  /proc/PID/statm (counts in pages)
 *   @ T_NS blkio DOMID CGROUP      blkio.throttle.io_service_bytes (v1)
 *   @ T_NS io.stat DOMID CGROUP    io.stat (v2)
 *   @ T_NS diskstats               /proc/diskstats
 * T_NS is CLOCK_MONOTONIC.  decode/procfs_load.c reads it back.
 */
#define _GNU_SOURCE
#include "procfs_sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int dump(FILE *out, const char *path, const char *header)
{
    char buf[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;                      /* a process that ended: skipped */
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    if (len == 0)
        return 0;
    if (buf[len - 1] != '\n')
        buf[len++] = '\n';
    fputs(header, out);
    fwrite(buf, 1, len, out);
    return 0;
}

static int open_procfs(void **state, const struct xb_domain_map *m, FILE *out,
                       const char **why, struct xb_err *err)
{
    (void)m; (void)out; (void)why; (void)err;
    *state = NULL;
    return 0;
}

static int sample_procfs(void *state, const struct xb_domain_map *m,
                         uint64_t t, FILE *out, struct xb_err *err)
{
    (void)state;
    char path[1100], hdr[1200];
    for (size_t i = 0; i < m->n; i++) {
        const struct xb_ldomain *d = &m->d[i];
        for (size_t k = 0; k < d->npid; k++) {
            snprintf(path, sizeof path, "/proc/%d/io", d->pids[k]);
            snprintf(hdr, sizeof hdr, "@ %llu io %u %d\n",
                     (unsigned long long)t, d->domid, d->pids[k]);
            dump(out, path, hdr);
            snprintf(path, sizeof path, "/proc/%d/statm", d->pids[k]);
            snprintf(hdr, sizeof hdr, "@ %llu statm %u %d %ld\n",
                     (unsigned long long)t, d->domid, d->pids[k],
                     sysconf(_SC_PAGESIZE));
            dump(out, path, hdr);
        }
        if (d->cgroup[0]) {
            snprintf(path, sizeof path,
                     "/sys/fs/cgroup/blkio%s/blkio.throttle.io_service_bytes",
                     strcmp(d->cgroup, "/") ? d->cgroup : "");
            snprintf(hdr, sizeof hdr, "@ %llu blkio %u %s\n",
                     (unsigned long long)t, d->domid, d->cgroup);
            dump(out, path, hdr);
            snprintf(path, sizeof path, "/sys/fs/cgroup%s/io.stat",
                     strcmp(d->cgroup, "/") ? d->cgroup : "");
            snprintf(hdr, sizeof hdr, "@ %llu io.stat %u %s\n",
                     (unsigned long long)t, d->domid, d->cgroup);
            dump(out, path, hdr);
        }
    }
    snprintf(hdr, sizeof hdr, "@ %llu diskstats\n", (unsigned long long)t);
    dump(out, "/proc/diskstats", hdr);
    if (fflush(out) != 0 || ferror(out))
        return xb_err_set(err, -(errno ? errno : EIO), "procfs.txt: %s",
                          strerror(errno ? errno : EIO));
    return 0;
}

static void close_procfs(void *state) { (void)state; }

const struct xb_sampler xb_procfs_sampler = {
    .name = "procfs",
    .file = "procfs.txt",
    .format = "procfs",
    .open = open_procfs,
    .sample = sample_procfs,
    .close = close_procfs,
};
