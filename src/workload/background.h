/* background.h: a command run alongside a measurement.
 *
 * Starts a command in its own process group (so a terminal's Ctrl-C reaches
 * only xenbench, and stopping it reaches every process it started), with
 * stdin from /dev/null and stdout+stderr into a log file; waits until it is
 * ready; stops it with SIGINT, then SIGTERM, then SIGKILL.  Used by
 * `xenbench overhead` (the recorder or --while COMMAND) and by `bench`.
 */
#ifndef XB_BACKGROUND_H
#define XB_BACKGROUND_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

struct xb_bg {
    pid_t pid;            /* leader and process group id; 0: not running */
    int status;           /* wait status once reaped */
    bool reaped;
    double t_start, t_end;   /* CLOCK_MONOTONIC s: spawned, reaped */
    double cpu_s;         /* user + system CPU of it and the children it
                           * waited for (wait4), once reaped */
    char log[4096];       /* where its output goes */
    char what[256];       /* for messages: the command line */
};

/* argv[0] is run as given (execv, no PATH search).  Returns 0 or a negative
 * code with err set (fork, exec or log failures). */
int xb_bg_start(struct xb_bg *bg, char *const argv[], const char *log,
                struct xb_err *err);
/* "/bin/sh -c COMMAND". */
int xb_bg_start_shell(struct xb_bg *bg, const char *command, const char *log,
                      struct xb_err *err);

/* Wait until the log holds ready_text (if not NULL) or ready_file exists (if
 * not NULL), up to timeout_s; with both NULL, just check it is still running
 * after timeout_s.  Fails with the end of the log in the message when the
 * command exits first or never becomes ready.  *stop (may be NULL) set by a
 * signal handler ends the wait early with -EINTR. */
int xb_bg_wait_ready(struct xb_bg *bg, const char *ready_text,
                     const char *ready_file, double timeout_s,
                     const volatile sig_atomic_t *stop, struct xb_err *err);

/* True while the leader has not exited. */
bool xb_bg_running(struct xb_bg *bg);

/* CPU time so far (user and system, ns-exact from each thread's
 * /proc/PID/task/TID/schedstat) of every live process of its group: take
 * it before and after a measurement for the CPU the command used
 * meanwhile.  0 once reaped. */
double xb_bg_group_cpu_s(const struct xb_bg *bg);

/* SIGINT to the group; after int_s SIGTERM; after term_s more SIGKILL.
 * Reaps the leader and waits for the rest of the group to be gone.
 * Returns the signal that ended it (SIGINT, SIGTERM or SIGKILL), 0 if it had
 * already exited. */
int xb_bg_stop(struct xb_bg *bg, double int_s, double term_s);

/* The last bytes of the log (at most len - 1), for messages. */
void xb_bg_log_tail(const struct xb_bg *bg, char *buf, size_t len);
void xb_log_tail(const char *path, char *buf, size_t len);

/* Remove a folder and everything in it (temporary run folders). */
int xb_rm_tree(const char *path);

/* Sleep for s seconds (restarting after signals unless *stop is set). */
void xb_sleep_s(double s, const volatile sig_atomic_t *stop);

#endif
