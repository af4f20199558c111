/* parse.h: strict parsing of the numbers, dates and durations the planner
 * reads from catalogue files, importers' inputs and its options. */
#ifndef XB_PLAN_PARSE_H
#define XB_PLAN_PARSE_H

#include <stdbool.h>

/* A finite decimal number, nothing else (surrounding blanks allowed). */
int xb_parse_num(const char *s, double *v);
/* The number at the start of s ("8 GiB" -> 8); *rest points after it. */
int xb_parse_lead_num(const char *s, double *v, const char **rest);
/* A whole number >= 1. */
int xb_parse_count(const char *s, unsigned *v);
/* YYYY-MM-DD, a real calendar date. */
bool xb_is_date(const char *s);
/* A look-back: "14d", "36h", "90m", "600s", "2w" -> seconds; "all" -> 0. */
int xb_parse_lookback(const char *s, double *seconds);
/* A percentile in (0, 100]: "95", "99.5", "p99.5", "P99_5". */
int xb_parse_percentile(const char *s, double *p);
/* A headroom: "30%", "30" (percent) -> 0.30; 0 .. 1000 %. */
int xb_parse_headroom(const char *s, double *fraction);

#endif
