/* libvirt_conn.c: the libvirt connection and error handling shared by the
 * domain discovery and the counters sampler.  It must not know what is asked
 * of libvirt. */
#include "libvirt_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <libvirt/virterror.h>

/* libvirt prints every error on stderr unless a handler is set. */
static void quiet(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

const char *xb_libvirt_last_error(void)
{
    const char *m = virGetLastErrorMessage();
    return m ? m : "unknown error";
}

virConnectPtr xb_libvirt_connect(char *uri, size_t len, struct xb_err *err)
{
    virSetErrorFunc(NULL, quiet);
    const char *u = getenv("LIBVIRT_DEFAULT_URI");
    if (!u || !*u)
        u = "qemu:///system";
    snprintf(uri, len, "%s", u);
    virConnectPtr c = virConnectOpen(u);
    if (c)
        return c;
    virErrorPtr e = virGetLastError();
    int code = e ? e->code : VIR_ERR_OK;
    if (code == VIR_ERR_AUTH_FAILED || code == VIR_ERR_AUTH_CANCELLED ||
        code == VIR_ERR_AUTH_UNAVAILABLE || code == VIR_ERR_OPERATION_DENIED ||
        code == VIR_ERR_ACCESS_DENIED)
        xb_err_set(err, -ECONNREFUSED, "libvirt refused access (connect %s: %s)",
                   u, xb_libvirt_last_error());
    else
        xb_err_set(err, -ECONNREFUSED, "libvirtd is not running (connect %s: %s)",
                   u, xb_libvirt_last_error());
    return NULL;
}
