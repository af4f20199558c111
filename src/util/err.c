/* err.c: filling struct xb_err and mapping codes to exit statuses.  It owns
 * the first-error-wins rule and the exit statuses; it must not print. */
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int xb_err_set(struct xb_err *err, int code, const char *fmt, ...)
{
    if (err && err->code == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

const char *xb_err_describe(int code)
{
    if (code == -XB_EINPUT)
        return "bad input";
    if (code == -XB_EUSAGE)
        return "bad usage";
    if (code == -ENOMEM)
        return "out of memory";
    return code < 0 ? strerror(-code) : "failed";
}

int xb_err_ensure(struct xb_err *err, int code)
{
    if (code && err && err->code == 0)
        xb_err_set(err, code, "%s", xb_err_describe(code));
    return code;
}

int xb_err_exit_status(int code)
{
    if (code == 0)
        return XB_EXIT_OK;
    if (code == -XB_EINPUT || code == -XB_EUSAGE)
        return XB_EXIT_INPUT;
    return XB_EXIT_FAIL;
}
