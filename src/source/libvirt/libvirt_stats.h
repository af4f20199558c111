/* libvirt_stats.h: the libvirt counters sampler (virConnectGetAllDomainStats
 * each interval, written verbatim; format in decode/libvirt_stats_load.h). */
#ifndef XB_LIBVIRT_STATS_H
#define XB_LIBVIRT_STATS_H

#include "source/sampler.h"

extern const struct xb_sampler xb_libvirt_sampler;

#endif
