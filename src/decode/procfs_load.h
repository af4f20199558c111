/* procfs_load.h: the procfs sampler's file (procfs.txt) -> counter series:
 * per domain disk_read_bytes / disk_write_bytes (sum of /proc/PID/io over
 * its processes; a process that ended keeps its last value), mem_bytes
 * (resident set of its live processes), and per host block device "dev:NAME"
 * the /proc/diskstats fields dev_reads, dev_read_sectors, dev_read_ms,
 * dev_writes, dev_write_sectors, dev_write_ms, dev_io_ms, dev_weighted_ms.
 * The cgroup blkio/io.stat blocks are kept in the file but not used (v1
 * blkio reads 0 without a throttle rule; docs/linux-recording.md).
 * A domain whose disk or memory series another source already loaded
 * (libvirt's block stats and balloon) keeps those: procfs adds none. */
#ifndef XB_PROCFS_LOAD_H
#define XB_PROCFS_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "account/counters.h"

/* Damage in procfs.txt, as a damaged trace is treated: lines the sampler
 * never writes (not text, a bad block header, a line that is not what its
 * block holds, time stepping back) are skipped with the rest of their block,
 * and a last line without its end (a recording cut short) is ignored; the
 * figures come from what is left.  The first place and the count are kept
 * for one warning (`--strict` makes it an error). */
struct xb_procfs_damage {
    unsigned long long lines;       /* damaged lines */
    long long offset;               /* byte offset of the first */
    unsigned long line;             /* its line number */
    char why[160];
    bool cut;                       /* the last line has no end */
    long long cut_offset;
    unsigned long cut_line;
};

/* The warning: "FILE: byte offset N (line L): WHY: skipped", or the count
 * of damaged lines and the first, and the cut-short last line; "" if none. */
void xb_procfs_damage_warning(const struct xb_procfs_damage *d, const char *path,
                           char *buf, size_t len);

/* xb_procfs_load: damage is an error naming the file, offset and line;
 * _checked: damage is skipped and said in *dmg (NULL: not said: top's
 * samples in memory, where /proc may hold a line this version does not
 * know). */
int xb_procfs_load(const char *path, const struct xb_timebase *tb,
                   struct xb_counters *c, struct xb_err *err);
int xb_procfs_load_checked(const char *path, const struct xb_timebase *tb,
                           struct xb_counters *c, struct xb_procfs_damage *dmg,
                           struct xb_err *err);

/* The same from an open stream (top: samples kept in memory); path names it
 * in errors. */
int xb_procfs_load_stream(FILE *f, const char *path, const struct xb_timebase *tb,
                          struct xb_counters *c, struct xb_err *err);
int xb_procfs_load_stream_checked(FILE *f, const char *path,
                                  const struct xb_timebase *tb, struct xb_counters *c,
                                  struct xb_procfs_damage *dmg, struct xb_err *err);

#endif
