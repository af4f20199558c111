/* cgroups.c: create, join and remove the cgroups of a `bench` run; see
 * cgroups.h.  Touches only <hier>/xenbench/ and the files of its groups. */
#define _GNU_SOURCE
#include "cgroups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "workload/background.h"

#define CG "/sys/fs/cgroup"

/* Hierarchies a load is placed in, where mounted.  "" is a pure v2 host. */
static const char *const hiers[] = { "cpu", "cpuacct", "cpu,cpuacct", "cpuset",
                                     "blkio", "unified", "" };
#define NHIER (sizeof hiers / sizeof hiers[0])

static bool hier_used(const char *h)
{
    char p[256];
    snprintf(p, sizeof p, CG "/%s%scgroup.%s", h, *h ? "/" : "",
             *h ? "procs" : "controllers");
    return access(p, F_OK) == 0;
}

int xb_cg_write(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, text, strlen(text));
    int e = n < 0 ? errno : 0;
    close(fd);
    return -e;
}

int xb_cg_read(const char *path, char *buf, size_t len)
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
        if (xb_cg_read(mine, v, sizeof v) == 0 && v[0])
            continue;
        snprintf(parent, sizeof parent, "%s/../%s", path, files[i]);
        int rc = xb_cg_read(parent, v, sizeof v);
        if (rc == 0)
            rc = xb_cg_write(mine, v);
        if (rc)
            return rc;
    }
    return 0;
}

int xb_cg_create(const char *run, const char *dom, const char *cpus,
                 const char *disk, uint64_t rate_bps, struct xb_cg_dom *out,
                 enum xb_cg_step *step, char *where, size_t wlen)
{
    out->n = 0;
    for (size_t i = 0; i < NHIER && out->n < XB_CG_MAX; i++) {
        const char *h = hiers[i];
        if (!hier_used(h))
            continue;
        char p[PATH_MAX - 16];
        int rc = 0;
        *step = XB_CG_MKDIR;
        cg_path(p, sizeof p, h, NULL, NULL);
        if (!rc) rc = make_group(h, p);
        cg_path(p, sizeof p, h, run, NULL);
        if (!rc) rc = make_group(h, p);
        cg_path(p, sizeof p, h, run, dom);
        if (!rc) rc = make_group(h, p);
        snprintf(where, wlen, "%s", p);
        if (rc)
            return rc;
        snprintf(out->procs[out->n++], sizeof out->procs[0], "%s/cgroup.procs", p);
        char f[PATH_MAX + 64];
        if (strcmp(h, "cpuset") == 0 && cpus[0]) {
            *step = XB_CG_CPUS;
            snprintf(f, sizeof f, "%s/cpuset.cpus", p);
            snprintf(where, wlen, "%s", f);
            if ((rc = xb_cg_write(f, cpus)))
                return rc;
        }
        if (strcmp(h, "blkio") == 0 && disk[0]) {
            char rule[96];
            snprintf(rule, sizeof rule, "%s %" PRIu64, disk,
                     rate_bps ? rate_bps : (uint64_t)1 << 46);
            *step = XB_CG_RATE;
            snprintf(f, sizeof f, "%s/blkio.throttle.write_bps_device", p);
            snprintf(where, wlen, "%s", f);
            if ((rc = xb_cg_write(f, rule)) && rate_bps)
                return rc;
        }
    }
    return 0;
}

int xb_cg_join(const struct xb_cg_dom *g, int *failed)
{
    for (int i = 0; i < g->n; i++) {
        int rc = xb_cg_write(g->procs[i], "0");
        if (rc) {
            *failed = i;
            return rc;
        }
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

void xb_cg_remove_run(const char *run)
{
    for (size_t i = 0; i < NHIER; i++) {
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

void xb_cg_remove_stale(void)
{
    for (size_t i = 0; i < NHIER; i++) {
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
            xb_cg_remove_run(stale[k]);
    }
}

int xb_cg_disk_of(const char *path, char *buf, size_t len)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    unsigned ma = major(st.st_dev), mi = minor(st.st_dev);
    char sys[128], link[PATH_MAX], dev[64];
    snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u/partition", ma, mi);
    if (access(sys, F_OK) == 0) {
        snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u/../dev", ma, mi);
        if (xb_cg_read(sys, dev, sizeof dev) != 0 ||
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
