/* parse.h: strict parsing of every number, rate, size, date and duration
 * xenbench reads from its options, scenario and catalogue files and
 * importers' inputs.  Each returns 0 or -1 and never prints: the caller
 * words the error with the option or field it came from. */
#ifndef XB_UTIL_PARSE_H
#define XB_UTIL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "2596138000", "2596.138M", "2.6G", "2596138k": Hz, rounded to whole Hz.
 * Returns 0, or -1 for anything else (empty, negative, zero, trailing junk). */
int xb_parse_hz(const char *s, uint64_t *hz);
/* A duration: a positive number and a unit us, ms, s (the default), m, h,
 * d or w: "1", "0.5", "250ms", "5m", "1h", "2d" -> seconds. */
int xb_parse_duration(const char *s, double *seconds);
/* The same within [min_s, max_s], as nanoseconds: 0, or -1 (not a
 * duration), -2 (below min_s), -3 (above max_s). */
int xb_parse_duration_in(const char *s, double min_s, double max_s, uint64_t *ns);
/* What was wrong with arg, for a message after the option or field name:
 * "'1us' is less than the minimum, 0.1 s (0.1 s to 1 h)"; rc is what
 * xb_parse_duration_in returned. */
void xb_duration_why(int rc, const char *arg, double min_s, double max_s,
                     char *buf, size_t len);
/* "0.1 s", "250 ms", "5 min", "1 h", "366 d": a duration as messages say it. */
void xb_duration_text(double s, char *buf, size_t len);
/* A duration as nanoseconds, 1 ns to 10^9 s. */
int xb_parse_seconds(const char *s, uint64_t *ns);
/* "4096", "64k", "10M", "1G" (binary multiples): bytes, > 0. */
int xb_parse_bytes(const char *s, uint64_t *bytes);
/* ISO 8601 UTC "2026-11-20T10:00:00Z" (fraction and +hh:mm allowed) ->
 * seconds since 1970. */
int xb_parse_utc(const char *s, double *unix_s);

/* A finite decimal number, nothing else (surrounding blanks allowed). */
int xb_parse_num(const char *s, double *v);
/* The number at the start of s ("8 GiB" -> 8); *rest points after it. */
int xb_parse_lead_num(const char *s, double *v, const char **rest);
/* A whole decimal number from 0 to max, digits only (no sign, no blanks). */
int xb_parse_uint(const char *s, uint64_t max, uint64_t *v);
/* A whole number >= 1. */
int xb_parse_count(const char *s, unsigned *v);
/* YYYY-MM-DD, a real calendar date. */
bool xb_is_date(const char *s);
/* A look-back: a duration with its unit ("14d", "36h", "90m", "600s", "2w")
 * -> seconds; "all" -> 0. */
int xb_parse_lookback(const char *s, double *seconds);
/* A look-back duration as above, or "0": seconds >= 0. */
int xb_parse_duration0(const char *s, double *seconds);
/* A percentile in (0, 100]: "95", "99.5", "p99.5", "P99_5". */
int xb_parse_percentile(const char *s, double *p);
/* A headroom: "30%", "30" (percent) -> 0.30; 0 .. 1000 %. */
int xb_parse_headroom(const char *s, double *fraction);

#endif
