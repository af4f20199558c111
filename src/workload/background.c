/* background.c: run a command alongside a measurement, in its own process
 * group, and stop it gently then firmly.  See background.h.  It must not
 * measure. */
#define _GNU_SOURCE
#include "background.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void xb_sleep_s(double s, const volatile sig_atomic_t *stop)
{
    /* In steps of 20 ms, as every wait here: the idle side of a measurement
     * then waits exactly as the side that polls a command does. */
    double until = now_s() + s;
    for (double left = s; left > 0; left = until - now_s()) {
        if (stop && *stop)
            return;
        double step = left < 0.02 ? left : 0.02;
        struct timespec ts = { 0, (long)(step * 1e9) };
        nanosleep(&ts, NULL);
    }
}

int xb_bg_start(struct xb_bg *bg, char *const argv[], const char *log,
                struct xb_err *err)
{
    memset(bg, 0, sizeof *bg);
    snprintf(bg->log, sizeof bg->log, "%s", log);
    size_t off = 0;
    for (int i = 0; argv[i] && off < sizeof bg->what - 1; i++)
        off += (size_t)snprintf(bg->what + off, sizeof bg->what - off, "%s%s",
                                i ? " " : "", argv[i]);

    /* posix_spawn (vfork-style) rather than fork: a fork would mark the
     * caller's memory copy-on-write and split its huge pages, which slows a
     * LINPACK solve that runs right after by several percent. */
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawnattr_init(&at);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                  POSIX_SPAWN_SETSIGDEF);
    fflush(NULL);
    pid_t pid;
    int e = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (e)
        return xb_err_set(err, -XB_EINPUT, "cannot run %s: %s (log %s)",
                          argv[0], strerror(e), log);
    bg->pid = pid;
    bg->t_start = now_s();
    return 0;
}

int xb_bg_start_shell(struct xb_bg *bg, const char *command, const char *log,
                      struct xb_err *err)
{
    char *argv[] = { "/bin/sh", "-c", (char *)command, NULL };
    int rc = xb_bg_start(bg, argv, log, err);
    if (rc == 0)
        snprintf(bg->what, sizeof bg->what, "%s", command);
    return rc;
}

bool xb_bg_running(struct xb_bg *bg)
{
    if (!bg->pid || bg->reaped)
        return false;
    struct rusage ru;
    pid_t r = wait4(bg->pid, &bg->status, WNOHANG, &ru);
    if (r == bg->pid) {
        bg->reaped = true;
        bg->t_end = now_s();
        bg->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
        return false;
    }
    return true;
}

/* A /proc file's first len - 1 bytes, NUL-terminated; its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n >= 0)
        buf[n] = 0;
    return n;
}

/* The sum of fn(dir, entry, ctx) over the entries of dir named by a
 * number (/proc's processes, a process's threads). */
typedef unsigned long long (*id_fn)(const char *dir, const char *id, const void *ctx);
static unsigned long long sum_ids(const char *dir, id_fn fn, const void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    unsigned long long sum = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
            sum += fn(dir, de->d_name, ctx);
    closedir(d);
    return sum;
}

/* A thread's time on a CPU, user and system, in ns: the first field of
 * /proc/PID/task/TID/schedstat. */
static unsigned long long thread_run_ns(const char *dir, const char *tid,
                                        const void *ctx)
{
    (void)ctx;
    char path[1200], buf[128];
    unsigned long long v;
    snprintf(path, sizeof path, "%s/%s/schedstat", dir, tid);
    return read_small(path, buf, sizeof buf) > 0 && sscanf(buf, "%llu", &v) == 1
           ? v : 0;
}

/* Every thread's run time of process pid when it is in group *ctx. */
static unsigned long long group_member_ns(const char *dir, const char *pid,
                                          const void *ctx)
{
    char path[600], buf[1024];
    snprintf(path, sizeof path, "%s/%s/stat", dir, pid);
    if (read_small(path, buf, sizeof buf) <= 0)
        return 0;
    char *p = strrchr(buf, ')');         /* then: state ppid pgrp */
    int pgrp;
    if (!p || sscanf(p + 2, "%*c %*d %d", &pgrp) != 1 || pgrp != *(const pid_t *)ctx)
        return 0;
    snprintf(path, sizeof path, "%s/%s/task", dir, pid);
    return sum_ids(path, thread_run_ns, NULL);
}

double xb_bg_group_cpu_s(const struct xb_bg *bg)
{
    if (!bg->pid || bg->reaped)
        return 0;
    return (double)sum_ids("/proc", group_member_ns, &bg->pid) * 1e-9;
}

void xb_bg_log_tail(const struct xb_bg *bg, char *buf, size_t len)
{
    xb_log_tail(bg->log, buf, len);
}

void xb_log_tail(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > (long)len - 1 ? size - ((long)len - 1) : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
}

static bool log_has(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[1024];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strcasestr(line, text) != NULL;
    fclose(f);
    return found;
}

static void describe_exit(const struct xb_bg *bg, char *buf, size_t len)
{
    if (WIFEXITED(bg->status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(bg->status));
    else if (WIFSIGNALED(bg->status))
        snprintf(buf, len, "was killed by signal %d", WTERMSIG(bg->status));
    else
        snprintf(buf, len, "stopped");
}

int xb_bg_wait_ready(struct xb_bg *bg, const char *ready_text,
                     const char *ready_file, double timeout_s,
                     const volatile sig_atomic_t *stop, struct xb_err *err)
{
    double until = now_s() + timeout_s;
    for (;;) {
        if (stop && *stop)
            return -EINTR;
        if (!xb_bg_running(bg)) {
            char how[64], tail[300];
            describe_exit(bg, how, sizeof how);
            xb_bg_log_tail(bg, tail, sizeof tail);
            return xb_err_set(err, -XB_EINPUT, "'%s' %s before %s; its "
                              "output ends: %s", bg->what, how,
                              ready_text || ready_file ? "it was ready"
                                                      : "the measurement",
                              tail[0] ? tail : "(nothing)");
        }
        bool ready = false;
        if (ready_text && log_has(bg->log, ready_text))
            ready = true;
        struct stat st;
        if (ready_file && stat(ready_file, &st) == 0)
            ready = true;
        if (ready)
            return 0;
        if (now_s() >= until) {
            if (!ready_text && !ready_file)
                return 0;
            char tail[300];
            xb_bg_log_tail(bg, tail, sizeof tail);
            return xb_err_set(err, -XB_EINPUT, "'%s' did not say it was "
                              "ready within %.0f s; its output ends: %s",
                              bg->what, timeout_s, tail[0] ? tail : "(nothing)");
        }
        xb_sleep_s(0.02, stop);
    }
}

/* Signal the group and wait up to t seconds for the leader to exit. */
static bool signal_and_wait(struct xb_bg *bg, int sig, double t)
{
    kill(-bg->pid, sig);
    double until = now_s() + t;
    while (xb_bg_running(bg)) {
        if (now_s() >= until)
            return false;
        xb_sleep_s(0.01, NULL);
    }
    return true;
}

int xb_bg_stop(struct xb_bg *bg, double int_s, double term_s)
{
    if (!bg->pid)
        return 0;
    int how = 0;
    if (xb_bg_running(bg)) {
        if (signal_and_wait(bg, SIGINT, int_s))
            how = SIGINT;
        else if (signal_and_wait(bg, SIGTERM, term_s))
            how = SIGTERM;
        else {
            signal_and_wait(bg, SIGKILL, 5);
            how = SIGKILL;
        }
    }
    /* Members of the group that outlive the leader: ask, then insist. */
    for (int i = 0; i < 400 && kill(-bg->pid, 0) == 0; i++) {
        if (i == 200 || i == 300)   /* after 2 s, then 3 s */
            kill(-bg->pid, i == 200 ? SIGTERM : SIGKILL);
        xb_sleep_s(0.01, NULL);
    }
    bg->pid = 0;
    return how;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) ? -1 : 0;
}

int xb_rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -errno;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) ? -errno : 0;
}
