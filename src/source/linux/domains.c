/* domains.c: find the domains of a Linux host (QEMU processes, cgroups,
 * processes; libvirt domains come from source/libvirt) and their threads.
 * The rules are in domains.h; docs/linux-recording.md explains the choice.
 * It must not record anything. */
#define _GNU_SOURCE
#include "domains.h"

#include "source/libvirt/libvirt_domains.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int add_pid(struct xb_ldomain *d, pid_t pid)
{
    pid_t *p = realloc(d->pids, (d->npid + 1) * sizeof *p);
    if (!p)
        return -ENOMEM;
    d->pids = p;
    d->pids[d->npid++] = pid;
    return 0;
}

/* Read a small /proc file into buf (NUL-terminated, trailing newline cut). */
static int read_small(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -errno;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = 0;
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = 0;
    return 0;
}

static bool is_pid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Kernel threads have no user memory: PF_KTHREAD in /proc/PID/stat flags. */
static bool is_kthread(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (read_small(path, buf, sizeof buf))
        return true;
    char *p = strrchr(buf, ')');
    unsigned long flags = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
        return true;
    return (flags & 0x00200000UL) != 0;
}

/* Every thread of pid into d: vCPU index from the comm for QEMU domains,
 * else in order found. */
int xb_domain_scan_threads(struct xb_ldomain *d, pid_t pid, bool qemu)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *dir = opendir(path);
    if (!dir)
        return 0;                      /* gone: nothing to add */
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(dir)) && !rc) {
        if (!is_pid_name(de->d_name))
            continue;
        pid_t tid = (pid_t)atoi(de->d_name);
        bool known = false;
        for (size_t i = 0; i < d->nthread && !known; i++)
            known = d->threads[i].tid == tid;
        if (known)
            continue;
        uint32_t vcpu;
        if (qemu) {
            char cpath[96], comm[64] = "";
            uint32_t emu = 0;
            snprintf(cpath, sizeof cpath, "/proc/%d/task/%d/comm", pid, tid);
            read_small(cpath, comm, sizeof comm);
            for (size_t i = 0; i < d->nthread; i++)
                emu += d->threads[i].vcpu >= XB_VCPU_EMU;
            vcpu = xb_qemu_thread_vcpu(comm, emu);
            if (vcpu < XB_VCPU_EMU && vcpu + 1 > d->nvcpu)
                d->nvcpu = vcpu + 1;
        } else {
            vcpu = (uint32_t)d->nthread;
        }
        rc = xb_domain_add_thread(d, tid, vcpu);
    }
    closedir(dir);
    return rc;
}

static bool qemu_process(pid_t pid, char *name, size_t len)
{
    char path[64], buf[8192];
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *exe = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
    if (strncmp(exe, "qemu-system", 11) != 0 && strncmp(exe, "qemu-kvm", 8) != 0)
        return false;
    snprintf(name, len, "qemu-%d", pid);
    /* -name NAME or -name guest=NAME,... */
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
        if (strcmp(buf + i, "-name") != 0)
            continue;
        size_t j = i + strlen(buf + i) + 1;
        if (j >= n)
            break;
        const char *v = buf + j;
        if (strncmp(v, "guest=", 6) == 0)
            v += 6;
        size_t k = strcspn(v, ",");
        if (k >= len)
            k = len - 1;
        memcpy(name, v, k);
        name[k] = 0;
        break;
    }
    return true;
}

static int discover_processes(struct xb_domain_map *m, const regex_t *re,
                              bool qemu_only, struct xb_err *err)
{
    DIR *dir = opendir("/proc");
    if (!dir)
        return xb_err_set(err, -errno, "/proc: %s", strerror(errno));
    struct dirent *de;
    int rc = 0;
    pid_t self = getpid();
    (void)self;
    while ((de = readdir(dir)) && !rc) {
        if (!is_pid_name(de->d_name))
            continue;
        pid_t pid = (pid_t)atoi(de->d_name);
        char name[256], path[64];
        if (qemu_only) {
            if (!qemu_process(pid, name, sizeof name) ||
                (re && regexec(re, name, 0, NULL, 0) != 0))
                continue;
        } else {
            if (is_kthread(pid))
                continue;
            snprintf(path, sizeof path, "/proc/%d/comm", pid);
            if (read_small(path, name, sizeof name))
                continue;
            if (re && regexec(re, name, 0, NULL, 0) != 0)
                continue;
        }
        struct xb_ldomain *d = xb_domain_map_append(m, qemu_only ? "qemu" : "process");
        if (!d)
            rc = -ENOMEM;
        else {
            snprintf(d->name, sizeof d->name, "%s", name);
            rc = add_pid(d, pid);
            if (!rc)
                rc = xb_domain_scan_threads(d, pid, qemu_only);
        }
    }
    closedir(dir);
    if (rc == -ENOMEM)
        xb_err_set(err, rc, "out of memory");
    return rc;
}

/* The cgroup hierarchy whose paths name domains: pure v2, else v1 cpuacct
 * (where CPU accounting groups live), else cpu, else the v2 part of a
 * hybrid setup. */
const char *xb_cgroup_root(void)
{
    static const char *const roots[] = {
        "/sys/fs/cgroup/cgroup.controllers",
        "/sys/fs/cgroup/cpuacct/cgroup.procs",
        "/sys/fs/cgroup/cpu/cgroup.procs",
        "/sys/fs/cgroup/cpu,cpuacct/cgroup.procs",
        "/sys/fs/cgroup/unified/cgroup.procs",
    };
    static char root[128];
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        if (access(roots[i], R_OK) == 0) {
            snprintf(root, sizeof root, "%s", roots[i]);
            *strrchr(root, '/') = 0;
            return root;
        }
    }
    return NULL;
}

static int walk_cgroups(struct xb_domain_map *m, const char *root, const char *rel,
                        const regex_t *re, int depth)
{
    char path[1024], procs[1100];
    snprintf(path, sizeof path, "%s%s", root, rel);
    snprintf(procs, sizeof procs, "%s/cgroup.procs", path);
    FILE *f = fopen(procs, "re");
    if (f) {
        struct xb_ldomain *d = NULL;
        const char *name = *rel ? rel : "/";
        bool want = !re || regexec(re, name, 0, NULL, 0) == 0;
        int pid;
        while (want && fscanf(f, "%d", &pid) == 1) {
            if (is_kthread(pid))
                continue;
            if (!d) {
                if (!(d = xb_domain_map_append(m, "cgroup"))) {
                    fclose(f);
                    return -ENOMEM;
                }
                snprintf(d->name, sizeof d->name, "%s", name);
                snprintf(d->cgroup, sizeof d->cgroup, "%s", name);
            }
            if (add_pid(d, pid) || xb_domain_scan_threads(d, pid, false)) {
                fclose(f);
                return -ENOMEM;
            }
        }
        fclose(f);
    }
    if (depth > 16)
        return 0;
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(dir)) && !rc) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", rel, de->d_name);
        rc = walk_cgroups(m, root, sub, re, depth + 1);
    }
    closedir(dir);
    return rc;
}

/* Keep the domains whose name matches re, numbered again from 1. */
static void keep_matching(struct xb_domain_map *m, const regex_t *re)
{
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (regexec(re, m->d[i].name, 0, NULL, 0) != 0) {
            free(m->d[i].pids);
            free(m->d[i].threads);
            continue;
        }
        m->d[k] = m->d[i];
        m->d[k].domid = (uint32_t)k + 1;
        k++;
    }
    m->n = k;
}

static bool libvirt_wanted(const char *mode)
{
    return strcmp(mode, "libvirt") == 0 || strcmp(mode, "auto") == 0;
}

int xb_domains_discover(const char *mode, const char *match,
                        struct xb_domain_map *out, struct xb_err *err)
{
    static const char *const modes[] = { "libvirt", "qemu", "cgroup", "process", "auto" };
    bool ok = false;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        ok |= strcmp(mode, modes[i]) == 0;
    if (!ok)
        return xb_err_set(err, -XB_EUSAGE, "--domains: '%s' is not one of "
                          "libvirt, qemu, cgroup, process, auto", mode);
    regex_t re;
    bool have_re = false;
    if (match) {
        int rc = regcomp(&re, match, REG_EXTENDED | REG_NOSUB);
        if (rc) {
            char msg[128];
            regerror(rc, &re, msg, sizeof msg);
            return xb_err_set(err, -XB_EUSAGE, "--match: '%s': %s", match, msg);
        }
        have_re = true;
    }
    memset(out, 0, sizeof *out);
    int rc = 0;
    const char *used = mode;
    if (libvirt_wanted(mode)) {
        struct xb_err lerr = { 0 };
        rc = xb_libvirt_discover(out, &lerr);
        if (rc > 0 && have_re) {
            keep_matching(out, &re);
            rc = (int)out->n;
        }
        if (strcmp(mode, "libvirt") == 0) {
            if (rc < 0)
                xb_err_set(err, rc, "%s", lerr.msg);
            rc = rc < 0 ? rc : 0;
            goto out;
        }
        if (rc > 0) {
            used = "libvirt";
            rc = 0;
            goto out;
        }
        xb_domains_free(out);
        rc = 0;
    }
    if (strcmp(mode, "qemu") == 0 || strcmp(mode, "auto") == 0) {
        rc = discover_processes(out, have_re ? &re : NULL, true, err);
        used = "qemu";
        if (rc || out->n || strcmp(mode, "qemu") == 0)
            goto out;
    }
    if (strcmp(mode, "cgroup") == 0) {
        const char *root = xb_cgroup_root();
        if (!root)
            rc = xb_err_set(err, -ENOENT, "--domains cgroup: no cgroup hierarchy "
                            "mounted under /sys/fs/cgroup");
        else if ((rc = walk_cgroups(out, root, "", have_re ? &re : NULL, 0)))
            xb_err_set(err, rc, "out of memory");
        used = "cgroup";
        goto out;
    }
    rc = discover_processes(out, have_re ? &re : NULL, false, err);
    used = "process";
out:
    snprintf(out->mode, sizeof out->mode, "%s", used);
    if (have_re)
        regfree(&re);
    if (rc)
        xb_domains_free(out);
    return rc;
}

int xb_domains_require(const struct xb_domain_map *m, const char *mode,
                       const char *match, bool require, char *warn, size_t wlen,
                       struct xb_err *err)
{
    warn[0] = '\0';
    if (m->n)
        return 0;
    char what[400];
    const char *used = m->mode;
    if (strcmp(mode, "auto") == 0 && match)
        snprintf(what, sizeof what, "--domains auto --match '%s': no libvirt "
                 "guest, QEMU guest or process name (comm) matches", match);
    else if ((strcmp(used, "libvirt") == 0 || strcmp(used, "qemu") == 0) && match)
        snprintf(what, sizeof what, "--domains %s --match '%s': no %s guest's "
                 "name matches", mode, match, used);
    else if (strcmp(used, "libvirt") == 0)
        snprintf(what, sizeof what, "--domains libvirt: libvirtd runs no domain");
    else if (strcmp(used, "qemu") == 0)
        snprintf(what, sizeof what, "--domains qemu: no QEMU process "
                 "(qemu-system-*, qemu-kvm) runs on this host");
    else if (strcmp(used, "cgroup") == 0)
        snprintf(what, sizeof what, "--domains cgroup%s%s%s: no cgroup %sholds "
                 "a process", match ? " --match '" : "", match ? match : "",
                 match ? "'" : "", match ? "path that matches " : "");
    else
        snprintf(what, sizeof what, "--domains %s%s%s%s: no process's command "
                 "name (comm) matches", mode, match ? " --match '" : "",
                 match ? match : "", match ? "'" : "");
    if (require)
        return xb_err_set(err, -ENOENT, "%s: nothing to record but the host "
                          "(%s)", what, match ? "check --match: it is a POSIX "
                          "extended regex on the domain's name, as domains.json "
                          "would list it" : "drop --require to record the host "
                          "alone");
    snprintf(warn, wlen, "%s: only the host is recorded (--require makes this "
             "an error)", what);
    return 0;
}

int xb_domains_rescan(struct xb_domain_map *m)
{
    int added = 0;
    const char *root = NULL;
    for (size_t i = 0; i < m->n; i++) {
        struct xb_ldomain *d = &m->d[i];
        if (d->cgroup[0]) {
            if (!root && !(root = xb_cgroup_root()))
                continue;
            char path[1200];
            snprintf(path, sizeof path, "%s%s/cgroup.procs", root,
                     strcmp(d->cgroup, "/") ? d->cgroup : "");
            FILE *f = fopen(path, "re");
            int pid;
            while (f && fscanf(f, "%d", &pid) == 1) {
                bool known = false;
                for (size_t k = 0; k < d->npid && !known; k++)
                    known = d->pids[k] == pid;
                if (!known && !is_kthread(pid) && add_pid(d, pid))
                    break;
            }
            if (f)
                fclose(f);
        }
        bool qemu = xb_kind_is_vm(d->kind);
        if (d->npid_tasks < d->npid) {
            unsigned *t = realloc(d->pid_tasks, d->npid * sizeof *t);
            if (!t)
                return -ENOMEM;
            memset(t + d->npid_tasks, 0, (d->npid - d->npid_tasks) * sizeof *t);
            d->pid_tasks = t;
            d->npid_tasks = d->npid;
        }
        for (size_t k = 0; k < d->npid; k++) {
            /* /proc/PID/task has 2 + (its threads) links: one stat tells
             * whether the thread count moved since the last scan, instead
             * of reading the folder of every process every interval.  (A
             * thread that replaced one that ended between two looks is
             * found at the next change; the decoder places it from its
             * sched_process_fork meanwhile.) */
            char path[64];
            struct stat st;
            snprintf(path, sizeof path, "/proc/%d/task", d->pids[k]);
            if (stat(path, &st) < 0 || st.st_nlink == d->pid_tasks[k])
                continue;
            d->pid_tasks[k] = (unsigned)st.st_nlink;
            size_t before = d->nthread;
            if (xb_domain_scan_threads(d, d->pids[k], qemu))
                return -ENOMEM;
            added += (int)(d->nthread - before);
        }
    }
    return added;
}

int xb_thread_state(pid_t tid, char *state, int *cpu)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", tid);
    if (read_small(path, buf, sizeof buf))
        return -1;
    char *p = strrchr(buf, ')');
    if (!p || !p[1] || !p[2])
        return -1;
    *state = p[2];
    /* Field 39 (processor); fields after ')' start at 3. */
    int field = 3;
    char *s = p + 2;
    *cpu = -1;
    while (*s && field < 39) {
        if (*s++ == ' ')
            field++;
    }
    if (field == 39)
        *cpu = atoi(s);
    return 0;
}
