/* loads.c: start each scenario domain's load inside its own cgroups, and
 * stop and remove them all; see loads.h.  It must not record (source/). */
#define _GNU_SOURCE
#include "loads.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "workload/background.h"
#include "workload/cgroups.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct argv_buf {
    char *v[40];
    char s[16][64];
    int n, ns;
};

static void arg(struct argv_buf *a, const char *s)
{
    if (a->n < 39)
        a->v[a->n++] = (char *)s;
    a->v[a->n] = NULL;
}

static void argf(struct argv_buf *a, const char *fmt, uint64_t v)
{
    if (a->ns >= 16)
        return;
    snprintf(a->s[a->ns], sizeof a->s[0], fmt, v);
    arg(a, a->s[a->ns++]);
}

static void build_argv(const struct xb_loads *L, size_t idx, uint64_t extra_ns,
                       struct argv_buf *a)
{
    const struct xb_scn_domain *d = &L->s->d[idx];
    uint64_t secs = (d->duration_ns + extra_ns + 999999999u) / 1000000000u;
    memset(a, 0, sizeof *a);
    if (!d->st->ng_opt) {           /* idle */
        arg(a, "sleep");
        argf(a, "%" PRIu64, secs);
        return;
    }
    arg(a, "stress-ng");
    arg(a, d->st->ng_opt);
    argf(a, "%" PRIu64, d->workers);
    if (d->cpu_load_pct >= 0) {
        arg(a, "--cpu-load");
        argf(a, "%" PRIu64, (uint64_t)d->cpu_load_pct);
    }
    if (d->bytes && d->st->bytes_opt) {
        arg(a, d->st->bytes_opt);
        argf(a, "%" PRIu64, d->bytes);
    }
    if (d->rate_bps && strcmp(d->st->name, "hdd") == 0) {
        /* Direct writes: the blkio throttle sees them in the writer's own
         * cgroup (buffered writes are written back by the kernel's threads). */
        arg(a, "--hdd-opts");
        arg(a, "direct,wr-seq");
        arg(a, "--hdd-write-size");
        arg(a, "1M");
    }
    if (d->st->keys & XB_KEY_RATE) {
        arg(a, "--temp-path");
        arg(a, L->tmp);
    }
    if (strcmp(d->st->name, "sock") == 0 || strcmp(d->st->name, "udp") == 0) {
        /* A port range of its own per domain (stress-ng adds the instance). */
        arg(a, strcmp(d->st->name, "sock") == 0 ? "--sock-port" : "--udp-port");
        argf(a, "%" PRIu64, 23000 + 300 * (uint64_t)idx);
    }
    arg(a, "--timeout");
    argf(a, "%" PRIu64, secs);
    arg(a, "--metrics-brief");
}

static int make_groups(struct xb_loads *L, size_t idx, const char *disk,
                       struct xb_err *err)
{
    const struct xb_scn_domain *d = &L->s->d[idx];
    enum xb_cg_step step;
    char where[PATH_MAX];
    int rc = xb_cg_create(L->run, d->name, d->cpus, disk, d->rate_bps, &L->cg[idx],
                          &step, where, sizeof where);
    if (rc == 0)
        return 0;
    if (step == XB_CG_CPUS) {
        char online[256] = "?";
        xb_cg_read("/sys/devices/system/cpu/online", online, sizeof online);
        return xb_err_set(err, -XB_EINPUT, "%s:%d: domain '%s': cpus = %s: %s "
                          "(online CPUs here: %s)", L->s->path, d->line, d->name,
                          d->cpus, rc == -ERANGE || rc == -EINVAL
                          ? "not CPUs of this host" : strerror(-rc), online);
    }
    if (step == XB_CG_RATE)
        return xb_err_set(err, rc, "%s:%d: domain '%s': rate: %s: %s",
                          L->s->path, d->line, d->name, where, strerror(-rc));
    return xb_err_set(err, rc == -EACCES || rc == -EPERM || rc == -EROFS
                           ? -XB_EUSAGE : rc,
                      "%s: cannot create the cgroup of domain '%s': %s (bench "
                      "needs root)", where, d->name, strerror(-rc));
}

/* Fork; the child joins the domain's cgroups, then execs, so that every
 * process of the load is in them from its first instruction. */
static int spawn(struct xb_loads *L, size_t idx, uint64_t extra_ns,
                 struct xb_err *err)
{
    struct xb_load *ld = &L->l[idx];
    const struct xb_scn_domain *d = ld->d;
    struct argv_buf a;
    build_argv(L, idx, extra_ns, &a);
    snprintf(ld->log, sizeof ld->log, "%s/load-%s.log", L->tmp, d->name);
    const struct xb_cg_dom *g = &L->cg[idx];
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC))
        return xb_err_set(err, -errno, "pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(pipefd[0]);
        close(pipefd[1]);
        return xb_err_set(err, -e, "fork: %s", strerror(e));
    }
    if (pid == 0) {
        int msg[2] = { 0, 0 };
        setpgid(0, 0);
        int failed = 0;
        if ((msg[1] = -xb_cg_join(g, &failed)))
            msg[0] = failed + 1;
        if (!msg[0]) {
            int in = open("/dev/null", O_RDONLY);
            int out = open(ld->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (in < 0 || out < 0) {
                msg[0] = 100;
                msg[1] = errno;
            } else {
                dup2(in, 0);
                dup2(out, 1);
                dup2(out, 2);
                signal(SIGINT, SIG_DFL);
                signal(SIGTERM, SIG_DFL);
                sigset_t none;
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                execvp(a.v[0], a.v);
                msg[0] = 101;
                msg[1] = errno;
            }
        }
        if (write(pipefd[1], msg, sizeof msg) < 0)
            _exit(127);
        _exit(127);
    }
    setpgid(pid, pid);
    close(pipefd[1]);
    int msg[2] = { 0, 0 };
    ssize_t got = read(pipefd[0], msg, sizeof msg);
    close(pipefd[0]);
    ld->pid = pid;
    if (got != (ssize_t)sizeof msg)
        return 0;
    waitpid(pid, NULL, 0);
    ld->pid = 0;
    if (msg[0] == 101)
        return xb_err_set(err, msg[1] == ENOENT ? -XB_EUSAGE : -msg[1],
                          "%s:%d: domain '%s': cannot run %s: %s%s", L->s->path,
                          d->line, d->name, a.v[0], strerror(msg[1]),
                          msg[1] == ENOENT ? " (install the Debian package "
                          "stress-ng: scripts/deps.sh)" : "");
    return xb_err_set(err, -msg[1], "domain '%s': %s: %s", d->name,
                      msg[0] == 100 ? ld->log : g->procs[msg[0] - 1],
                      strerror(msg[1]));
}

int xb_loads_start(struct xb_loads *L, const struct xb_scenario *s,
                   uint64_t extra_ns, struct xb_err *err)
{
    memset(L, 0, sizeof *L);
    L->s = s;
    snprintf(L->run, sizeof L->run, "bench-%d", (int)getpid());
    const char *t = getenv("TMPDIR");
    snprintf(L->tmp, sizeof L->tmp, "%s/xenbench-loads-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(L->tmp)) {
        int e = errno;
        L->tmp[0] = '\0';
        return xb_err_set(err, -e, "temporary folder: %s", strerror(e));
    }
    L->l = calloc(s->n, sizeof *L->l);
    L->cg = calloc(s->n, sizeof *L->cg);
    if (!L->l || !L->cg) {
        xb_loads_stop(L, NULL);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    L->n = s->n;
    xb_cg_remove_stale();
    char disk[32] = "";
    xb_cg_disk_of(L->tmp, disk, sizeof disk);
    for (size_t i = 0; i < s->n; i++) {
        if (s->d[i].rate_bps && !disk[0]) {
            xb_loads_stop(L, NULL);
            return xb_err_set(err, -XB_EINPUT, "%s:%d: domain '%s': rate needs "
                              "the temporary folder %s on a block device (set "
                              "TMPDIR)", s->path, s->d[i].line, s->d[i].name,
                              L->tmp);
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        L->l[i].d = &s->d[i];
        int rc = make_groups(L, i, disk, err);
        if (rc == 0)
            rc = spawn(L, i, extra_ns, err);
        if (rc) {
            xb_loads_stop(L, NULL);
            return rc;
        }
    }
    return 0;
}

void xb_loads_match(const struct xb_loads *L, char *buf, size_t len)
{
    snprintf(buf, len, "^/xenbench/%s/", L->run);
}

int xb_loads_check(struct xb_loads *L, struct xb_err *err)
{
    for (size_t i = 0; i < L->n; i++) {
        struct xb_load *ld = &L->l[i];
        if (!ld->pid || waitpid(ld->pid, &ld->status, WNOHANG) != ld->pid)
            continue;
        ld->pid = 0;
        char how[64], tail[400] = "";
        if (WIFEXITED(ld->status))
            snprintf(how, sizeof how, "exited with status %d",
                     WEXITSTATUS(ld->status));
        else
            snprintf(how, sizeof how, "was killed by signal %d",
                     WTERMSIG(ld->status));
        xb_log_tail(ld->log, tail, sizeof tail);
        return xb_err_set(err, -XB_EINPUT, "%s:%d: domain '%s': its load %s "
                          "early; its output ends: %s", L->s->path, ld->d->line,
                          ld->d->name, how, tail[0] ? tail : "(nothing)");
    }
    return 0;
}

static bool any_running(struct xb_loads *L)
{
    bool any = false;
    for (size_t i = 0; i < L->n; i++) {
        struct xb_load *ld = &L->l[i];
        if (ld->pid && waitpid(ld->pid, &ld->status, WNOHANG) == ld->pid)
            ld->pid = 0;
        any |= ld->pid != 0;
    }
    return any;
}

static void signal_all(struct xb_loads *L, int sig, double wait_s)
{
    for (size_t i = 0; i < L->n; i++)
        if (L->l[i].pid)
            kill(-L->l[i].pid, sig);
    double until = now_s() + wait_s;
    while (any_running(L) && now_s() < until)
        xb_sleep_s(0.02, NULL);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "re");
    if (!in)
        return;
    FILE *out = fopen(to, "we");
    if (out) {
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, n, out);
        fclose(out);
    }
    fclose(in);
}

void xb_loads_stop(struct xb_loads *L, const char *logdir)
{
    if (L->l) {
        signal_all(L, SIGINT, 5);
        if (any_running(L))
            signal_all(L, SIGTERM, 2);
        if (any_running(L))
            signal_all(L, SIGKILL, 5);
        for (size_t i = 0; logdir && i < L->n; i++) {
            if (!L->l[i].d || !L->l[i].log[0])
                continue;
            char to[PATH_MAX + 64];
            snprintf(to, sizeof to, "%s/load-%s.log", logdir, L->l[i].d->name);
            copy_file(L->l[i].log, to);
        }
    }
    if (L->run[0])
        xb_cg_remove_run(L->run);
    if (L->tmp[0])
        xb_rm_tree(L->tmp);
    free(L->l);
    free(L->cg);
    L->l = NULL;
    L->cg = NULL;
    L->n = 0;
    L->run[0] = L->tmp[0] = '\0';
}
