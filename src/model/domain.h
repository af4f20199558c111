/* domain.h: what a domain is, for every layer of xenbench.
 *
 * A domain is a Xen VM, a libvirt guest, a QEMU process, a cgroup or a
 * process; the engine charges time to its vCPUs.  This header owns the ids
 * every layer agrees on, the kinds and the instance rule; it must not know
 * how a source finds domains or how time is charged.
 *
 * Ids: on Xen, the domid (0 is Domain-0); on Linux, 0 is the host (every
 * task in no domain) and 1.. the domains in the order discovered.  32767 is
 * the idle domain on both.  A domid that is reused (a domain destroyed and
 * another created with its id) is a new instance: "3#1" is the second
 * domain that had id 3.
 *
 * vCPU indexes: a vCPU's own index; from XB_VCPU_EMU on, a domain's other
 * threads (a QEMU process's I/O threads and main loop), shown together as
 * the "emulator" pseudo-vCPU.
 */
#ifndef XB_MODEL_DOMAIN_H
#define XB_MODEL_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XB_HOST_DOMID 0u
#define XB_IDLE_DOMID 0x7fffu
#define XB_VCPU_EMU 1000u
/* The largest vCPU index a domain may have (Xen's are 16-bit; a Linux
 * domain's threads are numbered in order). */
#define XB_MAX_VCPU_ID 65535u

/* Kinds of Linux domains (domains.json "kind"): "libvirt", "qemu",
 * "cgroup", "process".  A libvirt or QEMU domain is a VM: its threads named
 * "CPU n/KVM" or "CPU n/TCG" are its vCPUs, the others its emulator. */
bool xb_kind_is_vm(const char *kind);

/* "3", or "3#1" for the second domain that reused domid 3. */
void xb_domain_label(uint32_t domid, uint32_t instance, char *buf, size_t len);

/* Domain identity: a domid keeps its instance while its UUID stays the same
 * and it is seen in every reading; a new UUID, or the domid coming back
 * after a reading without it, is the next instance (a reuse of the domid),
 * as the engine numbers a domid re-added after DOM_REM. */
struct xb_domid_track {
    char uuid[65536][37];
    uint32_t instance[65536];
    uint32_t seen_gen[65536];   /* reading number the domid was last seen in */
    bool known[65536];
    uint32_t gen;               /* number of the current reading, from 1 */
};

/* Start a new reading (call once per sample, before xb_domid_track_see). */
void xb_domid_track_next(struct xb_domid_track *t);
/* The instance of domid in the current reading; *is_new says whether this
 * (domid, instance) was not seen before. */
uint32_t xb_domid_track_see(struct xb_domid_track *t, uint32_t domid,
                            const char *uuid, bool *is_new);

#endif
