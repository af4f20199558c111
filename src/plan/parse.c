/* parse.c: see parse.h.  Everything returns 0 or -1; callers word the error. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xb_parse_lead_num(const char *s, double *v, const char **rest)
{
    char *end;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!(isdigit((unsigned char)*s) || *s == '.' || *s == '-' || *s == '+'))
        return -1;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || end == s || !isfinite(x))
        return -1;
    *v = x;
    *rest = end;
    return 0;
}

int xb_parse_num(const char *s, double *v)
{
    const char *rest;
    if (xb_parse_lead_num(s, v, &rest))
        return -1;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    return *rest ? -1 : 0;
}

int xb_parse_count(const char *s, unsigned *v)
{
    double x;
    if (xb_parse_num(s, &x) || x < 1 || x > 1e6 || x != floor(x))
        return -1;
    *v = (unsigned)x;
    return 0;
}

bool xb_is_date(const char *s)
{
    int y, m, d, n = 0;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
        return false;
    if (s[4] != '-' || s[7] != '-' || y < 1990 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] && !(m == 2 && d == 29 && !leap);
}

int xb_parse_lookback(const char *s, double *seconds)
{
    if (strcmp(s, "all") == 0) {
        *seconds = 0;
        return 0;
    }
    double v;
    const char *unit;
    if (xb_parse_lead_num(s, &v, &unit) || !(v > 0))
        return -1;
    static const struct { const char *u; double s; } units[] = {
        { "w", 604800 }, { "d", 86400 }, { "h", 3600 }, { "m", 60 }, { "s", 1 },
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(unit, units[i].u) == 0) {
            *seconds = v * units[i].s;
            return 0;
        }
    }
    return -1;
}

int xb_parse_percentile(const char *s, double *p)
{
    char buf[32];
    if (*s == 'p' || *s == 'P')
        s++;
    snprintf(buf, sizeof buf, "%s", s);
    char *u = strchr(buf, '_');     /* Compute Optimizer writes P99_5 */
    if (u)
        *u = '.';
    double v;
    if (xb_parse_num(buf, &v) || !(v > 0) || v > 100)
        return -1;
    *p = v;
    return 0;
}

int xb_parse_headroom(const char *s, double *fraction)
{
    double v;
    const char *rest;
    if (xb_parse_lead_num(s, &v, &rest))
        return -1;
    if (*rest == '%')
        rest++;
    if (*rest || v < 0 || v > 1000)
        return -1;
    *fraction = v / 100.0;
    return 0;
}
