/* gwa.c: reading GWA-T-12 trace files (see gwa.h) through the CSV reader
 * (util/csvread.c, ';' separated, blanks around fields dropped).  It owns
 * the format's checks and quirks.  It must not decide what the figures mean
 * to the history (store/import_gwa.c). */
#include "gwa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvread.h"
#include "util/parse.h"

static const char *const names[1 + XB_GWA_NVALUES] = {
    "Timestamp [ms]", "CPU cores", "CPU capacity provisioned [MHZ]",
    "CPU usage [MHZ]", "CPU usage [%]", "Memory capacity provisioned [KB]",
    "Memory usage [KB]", "Disk read throughput [KB/s]",
    "Disk write throughput [KB/s]", "Network received throughput [KB/s]",
    "Network transmitted throughput [KB/s]",
};

struct reader {
    struct xb_csv_col cols[1 + XB_GWA_NVALUES];
    struct xb_gwa_stats *st;
    xb_gwa_fn fn;
    void *ctx;
    struct xb_err *err;
    struct xb_gwa_row prev;
    bool have_prev;
    int unit;                   /* 0 unknown, 1 seconds, 1000 milliseconds */
};

static int field(const struct xb_csv_row *row, const struct xb_csv_col *c,
                 double *v, bool *sci, struct xb_err *err)
{
    const char *s = xb_csv_get(row, c);
    if (xb_parse_num(s, v) || *v < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": '%s' is not "
                          "a number >= 0", row->path, row->line, c->name, s);
    if (strpbrk(s, "eE"))
        *sci = true;
    return 0;
}

static bool same_values(const struct xb_gwa_row *a, const struct xb_gwa_row *b)
{
    return memcmp(a->v, b->v, sizeof a->v) == 0;
}

static int on_row(const struct xb_csv_row *row, void *ctx)
{
    struct reader *R = ctx;
    struct xb_err *err = R->err;
    if (row->line == 1) {
        struct xb_err e = { 0 };
        if (xb_csv_map(row, R->cols, 1 + XB_GWA_NVALUES, &e))
            return xb_err_set(err, -XB_EINPUT, "not a GWA-T-12 trace: %s", e.msg);
        return 0;
    }
    struct xb_gwa_row r = { .line = row->line };
    bool sci = false;
    double t;
    int rc = field(row, &R->cols[0], &t, &sci, err);
    for (int i = 0; !rc && i < XB_GWA_NVALUES; i++)
        rc = field(row, &R->cols[1 + i], &r.v[i], &sci, err);
    if (rc)
        return rc;
    /* "[ms]" in the header, seconds in the data (2013: about 1.37e9). */
    int unit = t >= 1e8 && t < 1e10 ? 1 : t >= 1e11 && t < 1e13 ? 1000 : 0;
    if (!unit)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": '%s' is not "
                          "a time since 1970 in seconds or milliseconds", row->path,
                          row->line, names[0], xb_csv_get(row, &R->cols[0]));
    if (R->unit && unit != R->unit)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": in %s, the "
                          "rows before in %s", row->path, row->line, names[0],
                          unit == 1 ? "seconds" : "milliseconds",
                          R->unit == 1 ? "seconds" : "milliseconds");
    R->unit = unit;
    R->st->ms = unit == 1000;
    r.t_unix = t / unit;
    double cores = r.v[XB_GWA_CORES];
    if (cores != floor(cores))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": '%s' is not "
                          "a whole number", row->path, row->line, names[1],
                          xb_csv_get(row, &R->cols[1]));
    r.down = cores == 0 || r.v[XB_GWA_CAP_MHZ] == 0;

    if (R->have_prev && r.t_unix < R->prev.t_unix)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": time goes "
                          "back (%.0f after %.0f on line %u)", row->path, row->line,
                          names[0], r.t_unix, R->prev.t_unix, R->prev.line);
    if (R->have_prev && r.t_unix == R->prev.t_unix) {
        if (same_values(&r, &R->prev))
            R->st->duplicates++;
        else
            R->st->contradictions++;
        return 0;
    }
    struct xb_gwa_stats *st = R->st;
    st->sci += sci;
    if (!r.down) {
        st->cpu_over += r.v[XB_GWA_USE_MHZ] > r.v[XB_GWA_CAP_MHZ];
        st->mem_over += r.v[XB_GWA_MEM_USE_KB] > r.v[XB_GWA_MEM_CAP_KB];
    } else
        st->down++;
    if (R->have_prev && !r.down && !R->prev.down &&
        (r.v[XB_GWA_CORES] != R->prev.v[XB_GWA_CORES] ||
         r.v[XB_GWA_CAP_MHZ] != R->prev.v[XB_GWA_CAP_MHZ] ||
         r.v[XB_GWA_MEM_CAP_KB] != R->prev.v[XB_GWA_MEM_CAP_KB]))
        st->resized++;
    st->rows++;
    R->prev = r;
    R->have_prev = true;
    return R->fn(&r, R->ctx);
}

int xb_gwa_read(const char *path, xb_gwa_fn fn, void *ctx, struct xb_gwa_stats *st,
                struct xb_err *err)
{
    struct reader R = { .st = st, .fn = fn, .ctx = ctx, .err = err };
    memset(st, 0, sizeof *st);
    for (int i = 0; i <= XB_GWA_NVALUES; i++)
        R.cols[i] = (struct xb_csv_col){ names[i], true, -1 };
    return xb_csv_read_delim(path, ';', on_row, &R, err);
}
