/* dom0.h: is this host a Xen dom0, and if not, why not (for the message). */
#ifndef XB_XEN_DOM0_H
#define XB_XEN_DOM0_H

#include "util/err.h"

/* 0 when this is a dom0 with the Xen control interfaces usable by this
 * process (root, /proc/xen mounted, control_d); else -ENODEV or -EACCES with
 * err saying what is missing and how to get it. */
int xb_xen_check_dom0(struct xb_err *err);

#endif
