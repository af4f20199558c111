/* units.c: strict number parsing for options (no silent defaults). */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    static const char *const sfx[] = { "s", "ms", "us", NULL };
    static const double mult[] = { 1, 1e-3, 1e-6 };
    double v;
    if (parse_scaled(s, &v, sfx, mult) || v * 1e9 < 1 || v > 1e9)
        return -1;
    *ns = (uint64_t)llround(v * 1e9);
    return 0;
}
