/* tracegen.c: a large valid xentrace file made by repeating a real one.
 *
 * Usage: tracegen IN OUT MIB.  Writes copies of IN to OUT until it holds at
 * least MIB MiB.  Copy k has every TSC shifted by k * (span + gap), span
 * being IN's last TSC minus its first: the TSC after a record header with
 * bit 31 set, and the first_tsc (payload words 2-3) of lost-records notices.
 * So time only moves forward on every CPU.  Between two copies, a "seam"
 * window per CPU holds RUNSTATE_CHANGE records that take every vCPU from the
 * state IN ends in to the state IN starts from, so the runstates stay
 * consistent across copies too (xenalyze stops on a contradiction).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/trace.h>
#include <xen/vcpu.h>

/* Event ids and runstates come from Xen's public headers (libxen-dev). */
#define CPU_CHANGE (TRC_TRACE_CPU_CHANGE | 2u << TRACE_EXTRA_SHIFT)
#define RUNSTATE_MASK 0x0ffff00fu    /* old state in bits 8-11, new in 4-7 */
#define RUNNING RUNSTATE_running
#define RUNNABLE RUNSTATE_runnable
#define GAP 1000000u                 /* ticks between two copies */
#define MAX_VCPUS 1024
#define MAX_CPUS 256

/* A vCPU's first and last RUNSTATE_CHANGE in IN. */
struct vcpu {
    uint32_t id;                     /* domid << 16 | vcpu */
    uint64_t t0, t1;
    unsigned old0, cpu0;             /* state left by its first record */
    unsigned new1, cpu1;             /* state entered by its last record */
};

struct seam_rec {
    unsigned cpu;
    uint32_t hdr, id;
};

static struct vcpu vcpus[MAX_VCPUS];
static unsigned nvcpu;
static struct seam_rec seam[3 * MAX_VCPUS];
static unsigned nseam;

/* e: the errno to show, or 0 */
static void die(const char *what, int e)
{
    fprintf(stderr, "tracegen: %s%s%s\n", what, e ? ": " : "",
            e ? strerror(e) : "");
    exit(1);
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void add64(uint8_t *p, uint64_t d)
{
    uint64_t v = rd64(p) + d;
    memcpy(p, &v, 8);
}

static void note_runstate(uint32_t event, uint32_t id, uint64_t tsc,
                          unsigned cpu)
{
    unsigned old = (event >> 8) & 0xf, new_state = (event >> 4) & 0xf;
    struct vcpu *v = vcpus;
    while (v < vcpus + nvcpu && v->id != id)
        v++;
    if (v == vcpus + nvcpu) {
        if (nvcpu == MAX_VCPUS)
            die("too many vCPUs", 0);
        *v = (struct vcpu){ id, tsc, tsc, old, cpu, new_state, cpu };
        nvcpu++;
    }
    if (tsc < v->t0) {
        v->t0 = tsc;
        v->old0 = old;
        v->cpu0 = cpu;
    }
    if (tsc >= v->t1) {
        v->t1 = tsc;
        v->new1 = new_state;
        v->cpu1 = cpu;
    }
}

static void seam_add(unsigned cpu, uint32_t id, unsigned from, unsigned to)
{
    seam[nseam++] = (struct seam_rec){
        cpu,
        (uint32_t)TRC_HD_CYCLE_FLAG | 1u << TRACE_EXTRA_SHIFT |
            TRC_SCHED_RUNSTATE_CHANGE | from << 8 | to << 4,
        id
    };
}

/* Switch out what runs at the end and should not, settle the other states,
 * then switch in what runs at the start. */
static void plan_seam(void)
{
    unsigned cur[MAX_VCPUS];
    for (unsigned i = 0; i < nvcpu; i++) {
        struct vcpu *v = &vcpus[i];
        cur[i] = v->new1;
        if (v->new1 > RUNSTATE_offline || v->old0 > RUNSTATE_offline)
            continue;
        if (v->new1 == RUNNING && !(v->old0 == RUNNING && v->cpu0 == v->cpu1)) {
            cur[i] = v->old0 == RUNNING ? RUNNABLE : v->old0;
            seam_add(v->cpu1, v->id, RUNNING, cur[i]);
        }
    }
    for (unsigned i = 0; i < nvcpu; i++) {
        struct vcpu *v = &vcpus[i];
        if (v->old0 <= RUNSTATE_offline && v->old0 != RUNNING && cur[i] != v->old0) {
            seam_add(v->cpu1, v->id, cur[i], v->old0);
            cur[i] = v->old0;
        }
    }
    for (unsigned i = 0; i < nvcpu; i++) {
        struct vcpu *v = &vcpus[i];
        if (v->old0 != RUNNING || cur[i] == RUNNING || cur[i] > RUNSTATE_offline)
            continue;
        if (cur[i] != RUNNABLE)
            seam_add(v->cpu1, v->id, cur[i], RUNNABLE);
        seam_add(v->cpu0, v->id, RUNNABLE, RUNNING);
    }
}

static void write_all(int fd, const uint8_t *p, size_t n, const char *path)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0)
            die(path, errno);
        p += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tracegen IN OUT MIB\n");
        return 2;
    }
    uint64_t want = strtoull(argv[3], NULL, 10) << 20;
    FILE *f = fopen(argv[1], "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        die(argv[1], errno);
    long len = ftell(f);
    size_t size = len > 0 ? (size_t)len : 0;
    /* room for the seam: a window header per CPU, 16 bytes per record */
    uint8_t *buf = malloc(size + 12 * MAX_CPUS + 16 * 3 * MAX_VCPUS);
    rewind(f);
    if (!size || !buf || fread(buf, 1, size, f) != size)
        die(argv[1], errno);
    fclose(f);

    /* Offsets of every TSC-bearing u64, the TSC range, the runstates. */
    size_t n = 0, cap = 1024;
    size_t *at = malloc(cap * sizeof *at);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t pos = 0; pos < size;) {
        if (size - pos < 12 || rd32(buf + pos) != CPU_CHANGE ||
            rd32(buf + pos + 4) >= MAX_CPUS || rd32(buf + pos + 8) > size - pos - 12)
            die("input is not a whole xentrace file", 0);
        unsigned cpu = rd32(buf + pos + 4);
        size_t p = pos + 12, end = p + rd32(buf + pos + 8);
        while (p < end) {
            uint32_t hdr = rd32(buf + p), event = TRC_HD_TO_EVENT(hdr);
            size_t nx = TRC_HD_EXTRA(hdr), tsc = TRC_HD_INCLUDES_CYCLE_COUNT(hdr);
            size_t rs = 4 + 8 * tsc + 4 * nx;
            if (rs > end - p)
                die("record runs past its window", 0);
            if (n + 2 > cap && !(at = realloc(at, (cap *= 2) * sizeof *at)))
                die("out of memory", 0);
            if (!at)
                die("out of memory", 0);
            if (tsc) {
                uint64_t t = rd64(buf + p + 4);
                lo = t < lo ? t : lo;
                hi = t > hi ? t : hi;
                at[n++] = p + 4;
                if ((event & RUNSTATE_MASK) == TRC_SCHED_RUNSTATE_CHANGE && nx >= 1)
                    note_runstate(event, rd32(buf + p + 12), t, cpu);
            }
            if (event == TRC_LOST_RECORDS && nx >= 4)
                at[n++] = p + 4 + 8 * tsc + 8;
            p += rs;
        }
        pos = end;
    }
    if (lo > hi)
        die("input has no TSC", 0);
    uint64_t step = hi - lo + GAP;

    /* The seam windows, appended after IN in buf; their TSCs sit in the gap
     * and are shifted with the rest. */
    plan_seam();
    if (n + nseam > cap && !(at = realloc(at, (n + nseam) * sizeof *at)))
        die("out of memory", 0);
    size_t unit = size;
    for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
        size_t hdr = unit;
        uint32_t wsize = 0;
        unit += 12;
        for (unsigned i = 0; i < nseam; i++) {
            if (seam[i].cpu != cpu)
                continue;
            uint64_t t = hi + GAP / 2 + 10 * i;
            memcpy(buf + unit, &seam[i].hdr, 4);
            memcpy(buf + unit + 4, &t, 8);
            memcpy(buf + unit + 12, &seam[i].id, 4);
            at[n++] = unit + 4;
            unit += 16;
            wsize += 16;
        }
        uint32_t h[3] = { CPU_CHANGE, cpu, wsize };
        memcpy(buf + hdr, h, 12);
        if (!wsize)
            unit = hdr;
    }

    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die(argv[2], errno);
    uint64_t copies = (want + size - 1) / size;
    for (uint64_t k = 0; k < copies || k == 0; k++) {
        if (k > 0)
            for (size_t i = 0; i < n; i++)
                add64(buf + at[i], step);
        /* the last copy goes without a seam */
        write_all(fd, buf, k + 1 < copies ? unit : size, argv[2]);
    }
    if (close(fd) != 0)
        die(argv[2], errno);
    fprintf(stderr, "tracegen: %llu copies, %u seam records each\n",
            (unsigned long long)(copies ? copies : 1), nseam);
    free(at);
    free(buf);
    return 0;
}
