/* presenter.c: what every presenter reads off a run the same way
 * (presenter.h): the blocked time of a domain, by the rule of
 * docs/metrics.md ("Rows and columns").  It must not add up time itself
 * (account/window.h does) nor print. */
#include "presenter.h"

#include <string.h>

#include "account/window.h"

bool xb_run_linux(const struct xb_run_info *info)
{
    return info->source && strcmp(info->source, "linux") == 0;
}

bool xb_run_dom_is_vm(const struct xb_run_info *info, uint32_t domid)
{
    return info->vm && domid < info->nvm && info->vm[domid];
}

uint64_t xb_run_dom_blocked(const struct xb_run_info *info, const struct xb_window *w,
                            const struct xb_domain_acc *d, unsigned col)
{
    if (!xb_run_linux(info) || d->domid == XB_IDLE_DOMID) {
        struct xb_acc a;
        xb_window_dom_sum(w, d, -1, col, &a);
        return a.ns[XB_BLOCKED];
    }
    return xb_window_dom_blocked(w, d, col, xb_run_dom_is_vm(info, d->domid));
}
