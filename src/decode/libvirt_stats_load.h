/* libvirt_stats_load.h: the libvirt counters file of a Linux run folder
 * (written by source/libvirt/libvirt_stats.c; manifest counters[] format
 * "libvirt") and its loader.
 *
 * The file is text, one sample after another; each sample is one
 * virConnectGetAllDomainStats reading, in the layout of
 * `virsh domstats --raw`, its values unaltered:
 *   # xenbench libvirt-domstats 1 uri=qemu:///system     (first line)
 *   # t_ns=T call_ns=D        T: CLOCK_MONOTONIC ns, midpoint of the call
 *   Domain: domid=1 uuid=UUID name='NAME'     domid "-": not in the map
 *     state.state=1
 *     cpu.time=13891509000
 *     block.count=1
 *     block.0.rd.bytes=512
 *     ...
 *   # end
 * Parameter lines start with two spaces; strings have "\" and newline
 * escaped as "\\" and "\n".  Other lines starting with "#" are comments.
 *
 * Loaded, per domain with a domid (entity xb_counters_domkey(domid, 0)):
 *   disk_read_bytes, disk_write_bytes    sum of block.N.rd.bytes / wr.bytes
 *   disk_read_ops, disk_write_ops        sum of block.N.rd.reqs / wr.reqs
 *   net_rx_bytes, net_tx_bytes           sum of net.N.rx.bytes / tx.bytes
 *   cpu_ns                               cpu.time
 *   mem_bytes (gauge)                    balloon.rss, else balloon.current (KiB x 1024)
 * each only when the reading has the fields it comes from (block.count or
 * net.count alone gives 0: a domain with no disk reads nothing).
 */
#ifndef XB_LIBVIRT_STATS_LOAD_H
#define XB_LIBVIRT_STATS_LOAD_H

#include <stdio.h>

#include "account/counters.h"
#include "util/err.h"

/* Load PATH into c.  A sample without its "# end" at the end of the file,
 * or a last line without its newline (a recording cut short), is skipped.
 * Errors name the file and line: -XB_EINPUT (bad layout, a number that is
 * not one, time going back, a domain twice in a sample), -ENOMEM, or
 * -errno when the file cannot be read. */
int xb_libvirt_stats_load(const char *path, const struct xb_timebase *tb,
                          struct xb_counters *c, struct xb_err *err);
/* The same from an open stream (top: samples kept in memory); path names it
 * in errors. */
int xb_libvirt_stats_load_stream(FILE *f, const char *path,
                                 const struct xb_timebase *tb,
                                 struct xb_counters *c, struct xb_err *err);

#endif
