/* xentrace_child.c: running Debian's xentrace as a child (--use-xentrace).
 * It must not read the trace it writes. */
#define _GNU_SOURCE
#include "xentrace_child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The last non-empty line of the child's log, for messages. */
static void last_line(const char *log, char *out, size_t len)
{
    out[0] = '\0';
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            snprintf(out, len, "%s", line);
    }
    fclose(f);
}

int xb_xentrace_start(struct xb_xentrace *x, const char *trace, const char *log,
                      unsigned pages, uint32_t evt_mask, struct xb_err *err)
{
    char s[16], e[16];
    snprintf(s, sizeof s, "%u", pages);
    snprintf(e, sizeof e, "0x%08x", evt_mask);
    snprintf(x->cmd, sizeof x->cmd, "xentrace -D -S %s -e %s %s", s, e, trace);
    snprintf(x->log, sizeof x->log, "%s", log);
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return xb_err_set(err, -errno, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return xb_err_set(err, -errno, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int nul = open("/dev/null", O_RDWR);
        if (fd >= 0)
            dup2(fd, 2);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
        }
        /* xentrace lives in /usr/sbin (a wrapper) or the versioned dir. */
        const char *path = getenv("PATH");
        char p[4096];
        snprintf(p, sizeof p, "%s:/usr/sbin:/sbin:/usr/lib/xen-4.17/bin",
                 path ? path : "/usr/bin:/bin");
        setenv("PATH", p, 1);
        execlp("xentrace", "xentrace", "-D", "-S", s, "-e", e, trace, (char *)NULL);
        int code = errno;
        if (write(pfd[1], &code, sizeof code) < 0)
            _exit(127);
        _exit(127);
    }
    close(pfd[1]);
    int code = 0;
    ssize_t n;
    do
        n = read(pfd[0], &code, sizeof code);
    while (n < 0 && errno == EINTR);
    close(pfd[0]);
    if (n == (ssize_t)sizeof code) {
        waitpid(pid, NULL, 0);
        return xb_err_set(err, -ENOENT, "--use-xentrace: cannot run xentrace: "
                          "%s (install xen-utils-4.17)", strerror(code));
    }
    x->pid = pid;
    return 0;
}

bool xb_xentrace_alive(struct xb_xentrace *x, struct xb_err *err)
{
    if (x->pid <= 0)
        return false;
    int st;
    pid_t r = waitpid(x->pid, &st, WNOHANG);
    if (r == 0)
        return true;
    x->pid = 0;
    char msg[300];
    last_line(x->log, msg, sizeof msg);
    xb_err_set(err, -EIO, "xentrace stopped on its own (%s %d): %s",
               WIFEXITED(st) ? "exit status" : "signal",
               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
               msg[0] ? msg : "no message");
    return false;
}

int xb_xentrace_stop(struct xb_xentrace *x, int timeout_s, struct xb_err *err)
{
    if (x->pid <= 0)
        return 0;
    kill(x->pid, SIGINT);
    int st = 0;
    struct timespec nap = { 0, 100 * 1000 * 1000 };
    for (int i = 0; i < timeout_s * 10; i++) {
        pid_t r = waitpid(x->pid, &st, WNOHANG);
        if (r == x->pid) {
            x->pid = 0;
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                return 0;
            char msg[300];
            last_line(x->log, msg, sizeof msg);
            return xb_err_set(err, -EIO, "xentrace failed: %s",
                              msg[0] ? msg : "no message");
        }
        nanosleep(&nap, NULL);
    }
    kill(x->pid, SIGKILL);
    waitpid(x->pid, NULL, 0);
    x->pid = 0;
    return xb_err_set(err, -ETIMEDOUT, "xentrace did not stop within %d s "
                      "after SIGINT; killed", timeout_s);
}
