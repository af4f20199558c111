/* procfs_sampler.h: /proc/PID/io, statm, cgroup blkio/io.stat and
 * /proc/diskstats sampled verbatim (format in procfs_sampler.c). */
#ifndef XB_PROCFS_SAMPLER_H
#define XB_PROCFS_SAMPLER_H

#include "source/sampler.h"

extern const struct xb_sampler xb_procfs_sampler;

#endif
