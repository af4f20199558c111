/* format.h: output formats (--format parsing) and the CSV field writer every
 * CSV output uses. */
#ifndef XB_UTIL_FORMAT_H
#define XB_UTIL_FORMAT_H

#include <stddef.h>
#include <stdio.h>

enum xb_format { XB_FMT_TABLE, XB_FMT_CSV, XB_FMT_JSON, XB_FMT_HTML };

/* "table", "csv", "json" -> format; -1 otherwise. */
int xb_format_parse(const char *s, enum xb_format *f);
/* The same, and "html" (commands with a page to share: plan, place). */
int xb_format_parse_html(const char *s, enum xb_format *f);
/* A CSV field, quoted only when it must be (RFC 4180). */
void xb_csv_field(FILE *f, const char *s);
/* s on one line: backslash and line feed written as \\ and \n (libvirt's
 * domstats text, Prometheus HELP text). */
void xb_fputs_escaped(FILE *f, const char *s);
/* A number for CSV ("" for NAN) with printf precision prec. */
void xb_csv_num(FILE *f, double v, int prec);
/* Seconds since 1970 as ISO 8601 UTC ("2000-01-01T00:00:10Z"). */
void xb_utc_text(double t, char *buf, size_t len);
/* The same to the millisecond ("2000-01-01T00:00:10.250Z"); "" for NAN. */
void xb_utc_text_ms(double t, char *buf, size_t len);

#endif
