/* xentrace_child.h: --use-xentrace, Debian's xentrace run as a child
 * process for comparison with the built-in capture (tbuf.h). */
#ifndef XB_XEN_XENTRACE_CHILD_H
#define XB_XEN_XENTRACE_CHILD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

struct xb_xentrace {
    pid_t pid;
    char cmd[512];             /* the command line, for the manifest */
    char log[4096];            /* where its stderr goes */
};

/* Start `xentrace -D -S pages -e 0xMASK trace` with stderr to log. */
int xb_xentrace_start(struct xb_xentrace *x, const char *trace, const char *log,
                      unsigned pages, uint32_t evt_mask, struct xb_err *err);

/* True while it runs; when it has exited, fills err with its last message. */
bool xb_xentrace_alive(struct xb_xentrace *x, struct xb_err *err);

/* SIGINT (it disables tracing and writes what is left), wait up to
 * timeout_s, then SIGKILL.  Returns 0 when it exited 0. */
int xb_xentrace_stop(struct xb_xentrace *x, int timeout_s, struct xb_err *err);

#endif
