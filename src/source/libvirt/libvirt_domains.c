/* libvirt_domains.c: the running libvirt domains of this host, through
 * libvirt's C API, as entries of the Linux domain map (source/domain_map.h).
 *
 * Per domain: name and UUID from libvirt; the vCPU threads from QMP
 * `query-cpus-fast` (thread-id per cpu-index), the authoritative map; the
 * QEMU pid is the thread group (Tgid) of those threads; every other thread
 * of that process is an emulator thread (XB_VCPU_EMU + k, in tid order).
 *
 * Why the pid comes from the vCPU threads and not from a pid file: libvirt
 * has no pid API, the public XML (virDomainGetXMLDesc) does not carry it,
 * and /run/libvirt/qemu/NAME.pid exists only for the system driver's default
 * state folder (a session URI or another configuration keeps it elsewhere).
 * The vCPU thread ids come from QEMU itself over the same monitor, so the pid
 * and the vCPU map cannot disagree, and /proc/TID/status says whether those
 * threads live on this host at all (a remote URI: they do not).
 *
 * Owns: the libvirt connection for the duration of one discovery, and the
 * error handler that keeps libvirt from printing its own errors.  Domain
 * ids continue after the highest one already in the map.
 * It must not sample counters (libvirt_stats.c).
 */
#define _GNU_SOURCE
#include "libvirt_domains.h"

#include "source/libvirt/libvirt_conn.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vcpu_thread {
    int cpu;                     /* cpu-index */
    pid_t tid;                   /* thread-id */
};

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

static int cmp_vcpu(const void *a, const void *b)
{
    const struct vcpu_thread *x = a, *y = b;
    return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

/* The thread group of a thread, from /proc/TID/status; 0 when not found. */
static pid_t thread_group(pid_t tid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    pid_t tgid = 0;
    while (fgets(line, sizeof line, f)) {
        int v;
        if (sscanf(line, "Tgid: %d", &v) == 1) {
            tgid = (pid_t)v;
            break;
        }
    }
    fclose(f);
    return tgid;
}

/* Parse a query-cpus-fast reply into *out (sorted by cpu-index). */
static int parse_cpus(const char *reply, const char *name,
                      struct vcpu_thread **out, size_t *n, struct xb_err *err)
{
    json_error_t je;
    json_t *root = json_loads(reply, 0, &je);
    json_t *ret = root ? json_object_get(root, "return") : NULL;
    if (!json_is_array(ret) || json_array_size(ret) == 0) {
        json_decref(root);
        return xb_err_set(err, -XB_EINPUT, "libvirt domain '%s': query-cpus-fast "
                          "answered no vCPU list: %.200s", name, reply);
    }
    size_t k = json_array_size(ret);
    struct vcpu_thread *v = calloc(k, sizeof *v);
    if (!v) {
        json_decref(root);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < k; i++) {
        json_t *e = json_array_get(ret, i);
        json_t *idx = json_object_get(e, "cpu-index");
        json_t *tid = json_object_get(e, "thread-id");
        if (!json_is_integer(idx) || !json_is_integer(tid) ||
            json_integer_value(idx) < 0 || json_integer_value(idx) >= XB_VCPU_EMU ||
            json_integer_value(tid) <= 0 || json_integer_value(tid) > 0x7fffffff) {
            free(v);
            json_decref(root);
            return xb_err_set(err, -XB_EINPUT, "libvirt domain '%s': query-cpus-fast "
                              "entry %zu has no valid cpu-index and thread-id", name, i);
        }
        v[i].cpu = (int)json_integer_value(idx);
        v[i].tid = (pid_t)json_integer_value(tid);
    }
    json_decref(root);
    qsort(v, k, sizeof *v, cmp_vcpu);
    *out = v;
    *n = k;
    return 0;
}

/* Every thread id of pid, sorted; *n = 0 when the process is gone. */
static int list_tasks(pid_t pid, pid_t **out, size_t *n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    *out = NULL;
    *n = 0;
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        char *end;
        long t = strtol(de->d_name, &end, 10);
        if (*end || t <= 0)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            pid_t *p = realloc(*out, cap * sizeof *p);
            if (!p) {
                closedir(dir);
                return -ENOMEM;
            }
            *out = p;
        }
        (*out)[(*n)++] = (pid_t)t;
    }
    closedir(dir);
    if (*n)
        qsort(*out, *n, sizeof **out, cmp_pid);
    return 0;
}

/* Fill d from one running libvirt domain.  Returns 0, 1 when the domain
 * stopped meanwhile (nothing to add), or a negative code with err set. */
static int describe(virDomainPtr dom, struct xb_ldomain *d, struct xb_err *err)
{
    const char *name = virDomainGetName(dom);
    snprintf(d->name, sizeof d->name, "%s", name ? name : "?");
    if (virDomainGetUUIDString(dom, d->uuid) < 0)
        return xb_err_set(err, -XB_EINPUT, "libvirt domain '%s': no UUID: %s",
                          d->name, xb_libvirt_last_error());

    char *reply = NULL;
    if (virDomainQemuMonitorCommand(dom, "{\"execute\":\"query-cpus-fast\"}",
                                    &reply, 0) < 0) {
        char why[300];                 /* before the next call resets it */
        snprintf(why, sizeof why, "%s", xb_libvirt_last_error());
        if (virDomainIsActive(dom) == 0)
            return 1;                  /* shut down since it was listed */
        return xb_err_set(err, -ENOTSUP, "libvirt domain '%s': its vCPU threads "
                          "cannot be asked through QMP query-cpus-fast (%s): "
                          "--domains libvirt needs QEMU guests of a local "
                          "qemu:// connection (else --domains qemu or cgroup)",
                          d->name, why);
    }
    struct vcpu_thread *v = NULL;
    size_t nv = 0;
    int rc = parse_cpus(reply, d->name, &v, &nv, err);
    free(reply);
    if (rc)
        return rc;

    pid_t pid = thread_group(v[0].tid);
    if (pid <= 0) {
        if (virDomainIsActive(dom) == 0) {
            free(v);
            return 1;
        }
        rc = xb_err_set(err, -XB_EINPUT, "libvirt domain '%s': vCPU thread %d is "
                        "not a thread of this host (a remote libvirt URI?)",
                        d->name, (int)v[0].tid);
        free(v);
        return rc;
    }
    for (size_t i = 1; i < nv; i++) {
        if (thread_group(v[i].tid) != pid) {
            rc = xb_err_set(err, -XB_EINPUT, "libvirt domain '%s': vCPU threads %d "
                            "and %d belong to different processes", d->name,
                            (int)v[0].tid, (int)v[i].tid);
            free(v);
            return rc;
        }
    }
    d->pids = malloc(sizeof *d->pids);
    if (!d->pids) {
        free(v);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    d->pids[0] = pid;
    d->npid = 1;

    /* vCPU threads first, by cpu-index.  Single-threaded TCG runs every vCPU
     * on one thread: that thread is shown as the lowest vCPU it runs. */
    for (size_t i = 0; i < nv && !rc; i++) {
        rc = xb_domain_add_thread(d, v[i].tid, (uint32_t)v[i].cpu);
        if ((unsigned)v[i].cpu + 1 > d->nvcpu)
            d->nvcpu = (unsigned)v[i].cpu + 1;
    }
    pid_t *tasks = NULL;
    size_t nt = 0;
    if (!rc)
        rc = list_tasks(pid, &tasks, &nt);
    uint32_t emu = 0;
    for (size_t i = 0; i < nt && !rc; i++) {
        bool vcpu = false;
        for (size_t k = 0; k < nv && !vcpu; k++)
            vcpu = v[k].tid == tasks[i];
        if (!vcpu)
            rc = xb_domain_add_thread(d, tasks[i], XB_VCPU_EMU + emu++);
    }
    free(tasks);
    free(v);
    if (rc)
        return xb_err_set(err, rc, "out of memory");
    return 0;
}

static int cmp_dom(const void *a, const void *b)
{
    unsigned x = virDomainGetID(*(virDomainPtr const *)a);
    unsigned y = virDomainGetID(*(virDomainPtr const *)b);
    return (x > y) - (x < y);
}

int xb_libvirt_discover(struct xb_domain_map *out, struct xb_err *err)
{
    char uri[256];
    virConnectPtr conn = xb_libvirt_connect(uri, sizeof uri, err);
    if (!conn)
        return err->code;

    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    if (n < 0) {
        int rc = xb_err_set(err, -ECONNREFUSED, "libvirt (%s): listing domains "
                            "failed: %s", uri, xb_libvirt_last_error());
        virConnectClose(conn);
        return rc;
    }
    /* Start order (libvirt's run-time id), so domain ids are reproducible. */
    qsort(doms, (size_t)n, sizeof *doms, cmp_dom);

    int rc = 0, added = 0;
    for (int i = 0; i < n && rc >= 0; i++) {
        struct xb_ldomain *d = xb_domain_map_append(out, "libvirt");
        if (!d) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            break;
        }
        rc = describe(doms[i], d, err);
        if (rc == 0) {
            added++;
        } else {
            xb_domain_map_drop_last(out);
            rc = rc > 0 ? 0 : rc;
        }
    }
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    virConnectClose(conn);
    return rc < 0 ? rc : added;
}
