/* err.h: one error message per failing call.
 *
 * Functions that can fail return 0 or a negative errno-style code and fill a
 * caller-provided struct xb_err once, at the place that knows the context
 * (file, byte offset, field).  main() prints it and maps it to the exit status.
 */
#ifndef XB_ERR_H
#define XB_ERR_H

#include <stdarg.h>

/* Exit statuses of the xenbench command (documented in man/xenbench.1). */
enum {
    XB_EXIT_OK = 0,
    XB_EXIT_FAIL = 1,     /* environment: I/O error, out of memory */
    XB_EXIT_INPUT = 2,    /* bad input or usage: the message says where */
};

/* Error codes returned below main (negated). */
enum {
    XB_EINPUT = 1000,     /* malformed input: message names file and offset */
    XB_EUSAGE = 1001,     /* bad option value */
};

struct xb_err {
    int code;             /* negative code of the first error, 0 if none */
    char msg[512];
};

/* Record the first error; later calls do not overwrite it.  Returns code. */
int xb_err_set(struct xb_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* What a code means, for a caller whose callee returned a code without
 * filling err: "out of memory" only for -ENOMEM. */
const char *xb_err_describe(int code);
/* Fill err from code when nothing filled it yet (never relabels an error);
 * returns code. */
int xb_err_ensure(struct xb_err *err, int code);

/* Map an error code to the process exit status. */
int xb_err_exit_status(int code);

#endif
