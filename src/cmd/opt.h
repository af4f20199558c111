/* opt.h: option values every command words alike (bounded durations and
 * sizes); each prints its message on stderr and returns an exit status. */
#ifndef XB_CMD_OPT_H
#define XB_CMD_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/format.h"

/* ARG of option OPT of command CMD as a duration within [min_s, max_s]
 * (util/parse.h forms: 10, 0.5, 250ms, 5m, 1h, 2d).  0, or XB_EXIT_INPUT
 * after printing what was wrong and the bounds. */
int xb_opt_duration(const char *cmd, const char *opt, const char *arg,
                    double min_s, double max_s, uint64_t *ns);

/* --keep-raw AGE and --keep AGE (store/retention.h; ns, 0 when not given):
 * xb_opt_keep_arg parses one (raw: --keep-raw), xb_opt_keep checks the two
 * together (the windows may not outlive the roll-ups).  0, or XB_EXIT_INPUT
 * after the message. */
struct xb_opt_keep {
    uint64_t raw_ns, all_ns;
};
int xb_opt_keep_arg(const char *cmd, bool raw, const char *arg, struct xb_opt_keep *k);
int xb_opt_keep(const char *cmd, const struct xb_opt_keep *k);

/* A whole number within [min, max] (with the unit word for the message). */
int xb_opt_uint(const char *cmd, const char *opt, const char *arg,
                uint64_t min, uint64_t max, const char *unit, uint64_t *v);

/* --start TIME: an ISO 8601 UTC time ("2026-11-20T10:00:00Z", a fraction
 * and +hh:mm allowed).  0, or XB_EXIT_INPUT after the message. */
int xb_opt_utc(const char *cmd, const char *opt, const char *arg);

/* --sort KEY (present/present.h): 0, or XB_EXIT_INPUT after the message. */
enum xb_sort;
int xb_opt_sort(const char *cmd, const char *arg, enum xb_sort *out);

/* --format ARG: table, csv or json (util/format.h). */
int xb_opt_format(const char *cmd, const char *arg, enum xb_format *f);
/* The same, and html (report, plan, place). */
int xb_opt_format_html(const char *cmd, const char *arg, enum xb_format *f);

#endif
