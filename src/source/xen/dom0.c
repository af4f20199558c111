/* dom0.c: dom0 detection from /proc/xen/capabilities and /sys/hypervisor.
 * It must not use Xen's control interface for anything else. */
#include "dom0.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "source/record.h"

/* First line of a small file into buf ("" when unreadable). */
static void read_line(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

bool xb_xen_is_dom0(void)
{
    char caps[256];
    read_line("/proc/xen/capabilities", caps, sizeof caps);
    return strstr(caps, "control_d") != NULL;
}

int xb_xen_check_dom0(struct xb_err *err)
{
    char hv[64];
    read_line("/sys/hypervisor/type", hv, sizeof hv);
    if (!xb_xen_is_dom0()) {
        if (strcmp(hv, "xen") != 0)
            return xb_err_set(err, -ENODEV, "not a Xen dom0: no Xen hypervisor "
                              "under this kernel (/sys/hypervisor/type %s%s%s); "
                              "use --source linux", hv[0] ? "says \"" : "is absent",
                              hv, hv[0] ? "\"" : "");
        if (access("/proc/xen/capabilities", F_OK) != 0)
            return xb_err_set(err, -ENODEV, "not usable as a Xen dom0: /proc/xen "
                              "is not mounted (mount -t xenfs xenfs /proc/xen), "
                              "or this is a domU");
        return xb_err_set(err, -ENODEV, "this is a Xen guest (domU), not dom0: "
                          "trace buffers and domain statistics are only "
                          "reachable from dom0");
    }
    if (geteuid() != 0)
        return xb_err_set(err, -EACCES, "recording on Xen needs root (the "
                          "trace buffers and libxenstat use /dev/xen/privcmd)");
    return 0;
}
