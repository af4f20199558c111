/* fuzz_linux_sched.c: libFuzzer harness for the Linux scheduler-event
 * decoder (src/decode/linux_sched.c) and the engine behind it.
 *
 * Input: a control byte, then tracefs ring-buffer pages of 4096 bytes (the
 * last one may be short).  Control bits: 0-3, how many pages go to CPU 0
 * (the rest go to CPU 1); 4-5, the window (10 ms, 50 ms, 250 ms, or one
 * window); 6, live: drain after every page as top does (else all at once);
 * 7, when not live, the pages of each CPU are a mapped file (a memfd).
 * Domain 1 (threads 1-4) and the QEMU domain 2 (threads 5-7) exist, so
 * forks and wake-ups can reach domain threads.  The window callback aborts
 * when a window breaks the conservation rules of engine.h, windows are not
 * contiguous or domains and vCPUs not sorted; the decoder's counts are
 * checked at the end.  A damaged page is expected: it is skipped, never
 * read past (ASan watches that).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "account/engine.h"
#include "fuzz_window.h"
#include "decode/linux_sched.h"

#ifndef XB_LINUX_FORMATS
#error "XB_LINUX_FORMATS: the tests/linux/formats directory (tests/fuzz/meson.build)"
#endif

#define PAGE 4096u
#define NCPU 2u
#define MAX_PAGES 64u
#define MAX_WINDOWS 4096u      /* the work an input may make (see below) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define broken(...) xb_fuzz_broken("fuzz_linux_sched", __VA_ARGS__)


static uint64_t page_ts(const uint8_t *p, size_t len)
{
    uint64_t ts = 0;
    memcpy(&ts, p, len < 8 ? len : 8);
    return ts;
}

/* The pages of cpu as one memfd, mapped by the decoder. */
static void map_cpu(struct xb_lsched *d, unsigned cpu, const uint8_t *data,
                    size_t size, size_t first, size_t end)
{
    int fd = memfd_create("fuzz-cpu.raw", MFD_CLOEXEC);
    if (fd < 0)
        return;
    for (size_t i = first; i < end; i++) {
        size_t off = i * PAGE, n = size - off < PAGE ? size - off : PAGE;
        if (write(fd, data + off, n) != (ssize_t)n)
            break;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct xb_err err = { 0 };
    if (xb_lsched_map_file(d, cpu, path, &err))
        broken(NULL, err.msg, cpu, 0, 0);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint64_t intervals[4] = { XB_MIN_INTERVAL_NS, 50000000, 250000000, 0 };
    static struct xb_fuzz_check c;
    if (size < 1)
        return 0;
    uint8_t ctl = data[0];
    data++;
    size--;
    size_t npages = (size + PAGE - 1) / PAGE;
    if (npages > MAX_PAGES) {
        npages = MAX_PAGES;
        size = npages * PAGE;
    }
    size_t split = ctl & 15u;
    if (split > npages)
        split = npages;
    bool live = ctl & 0x40, mapped = !live && (ctl & 0x80);

    uint64_t t0 = UINT64_MAX;
    for (size_t i = 0; i < npages; i++) {
        uint64_t ts = page_ts(data + i * PAGE, size - i * PAGE);
        if (ts < t0)
            t0 = ts;
    }
    if (t0 == UINT64_MAX)
        t0 = 0;

    /* Cap the work, not the check: windows no shorter than 1/MAX_WINDOWS
     * of the pages' time span, every one of them checked. */
    uint64_t t1 = t0;
    for (size_t i = 0; i < npages; i++) {
        uint64_t ts = page_ts(data + i * PAGE, size - i * PAGE);
        if (ts != UINT64_MAX && ts > t1)
            t1 = ts;
    }
    uint64_t interval = intervals[(ctl >> 4) & 3];
    if (interval && (t1 - t0) / MAX_WINDOWS > interval)
        interval = (t1 - t0) / MAX_WINDOWS;

    struct xb_err err = { 0 };
    struct xb_lsched *d;
    if (xb_lsched_new(&d, XB_LINUX_FORMATS, NCPU, PAGE, t0, &err))
        broken(NULL, err.msg, 0, 0, 0);
    c = (struct xb_fuzz_check){ .name = "fuzz_linux_sched", .max_npcpu = NCPU,
                                 .interval = interval };
    struct xb_engine *e = xb_engine_new(NCPU, c.interval, xb_fuzz_on_window, &c);
    if (!e)
        abort();
    for (unsigned i = 0; i < NCPU; i++)
        xb_engine_pcpu_start(e, i, 0);
    if (xb_lsched_domain(d, 1, false) || xb_lsched_domain(d, 2, true))
        abort();
    for (pid_t t = 1; t <= 4; t++)
        xb_lsched_thread(d, t, 1, (uint32_t)t - 1);
    xb_lsched_thread(d, 5, 2, 0);
    xb_lsched_thread(d, 6, 2, 1);
    xb_lsched_thread(d, 7, 2, XB_VCPU_EMU);
    xb_lsched_seed_blocked(d, e, 2, 0);
    xb_lsched_seed_blocked(d, e, 6, 1);

    int rc = 0;
    size_t pages_of[NCPU] = { split, npages - split };
    if (mapped) {
        map_cpu(d, 0, data, size, 0, split);
        map_cpu(d, 1, data, size, split, npages);
    } else {
        for (size_t i = 0; i < npages && rc >= 0; i++) {
            size_t off = i * PAGE, n = size - off < PAGE ? size - off : PAGE;
            int r = xb_lsched_add_page(d, i < split ? 0 : 1, data + off, n);
            if (r)
                broken(NULL, "add_page refused a page", (unsigned)i, 0, (uint64_t)-r);
            if (live && (rc = xb_lsched_drain(d, e, page_ts(data + off, n), &err)))
                break;
        }
    }
    if (!rc)
        rc = xb_lsched_drain(d, e, UINT64_MAX, &err);
    /* The engine stopping at its window limit is its documented answer to
     * events far past the pages' own times (time extends): the reader
     * names the input and exits 2 (pipeline.c); every window before was
     * checked.  Any other error is a defect. */
    if (rc < 0 && rc != XB_ENGINE_TOO_MANY_WINDOWS)
        broken(NULL, err.msg, 0, 0, (uint64_t)-rc);
    uint64_t last = xb_lsched_last_ns(d);
    if (!rc && (rc = xb_engine_finish(e, last < UINT64_MAX ? last + 1 : last)) < 0)
        broken(NULL, "finish failed", 0, 0, 0);

    /* the decoder's own promises */
    for (unsigned i = 0; i < NCPU; i++)
        if (xb_lsched_lost_pages(d, i) > pages_of[i])
            broken(NULL, "more lost pages than pages", i, 0, xb_lsched_lost_pages(d, i));
    if (xb_lsched_events(d) > size / 8)
        broken(NULL, "more events than records fit", 0, 0, xb_lsched_events(d));
    /* Repairs on one CPU cover times that do not overlap (each from the
     * CPU's last traced switch), so they fit the CPUs' time; and what an
     * unbounded repair covers has no known occupant. */
    const struct xb_lsched_repairs *rp = xb_lsched_repairs(d);
    if (!rc && rp->bounded_ns + rp->unbounded_ns > NCPU * (last + 1))
        broken(NULL, "repairs cover more than the CPUs' time", 0, 0,
               rp->bounded_ns + rp->unbounded_ns);
    if (!rc && rp->unbounded_ns > xb_engine_stats(e)->pcpu_unknown_ns)
        broken(NULL, "unbounded repairs' time not pCPU-unknown", 0, 0, rp->unbounded_ns);
    const char *warn = xb_lsched_warning(d);
    if (warn && strlen(warn) >= 512)
        broken(NULL, "warning too long", 0, 0, strlen(warn));
    xb_engine_free(e);
    xb_lsched_free(d);
    return 0;
}
