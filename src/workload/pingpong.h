/* pingpong.h: an event-heavy load for `xenbench overhead`.
 *
 * Two threads hand one byte back and forth through two pipes for a given
 * time; each round trip blocks and wakes each thread once, so the load is
 * almost nothing but context switches and wake-ups -- what a scheduler
 * recorder pays for per event, and what LINPACK (a few events per second)
 * cannot show.  The figure is round trips per second.
 */
#ifndef XB_PINGPONG_H
#define XB_PINGPONG_H

#include "util/err.h"

/* Run the ping-pong for seconds; *rate: round trips per second.  Returns 0
 * or a negative code with err set (pipe, thread or I/O failure). */
int xb_pingpong_run(double seconds, double *rate, struct xb_err *err);

#endif
