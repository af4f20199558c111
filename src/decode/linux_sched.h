/* linux_sched.h: Linux scheduler events (raw tracefs ring-buffer pages) ->
 * the accounting engine's transitions.
 *
 * Pages of each CPU come from a run folder's tracefs/cpuN.raw (mapped) or,
 * live, from the capture; events of all CPUs are merged by time.  A thread
 * is one engine vCPU of its domain (source/linux/domains.h); the idle task
 * of CPU n is vCPU n of the idle domain; a thread of no domain belongs to
 * the host (domain 0), a thread created during the recording to its
 * parent's domain.  Mapping:
 *   sched_switch prev: running -> runnable (prev_state R, preempted),
 *                      offline (X/Z: it exited), else blocked (S, D, ...);
 *   sched_switch next: -> running on that CPU;
 *   sched_wakeup(_new): blocked -> runnable, queued on target_cpu (ignored
 *                       for a thread already running or runnable);
 *   a page with missed events (or a damaged page): a lost-records gap on
 *     that CPU from its last event before to its first after
 *     (xb_engine_lost_begin/_end);
 *   a switch-out of a thread while another held that CPU: the kernel did
 *     not trace a switch (seen on this project's machines, mostly from
 *     idle).  It is put back no earlier than the thread's last event of
 *     any kind (wake-up, switch-in or -out, on any CPU) and the other's
 *     start there; the other, unless idle, leaves into unknown.  Nothing
 *     known of the thread: the time since the other's start is unknown
 *     for both and for the CPU (an unbounded repair);
 *   a switch-in of a blocked thread: its wake-up was not traced; it is
 *     taken to have run as soon as woken;
 *   sched_process_fork of a tid already known: a new thread of the
 *     parent's domain (or the host), never the exited one's; an exited
 *     thread seen again without a fork: a new host thread.
 */
#ifndef XB_LINUX_SCHED_H
#define XB_LINUX_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "account/engine.h"
#include "util/err.h"

struct xb_lsched;

/* formats_dir holds header_page and sched-EVENT.format (tracefs_capture);
 * t0 is the CLOCK_MONOTONIC ns that maps to engine time 0. */
int xb_lsched_new(struct xb_lsched **out, const char *formats_dir, unsigned ncpu,
                  size_t page_size, uint64_t t0, struct xb_err *err);
void xb_lsched_free(struct xb_lsched *d);

/* Declare a domain (qemu: new threads are emulator threads) and a thread. */
int xb_lsched_domain(struct xb_lsched *d, uint32_t domid, bool qemu);
int xb_lsched_thread(struct xb_lsched *d, pid_t tid, uint32_t domid, uint32_t vcpu);
/* A thread asleep (blocked) on cpu at engine time 0. */
int xb_lsched_seed_blocked(struct xb_lsched *d, struct xb_engine *e, pid_t tid,
                           unsigned cpu);

/* Pages: a run folder's cpuN.raw file (read a chunk of pages at a time as
 * the decoding needs them: memory does not grow with the file), or a copy
 * of one live page.  Called again for the same CPU: the next segment of a
 * ring run, read once the one before ends.  A damaged page is skipped and told in the warning
 * once the decoding has reached it (a file's partial last page at once). */
int xb_lsched_map_file(struct xb_lsched *d, unsigned cpu, const char *path,
                       struct xb_err *err);
int xb_lsched_add_page(struct xb_lsched *d, unsigned cpu, const void *page,
                       size_t len);
/* strict: a damaged page is an error of drain() (naming file and offset)
 * instead of a skipped page. */
void xb_lsched_set_strict(struct xb_lsched *d, bool strict);

/* Feed the engine every event with a time <= upto (CLOCK_MONOTONIC ns;
 * UINT64_MAX: all).  Returns 0, a window callback's non-zero result, or a
 * negative error. */
int xb_lsched_drain(struct xb_lsched *d, struct xb_engine *e, uint64_t upto,
                    struct xb_err *err);

/* The run was cut short (no stop time): once a CPU's pages are used up,
 * what ran there is unknown from its last event (xb_engine_pcpu_end). */
void xb_lsched_set_cut(struct xb_lsched *d);
/* An event more than a second before t0 or after t_stop (0: not known;
 * CLOCK_MONOTONIC ns) is not this recording's: drain fails, naming the
 * file and page. */
void xb_lsched_set_bounds(struct xb_lsched *d, uint64_t t0, uint64_t t_stop);
/* A ring run (record --max-size --ring): events before from (CLOCK_MONOTONIC
 * ns, the span every CPU's kept pages cover) are skipped, and counted. */
void xb_lsched_set_from(struct xb_lsched *d, uint64_t from);
/* A live decoder: events are applied 200 ms behind the newest one read
 * (a folder's: up to 2 s while few are held), so that windows finish soon
 * after their end. */
void xb_lsched_set_live(struct xb_lsched *d);
uint64_t xb_lsched_skipped(const struct xb_lsched *d);

/* Counts so far. */
uint64_t xb_lsched_events(const struct xb_lsched *d);
/* What the decoder inferred, so far. */
struct xb_lsched_repairs {
    uint64_t bounded, bounded_ns;     /* untraced switches put back, and the
                                         running time they gave */
    uint64_t unbounded, unbounded_ns; /* untraced switches nothing bounded:
                                         time made unknown */
    uint64_t implied_wakeups;         /* switch-ins of a blocked thread */
    uint64_t reused_tids;             /* known tids that became new threads */
};
const struct xb_lsched_repairs *xb_lsched_repairs(const struct xb_lsched *d);
/* Untraced switches put back (bounded or not). */
uint64_t xb_lsched_repaired(const struct xb_lsched *d);
/* Switch-ins of a blocked thread whose wake-up was not traced. */
uint64_t xb_lsched_implied_wakeups(const struct xb_lsched *d);
uint64_t xb_lsched_lost(const struct xb_lsched *d, unsigned cpu);   /* events */
uint64_t xb_lsched_lost_pages(const struct xb_lsched *d, unsigned cpu);
uint64_t xb_lsched_last_ns(const struct xb_lsched *d);  /* engine time */
const char *xb_lsched_warning(const struct xb_lsched *d);

#endif
