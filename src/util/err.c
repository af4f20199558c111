/* err.c: filling struct xb_err and mapping codes to exit statuses. */
#include "err.h"

#include <stdio.h>

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

int xb_err_exit_status(int code)
{
    if (code == 0)
        return XB_EXIT_OK;
    if (code == -XB_EINPUT || code == -XB_EUSAGE)
        return XB_EXIT_INPUT;
    return XB_EXIT_FAIL;
}
