/* xentrace.h: reader of the files Xen's xentrace writes (Xen 4.17 layout).
 *
 * A file is a sequence of windows, each a CPU_CHANGE record
 * {0x2001f003, cpu, window_size} followed by window_size bytes of that CPU's
 * raw trace records; no file header, CPUs not merged.  The reader maps the
 * file, checks every window header once, then hands out the records of all
 * CPUs merged by TSC, keeping one cursor per CPU (memory does not grow with
 * the file).  Event ids come from <xen/trace.h>.
 */
#ifndef XB_XENTRACE_H
#define XB_XENTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define XB_XT_MAX_CPUS 4096

/* Pseudo-records the reader adds (not Xen event ids; class TRC_GEN):
 *  - a TRC_LOST_RECORDS notice is handed out twice: as TRC_LOST_RECORDS at
 *    the TSC where dropping began (its first_tsc, as xenalyze orders it),
 *    and as XB_XT_LOST_RECORDS_END, with the same payload, at its own TSC;
 *  - XB_XT_CPU_END at the TSC of a CPU's last record, once its records end.
 * Both only when a filter is set and wants them. */
#define XB_XT_LOST_RECORDS_END 0x0001fffeu
#define XB_XT_CPU_END 0x0001ffffu

struct xb_xrec {
    uint64_t tsc;            /* own TSC, or the previous record's on its CPU */
    uint64_t offset;         /* byte offset of the record in the file */
    uint32_t event;          /* TRC_HD_TO_EVENT of the header */
    uint32_t cpu;
    uint32_t nextra;
    bool has_tsc;
    bool split;              /* TRC_LOST_RECORDS handed out at first_tsc: its
                                XB_XT_LOST_RECORDS_END follows */
    uint32_t extra[7];
};

struct xb_xtrace;

/* Which records next() returns: those whose event id matches one entry,
 * (event & mask) == value; a NULL filter means all.  A table rather than a
 * callback: the reader tests it inline on every record it walks (most are
 * not wanted), and still walks and checks every record. */
struct xb_xt_match {
    uint32_t mask, value;
};
struct xb_xt_filter {
    const struct xb_xt_match *match;
    unsigned n;
};

static inline bool xb_xt_wanted(const struct xb_xt_filter *f, uint32_t event)
{
    if (!f)
        return true;
    for (unsigned i = 0; i < f->n; i++)
        if ((event & f->match[i].mask) == f->match[i].value)
            return true;
    return false;
}

int xb_xtrace_open(struct xb_xtrace **out, const char *path, struct xb_err *err);
/* The same over a caller's buffer, which must outlive the reader. */
int xb_xtrace_open_mem(struct xb_xtrace **out, const void *buf, size_t len,
                       const char *name, struct xb_err *err);
void xb_xtrace_close(struct xb_xtrace *t);

void xb_xtrace_set_filter(struct xb_xtrace *t, const struct xb_xt_filter *want);
/* How far a CPU's TSC may step back before the file counts as damaged;
 * smaller steps are clamped to the previous TSC. */
void xb_xtrace_set_tsc_tolerance(struct xb_xtrace *t, uint64_t ticks);
/* How far a CPU's TSC may jump forward from its previous record, and a
 * CPU's first TSC lie after the earliest CPU's, before the file counts as
 * damaged (0: no limit); what says it in seconds (at rate hz) names them. */
void xb_xtrace_set_max_jump(struct xb_xtrace *t, uint64_t ticks, uint64_t hz);

/* 1: *rec filled; 0: end of trace; <0: damaged file (err says where). */
int xb_xtrace_next(struct xb_xtrace *t, struct xb_xrec *rec, struct xb_err *err);

unsigned xb_xtrace_ncpu(const struct xb_xtrace *t);
uint64_t xb_xtrace_records(const struct xb_xtrace *t);     /* walked so far */
uint64_t xb_xtrace_lost(const struct xb_xtrace *t, unsigned cpu);   /* records */
uint64_t xb_xtrace_lost_notices(const struct xb_xtrace *t, unsigned cpu);
/* Earliest TSC of any CPU (valid after the first next()), and the latest
 * TSC walked so far. */
uint64_t xb_xtrace_first_tsc(const struct xb_xtrace *t);
uint64_t xb_xtrace_last_tsc(const struct xb_xtrace *t);
/* First TSC of one CPU's records; false if it has none. */
bool xb_xtrace_cpu_first_tsc(const struct xb_xtrace *t, unsigned cpu,
                             uint64_t *tsc);
/* Non-NULL when the file ends inside a window or record: what was cut. */
const char *xb_xtrace_warning(const struct xb_xtrace *t);

#endif
