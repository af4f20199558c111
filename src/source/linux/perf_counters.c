/* perf_counters.c: per-domain perf_event_open counters (hardware cache
 * counters, or the software plumbing events); see perf_counters.h.  It must
 * not interpret the readings (decode/perf_load.c). */
#define _GNU_SOURCE
#include "perf_counters.h"

#include "model/metric.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ev {
    const char *name;       /* counters.h metric */
    uint32_t type;
    uint64_t config;
    bool required;          /* the set is absent without it */
};

static const struct ev hw_events[] = {
    { XB_CTR_LLC_REFS, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, true },
    { XB_CTR_LLC_MISSES, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, true },
    { XB_CTR_INSTRUCTIONS, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, false },
    { XB_CTR_CYCLES, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false },
};
static const struct ev sw_events[] = {
    { XB_CTR_TASK_CLOCK_NS, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, true },
    { XB_CTR_CONTEXT_SWITCHES, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, true },
};
#define NEV_MAX 4

struct counter {
    int fd;
    int ev;                 /* index in the event set */
    char target[24];        /* "cpu0", "tid123" */
};

struct dom {
    uint32_t domid;
    struct counter *c;
    size_t n;
};

struct perf_state {
    const struct ev *events;
    size_t nev;
    bool present[NEV_MAX];  /* events this host supports */
    struct dom *d;
    size_t nd;
};

static int perf_open(const struct ev *e, pid_t pid, int cpu, unsigned long flags,
                     bool inherit)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = e->type;
    a.config = e->config;
    a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    a.inherit = inherit;
    a.exclude_guest = 0;
    long fd = syscall(SYS_perf_event_open, &a, pid, cpu, -1,
                      flags | PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : (int)fd;
}

/* The folder of a cgroup path in a hierarchy that has perf_event: v2 (where
 * perf_event is implicit) or a v1 perf_event mount; -1 when none. */
static int cgroup_dir(const char *cgroup, char *detail, size_t len)
{
    static const char *const roots[] = {
        "/sys/fs/cgroup/perf_event", "/sys/fs/cgroup/unified", "/sys/fs/cgroup",
    };
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        char probe[600];
        snprintf(probe, sizeof probe, "%s/%s", roots[i],
                 i == 0 ? "cgroup.procs" : "cgroup.controllers");
        if (access(probe, F_OK) != 0)
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%s%s", roots[i], cgroup);
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            snprintf(detail, len, "%s", path);
            return fd;
        }
    }
    return -1;
}

static int add_counter(struct dom *d, int fd, int ev, const char *target)
{
    struct counter *c = realloc(d->c, (d->n + 1) * sizeof *c);
    if (!c) {
        close(fd);
        return -ENOMEM;
    }
    d->c = c;
    c[d->n].fd = fd;
    c[d->n].ev = ev;
    snprintf(c[d->n].target, sizeof c[d->n].target, "%s", target);
    d->n++;
    return 0;
}

static void close_dom(struct dom *d)
{
    for (size_t i = 0; i < d->n; i++)
        close(d->c[i].fd);
    free(d->c);
    d->c = NULL;
    d->n = 0;
}

/* Per cgroup, one counter per online CPU and event; false to fall back. */
static bool open_cgroup(struct perf_state *st, struct dom *dd,
                        const struct xb_ldomain *d, FILE *out)
{
    char detail[1200];
    int cg = cgroup_dir(d->cgroup, detail, sizeof detail);
    if (cg < 0)
        return false;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    bool ok = true;
    for (long cpu = 0; ok && cpu < ncpu; cpu++) {
        char target[24];
        snprintf(target, sizeof target, "cpu%ld", cpu);
        for (size_t e = 0; ok && e < st->nev; e++) {
            if (!st->present[e])
                continue;
            int fd = perf_open(&st->events[e], cg, (int)cpu, PERF_FLAG_PID_CGROUP,
                               false);
            ok = fd >= 0 && add_counter(dd, fd, (int)e, target) == 0;
        }
    }
    close(cg);
    if (!ok) {
        close_dom(dd);
        return false;
    }
    fprintf(out, "# mode %" PRIu32 " cgroup %s\n", d->domid, detail);
    return true;
}

static int open_threads(struct perf_state *st, struct dom *dd,
                        const struct xb_ldomain *d, FILE *out)
{
    size_t opened = 0;
    for (size_t k = 0; k < d->nthread; k++) {
        char target[24];
        snprintf(target, sizeof target, "tid%d", (int)d->threads[k].tid);
        for (size_t e = 0; e < st->nev; e++) {
            if (!st->present[e])
                continue;
            int fd = perf_open(&st->events[e], d->threads[k].tid, -1, 0, true);
            if (fd < 0)
                continue;        /* the thread ended meanwhile */
            if (add_counter(dd, fd, (int)e, target))
                return -ENOMEM;
            opened++;
        }
    }
    fprintf(out, "# mode %" PRIu32 " thread %zu counters on %zu threads\n",
            d->domid, opened, d->nthread);
    return 0;
}

static int open_domain(struct perf_state *st, const struct xb_ldomain *d, FILE *out)
{
    struct dom *v = realloc(st->d, (st->nd + 1) * sizeof *v);
    if (!v)
        return -ENOMEM;
    st->d = v;
    struct dom *dd = &st->d[st->nd++];
    memset(dd, 0, sizeof *dd);
    dd->domid = d->domid;
    if (d->cgroup[0] && open_cgroup(st, dd, d, out))
        return 0;
    return open_threads(st, dd, d, out);
}

static void close_perf(void *state)
{
    struct perf_state *st = state;
    if (!st)
        return;
    for (size_t i = 0; i < st->nd; i++)
        close_dom(&st->d[i]);
    free(st->d);
    free(st);
}

static int open_set(void **state, const struct xb_domain_map *m, FILE *out,
                    const char **why, struct xb_err *err, const struct ev *events,
                    size_t nev)
{
    static char reason[256];
    *state = NULL;
    struct perf_state *st = calloc(1, sizeof *st);
    if (!st)
        return xb_err_set(err, -ENOMEM, "out of memory");
    st->events = events;
    st->nev = nev;
    /* Probe each event on this thread: absent hardware shows here. */
    for (size_t e = 0; e < nev; e++) {
        int fd = perf_open(&events[e], 0, -1, 0, false);
        if (fd >= 0) {
            close(fd);
            st->present[e] = true;
        } else if (events[e].required) {
            snprintf(reason, sizeof reason, "perf_event_open(%s): %s%s",
                     events[e].name, strerror(-fd),
                     fd == -ENOENT || fd == -EOPNOTSUPP || fd == -ENODEV
                     ? " (no hardware counters on this host or hypervisor)" : "");
            *why = reason;
            free(st);
            return 1;
        }
    }
    fputs("# xenbench perf counters v1: T_NS DOMID EVENT TARGET VALUE "
          "TIME_ENABLED TIME_RUNNING\n# events", out);
    for (size_t e = 0; e < nev; e++)
        if (st->present[e])
            fprintf(out, " %s", events[e].name);
    fputc('\n', out);
    for (size_t i = 0; i < m->n; i++) {
        int rc = open_domain(st, &m->d[i], out);
        if (rc) {
            close_perf(st);
            return xb_err_set(err, rc, "perf counters: %s", strerror(-rc));
        }
    }
    fflush(out);
    *state = st;
    return 0;
}

static int open_hw(void **state, const struct xb_domain_map *m, FILE *out,
                   const char **why, struct xb_err *err)
{
    return open_set(state, m, out, why, err, hw_events,
                    sizeof hw_events / sizeof hw_events[0]);
}

static int open_sw(void **state, const struct xb_domain_map *m, FILE *out,
                   const char **why, struct xb_err *err)
{
    return open_set(state, m, out, why, err, sw_events,
                    sizeof sw_events / sizeof sw_events[0]);
}

static int sample_perf(void *state, const struct xb_domain_map *m,
                       uint64_t mono_ns, FILE *out, struct xb_err *err)
{
    struct perf_state *st = state;
    for (size_t i = 0; i < m->n; i++) {
        size_t k = 0;
        while (k < st->nd && st->d[k].domid != m->d[i].domid)
            k++;
        if (k == st->nd) {
            int rc = open_domain(st, &m->d[i], out);
            if (rc)
                return xb_err_set(err, rc, "perf counters: %s", strerror(-rc));
        }
    }
    for (size_t k = 0; k < st->nd; k++) {
        const struct dom *d = &st->d[k];
        for (size_t i = 0; i < d->n; i++) {
            uint64_t v[3];
            if (read(d->c[i].fd, v, sizeof v) != (ssize_t)sizeof v)
                continue;
            fprintf(out, "%" PRIu64 " %" PRIu32 " %s %s %" PRIu64 " %" PRIu64
                    " %" PRIu64 "\n", mono_ns, d->domid,
                    st->events[d->c[i].ev].name, d->c[i].target, v[0], v[1], v[2]);
        }
    }
    if (fflush(out) == EOF)
        return xb_err_set(err, -errno, "perf counters: writing: %s",
                          strerror(errno));
    return 0;
}

const struct xb_sampler xb_perf_sampler = {
    .name = "perf (LLC)",
    .file = "perf.txt",
    .format = "perf",
    .open = open_hw,
    .sample = sample_perf,
    .close = close_perf,
};

const struct xb_sampler xb_perf_sampler_sw = {
    .name = "perf (software)",
    .file = "perf-sw.txt",
    .format = "perf",
    .open = open_sw,
    .sample = sample_perf,
    .close = close_perf,
};
