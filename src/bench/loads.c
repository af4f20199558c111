/* loads.c: start each scenario domain's load inside its own cgroups, and
 * stop and remove them all; see loads.h. */
#define _GNU_SOURCE
#include "loads.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/background.h"

#define CG "/sys/fs/cgroup"

/* Hierarchies a load is placed in, where mounted.  "" is a pure v2 host. */
static const char *const hiers[] = { "cpu", "cpuacct", "cpu,cpuacct", "cpuset",
                                     "blkio", "unified", "" };

static bool hier_used(const char *h)
{
    char p[256];
    snprintf(p, sizeof p, CG "/%s%scgroup.%s", h, *h ? "/" : "",
             *h ? "procs" : "controllers");
    return access(p, F_OK) == 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, text, strlen(text));
    int e = n < 0 ? errno : 0;
    close(fd);
    return -e;
}

static int read_text(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, len - 1);
    int e = n < 0 ? errno : 0;
    close(fd);
    if (n < 0)
        return -e;
    buf[n] = '\0';
    while (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    return 0;
}

static void cg_path(char *buf, size_t len, const char *h, const char *run,
                    const char *dom)
{
    snprintf(buf, len, CG "/%s%sxenbench%s%s%s%s", h, *h ? "/" : "",
             run ? "/" : "", run ? run : "", dom ? "/" : "", dom ? dom : "");
}

/* mkdir, and in a v1 cpuset give the new group its parent's cpus and mems
 * (a v1 cpuset starts empty and takes no task until they are set). */
static int make_group(const char *h, const char *path)
{
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return -errno;
    if (strcmp(h, "cpuset") != 0)
        return 0;
    static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
    for (int i = 0; i < 2; i++) {
        char mine[PATH_MAX + 16], parent[PATH_MAX + 32], v[4096];
        snprintf(mine, sizeof mine, "%s/%s", path, files[i]);
        if (read_text(mine, v, sizeof v) == 0 && v[0])
            continue;
        snprintf(parent, sizeof parent, "%s/../%s", path, files[i]);
        int rc = read_text(parent, v, sizeof v);
        if (rc == 0)
            rc = write_text(mine, v);
        if (rc)
            return rc;
    }
    return 0;
}

/* Kill whatever is left in one group, wait until it is empty, rmdir it. */
static void remove_group(const char *path)
{
    char procs[PATH_MAX + 16];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", path);
    for (int i = 0; i < 300; i++) {
        FILE *f = fopen(procs, "re");
        if (!f)
            break;
        int pid, any = 0;
        while (fscanf(f, "%d", &pid) == 1) {
            kill(pid, SIGKILL);
            any = 1;
        }
        fclose(f);
        if (!any)
            break;
        xb_sleep_s(0.01, NULL);
    }
    rmdir(path);
}

/* Remove xenbench/<run>/<every domain> and xenbench/<run> in every
 * hierarchy, and xenbench/ itself when no other run uses it. */
static void remove_run(const char *run)
{
    for (size_t i = 0; i < sizeof hiers / sizeof hiers[0]; i++) {
        if (!hier_used(hiers[i]))
            continue;
        char dir[PATH_MAX];
        cg_path(dir, sizeof dir, hiers[i], run, NULL);
        DIR *d = opendir(dir);
        if (d) {
            struct dirent *de;
            while ((de = readdir(d))) {
                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                    continue;
                char sub[PATH_MAX + 256];
                snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
                remove_group(sub);
            }
            closedir(d);
        }
        remove_group(dir);
        cg_path(dir, sizeof dir, hiers[i], NULL, NULL);
        rmdir(dir);
    }
}

/* Runs left behind by a xenbench that was killed (SIGKILL, power loss). */
static void remove_stale_runs(void)
{
    for (size_t i = 0; i < sizeof hiers / sizeof hiers[0]; i++) {
        if (!hier_used(hiers[i]))
            continue;
        char dir[PATH_MAX];
        cg_path(dir, sizeof dir, hiers[i], NULL, NULL);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *de;
        char stale[64][256];
        int n = 0;
        while ((de = readdir(d)) && n < 64) {
            int pid;
            char tail;
            if (sscanf(de->d_name, "bench-%d%c", &pid, &tail) == 1 && pid > 0 &&
                kill(pid, 0) < 0 && errno == ESRCH)
                snprintf(stale[n++], sizeof stale[0], "%s", de->d_name);
        }
        closedir(d);
        for (int k = 0; k < n; k++)
            remove_run(stale[k]);
    }
}

/* The block device (whole disk) holding path, "MAJ:MIN", for blkio rules. */
static int disk_of(const char *path, char *buf, size_t len)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    unsigned ma = major(st.st_dev), mi = minor(st.st_dev);
    char sys[128], link[PATH_MAX], dev[64];
    snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u/partition", ma, mi);
    if (access(sys, F_OK) == 0) {
        snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u/../dev", ma, mi);
        if (read_text(sys, dev, sizeof dev) == 0 &&
            sscanf(dev, "%u:%u", &ma, &mi) != 2)
            return -ENODEV;
    } else {
        snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u", ma, mi);
        if (readlink(sys, link, sizeof link) < 0)
            return -ENODEV;  /* not a block device: tmpfs, overlay... */
    }
    snprintf(buf, len, "%u:%u", ma, mi);
    return 0;
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

static int make_groups(struct xb_loads *L, const struct xb_scn_domain *d,
                       const char *disk, struct xb_err *err)
{
    const char *file = L->s->path;
    for (size_t i = 0; i < sizeof hiers / sizeof hiers[0]; i++) {
        const char *h = hiers[i];
        if (!hier_used(h))
            continue;
        char p[PATH_MAX];
        int rc = 0;
        cg_path(p, sizeof p, h, NULL, NULL);
        if (!rc) rc = make_group(h, p);
        cg_path(p, sizeof p, h, L->run, NULL);
        if (!rc) rc = make_group(h, p);
        cg_path(p, sizeof p, h, L->run, d->name);
        if (!rc) rc = make_group(h, p);
        if (rc)
            return xb_err_set(err, rc == -EACCES || rc == -EPERM || rc == -EROFS
                                   ? -XB_EUSAGE : rc,
                              "%s: cannot create the cgroup of domain '%s': "
                              "%s (bench needs root)", p, d->name, strerror(-rc));
        char f[PATH_MAX + 64];
        if (strcmp(h, "cpuset") == 0 && d->cpus[0]) {
            snprintf(f, sizeof f, "%s/cpuset.cpus", p);
            if ((rc = write_text(f, d->cpus))) {
                char online[256] = "?";
                read_text("/sys/devices/system/cpu/online", online, sizeof online);
                return xb_err_set(err, -XB_EINPUT, "%s:%d: domain '%s': cpus = "
                                  "%s: %s (online CPUs here: %s)", file, d->line,
                                  d->name, d->cpus, strerror(-rc), online);
            }
        }
        if (strcmp(h, "blkio") == 0 && disk[0]) {
            /* A rule on the device also makes blkio.throttle.io_service_bytes
             * count (it reads 0 without one): a huge one when no rate. */
            char rule[96];
            snprintf(rule, sizeof rule, "%s %" PRIu64, disk,
                     d->rate_bps ? d->rate_bps : (uint64_t)1 << 46);
            snprintf(f, sizeof f, "%s/blkio.throttle.write_bps_device", p);
            if ((rc = write_text(f, rule)) && d->rate_bps)
                return xb_err_set(err, rc, "%s:%d: domain '%s': rate: %s: %s",
                                  file, d->line, d->name, f, strerror(-rc));
        }
    }
    return 0;
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
    char procs[8][PATH_MAX];
    int np = 0;
    for (size_t i = 0; i < sizeof hiers / sizeof hiers[0] && np < 8; i++) {
        if (!hier_used(hiers[i]))
            continue;
        char p[PATH_MAX - 16];
        cg_path(p, sizeof p, hiers[i], L->run, d->name);
        snprintf(procs[np++], sizeof procs[0], "%s/cgroup.procs", p);
    }
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
        for (int i = 0; i < np && !msg[0]; i++)
            if ((msg[1] = -write_text(procs[i], "0")))
                msg[0] = i + 1;
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
                      msg[0] == 100 ? ld->log : procs[msg[0] - 1],
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
    if (!(L->l = calloc(s->n, sizeof *L->l))) {
        xb_loads_stop(L, NULL);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    L->n = s->n;
    remove_stale_runs();
    char disk[32] = "";
    disk_of(L->tmp, disk, sizeof disk);
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
        int rc = make_groups(L, &s->d[i], disk, err);
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
        remove_run(L->run);
    if (L->tmp[0])
        xb_rm_tree(L->tmp);
    free(L->l);
    L->l = NULL;
    L->n = 0;
    L->run[0] = L->tmp[0] = '\0';
}
