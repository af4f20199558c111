/* procfs_sampler.c: per-domain disk I/O, memory and (for processes in a
 * network namespace of their own) network, and host block devices, sampled
 * verbatim from /proc and cgroup files each interval.
 *
 * File format (procfs.txt): blocks, each a header line then the file's text
 * exactly as read:
 *   @ T_NS io DOMID PID            /proc/PID/io
 *   @ T_NS statm DOMID PID PAGESIZE  /proc/PID/statm (counts in pages)
 *   @ T_NS blkio DOMID CGROUP      blkio.throttle.io_service_bytes (v1)
 *   @ T_NS io.stat DOMID CGROUP    io.stat (v2)
 *   @ T_NS net.dev DOMID NETNS     /proc/PID/net/dev of one process of the
 *                                  domain in network namespace NETNS (its
 *                                  inode), once per namespace other than
 *                                  the recorder's own
 *   @ T_NS diskstats               /proc/diskstats
 *   @ T_NS stat HZ                 the "cpuN" lines of /proc/stat (counts
 *                                  in 1/HZ s: USER_HZ); the other lines
 *                                  (interrupt counts, long on a big host)
 *                                  are left out
 * T_NS is CLOCK_MONOTONIC.  decode/procfs_load.c reads it back.
 * It must not interpret what it reads (decode/procfs_load.c).
 *
 * Each process's io and statm files are opened once and read again with
 * pread at offset 0 every interval (the kernel regenerates a /proc file
 * read from its start): an open and a close per file and interval were
 * two thirds of the sampler's system calls, and the path walk through
 * /proc most of its kernel time.  Open files are kept up to a budget of
 * half the descriptor limit; past it, files are opened each time.
 */
#define _GNU_SOURCE
#include "procfs_sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* A process's files kept open: open-addressing table keyed by pid. */
struct pfiles {
    pid_t pid;           /* 0: empty slot */
    int io, statm;       /* GONE: the process ended */
    unsigned long netns; /* its network namespace's inode, 0 unknown */
};

struct procfs_state {
    struct pfiles *t;
    size_t n, cap;
    size_t budget;       /* processes whose files may stay open */
    long pagesize;
    unsigned long host_netns;  /* the recorder's own network namespace */
};

/* The inode of PID's network namespace (pid 0: this process's), 0 when it
 * cannot be told (the process ended, or no permission). */
static unsigned long netns_of(pid_t pid)
{
    char path[64];
    struct stat sb;
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/ns/net", pid);
    else
        snprintf(path, sizeof path, "/proc/self/ns/net");
    return stat(path, &sb) == 0 ? (unsigned long)sb.st_ino : 0;
}

/* Read a whole small file from its start into buf (NUL-less), or 0.  A
 * /proc file of one record (io, statm) comes whole in one read when it
 * fits: a short read ends it. */
static size_t slurp(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    ssize_t n;
    while (len < cap && (n = pread(fd, buf + len, cap - len, (off_t)len)) > 0) {
        len += (size_t)n;
        if ((size_t)n < 4096 && len < cap)
            break;
    }
    return len;
}

/* Write header and the file's text to out: from *fd when it is open (>= 0),
 * else from path opened now; *fd becomes GONE once the file cannot be
 * read (the process ended), and a GONE file is not looked at again.
 * Nothing for a process that ended. */
#define GONE (-2)
static void dump(FILE *out, int *fd, const char *path, const char *header)
{
    char buf[65536];
    if (fd && *fd == GONE)
        return;
    int f = fd && *fd >= 0 ? *fd : open(path, O_RDONLY | O_CLOEXEC);
    size_t len = f >= 0 ? slurp(f, buf, sizeof buf - 1) : 0;
    if (f >= 0 && (!fd || *fd < 0 || len == 0))
        close(f);
    if (fd && len == 0)
        *fd = GONE;
    if (len == 0)
        return;                        /* a process that ended: skipped */
    if (buf[len - 1] != '\n')
        buf[len++] = '\n';
    fputs(header, out);
    fwrite(buf, 1, len, out);
}

/* The "cpuN ..." lines of /proc/stat under header. */
static void dump_stat(FILE *out, const char *header)
{
    FILE *f = fopen("/proc/stat", "re");
    char *line = NULL;
    size_t cap = 0;
    bool any = false;
    while (f && getline(&line, &cap, f) > 0) {
        if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9')
            continue;
        if (!any)
            fputs(header, out);
        any = true;
        fputs(line, out);
    }
    free(line);
    if (f)
        fclose(f);
}

static struct pfiles *files_of(struct procfs_state *st, pid_t pid)
{
    if (!st || !st->cap)
        return NULL;
    size_t i = ((uint32_t)pid * 2654435761u) & (st->cap - 1);
    while (st->t[i].pid && st->t[i].pid != pid)
        i = (i + 1) & (st->cap - 1);
    if (st->t[i].pid == pid)
        return &st->t[i];
    if (st->n >= st->budget || 2 * (st->n + 1) > st->cap)
        return NULL;                   /* over budget: opened each time */
    char path[64];
    st->t[i] = (struct pfiles){ pid, -1, -1, netns_of(pid) };
    snprintf(path, sizeof path, "/proc/%d/io", pid);
    if ((st->t[i].io = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        st->t[i].io = GONE;
    snprintf(path, sizeof path, "/proc/%d/statm", pid);
    if ((st->t[i].statm = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        st->t[i].statm = GONE;
    st->n++;
    return &st->t[i];
}

static int open_procfs(void **state, const struct xb_domain_map *m, FILE *out,
                       const char **why, struct xb_err *err)
{
    (void)out; (void)why;
    struct procfs_state *st = calloc(1, sizeof *st);
    struct rlimit rl;
    size_t npid = 0;
    for (size_t i = 0; i < m->n; i++)
        npid += m->d[i].npid;
    if (!st)
        return xb_err_set(err, -ENOMEM, "out of memory");
    st->pagesize = sysconf(_SC_PAGESIZE);
    st->host_netns = netns_of(0);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        st->budget = rl.rlim_cur / 4;  /* two files each: half the limit */
    else
        st->budget = 4096;
    for (st->cap = 64; st->cap < 2 * (npid + 1) || st->cap < 2 * st->budget;)
        st->cap *= 2;
    if (!(st->t = calloc(st->cap, sizeof *st->t))) {
        free(st);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    *state = st;
    return 0;
}

static void close_procfs(void *state)
{
    struct procfs_state *st = state;
    if (!st)
        return;
    for (size_t i = 0; i < st->cap; i++) {
        if (st->t[i].io >= 0 && st->t[i].pid)
            close(st->t[i].io);
        if (st->t[i].statm >= 0 && st->t[i].pid)
            close(st->t[i].statm);
    }
    free(st->t);
    free(st);
}

/* /proc/PID/net/dev once for each network namespace of the domain's
 * processes other than the recorder's: that namespace's interfaces.  A
 * domain in the host's namespace has no network figures of its own here. */
static void net_dev(struct procfs_state *st, const struct xb_ldomain *d, uint64_t t,
                    FILE *out)
{
    unsigned long seen[8];
    unsigned nseen = 0;
    if (!st || !st->host_netns)
        return;
    for (size_t k = 0; k < d->npid && nseen < 8; k++) {
        struct pfiles *pf = files_of(st, d->pids[k]);
        unsigned long ns = pf ? pf->netns : netns_of(d->pids[k]);
        bool dup = ns == 0 || ns == st->host_netns;
        for (unsigned j = 0; j < nseen && !dup; j++)
            dup = seen[j] == ns;
        if (dup)
            continue;
        seen[nseen++] = ns;
        char path[64], hdr[128];
        snprintf(path, sizeof path, "/proc/%d/net/dev", d->pids[k]);
        snprintf(hdr, sizeof hdr, "@ %llu net.dev %u %lu\n", (unsigned long long)t,
                 d->domid, ns);
        dump(out, NULL, path, hdr);
    }
}

static int sample_procfs(void *state, const struct xb_domain_map *m,
                         uint64_t t, FILE *out, struct xb_err *err)
{
    struct procfs_state *st = state;
    long pagesize = st ? st->pagesize : sysconf(_SC_PAGESIZE);
    char path[1100], hdr[1200];
    for (size_t i = 0; i < m->n; i++) {
        const struct xb_ldomain *d = &m->d[i];
        for (size_t k = 0; k < d->npid; k++) {
            struct pfiles *pf = files_of(st, d->pids[k]);
            snprintf(path, sizeof path, "/proc/%d/io", d->pids[k]);
            snprintf(hdr, sizeof hdr, "@ %llu io %u %d\n",
                     (unsigned long long)t, d->domid, d->pids[k]);
            dump(out, pf ? &pf->io : NULL, path, hdr);
            snprintf(path, sizeof path, "/proc/%d/statm", d->pids[k]);
            snprintf(hdr, sizeof hdr, "@ %llu statm %u %d %ld\n",
                     (unsigned long long)t, d->domid, d->pids[k], pagesize);
            dump(out, pf ? &pf->statm : NULL, path, hdr);
        }
        net_dev(st, d, t, out);
        if (d->cgroup[0]) {
            snprintf(path, sizeof path,
                     "/sys/fs/cgroup/blkio%s/blkio.throttle.io_service_bytes",
                     strcmp(d->cgroup, "/") ? d->cgroup : "");
            snprintf(hdr, sizeof hdr, "@ %llu blkio %u %s\n",
                     (unsigned long long)t, d->domid, d->cgroup);
            dump(out, NULL, path, hdr);
            snprintf(path, sizeof path, "/sys/fs/cgroup%s/io.stat",
                     strcmp(d->cgroup, "/") ? d->cgroup : "");
            snprintf(hdr, sizeof hdr, "@ %llu io.stat %u %s\n",
                     (unsigned long long)t, d->domid, d->cgroup);
            dump(out, NULL, path, hdr);
        }
    }
    snprintf(hdr, sizeof hdr, "@ %llu diskstats\n", (unsigned long long)t);
    dump(out, NULL, "/proc/diskstats", hdr);
    snprintf(hdr, sizeof hdr, "@ %llu stat %ld\n", (unsigned long long)t,
             sysconf(_SC_CLK_TCK));
    dump_stat(out, hdr);
    if (fflush(out) != 0 || ferror(out))
        return xb_err_set(err, -(errno ? errno : EIO), "procfs.txt: %s",
                          strerror(errno ? errno : EIO));
    return 0;
}


const struct xb_sampler xb_procfs_sampler = {
    .name = "procfs",
    .file = "procfs.txt",
    .format = "procfs",
    .open = open_procfs,
    .sample = sample_procfs,
    .close = close_procfs,
};
