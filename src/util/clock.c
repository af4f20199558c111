/* clock.c: monotonic ns and ISO 8601 UTC stamps. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

uint64_t xb_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void xb_utc_now(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    char s[24];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%03dZ", s, (int)(ts.tv_nsec / 1000000) % 1000);
}
