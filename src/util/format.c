/* format.c: the output formats' names and the one CSV writer (see
 * format.h): every CSV field xenbench writes goes through xb_csv_field,
 * whose quoting is libcsv's.  It must not know what a field means. */
#include "format.h"

#include <csv.h>
#include <math.h>
#include <string.h>
#include <time.h>

int xb_format_parse(const char *s, enum xb_format *f)
{
    static const char *const n[] = { "table", "csv", "json" };
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, n[i]) == 0) {
            *f = (enum xb_format)i;
            return 0;
        }
    }
    return -1;
}

int xb_format_parse_html(const char *s, enum xb_format *f)
{
    if (strcmp(s, "html") == 0) {
        *f = XB_FMT_HTML;
        return 0;
    }
    return xb_format_parse(s, f);
}

void xb_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        fputs(s, f);
    else
        csv_fwrite(f, s, strlen(s));     /* quoted, quotes doubled */
}

void xb_csv_num(FILE *f, double v, int prec)
{
    if (!isnan(v))
        fprintf(f, "%.*f", prec, v);
}

void xb_utc_text(double t, char *buf, size_t len)
{
    time_t s = (time_t)floor(t);
    struct tm tm;
    if (!isfinite(t) || !gmtime_r(&s, &tm)) {
        snprintf(buf, len, "-");
        return;
    }
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void xb_utc_text_ms(double t, char *buf, size_t len)
{
    double ms = isfinite(t) ? round(t * 1000) : NAN;
    time_t s = (time_t)floor(ms / 1000);
    struct tm tm;
    if (!isfinite(ms) || !gmtime_r(&s, &tm)) {
        snprintf(buf, len, "%s", "");
        return;
    }
    char sec[24];
    strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%03dZ", sec, (int)(ms - (double)s * 1000));
}

void xb_fputs_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\\\", f);
        else if (*s == '\n')
            fputs("\\n", f);
        else
            fputc(*s, f);
    }
}
