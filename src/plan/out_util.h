/* out_util.h: small output helpers shared by the planner's formats. */
#ifndef XB_OUT_UTIL_H
#define XB_OUT_UTIL_H

#include <stdio.h>

enum xb_format { XB_FMT_TABLE, XB_FMT_CSV, XB_FMT_JSON };

/* "table", "csv", "json" -> format; -1 otherwise. */
int xb_format_parse(const char *s, enum xb_format *f);
/* A CSV field, quoted only when it must be (RFC 4180). */
void xb_csv_field(FILE *f, const char *s);
/* A number for CSV ("" for NAN) with printf precision prec. */
void xb_csv_num(FILE *f, double v, int prec);
/* Seconds since 1970 as ISO 8601 UTC ("2000-01-01T00:00:10Z"). */
void xb_utc_text(double t, char *buf, size_t len);

#endif
