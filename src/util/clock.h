/* clock.h: the clocks recorders stamp things with. */
#ifndef XB_CLOCK_H
#define XB_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in ns: the clock of tracefs "mono" and of every sample. */
uint64_t xb_mono_ns(void);
/* Wall-clock time now as ISO 8601 UTC with milliseconds
 * ("2026-11-25T23:55:58.123Z"). */
void xb_utc_now(char *buf, size_t len);
/* The same for unix_s seconds since the epoch. */
void xb_utc_format(double unix_s, char *buf, size_t len);

#endif
