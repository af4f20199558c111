/* parse.c: every strict parser of xenbench's options and input fields (see
 * parse.h).  Everything returns 0 or -1; callers word the error.  It must
 * not print. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int xb_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end || errno || x > max)
        return -1;
    *v = (uint64_t)x;
    return 0;
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

/* A positive number and a unit of time (none: seconds) -> seconds; *unit
 * says whether a unit was written. */
static int parse_time(const char *s, double *seconds, bool *unit)
{
    static const struct { const char *u; double s; } units[] = {
        { "", 1 }, { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1 }, { "m", 60 },
        { "h", 3600 }, { "d", 86400 }, { "w", 604800 },
    };
    if (!s || !isdigit((unsigned char)(*s == '.' ? s[1] : *s)))
        return -1;
    double v;
    const char *u;
    if (xb_parse_lead_num(s, &v, &u) || !(v > 0))
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(u, units[i].u) == 0) {
            *seconds = v * units[i].s;
            *unit = *u != '\0';
            return isfinite(*seconds) ? 0 : -1;
        }
    }
    return -1;
}

int xb_parse_duration(const char *s, double *seconds)
{
    bool unit;
    return parse_time(s, seconds, &unit);
}

int xb_parse_duration_in(const char *s, double min_s, double max_s, uint64_t *ns)
{
    double v;
    if (xb_parse_duration(s, &v))
        return -1;
    if (v < min_s * (1 - 1e-12))
        return -2;
    if (v > max_s * (1 + 1e-12))
        return -3;
    *ns = (uint64_t)llround(v * 1e9);
    return 0;
}

void xb_duration_text(double s, char *buf, size_t len)
{
    static const struct { double s; const char *u; } units[] = {
        { 86400, "d" }, { 3600, "h" }, { 60, "min" },
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        double v = s / units[i].s;
        if (v >= 1 && fabs(v - round(v)) < 1e-9) {
            snprintf(buf, len, "%g %s", round(v), units[i].u);
            return;
        }
    }
    if (s >= 0.1)
        snprintf(buf, len, "%g s", s);
    else
        snprintf(buf, len, "%g ms", s * 1e3);
}

void xb_duration_why(int rc, const char *arg, double min_s, double max_s,
                     char *buf, size_t len)
{
    char lo[32], hi[32];
    xb_duration_text(min_s, lo, sizeof lo);
    xb_duration_text(max_s, hi, sizeof hi);
    if (rc == -2)
        snprintf(buf, len, "'%s' is less than the minimum, %s (%s to %s)", arg,
                 lo, lo, hi);
    else if (rc == -3)
        snprintf(buf, len, "'%s' is more than the maximum, %s (%s to %s)", arg,
                 hi, lo, hi);
    else
        snprintf(buf, len, "'%s' is not a duration (e.g. 10, 0.5, 250ms, 5m, "
                 "1h; %s to %s)", arg, lo, hi);
}

int xb_parse_lookback(const char *s, double *seconds)
{
    if (strcmp(s, "all") == 0) {
        *seconds = 0;
        return 0;
    }
    bool unit;
    double v;
    /* A bare number is refused: 14 could mean days as much as seconds. */
    if (parse_time(s, &v, &unit) || !unit)
        return -1;
    *seconds = v;
    return 0;
}

int xb_parse_duration0(const char *s, double *seconds)
{
    double v;
    if (xb_parse_num(s, &v) == 0 && v == 0) {
        *seconds = 0;
        return 0;
    }
    return strcmp(s, "all") == 0 ? -1 : xb_parse_lookback(s, seconds);
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

static int parse_scaled(const char *s, double *out, const char *const *sfx,
                        const double *mult)
{
    if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v <= 0)
        return -1;
    if (*end == '\0') {
        *out = v;
        return 0;
    }
    for (int i = 0; sfx[i]; i++) {
        if (strcmp(end, sfx[i]) == 0) {
            *out = v * mult[i];
            return 0;
        }
    }
    return -1;
}

int xb_parse_hz(const char *s, uint64_t *hz)
{
    static const char *const sfx[] = { "K", "k", "M", "G", "Hz", "KHz", "kHz",
                                       "MHz", "GHz", NULL };
    static const double mult[] = { 1e3, 1e3, 1e6, 1e9, 1, 1e3, 1e3, 1e6, 1e9 };
    double v;
    if (parse_scaled(s, &v, sfx, mult) || v < 1 || v > 1e13)
        return -1;
    *hz = (uint64_t)llround(v);
    return 0;
}

int xb_parse_seconds(const char *s, uint64_t *ns)
{
    return xb_parse_duration_in(s, 1e-9, 1e9, ns) ? -1 : 0;
}

int xb_parse_bytes(const char *s, uint64_t *bytes)
{
    if (!isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: return -1;
    }
    if (*end || v == 0 || v > (UINT64_MAX >> shift))
        return -1;
    *bytes = (uint64_t)v << shift;
    return 0;
}

int xb_parse_utc(const char *s, double *unix_s)
{
    struct tm tm = { 0 };
    int off = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &off) != 6 ||
        off != 19)
        return -1;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    const char *p = s + off;
    double frac = 0;
    if (*p == '.') {
        double scale = 0.1;
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    long zone = 0;
    if (*p == 'Z')
        p++;
    else if (*p == '+' || *p == '-') {
        int hh, mm, n = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5 || hh > 23 ||
            mm > 59)
            return -1;
        zone = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else
        return -1;
    if (*p)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *unix_s = (double)timegm(&tm) - (double)zone + frac;
    return 0;
}
