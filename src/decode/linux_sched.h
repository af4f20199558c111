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
 *   a page with missed events: a lost-records gap on that CPU;
 *   a switch-out of a thread while another held that CPU: the kernel did
 *     not trace a switch (seen on this project's machines, mostly from
 *     idle); it is put back at the thread's wake-up onto that CPU, else
 *     when the other began there;
 *   a switch-in of a blocked thread: its wake-up was not traced; it is
 *     taken to have run as soon as woken.
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

/* Pages: map a whole cpuN.raw file, or copy one live page. */
int xb_lsched_map_file(struct xb_lsched *d, unsigned cpu, const char *path,
                       struct xb_err *err);
int xb_lsched_add_page(struct xb_lsched *d, unsigned cpu, const void *page,
                       size_t len);

/* Feed the engine every event with a time <= upto (CLOCK_MONOTONIC ns;
 * UINT64_MAX: all).  Returns 0, a window callback's non-zero result, or a
 * negative error. */
int xb_lsched_drain(struct xb_lsched *d, struct xb_engine *e, uint64_t upto,
                    struct xb_err *err);

/* Counts so far. */
uint64_t xb_lsched_events(const struct xb_lsched *d);
/* Switches from idle the kernel did not trace, put back by the decoder. */
uint64_t xb_lsched_repaired(const struct xb_lsched *d);
/* Switch-ins of a blocked thread whose wake-up was not traced. */
uint64_t xb_lsched_implied_wakeups(const struct xb_lsched *d);
uint64_t xb_lsched_lost(const struct xb_lsched *d, unsigned cpu);   /* events */
uint64_t xb_lsched_lost_pages(const struct xb_lsched *d, unsigned cpu);
uint64_t xb_lsched_last_ns(const struct xb_lsched *d);  /* engine time */
const char *xb_lsched_warning(const struct xb_lsched *d);

#endif
