/* io_table.c: disk, network and memory per domain (MB = 10^6 bytes), and
 * host block devices with the columns of `iostat -x` (there, as in iostat,
 * rMB/s and wMB/s are MiB: sectors / 2048), from the run's sampled counters
 * (account/counters.h). */
#include "present.h"

#include "present/cache_table.h"

#include <string.h>

bool xb_present_dom_io(const struct xb_window *w, const struct xb_run_info *info,
                       const struct xb_domain_acc *d, struct xb_dom_io *io)
{
    memset(io, 0, sizeof *io);
    if (!info->counters)
        return false;
    char key[48];
    xb_counters_domkey(key, sizeof key, d->domid, d->instance);
    const struct xb_counters *c = info->counters;
    uint64_t a = w->t_start_ns, b = w->t_end_ns;
    io->disk = xb_counters_rate(c, key, "disk_read_bytes", a, b, &io->read_mbps) &&
               xb_counters_rate(c, key, "disk_write_bytes", a, b, &io->write_mbps);
    io->net = xb_counters_rate(c, key, "net_rx_bytes", a, b, &io->rx_mbps) &&
              xb_counters_rate(c, key, "net_tx_bytes", a, b, &io->tx_mbps);
    io->mem = xb_counters_rate(c, key, "mem_bytes", a, b, &io->mem_mb);
    io->read_mbps /= 1e6;
    io->write_mbps /= 1e6;
    io->rx_mbps /= 1e6;
    io->tx_mbps /= 1e6;
    io->mem_mb /= 1e6;
    return io->disk || io->net || io->mem;
}

struct devctx {
    FILE *out;
    const struct xb_window *w;
    const struct xb_counters *c;
    bool header;
};

static double rate(const struct devctx *x, const char *dev, const char *metric)
{
    double v = 0;
    if (!xb_counters_rate(x->c, dev, metric, x->w->t_start_ns, x->w->t_end_ns, &v))
        return -1;
    return v;
}

static int dev_row(const char *dev, void *ctx)
{
    struct devctx *x = ctx;
    double r = rate(x, dev, "dev_reads"), rs = rate(x, dev, "dev_read_sectors");
    double rms = rate(x, dev, "dev_read_ms"), wr = rate(x, dev, "dev_writes");
    double ws = rate(x, dev, "dev_write_sectors"), wms = rate(x, dev, "dev_write_ms");
    double io = rate(x, dev, "dev_io_ms"), wt = rate(x, dev, "dev_weighted_ms");
    if (r < 0 || wr < 0 || io < 0)
        return 0;                      /* no samples over this window */
    if (!x->header) {
        fputs("=== Host disks ===\nDevice\tr/s\trMB/s\tr_await\tw/s\twMB/s\t"
              "w_await\taqu-sz\t%util\n", x->out);
        x->header = true;
    }
    fprintf(x->out, "%s\t%.1f\t%.2f\t%.2f\t%.1f\t%.2f\t%.2f\t%.2f\t%.1f\n",
            dev + 4, r, rs / 2048, r > 0 ? rms / r : 0, wr, ws / 2048,
            wr > 0 ? wms / wr : 0, wt / 1000, io / 10 > 100 ? 100 : io / 10);
    return 0;
}

void xb_present_io_tables(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info)
{
    if (!info->counters)
        return;
    bool header = false;
    char buf[32], label[48];
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        struct xb_dom_io io;
        if (!xb_present_dom_io(w, info, d, &io))
            continue;
        if (!header) {
            fputs("=== Disk, network, memory ===\nVM\tMB/s read\tMB/s written\t"
                  "net MB/s in\tnet MB/s out\tmemory MB\tname\n", out);
            header = true;
        }
        xb_present_domlabel(d, label, sizeof label);
        fprintf(out, "%s", label);
        if (io.disk)
            fprintf(out, "\t%.2f\t%.2f", io.read_mbps, io.write_mbps);
        else
            fputs("\t-\t-", out);
        if (io.net)
            fprintf(out, "\t%.2f\t%.2f", io.rx_mbps, io.tx_mbps);
        else
            fputs("\t-\t-", out);
        if (io.mem)
            fprintf(out, "\t%.1f", io.mem_mb);
        else
            fputs("\t-", out);
        fprintf(out, "\t%s\n", xb_names_show(info->names, d->domid, buf, sizeof buf));
    }
    struct devctx x = { out, w, info->counters, false };
    xb_counters_each_entity(info->counters, "dev:", dev_row, &x);
}

void xb_present_cache(FILE *out, const struct xb_window *w,
                      const struct xb_run_info *info)
{
    if (info->cache_na) {
        xb_cache_table_print(out, w, info, info->cache_na);
        return;
    }
    if (!info->counters)
        return;
    char key[48];
    for (unsigned i = 0; i < w->ndomain; i++) {
        xb_counters_domkey(key, sizeof key, w->domains[i].domid, w->domains[i].instance);
        if (xb_counters_has(info->counters, key, "llc_refs")) {
            xb_cache_table_print(out, w, info, NULL);
            return;
        }
    }
}
