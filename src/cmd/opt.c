/* opt.c: bounded option values and their messages, the same for every
 * command (see opt.h).  Parsing and the wording of a bad duration are
 * util/parse.c's; this file names the command and the option.  It must not
 * parse a value itself (util/parse.c). */
#include "cmd/opt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "present/present.h"
#include "store/retention.h"
#include "util/err.h"
#include "util/parse.h"

int xb_opt_duration(const char *cmd, const char *opt, const char *arg,
                    double min_s, double max_s, uint64_t *ns)
{
    int rc = xb_parse_duration_in(arg, min_s, max_s, ns);
    if (rc == 0)
        return 0;
    char why[200];
    xb_duration_why(rc, arg, min_s, max_s, why, sizeof why);
    fprintf(stderr, "xenbench %s: %s: %s\n", cmd, opt, why);
    return XB_EXIT_INPUT;
}

int xb_opt_keep_arg(const char *cmd, bool raw, const char *arg, struct xb_opt_keep *k)
{
    return xb_opt_duration(cmd, raw ? "--keep-raw" : "--keep", arg, XB_KEEP_MIN_S,
                           XB_KEEP_MAX_S, raw ? &k->raw_ns : &k->all_ns);
}

int xb_opt_keep(const char *cmd, const struct xb_opt_keep *k)
{
    if (!k->raw_ns || !k->all_ns || k->raw_ns <= k->all_ns)
        return 0;
    fprintf(stderr, "xenbench %s: --keep-raw (%.0f s) is longer than --keep "
            "(%.0f s): windows may not outlive their roll-ups\n", cmd,
            (double)k->raw_ns / 1e9, (double)k->all_ns / 1e9);
    return XB_EXIT_INPUT;
}

int xb_opt_utc(const char *cmd, const char *opt, const char *arg)
{
    double t;
    if (xb_parse_utc(arg, &t) == 0)
        return 0;
    fprintf(stderr, "xenbench %s: %s: '%s' is not an ISO 8601 UTC time (e.g. "
            "2026-11-20T10:00:00Z)\n", cmd, opt, arg);
    return XB_EXIT_INPUT;
}

int xb_opt_sort(const char *cmd, const char *arg, enum xb_sort *out)
{
    if (xb_sort_parse(arg, out) == 0)
        return 0;
    fprintf(stderr, "xenbench %s: --sort: '%s' is not one of", cmd, arg);
    for (int i = 0; i < XB_NSORT; i++)
        fprintf(stderr, "%s %s", i ? "," : "", xb_sort_names[i]);
    fputc('\n', stderr);
    return XB_EXIT_INPUT;
}

int xb_opt_uint(const char *cmd, const char *opt, const char *arg,
                uint64_t min, uint64_t max, const char *unit, uint64_t *v)
{
    uint64_t x;
    if (xb_parse_uint(arg, max, &x) || x < min) {
        fprintf(stderr, "xenbench %s: %s: '%s' is not a whole number of %s "
                "from %llu to %llu\n", cmd, opt, arg, unit,
                (unsigned long long)min, (unsigned long long)max);
        return XB_EXIT_INPUT;
    }
    *v = x;
    return 0;
}

int xb_opt_format(const char *cmd, const char *arg, enum xb_format *f)
{
    if (xb_format_parse(arg, f) == 0)
        return 0;
    fprintf(stderr, "xenbench %s: --format: '%s' is not one of table, csv, json\n",
            cmd, arg);
    return XB_EXIT_INPUT;
}

int xb_opt_format_html(const char *cmd, const char *arg, enum xb_format *f)
{
    if (xb_format_parse_html(arg, f) == 0)
        return 0;
    fprintf(stderr, "xenbench %s: --format: '%s' is not one of table, csv, json, "
            "html\n", cmd, arg);
    return XB_EXIT_INPUT;
}
