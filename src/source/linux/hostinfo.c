/* hostinfo.c: the host's topology and memory (see hostinfo.h), and their
 * manifest keys for every Linux recorder.  Reads /proc and /sys only; writes
 * no file, and must not read /proc/cpuinfo (source/runfolder.c does, once). */
#include "hostinfo.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long read_long(const char *path)
{
    FILE *f = fopen(path, "re");
    long v = -1;
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

/* Sockets are the distinct package ids, cores the distinct (package, core)
 * pairs; threads per core follow when the counts divide evenly. */
static void topology(struct xb_hostinfo *h)
{
    DIR *d = opendir("/sys/devices/system/cpu");
    if (!d)
        return;
    enum { MAX = 4096 };
    static long pkg[MAX], core[MAX];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX) {
        unsigned cpu;
        char tail;
        if (sscanf(e->d_name, "cpu%u%c", &cpu, &tail) != 1)
            continue;
        char path[384];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/%s/online", e->d_name);
        if (read_long(path) == 0)
            continue;           /* offline (cpu0 has no "online" file) */
        snprintf(path, sizeof path, "/sys/devices/system/cpu/%s/topology/"
                 "physical_package_id", e->d_name);
        long p = read_long(path);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/%s/topology/core_id",
                 e->d_name);
        long c = read_long(path);
        if (p < 0 || c < 0) {
            closedir(d);
            return;
        }
        pkg[n] = p;
        core[n] = c;
        n++;
    }
    closedir(d);
    size_t sockets = 0, cores = 0;
    for (size_t i = 0; i < n; i++) {
        bool new_pkg = true, new_core = true;
        for (size_t k = 0; k < i; k++) {
            if (pkg[k] == pkg[i]) {
                new_pkg = false;
                if (core[k] == core[i])
                    new_core = false;
            }
        }
        sockets += new_pkg;
        cores += new_core;
    }
    if (!n || !sockets || cores % sockets || n % cores)
        return;
    h->sockets = (unsigned)sockets;
    h->cores_per_socket = (unsigned)(cores / sockets);
    h->threads_per_core = (unsigned)(n / cores);
}

static void memory(struct xb_hostinfo *h)
{
    FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        unsigned long long kib;
        if (sscanf(line, "MemTotal: %llu kB", &kib) == 1) {
            h->mem_total_mib = kib / 1024.0;
            break;
        }
    }
    if (f)
        fclose(f);
}

void xb_hostinfo_read(struct xb_hostinfo *h)
{
    memset(h, 0, sizeof *h);
    topology(h);
    memory(h);
}

int xb_hostinfo_manifest(json_t *m)
{
    struct xb_hostinfo hi;
    xb_hostinfo_read(&hi);
    int bad = 0;
    /* json_object_set_new takes the value even when it fails: always call it. */
    if (hi.sockets) {
        bad |= json_object_set_new(m, "cpu_sockets", json_integer(hi.sockets));
        bad |= json_object_set_new(m, "cpu_cores_per_socket",
                                   json_integer(hi.cores_per_socket));
        bad |= json_object_set_new(m, "cpu_threads_per_core",
                                   json_integer(hi.threads_per_core));
    }
    if (hi.mem_total_mib > 0)
        bad |= json_object_set_new(m, "mem_total_mib", json_real(hi.mem_total_mib));
    return bad ? -ENOMEM : 0;
}
