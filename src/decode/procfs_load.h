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

#include <stdio.h>

#include "account/counters.h"

int xb_procfs_load(const char *path, const struct xb_timebase *tb,
                   struct xb_counters *c, struct xb_err *err);

/* The same from an open stream (top: samples kept in memory); path names it
 * in errors. */
int xb_procfs_load_stream(FILE *f, const char *path, const struct xb_timebase *tb,
                          struct xb_counters *c, struct xb_err *err);

#endif
