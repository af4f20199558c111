/* tracefs_capture.c: private tracefs instance, raw per-CPU pages, through
 * libtracefs.  See tracefs_capture.h. */
#define _GNU_SOURCE
#include "tracefs_capture.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>
#include <unistd.h>

#include "util/atomic_file.h"

const char *const xb_tcapture_events[] = {
    "sched/sched_switch", "sched/sched_wakeup", "sched/sched_wakeup_new",
    "sched/sched_process_fork", NULL,
};

struct xb_tcapture {
    struct tracefs_instance *inst;
    unsigned ncpu;
    struct tracefs_cpu **cpu;
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

int xb_tcapture_open(struct xb_tcapture **out, unsigned buffer_kb,
                     struct xb_err *err)
{
    *out = NULL;
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
    int rc;
    char kb[32];
    snprintf(kb, sizeof kb, "%u", buffer_kb ? buffer_kb : 4096);
    if ((rc = write_file(c, "tracing_on", "0", err)) ||
        (rc = write_file(c, "buffer_size_kb", kb, err)) ||
        (rc = write_file(c, "trace_clock", "mono", err)))
        goto fail;
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
    if (!c->cpu) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto fail;
    }
    for (unsigned i = 0; i < c->ncpu; i++) {
        c->cpu[i] = tracefs_cpu_open(c->inst, (int)i, true);
        if (!c->cpu[i]) {
            rc = xb_err_set(err, -(errno ? errno : EIO), "tracefs: cannot open "
                            "per_cpu/cpu%u/trace_pipe_raw: %s", i,
                            strerror(errno ? errno : EIO));
            goto fail;
        }
        int sz = tracefs_cpu_read_size(c->cpu[i]);
        if (sz > 0 && (size_t)sz > c->page)
            c->page = (size_t)sz;
    }
    if (!c->page)
        c->page = (size_t)getpagesize();
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

int xb_tcapture_read(struct xb_tcapture *c, bool flush, xb_page_fn fn, void *ctx,
                     struct xb_err *err)
{
    for (unsigned i = 0; i < c->ncpu; i++) {
        for (;;) {
            int n = tracefs_cpu_read(c->cpu[i], c->buf, true);
            if (n <= 0) {
                if (n < 0 && errno != EAGAIN && errno != EINTR && errno != 0)
                    return xb_err_set(err, -errno, "tracefs: reading cpu%u: %s",
                                      i, strerror(errno));
                break;
            }
            int rc = fn(i, c->buf, (size_t)n, ctx);
            if (rc)
                return rc;
        }
        if (flush) {
            int n;
            while ((n = tracefs_cpu_flush(c->cpu[i], c->buf)) > 0) {
                int rc = fn(i, c->buf, (size_t)n, ctx);
                if (rc)
                    return rc;
            }
        }
    }
    return 0;
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
    if (c->cpu)
        for (unsigned i = 0; i < c->ncpu; i++)
            if (c->cpu[i])
                tracefs_cpu_close(c->cpu[i]);
    if (c->inst) {
        tracefs_instance_file_write(c->inst, "tracing_on", "0");
        tracefs_instance_destroy(c->inst);
        tracefs_instance_free(c->inst);
    }
    free(c->cpu);
    free(c->buf);
    free(c);
}
