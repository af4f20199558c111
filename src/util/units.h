/* units.h: parsing of rates and durations given on the command line. */
#ifndef XB_UNITS_H
#define XB_UNITS_H

#include <stdint.h>

/* "2596138000", "2596.138M", "2.6G", "2596138k": Hz, rounded to whole Hz.
 * Returns 0, or -1 for anything else (empty, negative, zero, trailing junk). */
int xb_parse_hz(const char *s, uint64_t *hz);

/* "1", "0.5", "250ms", "2s": seconds as nanoseconds, > 0. */
int xb_parse_seconds(const char *s, uint64_t *ns);

#endif
