/* synth_run.c: a synthetic Linux run folder of a given size (test only; a
 * generator, owns nothing of xenbench).
 *
 *   synth_run FORMATS_DIR OUTDIR SIZE_MB [NCPU]
 *
 * Writes OUTDIR/manifest.json, domains.json and tracefs/ (the committed
 * event formats and one cpuN.raw per CPU, NCPU default 2) holding a context
 * switch storm: on each CPU two threads of domain 1 ("storm") hand the CPU
 * to each other through wake-ups, 1 us apart, with a preemption by a host
 * thread every 64 rounds and an idle stretch every 1024, until the files
 * hold SIZE_MB MiB in all.  One period of 1024 rounds is built with
 * page_writer.c and written again and again with its pages' time stamps
 * moved on, so the generator is as fast as the disk and small whatever the
 * size.  Used by tests/linux/flat_memory.py and bench/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "page_writer.h"

#define T0 1000000000ull         /* the run's t0_mono_ns */
#define STEP 1000ull             /* 1 us between events */
#define ROUND (32 * STEP)        /* one round of the pattern */
#define PERIOD_ROUNDS 1024u      /* the pattern repeats after this many */

/* dir/name opened for writing; the program ends on an error. */
static FILE *create(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void finish(FILE *f, const char *name)
{
    if (ferror(f) | fclose(f)) {
        perror(name);
        exit(1);
    }
}

static void copy(const char *from_dir, const char *to_dir, const char *name)
{
    char a[4200], buf[65536];
    snprintf(a, sizeof a, "%s/%s", from_dir, name);
    FILE *in = fopen(a, "rb");
    if (!in) {
        perror(a);
        exit(1);
    }
    FILE *out = create(to_dir, name);
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    finish(out, name);
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: synth_run FORMATS_DIR OUTDIR SIZE_MB [NCPU]\n");
        return 2;
    }
    const char *fmt = argv[1], *out = argv[2];
    unsigned long long bytes = strtoull(argv[3], NULL, 10) << 20;
    unsigned ncpu = argc == 5 ? (unsigned)atoi(argv[4]) : 2;
    if (!bytes || ncpu < 1 || ncpu > 64) {
        fprintf(stderr, "synth_run: bad size or CPU count\n");
        return 2;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tracefs", out);
    if ((mkdir(out, 0755) && errno != EEXIST) || (mkdir(dir, 0755) && errno != EEXIST)) {
        perror(out);
        return 1;
    }
    static const char *const files[] = {
        "header_page", "sched-sched_switch.format", "sched-sched_wakeup.format",
        "sched-sched_wakeup_new.format", "sched-sched_process_fork.format",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        copy(fmt, dir, files[i]);

    /* One period of the pattern (1024 rounds) per CPU, as whole pages;
     * each copy is the same pages with their time stamps moved on by the
     * period (a page's records are deltas from its header's time). */
    uint8_t *block[64];
    size_t blen[64];
    struct pw *w[64];
    uint64_t t = T0 + STEP;
    for (unsigned c = 0; c < ncpu; c++) {
        pid_t a = 1000 + 2 * (pid_t)c, b = a + 1, host = 5000 + (pid_t)c;
        struct pw *p = w[c] = pw_new(fmt);
        if (!p)
            return 1;
        for (unsigned round = 0; round < PERIOD_ROUNDS; round++) {
            uint64_t u = t + round * ROUND;
            pw_wakeup(p, u += STEP, b, (int)c);
            pw_switch(p, u += STEP, a, 1, b);            /* a sleeps */
            pw_wakeup(p, u += STEP, a, (int)c);
            if (round % 64 == 63) {                      /* b preempted */
                pw_switch(p, u += STEP, b, 0, host);
                pw_switch(p, u += STEP, host, 1, b);
            }
            if (round == PERIOD_ROUNDS - 1) {            /* a short idle */
                pw_switch(p, u += STEP, b, 1, 0);
                pw_wakeup(p, u += 20 * STEP, b, (int)c);
                pw_switch(p, u += STEP, 0, 0, b);
            }
            pw_switch(p, u += STEP, b, 1, a);            /* b sleeps */
        }
        block[c] = (uint8_t *)pw_bytes(p, &blen[c]);
    }
    size_t page = pw_page_size(w[0]);
    uint64_t period = PERIOD_ROUNDS * ROUND;
    unsigned long long copies = 0, written = 0, pages[64] = { 0 };
    FILE *f[64];
    for (unsigned c = 0; c < ncpu; c++) {
        char name[32];
        snprintf(name, sizeof name, "cpu%u.raw", c);
        f[c] = create(dir, name);
    }
    for (; written < bytes; copies++) {
        for (unsigned c = 0; c < ncpu; c++) {
            for (size_t off = 0; off < blen[c]; off += page) {
                uint64_t ts;
                memcpy(&ts, block[c] + off, 8);      /* header_page: timestamp at 0 */
                ts += copies ? period : 0;
                memcpy(block[c] + off, &ts, 8);
            }
            if (fwrite(block[c], 1, blen[c], f[c]) != blen[c]) {
                perror("write");
                return 1;
            }
            pages[c] += blen[c] / page;
            written += blen[c];
        }
    }
    for (unsigned c = 0; c < ncpu; c++) {
        finish(f[c], "cpuN.raw");
        pw_free(w[c]);
    }
    t += copies * period;

    FILE *d = create(out, "domains.json");
    fprintf(d, "{\"mode\": \"process\", \"domains\": [{\"id\": 1, \"name\": "
            "\"storm\", \"kind\": \"process\", \"threads\": [");
    for (unsigned c = 0; c < ncpu; c++)
        fprintf(d, "%s{\"tid\": %u, \"vcpu\": %u}, {\"tid\": %u, \"vcpu\": %u}",
                c ? ", " : "", 1000 + 2 * c, 2 * c, 1001 + 2 * c, 2 * c + 1);
    fprintf(d, "]}]}\n");
    finish(d, "domains.json");
    FILE *m = create(out, "manifest.json");
    fprintf(m, "{\"source\": \"linux\", \"format_version\": 1, \"state\": "
            "\"complete\", \"run_id\": \"synthetic\", \"host\": \"synthetic\", "
            "\"cpu_count\": %u, \"t0_mono_ns\": %llu, \"t_stop_mono_ns\": %llu, "
            "\"interval_ns\": 1000000000, \"page_size\": %zu, \"domains_mode\": "
            "\"process\", \"domains_file\": \"domains.json\", \"domains\": "
            "[{\"id\": 1, \"name\": \"storm\", \"kind\": \"process\"}], "
            "\"trace\": {\"format\": \"tracefs-raw\", \"formats_dir\": \"tracefs\", "
            "\"cpus\": [", ncpu, T0, (unsigned long long)t + STEP, page);
    for (unsigned c = 0; c < ncpu; c++)
        fprintf(m, "%s{\"cpu\": %u, \"file\": \"tracefs/cpu%u.raw\", \"pages\": "
                "%llu, \"lost_events\": 0}", c ? ", " : "", c, c, pages[c]);
    fprintf(m, "]}, \"counters\": [], \"sources_missing\": [], "
            "\"lost_events\": 0}\n");
    finish(m, "manifest.json");
    printf("synth_run: %s: %u CPUs, %llu MiB, %.3f s of events\n", out, ncpu,
           written >> 20, (double)(t - T0) / 1e9);
    return 0;
}
