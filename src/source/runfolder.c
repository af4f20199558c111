/* runfolder.c: the run folder every recorder writes (see runfolder.h).  It
 * owns the folder rule, the run id, the host facts and the manifest's
 * common keys; it must not know what a source records or how. */
#define _GNU_SOURCE
#include "runfolder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/json.h"
#include "util/version.h"

int xb_runfolder_check(const char *dir, struct xb_err *err)
{
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/manifest.json", dir);
    if (access(probe, F_OK) == 0)
        return xb_err_set(err, -XB_EUSAGE, "%s: already holds a recording "
                          "(choose another -o)", dir);
    return 0;
}

/* 32 random hex digits; without randomness (getrandom failing), this boot's
 * id (random per boot, from the kernel) and CLOCK_MONOTONIC in ns, which
 * never repeats within a boot; without a boot id, the wall clock and the
 * process id as well. */
static void make_run_id(char *buf, size_t len)
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) == (ssize_t)sizeof b) {
        for (size_t i = 0; i < sizeof b && 2 * i + 2 < len; i++)
            snprintf(buf + 2 * i, 3, "%02x", b[i]);
        return;
    }
    char boot[64] = "", id[40] = "";
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
    if (f) {
        if (!fgets(boot, sizeof boot, f))
            boot[0] = '\0';
        fclose(f);
    }
    size_t n = 0;
    for (const char *p = boot; *p && n + 1 < sizeof id; p++)
        if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
            id[n++] = *p;
    id[n] = '\0';
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    if (n)
        snprintf(buf, len, "%s-%016llx", id, (unsigned long long)xb_mono_ns());
    else
        snprintf(buf, len, "%016llx%08lx-%016llx",
                 (unsigned long long)rt.tv_sec * 1000000000ull + (unsigned long long)rt.tv_nsec,
                 (unsigned long)getpid(), (unsigned long long)xb_mono_ns());
}

/* uname, and /proc/cpuinfo once: the first "model name" and "cpu MHz". */
static void host_facts(struct xb_runfolder *f)
{
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(f->host, sizeof f->host, "%s", u.nodename);
        snprintf(f->kernel, sizeof f->kernel, "%s", u.release);
    }
    FILE *in = fopen("/proc/cpuinfo", "re");
    char line[512];
    while (in && fgets(line, sizeof line, in)) {
        char *v = strchr(line, ':');
        if (!v)
            continue;
        v += 1 + (v[1] == ' ');
        v[strcspn(v, "\n")] = '\0';
        if (strncmp(line, "model name", 10) == 0 && !f->cpu_model[0])
            snprintf(f->cpu_model, sizeof f->cpu_model, "%s", v);
        else if (strncmp(line, "cpu MHz", 7) == 0 && f->cpu_mhz == 0)
            f->cpu_mhz = atof(v);
    }
    if (in)
        fclose(in);
}

void xb_runfolder_init(struct xb_runfolder *f, const char *dir)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    make_run_id(f->run_id, sizeof f->run_id);
    host_facts(f);
}

int xb_runfolder_create(struct xb_runfolder *f, struct xb_err *err)
{
    if (mkdir(f->dir, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return xb_err_set(err, -errno, "%s: %s", f->dir, strerror(errno));
    struct stat st;
    if (stat(f->dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return xb_err_set(err, -XB_EUSAGE, "%s exists and is not a folder", f->dir);
    return xb_runfolder_check(f->dir, err);
}

void xb_runfolder_path(const struct xb_runfolder *f, const char *name, char *buf,
                       size_t len)
{
    snprintf(buf, len, "%s/%s", f->dir, name);
}

int xb_runfolder_manifest(const struct xb_runfolder *f, const char *source,
                          const char *state, const json_t *src, const char *error,
                          struct xb_err *err)
{
    json_t *m = json_object();
    int bad = !m;
    /* json_object_set_new takes the value even when it fails: always call
     * it, so nothing leaks on the out-of-memory path. */
    bad |= json_object_set_new(m, "format", json_string(XB_RUNFOLDER_FORMAT));
    bad |= json_object_set_new(m, "version", json_integer(XB_RUNFOLDER_VERSION));
    bad |= json_object_set_new(m, "source", json_string(source));
    bad |= json_object_set_new(m, "state", json_string(state));
    bad |= json_object_set_new(m, "run_id", json_string(f->run_id));
    bad |= json_object_set_new(m, "tool_version", json_string(xb_version_string()));
    bad |= json_object_set_new(m, "host", json_string(f->host));
    bad |= json_object_set_new(m, "kernel", json_string(f->kernel));
    bad |= json_object_set_new(m, "cpu_count", json_integer(f->cpu_count));
    bad |= json_object_set_new(m, "cpu_model", json_string(f->cpu_model));
    bad |= json_object_set_new(m, "cpu_mhz", json_real(f->cpu_mhz));
    bad |= json_object_set_new(m, "interval_ns", json_integer((json_int_t)f->interval_ns));
    bad |= json_object_set_new(m, "duration_ns", json_integer((json_int_t)f->duration_ns));
    bad |= json_object_set_new(m, "start_utc", json_string(f->start_utc));
    if (f->stop_utc[0])
        bad |= json_object_set_new(m, "stop_utc", json_string(f->stop_utc));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)src, key, v)
        bad |= json_object_set(m, key, v);
    if (error)
        bad |= json_object_set_new(m, "error", json_string(error));
    int rc;
    char path[4200];
    xb_runfolder_path(f, "manifest.json", path, sizeof path);
    if (bad)
        rc = xb_err_set(err, -ENOMEM, "out of memory building %s", path);
    else
        rc = xb_json_save_atomic(path, m, err);
    json_decref(m);
    return rc;
}
