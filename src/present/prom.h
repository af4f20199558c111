/* prom.h: the Prometheus text exposition format (version 0.0.4) of a live
 * recording's running totals (account/totals.h): what `serve` answers on
 * /metrics.  docs/serve.md lists every metric.
 *
 * Format rules kept here (prometheus.io, "Exposition formats" and "Metric and
 * label naming"): one HELP and one TYPE line per metric family, before its
 * samples; HELP text escapes backslash and line feed; label values escape
 * backslash, double quote and line feed; the last line ends with a line
 * feed; names carry the base unit and counters end in _total
 * (xenbench_cpu_seconds_total, xenbench_disk_read_bytes_total); metadata
 * is an _info gauge of value 1.  Every sample carries the time the totals
 * stand at (the last window's end, in ms), so that rate() divides by the
 * time the figures cover and not by when a scrape came.
 */
#ifndef XB_PRESENT_PROM_H
#define XB_PRESENT_PROM_H

#include <stdint.h>
#include <stdio.h>

#include "account/totals.h"
#include "pipeline/presenter.h"

#define XB_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* What the exposition says besides the totals. */
struct xb_prom_facts {
    const struct xb_run_info *info;   /* host facts, names, lost records */
    const char *version;              /* xenbench's */
    uint64_t interval_ns;             /* window length */
    double start_unix;                /* when the recording started */
    uint64_t repaired;                /* untraced switches put back */
    uint64_t implied_wakeups;         /* wake-ups taken from a switch-in */
    double window_delay_s;            /* last window: closed this long after its end */
    uint64_t windows_late;            /* closed more than 2 windows late */
    int64_t sample_ms;                /* when the figures stand (the last window's
                                         end), ms since 1970, on every sample; 0: none */
};

/* Write every family.  Returns 0, or -EIO when out fails. */
int xb_prom_write(FILE *out, const struct xb_totals *t, const struct xb_prom_facts *f);

/* Helpers, exported for tests: a label value with \\, \" and \n escaped. */
void xb_prom_label_value(FILE *out, const char *s);
/* ns as exact decimal seconds ("12.5", "0.000000001", "3"). */
void xb_prom_seconds(FILE *out, uint64_t ns);

#endif
