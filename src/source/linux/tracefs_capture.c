/* tracefs_capture.c: private tracefs instance, raw per-CPU pages, through
 * libtracefs.  See tracefs_capture.h.  It must not decode the pages
 * (decode/linux_sched.c).
 *
 * Two ways out of the ring buffer.  xb_tcapture_move() splices whole pages
 * into a file through a 1 MiB pipe: no copy through user space, two system
 * calls for up to 256 pages, and only pages the writer has left (a splice
 * never takes the page being written).  xb_tcapture_read() copies pages out
 * for the live decoder; it stops at the page the writer is still filling,
 * which a read() hands over part-filled: reading on would chase the writer,
 * one nearly empty 4 KiB page per read (in a context-switch storm that was
 * 24 % of a core and a quarter of the run folder). */
#define _GNU_SOURCE
#include "tracefs_capture.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <tracefs.h>
#include <unistd.h>

#include "util/atomic_file.h"

const char *const xb_tcapture_events[] = {
    "sched/sched_switch", "sched/sched_wakeup", "sched/sched_wakeup_new",
    "sched/sched_process_fork", NULL,
};

/* The reader is woken when a CPU's buffer is this full (the instance's
 * buffer_percent), not per page. */
#define WATERMARK_PCT "25"
#define PIPE_BYTES (1 << 20)

struct xb_tcapture {
    struct tracefs_instance *inst;
    unsigned ncpu;
    int *fd;                      /* per_cpu/cpuN/trace_pipe_raw, non-blocking */
    struct tracefs_cpu **cpu;     /* the same fds, for read() and flush */
    int (*pipe)[2];               /* per CPU, for splice */
    size_t pipe_bytes;
    struct pollfd *pfd;
    unsigned ninit;               /* CPUs whose fd and pipe entries are set */
    size_t page;
    void *buf;
};

unsigned xb_tcapture_ncpu(const struct xb_tcapture *c) { return c->ncpu; }
size_t xb_tcapture_page_size(const struct xb_tcapture *c) { return c->page; }

static int write_file(struct xb_tcapture *c, const char *file, const char *val,
                      struct xb_err *err)
{
    if (tracefs_instance_file_write(c->inst, file, val) < 0)
        return xb_err_set(err, -(errno ? errno : EIO), "tracefs: writing '%s' "
                          "to instances/%s/%s: %s", val,
                          tracefs_instance_get_name(c->inst), file,
                          strerror(errno ? errno : EIO));
    return 0;
}

/* Instances left by a recorder that was killed (xenbench-PID, PID gone)
 * keep their buffers allocated: remove them. */
static void remove_stale_instances(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/instances", tracefs_tracing_dir());
    DIR *dir = opendir(path);
    if (!dir)
        return;
    struct dirent *de;
    while ((de = readdir(dir))) {
        int pid;
        char rest[2];
        if (sscanf(de->d_name, "xenbench-%d%1s", &pid, rest) != 1 || pid <= 0 ||
            kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        struct tracefs_instance *inst = tracefs_instance_alloc(NULL, de->d_name);
        if (inst) {
            tracefs_instance_file_write(inst, "tracing_on", "0");
            tracefs_instance_destroy(inst);
            tracefs_instance_free(inst);
        }
    }
    closedir(dir);
}

/* MemAvailable of /proc/meminfo in KiB, 0 when unknown. */
static unsigned long long mem_available_kb(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    unsigned long long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* The kernel allocates buffer_size_kb on every CPU at once, and stalls for
 * seconds per GiB: all of them must fit in half the available memory. */
static int check_buffer_size(unsigned buffer_kb, struct xb_err *err)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    unsigned long long ncpu = n > 0 ? (unsigned long long)n : 1;
    unsigned long long avail = mem_available_kb();
    unsigned long long total = ncpu * buffer_kb;
    if (!avail || total <= avail / 2)
        return 0;
    return xb_err_set(err, -XB_EUSAGE, "--buffer-kb %u: %llu CPUs x %u KiB = "
                      "%llu MiB of trace buffers is more than half of the %llu "
                      "MiB available (MemAvailable, /proc/meminfo); at most %llu "
                      "here", buffer_kb, ncpu, buffer_kb, total / 1024,
                      avail / 1024, avail / 2 / ncpu);
}

/* The ring buffer's sub-buffer ("page") size, from the instance's
 * events/header_page as libtraceevent reads it. */
static int subbuf_size(struct xb_tcapture *c, struct xb_err *err)
{
    int len = 0;
    char *hdr = tracefs_instance_file_read(c->inst, "events/header_page", &len);
    struct tep_handle *tep = tep_alloc();
    int sz = hdr && tep && tep_parse_header_page(tep, hdr, len, (int)sizeof(long)) == 0
             ? tep_get_sub_buffer_size(tep) : -1;
    free(hdr);
    tep_free(tep);
    if (sz <= 0)
        return xb_err_set(err, -EIO, "tracefs: cannot read the page layout "
                          "(instances/%s/events/header_page)",
                          tracefs_instance_get_name(c->inst));
    c->page = (size_t)sz;
    return 0;
}

int xb_tcapture_open(struct xb_tcapture **out, unsigned buffer_kb,
                     struct xb_err *err)
{
    *out = NULL;
    int rc;
    if (buffer_kb && (rc = check_buffer_size(buffer_kb, err)))
        return rc;
    if (geteuid() != 0)
        return xb_err_set(err, -EPERM, "recording scheduler events needs root "
                          "(tracefs instances, other users' /proc/PID/io): run "
                          "as root or with sudo");
    /* Mounts tracefs when it is not (tracefs_tracing_dir_is_mounted would
     * too, but libtracefs 1.6 leaks a copy of the path there). */
    if (!tracefs_tracing_dir())
        return xb_err_set(err, -ENOENT, "tracefs is not mounted and could not "
                          "be (mount -t tracefs nodev /sys/kernel/tracing; "
                          "the kernel needs CONFIG_FTRACE)");
    remove_stale_instances();
    struct xb_tcapture *c = calloc(1, sizeof *c);
    if (!c)
        return xb_err_set(err, -ENOMEM, "out of memory");
    char name[64];
    snprintf(name, sizeof name, "xenbench-%d", (int)getpid());
    errno = 0;
    c->inst = tracefs_instance_create(name);
    if (!c->inst) {
        int e = errno ? errno : EIO;
        free(c);
        return xb_err_set(err, -e, "tracefs: cannot create instance %s under "
                          "%s/instances: %s", name, tracefs_tracing_dir(), strerror(e));
    }
    char kb[32];
    snprintf(kb, sizeof kb, "%u", buffer_kb ? buffer_kb : 4096);
    if ((rc = write_file(c, "tracing_on", "0", err)) ||
        (rc = write_file(c, "buffer_size_kb", kb, err)) ||
        (rc = write_file(c, "trace_clock", "mono", err)))
        goto fail;
    /* Older kernels have no buffer_percent: poll then wakes per page. */
    tracefs_instance_file_write(c->inst, "buffer_percent", WATERMARK_PCT);
    for (const char *const *ev = xb_tcapture_events; *ev; ev++) {
        char sys[32];
        const char *slash = strchr(*ev, '/');
        snprintf(sys, sizeof sys, "%.*s", (int)(slash - *ev), *ev);
        if (tracefs_event_enable(c->inst, sys, slash + 1) < 0) {
            rc = xb_err_set(err, -ENOENT, "tracefs: cannot enable event %s "
                            "(missing from this kernel?)", *ev);
            goto fail;
        }
    }
    long n = sysconf(_SC_NPROCESSORS_CONF);
    c->ncpu = n > 0 ? (unsigned)n : 1;
    c->cpu = calloc(c->ncpu, sizeof *c->cpu);
    c->fd = malloc(c->ncpu * sizeof *c->fd);
    c->pipe = malloc(c->ncpu * sizeof *c->pipe);
    c->pfd = calloc(c->ncpu, sizeof *c->pfd);
    if (!c->cpu || !c->fd || !c->pipe || !c->pfd) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto fail;
    }
    for (unsigned i = 0; i < c->ncpu; i++) {
        c->fd[i] = -1;
        c->pipe[i][0] = c->pipe[i][1] = -1;
    }
    c->ninit = c->ncpu;
    if ((rc = subbuf_size(c, err)))
        goto fail;
    for (unsigned i = 0; i < c->ncpu; i++) {
        char file[64];
        snprintf(file, sizeof file, "per_cpu/cpu%u/trace_pipe_raw", i);
        c->fd[i] = tracefs_instance_file_open(c->inst, file, O_RDONLY | O_NONBLOCK);
        if (c->fd[i] < 0 ||
            !(c->cpu[i] = tracefs_cpu_alloc_fd(c->fd[i], (int)c->page, true))) {
            rc = xb_err_set(err, -(errno ? errno : EIO), "tracefs: cannot open "
                            "%s: %s", file, strerror(errno ? errno : EIO));
            goto fail;
        }
        if (pipe2(c->pipe[i], O_CLOEXEC | O_NONBLOCK) < 0) {
            rc = xb_err_set(err, -errno, "pipe: %s", strerror(errno));
            goto fail;
        }
        /* As large as allowed (pipe-max-size, 1 MiB by default), else the
         * default 64 KiB. */
        int got = fcntl(c->pipe[i][1], F_SETPIPE_SZ, PIPE_BYTES);
        if (got < 0)
            got = fcntl(c->pipe[i][1], F_GETPIPE_SZ);
        c->pipe_bytes = got > 0 ? (size_t)got : c->page;
        c->pfd[i] = (struct pollfd){ .fd = c->fd[i], .events = POLLIN };
    }
    if (!(c->buf = malloc(c->page))) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto fail;
    }
    *out = c;
    return 0;
fail:
    xb_tcapture_close(c);
    return rc;
}

static int copy_file(const char *from, const char *to, struct xb_err *err)
{
    /* tracefs files report size 0: read until EOF. */
    int fd = open(from, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xb_err_set(err, -errno, "%s: %s", from, strerror(errno));
    size_t len = 0, cap = 16384;
    char *buf = malloc(cap);
    ssize_t n = 0;
    while (buf && (n = read(fd, buf + len, cap - len)) > 0) {
        len += (size_t)n;
        if (len == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
        }
    }
    int e = n < 0 ? errno : 0;
    close(fd);
    if (!buf)
        return xb_err_set(err, -ENOMEM, "out of memory");
    if (e) {
        free(buf);
        return xb_err_set(err, -e, "%s: %s", from, strerror(e));
    }
    int rc = xb_write_file_atomic(to, buf, len, err);
    free(buf);
    return rc;
}

int xb_tcapture_save_formats(const struct xb_tcapture *c, const char *dir,
                             struct xb_err *err)
{
    char from[4096], to[4096];
    char *idir = tracefs_instance_get_dir(c->inst);
    if (!idir)
        return xb_err_set(err, -ENOMEM, "out of memory");
    snprintf(from, sizeof from, "%s/events/header_page", idir);
    snprintf(to, sizeof to, "%s/header_page", dir);
    int rc = copy_file(from, to, err);
    for (const char *const *ev = xb_tcapture_events; *ev && !rc; ev++) {
        snprintf(from, sizeof from, "%s/events/%s/format", idir, *ev);
        snprintf(to, sizeof to, "%s/%.*s-%s.format", dir,
                 (int)(strchr(*ev, '/') - *ev), *ev, strchr(*ev, '/') + 1);
        rc = copy_file(from, to, err);
    }
    tracefs_put_tracing_file(idir);
    return rc;
}

int xb_tcapture_start(struct xb_tcapture *c, struct xb_err *err)
{
    return write_file(c, "tracing_on", "1", err);
}

int xb_tcapture_stop(struct xb_tcapture *c)
{
    return tracefs_instance_file_write(c->inst, "tracing_on", "0") < 0 ? -EIO : 0;
}

/* A page the writer left holds within the largest record of its end; one
 * the writer was filling (handed over by read()) has more room. */
#define FULL_SLACK 256u

static bool part_filled(const struct xb_tcapture *c, const void *page, size_t len)
{
    unsigned long commit;
    if (len < 8 + sizeof commit)
        return true;
    memcpy(&commit, (const char *)page + 8, sizeof commit);
    size_t used = (size_t)(commit & ((1ul << 30) - 1)) + 8 + sizeof commit;
    return used + FULL_SLACK < c->page;
}

int xb_tcapture_read(struct xb_tcapture *c, bool flush, xb_page_fn fn, void *ctx,
                     struct xb_err *err)
{
    for (unsigned i = 0; i < c->ncpu; i++) {
        /* A part-filled page is the writer's, or the rest of a page whose
         * start an earlier read() took while the writer was there (the
         * kernel hands that rest over alone, though full pages may follow).
         * Stopping at the first of them left this CPU a whole read behind
         * the others, up to an interval, and its events then came after the
         * other CPUs' later ones (ground_truth.py's 1 s windows of
         * --aggregate, 9 % for 48 %).  So: stop at the second. */
        unsigned part = 0;
        for (;;) {
            int n = flush ? tracefs_cpu_flush(c->cpu[i], c->buf)
                          : tracefs_cpu_read(c->cpu[i], c->buf, true);
            if (n <= 0) {
                if (n < 0 && errno != EAGAIN && errno != EINTR && errno != 0)
                    return xb_err_set(err, -errno, "tracefs: reading cpu%u: %s",
                                      i, strerror(errno));
                break;
            }
            int rc = fn(i, c->buf, (size_t)n, ctx);
            if (rc)
                return rc;
            if (!flush && part_filled(c, c->buf, (size_t)n) && ++part == 2)
                break;                 /* the writer's page: the rest later */
        }
    }
    return 0;
}

int xb_tcapture_move(struct xb_tcapture *c, unsigned cpu, int out,
                     const char *out_name, uint64_t max, uint64_t *bytes,
                     struct xb_err *err)
{
    *bytes = 0;
    int *p = c->pipe[cpu];
    for (;;) {
        size_t want = c->pipe_bytes;
        if (max) {
            if (*bytes >= max)
                return 0;
            uint64_t left = max - *bytes;
            left += c->page - 1 - (left + c->page - 1) % c->page;   /* whole pages */
            if (left < want)
                want = (size_t)left;
        }
        ssize_t n = splice(c->fd[cpu], NULL, p[1], NULL, want,
                           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            return xb_err_set(err, -errno, "tracefs: splicing cpu%u: %s", cpu,
                              strerror(errno));
        if (n <= 0)
            return 0;                  /* no whole page left */
        while (n > 0) {
            ssize_t w = splice(p[0], NULL, out, NULL, (size_t)n, SPLICE_F_MOVE);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                int e = w < 0 ? errno : ENOSPC;
                /* what stays in the pipe is dropped with it at close */
                return xb_err_set(err, -e, "%s: %s", out_name, strerror(e));
            }
            n -= w;
            *bytes += (uint64_t)w;
        }
    }
}

int xb_tcapture_wait(struct xb_tcapture *c, int timeout_ms)
{
    int n = poll(c->pfd, c->ncpu, timeout_ms);
    return n < 0 && errno != EINTR ? -errno : n > 0 ? n : 0;
}

uint64_t xb_tcapture_lost(const struct xb_tcapture *c, unsigned cpu)
{
    char file[64];
    snprintf(file, sizeof file, "per_cpu/cpu%u/stats", cpu);
    char *s = tracefs_instance_file_read(c->inst, file, NULL);
    uint64_t lost = 0;
    for (char *line = s ? strtok(s, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        unsigned long long v;
        if (sscanf(line, "overrun: %llu", &v) == 1 ||
            sscanf(line, "dropped events: %llu", &v) == 1)
            lost += v;
    }
    free(s);
    return lost;
}

void xb_tcapture_close(struct xb_tcapture *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->ninit; i++) {
        if (c->cpu[i])
            tracefs_cpu_free_fd(c->cpu[i]);
        if (c->fd[i] >= 0)
            close(c->fd[i]);
        if (c->pipe[i][0] >= 0) {
            close(c->pipe[i][0]);
            close(c->pipe[i][1]);
        }
    }
    if (c->inst) {
        tracefs_instance_file_write(c->inst, "tracing_on", "0");
        tracefs_instance_destroy(c->inst);
        tracefs_instance_free(c->inst);
    }
    free(c->cpu);
    free(c->fd);
    free(c->pipe);
    free(c->pfd);
    free(c->buf);
    free(c);
}
