/* clock.c: monotonic ns and ISO 8601 UTC stamps.  It must not sleep or
 * schedule. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

uint64_t xb_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void format_ts(const struct timespec *ts, char *buf, size_t len)
{
    struct tm tm;
    char s[24];
    gmtime_r(&ts->tv_sec, &tm);
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%03dZ", s, (int)(ts->tv_nsec / 1000000) % 1000);
}

void xb_utc_now(char *buf, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    format_ts(&ts, buf, len);
}

void xb_utc_format(double unix_s, char *buf, size_t len)
{
    double ms = unix_s * 1000.0 + 0.5;
    long long m = (long long)ms;
    struct timespec ts = { (time_t)(m / 1000), (long)(m % 1000) * 1000000L };
    format_ts(&ts, buf, len);
}
