/* xenstat_load.c: xenstat.jsonl (verbatim libxenstat readings) -> counter
 * series per (domid, instance).
 *
 * Per reading and domain: cpu_ns, vcpu<N>_ns, net_* summed over the vifs,
 * disk_* summed over the VBDs (sectors x 512 for bytes) are cumulative;
 * mem_bytes is a gauge.  The file format is in xenstat_load.h.
 * It must not know how the figures are shown (model/metric.c).
 */
#include "xenstat_load.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A non-negative integer member, or -1 when absent or not one. */
static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        return (double)json_integer_value(v);
    if (json_is_real(v) && json_real_value(v) >= 0)
        return json_real_value(v);
    return -1;
}

struct ctx {
    const char *path;
    size_t line;
    struct xb_counters *c;
    struct xb_err *err;
};

static int add(struct ctx *x, const char *entity, const char *metric,
               enum xb_series_kind kind, uint64_t t, double v)
{
    if (v < 0)
        return 0;
    if (xb_counters_add(x->c, entity, metric, kind, t, v))
        return xb_err_set(x->err, -ENOMEM, "out of memory");
    return 0;
}

/* Sum field over the objects of array arr; -1 when none has it. */
static double sum(json_t *arr, const char *field)
{
    double s = -1;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        double v = num(o, field);
        if (v >= 0)
            s = (s < 0 ? 0 : s) + v;
    }
    return s;
}

static int load_domain(struct ctx *x, struct xb_domid_track *tr, json_t *d,
                       size_t idx, uint64_t t_cpu, uint64_t t)
{
    json_t *uuid = json_object_get(d, "uuid");
    double id = num(d, "id");
    if (id < 0 || id > 0xffff || (uuid && !json_is_string(uuid)))
        return xb_err_set(x->err, -XB_EINPUT, "%s: line %zu: \"domains\"[%zu]: "
                          "expected \"id\" 0..65535 and a string \"uuid\"",
                          x->path, x->line, idx);
    uint32_t inst = xb_domid_track_see(tr, (uint32_t)id,
                                       uuid ? json_string_value(uuid) : "", NULL);
    char key[48];
    xb_counters_domkey(key, sizeof key, (uint32_t)id, inst);
    double cpu = num(d, "cpu_ns_at_tsc");
    int rc = cpu >= 0 ? add(x, key, XB_CTR_CPU_NS, XB_CUMULATIVE, t_cpu, cpu)
                      : add(x, key, XB_CTR_CPU_NS, XB_CUMULATIVE, t, num(d, "cpu_ns"));
    rc = rc ? rc : add(x, key, XB_CTR_MEM_BYTES, XB_GAUGE, t, num(d, "mem_bytes"));
    json_t *nets = json_object_get(d, "nets"), *vbds = json_object_get(d, "vbds");
    if (json_is_array(nets) && json_array_size(nets) > 0) {
        rc = rc ? rc : add(x, key, XB_CTR_NET_RX_BYTES, XB_CUMULATIVE, t, sum(nets, "rx_bytes"));
        rc = rc ? rc : add(x, key, XB_CTR_NET_TX_BYTES, XB_CUMULATIVE, t, sum(nets, "tx_bytes"));
        rc = rc ? rc : add(x, key, XB_CTR_NET_RX_PACKETS, XB_CUMULATIVE, t, sum(nets, "rx_packets"));
        rc = rc ? rc : add(x, key, XB_CTR_NET_TX_PACKETS, XB_CUMULATIVE, t, sum(nets, "tx_packets"));
    }
    if (json_is_array(vbds) && json_array_size(vbds) > 0) {
        double rs = sum(vbds, "rd_sects"), ws = sum(vbds, "wr_sects");
        rc = rc ? rc : add(x, key, XB_CTR_DISK_READ_OPS, XB_CUMULATIVE, t, sum(vbds, "rd_reqs"));
        rc = rc ? rc : add(x, key, XB_CTR_DISK_WRITE_OPS, XB_CUMULATIVE, t, sum(vbds, "wr_reqs"));
        rc = rc ? rc : add(x, key, XB_CTR_DISK_READ_BYTES, XB_CUMULATIVE, t, rs < 0 ? rs : rs * 512);
        rc = rc ? rc : add(x, key, XB_CTR_DISK_WRITE_BYTES, XB_CUMULATIVE, t, ws < 0 ? ws : ws * 512);
    }
    json_t *vcpus = json_object_get(d, "vcpus"), *v;
    size_t i;
    json_array_foreach(vcpus, i, v) {
        double vid = num(v, "id");
        if (rc || vid < 0 || vid > 65535)
            continue;
        char metric[32];
        snprintf(metric, sizeof metric, XB_CTR_VCPU_NS_FMT, (unsigned)vid);
        rc = add(x, key, metric, XB_CUMULATIVE, t, num(v, "ns"));
    }
    return rc;
}

static int load_line(struct ctx *x, struct xb_domid_track *tr, const char *text,
                     const struct xb_timebase *tb)
{
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root)
        return xb_err_set(x->err, -XB_EINPUT, "%s: line %zu column %d: %s",
                          x->path, x->line, je.column, je.text);
    int rc = 0;
    json_t *tsc = json_object_get(root, "tsc");
    json_t *doms = json_object_get(root, "domains");
    if (!json_is_object(root) || !json_is_integer(tsc) ||
        json_integer_value(tsc) < 0 || !json_is_array(doms)) {
        rc = xb_err_set(x->err, -XB_EINPUT, "%s: line %zu: expected an object "
                        "with \"tsc\" (integer) and \"domains\" (array)",
                        x->path, x->line);
        goto out;
    }
    uint64_t t_cpu = xb_timebase_ns(tb, (uint64_t)json_integer_value(tsc));
    uint64_t t = t_cpu;
    json_t *end = json_object_get(root, "tsc_end");
    if (json_is_integer(end) && json_integer_value(end) >= json_integer_value(tsc)) {
        uint64_t a = (uint64_t)json_integer_value(tsc);
        t = xb_timebase_ns(tb, a + ((uint64_t)json_integer_value(end) - a) / 2);
    }
    xb_domid_track_next(tr);
    size_t i;
    json_t *d;
    json_array_foreach(doms, i, d) {
        if ((rc = load_domain(x, tr, d, i, t_cpu, t)))
            break;
    }
out:
    json_decref(root);
    return rc;
}

int xb_xenstat_load(const char *path, const struct xb_timebase *tb,
                    struct xb_counters *c, struct xb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    struct xb_domid_track *tr = calloc(1, sizeof *tr);
    if (!tr) {
        fclose(f);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    struct ctx x = { path, 0, c, err };
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (!rc && (n = getline(&line, &cap, f)) > 0) {
        x.line++;
        if (line[n - 1] != '\n')
            break;              /* cut short while being written */
        if (n == 1)
            continue;
        rc = load_line(&x, tr, line, tb);
    }
    if (!rc && ferror(f))
        rc = xb_err_set(err, -XB_EINPUT, "%s: read error", path);
    free(line);
    free(tr);
    fclose(f);
    return rc;
}
