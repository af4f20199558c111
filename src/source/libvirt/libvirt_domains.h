/* libvirt_domains.h: the running libvirt guests of this host as entries of
 * the Linux domain map (source/domain_map.h). */
#ifndef XB_LIBVIRT_DOMAINS_H
#define XB_LIBVIRT_DOMAINS_H

#include "source/domain_map.h"
#include "util/err.h"

/* Append every running libvirt
 * domain (name, UUID, QEMU pid, vCPU threads from QMP query-cpus-fast, the
 * other threads as emulator).  Returns the number added (0: libvirtd answers
 * but runs no domain), or a negative code with err set when libvirtd does not
 * answer. */
int xb_libvirt_discover(struct xb_domain_map *out, struct xb_err *err);

#endif
