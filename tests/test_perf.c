/* test_perf.c: source/linux/perf_counters.c, decode/perf_load.c and
 * present/cache_table.c.  The plumbing runs on the real kernel with the
 * software events: a busy thread and a sleeping thread as two domains
 * (per-thread counters), and a busy process in a cgroup of its own (per-
 * cgroup counters, root only); the loader and the table on hand-made files. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "account/counters.h"
#include "decode/perf_load.h"
#include "present/cache_table.h"
#include "source/linux/perf_counters.h"

#define NSLEEPS 20

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct worker {
    volatile pid_t tid;
    int busy;
    uint64_t cpu_ns, wall_ns;     /* its own account of the work */
    pthread_barrier_t *go, *done, *leave;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    w->tid = (pid_t)syscall(SYS_gettid);
    pthread_barrier_wait(w->go);
    uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), t0 = mono_ns();
    if (w->busy) {
        volatile uint64_t x = 0;
        while (clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0 < 300000000ull &&
               mono_ns() - t0 < 5000000000ull)
            for (int i = 0; i < 10000; i++)
                x += (uint64_t)i;
    } else {
        for (int i = 0; i < NSLEEPS; i++) {
            struct timespec ts = { 0, 5000000 };
            nanosleep(&ts, NULL);
        }
    }
    w->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
    w->wall_ns = mono_ns() - t0;
    pthread_barrier_wait(w->done);
    pthread_barrier_wait(w->leave);
    return NULL;
}

static FILE *temp_file(char *path)
{
    strcpy(path, "/tmp/xb-perf-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    return fdopen(fd, "w+");
}

/* Delta of a cumulative metric over [0, span] from the loaded series. */
static double delta(const struct xb_counters *c, uint32_t domid, const char *metric,
                    uint64_t span)
{
    char key[48];
    double r = -1;
    xb_counters_domkey(key, sizeof key, domid, 0);
    assert_true(xb_counters_rate(c, key, metric, 0, span, &r));
    return r * (double)span / 1e9;
}

static void one_thread_domain(struct xb_ldomain *d, uint32_t domid, pid_t tid,
                              struct xb_thread *th)
{
    memset(d, 0, sizeof *d);
    d->domid = domid;
    snprintf(d->kind, sizeof d->kind, "process");
    snprintf(d->name, sizeof d->name, "t%u", domid);
    th->tid = tid;
    th->vcpu = 0;
    d->threads = th;
    d->nthread = d->threadcap = 1;
}

static void plumbing_threads(void **state)
{
    (void)state;
    pthread_barrier_t go, done, leave;
    pthread_barrier_init(&go, NULL, 3);
    pthread_barrier_init(&done, NULL, 3);
    pthread_barrier_init(&leave, NULL, 3);
    struct worker w[2] = {
        { .busy = 1, .go = &go, .done = &done, .leave = &leave },
        { .busy = 0, .go = &go, .done = &done, .leave = &leave },
    };
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    while (!w[0].tid || !w[1].tid)
        usleep(1000);

    struct xb_thread t[2];
    struct xb_ldomain d[2];
    one_thread_domain(&d[0], 1, w[0].tid, &t[0]);
    one_thread_domain(&d[1], 2, w[1].tid, &t[1]);
    struct xb_domain_map m = { .mode = "process", .d = d, .n = 2, .cap = 2 };

    char path[64];
    FILE *out = temp_file(path);
    void *st = NULL;
    const char *why = NULL;
    struct xb_err err = { 0 };
    assert_int_equal(xb_perf_sampler_sw.open(&st, &m, out, &why, &err), 0);
    uint64_t t0 = mono_ns();
    assert_int_equal(xb_perf_sampler_sw.sample(st, &m, t0, out, &err), 0);
    pthread_barrier_wait(&go);
    pthread_barrier_wait(&done);
    uint64_t t1 = mono_ns();
    assert_int_equal(xb_perf_sampler_sw.sample(st, &m, t1, out, &err), 0);
    pthread_barrier_wait(&leave);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    xb_perf_sampler_sw.close(st);
    fclose(out);

    struct xb_counters *c = xb_counters_new();
    struct xb_timebase tb = { t0, 1000000000ull };
    assert_int_equal(xb_perf_load(path, &tb, c, &err), 0);
    double busy = delta(c, 1, "task_clock_ns", t1 - t0);
    double idle = delta(c, 2, "task_clock_ns", t1 - t0);
    double sw = delta(c, 2, "context_switches", t1 - t0);
    print_message("busy thread: task-clock %.1f ms, its CPU time %.1f ms, its "
                  "wall time %.1f ms; sleeping thread: task-clock %.3f ms, "
                  "%.0f context switches for %d sleeps\n", busy / 1e6,
                  w[0].cpu_ns / 1e6, w[0].wall_ns / 1e6, idle / 1e6, sw, NSLEEPS);
    /* The busy thread: the counter against the thread's own CPU clock (its
     * wall time when nothing else competes for the core), +-10 %. */
    assert_true(busy >= 0.9 * (double)w[0].cpu_ns);
    assert_true(busy <= 1.1 * (double)w[0].cpu_ns);
    assert_true(idle < 10e6);             /* ~0: under 10 ms */
    assert_true(sw >= NSLEEPS);
    xb_counters_free(c);
    unlink(path);
    pthread_barrier_destroy(&go);
    pthread_barrier_destroy(&done);
    pthread_barrier_destroy(&leave);
}

/* A process in a v2 cgroup of its own: per-cgroup counters. */
static void plumbing_cgroup(void **state)
{
    (void)state;
    const char *root = access("/sys/fs/cgroup/unified/cgroup.procs", W_OK) == 0
                       ? "/sys/fs/cgroup/unified"
                       : access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0
                       ? "/sys/fs/cgroup" : NULL;
    if (!root || geteuid() != 0) {
        print_message("skipped: needs root and a cgroup v2 tree\n");
        skip();
    }
    char rel[64], dir[256], procs[300];
    snprintf(rel, sizeof rel, "/xb-test-perf-%d", (int)getpid());
    snprintf(dir, sizeof dir, "%s%s", root, rel);
    snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    int ready[2], go[2], res[2];
    assert_int_equal(pipe(ready) | pipe(go) | pipe(res), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(procs, O_WRONLY);
        char b = (fd >= 0 && write(fd, "0", 1) == 1) ? 'y' : 'n';
        if (write(ready[1], &b, 1) != 1 || read(go[0], &b, 1) != 1)
            _exit(1);
        uint64_t c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
        volatile uint64_t x = 0;
        while (clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0 < 300000000ull)
            for (int i = 0; i < 10000; i++)
                x += (uint64_t)i;
        uint64_t used = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (write(res[1], &used, sizeof used) != sizeof used)
            _exit(1);
        if (read(go[0], &b, 1) < 0)   /* until the parent's last sample */
            _exit(1);
        _exit(0);
    }
    char b;
    assert_int_equal(read(ready[0], &b, 1), 1);
    assert_int_equal(b, 'y');

    struct xb_ldomain d;
    memset(&d, 0, sizeof d);
    d.domid = 1;
    snprintf(d.kind, sizeof d.kind, "cgroup");
    snprintf(d.cgroup, sizeof d.cgroup, "%s", rel);
    struct xb_domain_map m = { .mode = "cgroup", .d = &d, .n = 1, .cap = 1 };
    char path[64];
    FILE *out = temp_file(path);
    void *st = NULL;
    const char *why = NULL;
    struct xb_err err = { 0 };
    assert_int_equal(xb_perf_sampler_sw.open(&st, &m, out, &why, &err), 0);
    uint64_t t0 = mono_ns();
    assert_int_equal(xb_perf_sampler_sw.sample(st, &m, t0, out, &err), 0);
    assert_int_equal(write(go[1], "g", 1), 1);
    uint64_t used = 0;
    assert_int_equal(read(res[0], &used, sizeof used), sizeof used);
    uint64_t t1 = mono_ns();
    assert_int_equal(xb_perf_sampler_sw.sample(st, &m, t1, out, &err), 0);
    assert_int_equal(write(go[1], "g", 1), 1);
    waitpid(pid, NULL, 0);
    xb_perf_sampler_sw.close(st);
    fclose(out);
    rmdir(dir);

    FILE *f = fopen(path, "r");
    char line[512];
    int cgroup_mode = 0;
    while (fgets(line, sizeof line, f))
        cgroup_mode |= strncmp(line, "# mode 1 cgroup ", 16) == 0;
    fclose(f);
    assert_true(cgroup_mode);
    struct xb_counters *c = xb_counters_new();
    struct xb_timebase tb = { t0, 1000000000ull };
    assert_int_equal(xb_perf_load(path, &tb, c, &err), 0);
    double tc = delta(c, 1, "task_clock_ns", t1 - t0);
    print_message("cgroup: task-clock %.1f ms, the process's CPU time %.1f ms\n",
                  tc / 1e6, used / 1e6);
    assert_true(tc >= 0.9 * (double)used && tc <= 1.1 * (double)used);
    xb_counters_free(c);
    unlink(path);
}

/* Hardware counters: present (opened) or absent with the reason, never an
 * error; absent writes nothing. */
static void hardware_or_reason(void **state)
{
    (void)state;
    struct xb_ldomain d;
    memset(&d, 0, sizeof d);
    struct xb_thread t = { (pid_t)syscall(SYS_gettid), 0 };
    one_thread_domain(&d, 1, t.tid, &t);
    struct xb_domain_map m = { .mode = "process", .d = &d, .n = 1, .cap = 1 };
    char path[64];
    FILE *out = temp_file(path);
    void *st = NULL;
    const char *why = NULL;
    struct xb_err err = { 0 };
    int rc = xb_perf_sampler.open(&st, &m, out, &why, &err);
    assert_true(rc == 0 || rc == 1);
    if (rc == 1) {
        assert_non_null(why);
        assert_non_null(strstr(why, "perf_event_open(llc_refs): "));
        print_message("no cache counters here: %s\n", why);
        fflush(out);
        assert_int_equal(ftell(out), 0);
    } else {
        assert_int_equal(xb_perf_sampler.sample(st, &m, mono_ns(), out, &err), 0);
        xb_perf_sampler.close(st);
    }
    assert_int_equal(err.code, 0);
    fclose(out);
    unlink(path);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void loader(void **state)
{
    (void)state;
    char path[64];
    fclose(temp_file(path));
    /* Two CPUs summed; the second multiplexed half the time (scaled x2);
     * cpu1 missing at t=3e9 keeps its last value. */
    write_text(path,
               "# xenbench perf counters v1\n"
               "# mode 4 cgroup /x\n"
               "1000000000 4 llc_refs cpu0 100 10 10\n"
               "1000000000 4 llc_refs cpu1 0 10 10\n"
               "1000000000 4 llc_misses cpu0 0 0 0\n"
               "2000000000 4 llc_refs cpu0 300 20 20\n"
               "2000000000 4 llc_refs cpu1 100 20 10\n"
               "2000000000 4 llc_misses cpu0 50 20 20\n"
               "3000000000 4 llc_refs cpu0 500 30 30\n"
               "3000000000 4 llc_misses cpu0 90 30 30\n");
    struct xb_counters *c = xb_counters_new();
    struct xb_timebase tb = { 1000000000ull, 1000000000ull };
    struct xb_err err = { 0 };
    assert_int_equal(xb_perf_load(path, &tb, c, &err), 0);
    double r;
    assert_true(xb_counters_rate(c, "dom:4.0", "llc_refs", 0, 1000000000ull, &r));
    assert_float_equal(r, 300 + 200 - 100, 1e-9);
    assert_true(xb_counters_rate(c, "dom:4.0", "llc_refs", 1000000000ull,
                                 2000000000ull, &r));
    assert_float_equal(r, 200, 1e-9);
    assert_true(xb_counters_rate(c, "dom:4.0", "llc_misses", 0, 2000000000ull, &r));
    assert_float_equal(r, 45, 1e-9);
    xb_counters_free(c);

    static const struct { const char *text, *msg; } bad[] = {
        { "1 1 llc_refs cpu0 1 1\n", ":1: not a perf reading (T_NS DOMID EVENT "
          "TARGET VALUE ENABLED RUNNING)" },
        { "# h\n1 1 llc_refs cpu0 1 1 1 junk\n", ":2: not a perf reading" },
        { "1 1 cache cpu0 1 1 1\n", ":1: unknown event 'cache'" },
        { "5 1 llc_refs cpu0 1 1 1\n4 1 llc_refs cpu0 2 1 1\n",
          ":2: time 4 goes back (previous 5)" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_text(path, bad[i].text);
        struct xb_counters *c2 = xb_counters_new();
        struct xb_err e2 = { 0 };
        assert_int_equal(xb_perf_load(path, &tb, c2, &e2), -XB_EINPUT);
        if (strncmp(e2.msg, path, strlen(path)) != 0 ||
            !strstr(e2.msg, bad[i].msg))
            fail_msg("case %zu: got '%s', want '%s%s...'", i, e2.msg, path,
                     bad[i].msg);
        xb_counters_free(c2);
    }
    unlink(path);
    struct xb_counters *c3 = xb_counters_new();
    struct xb_err e3 = { 0 };
    assert_int_equal(xb_perf_load("/nonexistent/perf.txt", &tb, c3, &e3), -XB_EINPUT);
    assert_string_equal(e3.msg, "/nonexistent/perf.txt: No such file or directory");
    xb_counters_free(c3);
}

static void cache_table(void **state)
{
    (void)state;
    struct xb_domain_acc doms[3] = {
        { .domid = 1 }, { .domid = 2 }, { .domid = 32767 },
    };
    struct xb_window w = { .t_start_ns = 0, .t_end_ns = 2000000000ull,
                           .npcpu = 2, .ndomain = 3, .domains = doms };
    struct xb_counters *c = xb_counters_new();
    xb_counters_add(c, "dom:1.0", "llc_refs", XB_CUMULATIVE, 0, 0);
    xb_counters_add(c, "dom:1.0", "llc_refs", XB_CUMULATIVE, 2000000000ull, 4000);
    xb_counters_add(c, "dom:1.0", "llc_misses", XB_CUMULATIVE, 0, 0);
    xb_counters_add(c, "dom:1.0", "llc_misses", XB_CUMULATIVE, 2000000000ull, 1000);
    struct xb_run_info info = { .counters = c };
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    xb_cache_table_print(out, &w, &info, NULL, 0);
    fclose(out);
    assert_string_equal(buf, "=== Cache ===\nVM\trefs/s\tmisses/s\tmiss ratio\tname\n"
                             "1\t2000\t500\t0.250\td1\n"
                             "2\t-\t-\t-\td2\n");
    free(buf);
    unsigned order[] = { 1, 0 };       /* --sort/--top: these, in this order */
    out = open_memstream(&buf, &len);
    xb_cache_table_print(out, &w, &info, order, 1);
    fclose(out);
    assert_string_equal(buf, "=== Cache ===\nVM\trefs/s\tmisses/s\tmiss ratio\tname\n"
                             "2\t-\t-\t-\td2\n");
    free(buf);
    struct xb_run_info none = { 0 };
    out = open_memstream(&buf, &len);
    xb_cache_table_print(out, &w, &none, NULL, 0);
    fclose(out);
    assert_string_equal(buf, "");
    free(buf);
    xb_counters_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plumbing_threads),
        cmocka_unit_test(plumbing_cgroup),
        cmocka_unit_test(hardware_or_reason),
        cmocka_unit_test(loader),
        cmocka_unit_test(cache_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
