/* out_util.c: see out_util.h. */
#include "out_util.h"

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

void xb_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
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
