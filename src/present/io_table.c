/* io_table.c: "=== Disk, network, memory ===": per domain, a column for
 * every metric of the table (model/metric.h) shown in it; and host block
 * devices with the columns of `iostat -x` (rMB/s and wMB/s in MB, 10^6
 * bytes, as every throughput xenbench shows: iostat's are MiB), from the
 * run's sampled counters (account/counters.h).  It owns these two layouts;
 * the figures and their names come from the metric table and the counters.
 * It must not name a per-domain metric or its counter itself. */
#include "present.h"

#include "present/cache_table.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

unsigned xb_present_dom_metrics(const struct xb_window *w,
                                const struct xb_run_info *info,
                                const struct xb_domain_acc *d,
                                double v[XB_METRIC_MAX])
{
    char key[48];
    xb_counters_domkey(key, sizeof key, d->domid, d->instance);
    unsigned n = xb_counters_metrics(info->counters, key, w->t_start_ns,
                                     w->t_end_ns, v);
    for (unsigned i = 0; i < xb_nmetrics; i++)
        v[i] *= xb_metrics[i].scale;
    return n;
}

bool xb_present_metrics_any(const double *v, unsigned show)
{
    for (unsigned i = 0; i < xb_nmetrics; i++)
        if ((xb_metrics[i].show & show) && !isnan(v[i]))
            return true;
    return false;
}

void xb_present_metric_text(unsigned i, double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.*f", xb_metrics[i].digits, v);
}

struct devctx {
    const struct xb_window *w;
    const struct xb_counters *c;
    int (*fn)(const struct xb_dev_stat *d, void *ctx);
    void *ctx;
};

static double rate(const struct devctx *x, const char *dev, const char *counter)
{
    double v = 0;
    if (!xb_counters_rate(x->c, dev, counter, x->w->t_start_ns, x->w->t_end_ns, &v))
        return -1;
    return v;
}

/* iostat -x's figures of one device over the window, from /proc/diskstats. */
static int dev_stat(const char *dev, void *ctx)
{
    struct devctx *x = ctx;
    double r = rate(x, dev, XB_CTR_DEV_READS), rs = rate(x, dev, XB_CTR_DEV_READ_SECTORS);
    double rms = rate(x, dev, XB_CTR_DEV_READ_MS), wr = rate(x, dev, XB_CTR_DEV_WRITES);
    double ws = rate(x, dev, XB_CTR_DEV_WRITE_SECTORS);
    double wms = rate(x, dev, XB_CTR_DEV_WRITE_MS);
    double io = rate(x, dev, XB_CTR_DEV_IO_MS), wt = rate(x, dev, XB_CTR_DEV_WEIGHTED_MS);
    if (r < 0 || wr < 0 || io < 0)
        return 0;                      /* no samples over this window */
    struct xb_dev_stat d = {
        .device = dev + 4, .r_per_s = r, .read_mbps = rs * 512 / 1e6,
        .r_await_ms = r > 0 ? rms / r : 0, .w_per_s = wr,
        .write_mbps = ws * 512 / 1e6, .w_await_ms = wr > 0 ? wms / wr : 0,
        .aqu_sz = wt / 1000, .util_pct = io / 10 > 100 ? 100 : io / 10,
    };
    return x->fn(&d, x->ctx);
}

int xb_present_each_dev(const struct xb_window *w, const struct xb_run_info *info,
                        int (*fn)(const struct xb_dev_stat *d, void *ctx), void *ctx)
{
    if (!info->counters)
        return 0;
    struct devctx x = { w, info->counters, fn, ctx };
    return xb_counters_each_entity(info->counters, "dev:", dev_stat, &x);
}

struct devtable {
    FILE *out;
    bool header;
};

static int dev_row(const struct xb_dev_stat *d, void *ctx)
{
    struct devtable *t = ctx;
    if (!t->header) {
        fputs("=== Host disks ===\nDevice\tr/s\trMB/s\tr_await\tw/s\twMB/s\t"
              "w_await\taqu-sz\t%util\n", t->out);
        t->header = true;
    }
    fprintf(t->out, "%s\t%.1f\t%.2f\t%.2f\t%.1f\t%.2f\t%.2f\t%.2f\t%.1f\n",
            d->device, d->r_per_s, d->read_mbps, d->r_await_ms, d->w_per_s,
            d->write_mbps, d->w_await_ms, d->aqu_sz, d->util_pct);
    return 0;
}

void xb_present_dev_table(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info)
{
    struct devtable t = { out, false };
    xb_present_each_dev(w, info, dev_row, &t);
}

void xb_present_io_tables(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info, const unsigned *idx,
                          unsigned n)
{
    if (!info->counters)
        return;
    bool header = false;
    char buf[32], label[48], text[32];
    for (unsigned i = 0; i < (idx ? n : w->ndomain); i++) {
        const struct xb_domain_acc *d = &w->domains[idx ? idx[i] : i];
        double v[XB_METRIC_MAX];
        xb_present_dom_metrics(w, info, d, v);
        if (!xb_present_metrics_any(v, XB_SHOW_TABLE))
            continue;
        if (!header) {
            fputs("=== Disk, network, memory ===\nVM", out);
            for (unsigned m = 0; m < xb_nmetrics; m++)
                if (xb_metrics[m].show & XB_SHOW_TABLE)
                    fprintf(out, "\t%s", xb_metrics[m].label);
            fputs("\tname\n", out);
            header = true;
        }
        xb_present_domlabel(d, label, sizeof label);
        fputs(label, out);
        for (unsigned m = 0; m < xb_nmetrics; m++) {
            if (!(xb_metrics[m].show & XB_SHOW_TABLE))
                continue;
            xb_present_metric_text(m, v[m], text, sizeof text);
            fprintf(out, "\t%s", text);
        }
        fprintf(out, "\t%s\n", xb_names_show(info->names, d->domid, buf, sizeof buf));
    }
}

bool xb_present_has_cache(const struct xb_window *w, const struct xb_run_info *info)
{
    if (info->cache_na || !info->counters)
        return false;
    char key[48];
    for (unsigned i = 0; i < w->ndomain; i++) {
        xb_counters_domkey(key, sizeof key, w->domains[i].domid, w->domains[i].instance);
        if (xb_counters_has(info->counters, key, xb_metrics[XB_MET_LLC_REFS].counter))
            return true;
    }
    return false;
}

void xb_present_cache(FILE *out, const struct xb_window *w,
                      const struct xb_run_info *info, const unsigned *idx,
                      unsigned n)
{
    if (xb_present_has_cache(w, info))
        xb_cache_table_print(out, w, info, idx, n);
}
