/* libvirt_stats_load.c: libvirt-domstats.txt (verbatim domstats readings)
 * -> counter series per domain.  The format and the metrics are in
 * libvirt_stats_load.h.  A sample's values are added only once its "# end"
 * is read, so a sample cut short never adds half its disks.  It must not
 * talk to libvirt (source/libvirt/libvirt_stats.c writes the file) nor know
 * how a figure is shown (model/metric.c). */
#define _GNU_SOURCE
#include "libvirt_stats_load.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"

enum { F_RD_BYTES, F_WR_BYTES, F_RD_REQS, F_WR_REQS, F_RX_BYTES, F_TX_BYTES, NF };

/* One summed field of one device, to refuse the same one twice. */
struct seen {
    unsigned long long dev;
    int field;
};

struct dom {
    uint32_t domid;
    bool mapped;                 /* domid given (not "-") */
    size_t line;                 /* of its "Domain:" line */
    bool have_block, have_net, have_cpu, have_rss, have_cur;
    double sum[NF];
    double cpu_ns, rss_kib, cur_kib;
    struct seen *seen;
    size_t nseen, seencap;
};

struct ctx {
    const char *path;
    size_t line;
    const struct xb_timebase *tb;
    struct xb_counters *c;
    struct xb_err *err;
    bool in_sample;
    size_t sample_line;
    uint64_t t, last_t;
    bool have_last;
    struct dom *d;               /* domains of the sample in progress */
    size_t nd, dcap;
};

static int bad(struct ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int bad(struct ctx *x, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return xb_err_set(x->err, -XB_EINPUT, "%s:%zu: %s", x->path, x->line, what);
}

static void clear_sample(struct ctx *x)
{
    for (size_t i = 0; i < x->nd; i++)
        free(x->d[i].seen);
    x->nd = 0;
    x->in_sample = false;
}

static int number(struct ctx *x, const char *key, const char *val, double *out)
{
    uint64_t v = 0;
    if (xb_parse_uint(val, UINT64_MAX, &v))
        return bad(x, "%s: '%.60s' is not a non-negative integer", key, val);
    *out = (double)v;
    return 0;
}

/* "block.N.rd.bytes" and the like: the device number and the field, or
 * false for a key that is not summed. */
static bool summed_key(const char *key, unsigned long long *dev, int *field)
{
    static const struct { const char *prefix, *suffix; int field; } keys[] = {
        { "block.", "rd.bytes", F_RD_BYTES }, { "block.", "wr.bytes", F_WR_BYTES },
        { "block.", "rd.reqs", F_RD_REQS },   { "block.", "wr.reqs", F_WR_REQS },
        { "net.", "rx.bytes", F_RX_BYTES },   { "net.", "tx.bytes", F_TX_BYTES },
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t pl = strlen(keys[i].prefix);
        if (strncmp(key, keys[i].prefix, pl) != 0)
            continue;
        const char *p = key + pl;
        if (*p < '0' || *p > '9')
            continue;
        char *end;
        errno = 0;
        unsigned long long n = strtoull(p, &end, 10);
        if (errno || *end != '.' || strcmp(end + 1, keys[i].suffix) != 0)
            continue;
        *dev = n;
        *field = keys[i].field;
        return true;
    }
    return false;
}

static int param(struct ctx *x, char *s)
{
    if (x->nd == 0)
        return bad(x, "parameter line before any 'Domain:' line");
    struct dom *d = &x->d[x->nd - 1];
    char *eq = strchr(s, '=');
    if (!eq || eq == s || strcspn(s, " \t") < (size_t)(eq - s))
        return bad(x, "'%.60s': expected '  KEY=VALUE'", s);
    *eq = '\0';
    const char *key = s, *val = eq + 1;

    unsigned long long dev;
    int field;
    double v = 0;
    if (summed_key(key, &dev, &field)) {
        for (size_t i = 0; i < d->nseen; i++)
            if (d->seen[i].dev == dev && d->seen[i].field == field)
                return bad(x, "%s: given twice for this domain", key);
        if (d->nseen == d->seencap) {
            size_t cap = d->seencap ? 2 * d->seencap : 16;
            struct seen *p = realloc(d->seen, cap * sizeof *p);
            if (!p)
                return xb_err_set(x->err, -ENOMEM, "out of memory");
            d->seen = p;
            d->seencap = cap;
        }
        d->seen[d->nseen++] = (struct seen){ dev, field };
        if (number(x, key, val, &v))
            return x->err->code;
        d->sum[field] += v;
        if (field <= F_WR_REQS)
            d->have_block = true;
        else
            d->have_net = true;
        return 0;
    }
    if (strcmp(key, "block.count") == 0 || strcmp(key, "net.count") == 0) {
        if (number(x, key, val, &v))
            return x->err->code;
        if (key[0] == 'b')
            d->have_block = true;
        else
            d->have_net = true;
    } else if (strcmp(key, "cpu.time") == 0) {
        if (number(x, key, val, &d->cpu_ns))
            return x->err->code;
        d->have_cpu = true;
    } else if (strcmp(key, "balloon.rss") == 0) {
        if (number(x, key, val, &d->rss_kib))
            return x->err->code;
        d->have_rss = true;
    } else if (strcmp(key, "balloon.current") == 0) {
        if (number(x, key, val, &d->cur_kib))
            return x->err->code;
        d->have_cur = true;
    }
    return 0;
}

static int domain_line(struct ctx *x, const char *s)
{
    if (!x->in_sample)
        return bad(x, "'Domain:' line outside a sample (no '# t_ns=' before it)");
    if (strncmp(s, "domid=", 6) != 0)
        return bad(x, "expected 'Domain: domid=N uuid=UUID name=...'");
    s += 6;
    size_t len = strcspn(s, " ");
    char id[24];
    if (len == 0 || len >= sizeof id || s[len] != ' ' || strncmp(s + len + 1, "uuid=", 5))
        return bad(x, "expected 'Domain: domid=N uuid=UUID name=...'");
    memcpy(id, s, len);
    id[len] = '\0';
    bool mapped = strcmp(id, "-") != 0;
    uint64_t v = 0;
    if (mapped && xb_parse_uint(id, UINT32_MAX, &v))
        return bad(x, "domid '%s' is neither a domain id nor '-'", id);
    if (mapped)
        for (size_t i = 0; i < x->nd; i++)
            if (x->d[i].mapped && x->d[i].domid == v) {
                return bad(x, "domain %s twice in one sample (also line %zu)", id,
                           x->d[i].line);
            }
    if (x->nd == x->dcap) {
        size_t cap = x->dcap ? 2 * x->dcap : 8;
        struct dom *p = realloc(x->d, cap * sizeof *p);
        if (!p)
            return xb_err_set(x->err, -ENOMEM, "out of memory");
        x->d = p;
        x->dcap = cap;
    }
    struct dom *d = &x->d[x->nd++];
    memset(d, 0, sizeof *d);
    d->domid = (uint32_t)v;
    d->mapped = mapped;
    d->line = x->line;
    return 0;
}

static int put(struct ctx *x, const char *entity, const char *metric,
               enum xb_series_kind kind, uint64_t t, double v)
{
    int rc = xb_counters_add(x->c, entity, metric, kind, t, v);
    if (rc)
        return xb_err_set(x->err, rc, "out of memory");
    return 0;
}

/* "# end": the sample is whole; add its domains' values. */
static int commit(struct ctx *x)
{
    uint64_t t = xb_timebase_ns(x->tb, x->t);
    int rc = 0;
    for (size_t i = 0; i < x->nd && !rc; i++) {
        const struct dom *d = &x->d[i];
        if (!d->mapped)
            continue;
        char key[48];
        xb_counters_domkey(key, sizeof key, d->domid, 0);
        if (d->have_block) {
            rc = put(x, key, XB_CTR_DISK_READ_BYTES, XB_CUMULATIVE, t, d->sum[F_RD_BYTES]);
            rc = rc ? rc : put(x, key, XB_CTR_DISK_WRITE_BYTES, XB_CUMULATIVE, t, d->sum[F_WR_BYTES]);
            rc = rc ? rc : put(x, key, XB_CTR_DISK_READ_OPS, XB_CUMULATIVE, t, d->sum[F_RD_REQS]);
            rc = rc ? rc : put(x, key, XB_CTR_DISK_WRITE_OPS, XB_CUMULATIVE, t, d->sum[F_WR_REQS]);
        }
        if (!rc && d->have_net) {
            rc = put(x, key, XB_CTR_NET_RX_BYTES, XB_CUMULATIVE, t, d->sum[F_RX_BYTES]);
            rc = rc ? rc : put(x, key, XB_CTR_NET_TX_BYTES, XB_CUMULATIVE, t, d->sum[F_TX_BYTES]);
        }
        if (!rc && d->have_cpu)
            rc = put(x, key, XB_CTR_CPU_NS, XB_CUMULATIVE, t, d->cpu_ns);
        if (!rc && (d->have_rss || d->have_cur))
            rc = put(x, key, XB_CTR_MEM_BYTES, XB_GAUGE, t,
                     (d->have_rss ? d->rss_kib : d->cur_kib) * 1024.0);
    }
    x->last_t = x->t;
    x->have_last = true;
    clear_sample(x);
    return rc;
}

static int comment(struct ctx *x, const char *s)
{
    if (strncmp(s, "# t_ns=", 7) == 0) {
        if (x->in_sample) {
            return bad(x, "new sample before the '# end' of the sample at line %zu",
                       x->sample_line);
        }
        char num[32];
        size_t len = strcspn(s + 7, " ");
        uint64_t t;
        if (len == 0 || len >= sizeof num)
            return bad(x, "'# t_ns=': no time");
        memcpy(num, s + 7, len);
        num[len] = '\0';
        if (xb_parse_uint(num, UINT64_MAX, &t))
            return bad(x, "t_ns '%s' is not a non-negative integer", num);
        if (x->have_last && t < x->last_t)
            return bad(x, "t_ns %s is earlier than the sample before it", num);
        x->t = t;
        x->in_sample = true;
        x->sample_line = x->line;
        return 0;
    }
    if (strcmp(s, "# end") == 0) {
        if (!x->in_sample)
            return bad(x, "'# end' without a '# t_ns=' line before it");
        return commit(x);
    }
    return 0;                          /* any other comment */
}

int xb_libvirt_stats_load(const char *path, const struct xb_timebase *tb,
                          struct xb_counters *c, struct xb_err *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return xb_err_set(err, errno == ENOENT ? -XB_EINPUT : -errno, "%s: %s",
                          path, strerror(errno));
    int rc = xb_libvirt_stats_load_stream(f, path, tb, c, err);
    fclose(f);
    return rc;
}

int xb_libvirt_stats_load_stream(FILE *f, const char *path,
                                 const struct xb_timebase *tb,
                                 struct xb_counters *c, struct xb_err *err)
{
    struct ctx x = { .path = path, .tb = tb, .c = c, .err = err };
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while (!rc && (len = getline(&buf, &cap, f)) >= 0) {
        x.line++;
        if (len == 0 || buf[len - 1] != '\n')
            break;                     /* last line cut short: skipped */
        buf[--len] = '\0';
        if (len > 0 && buf[len - 1] == '\r')
            buf[--len] = '\0';
        if (strlen(buf) != (size_t)len) {
            rc = bad(&x, "NUL byte in the line");
            break;
        }
        if (x.line == 1) {
            static const char magic[] = "# xenbench libvirt-domstats ";
            if (strncmp(buf, magic, sizeof magic - 1) != 0)
                rc = bad(&x, "not a xenbench libvirt-domstats file "
                         "(first line '%.60s')", buf);
            else if (strncmp(buf + sizeof magic - 1, "1", 1) != 0 ||
                     (buf[sizeof magic] != '\0' && buf[sizeof magic] != ' '))
                rc = bad(&x, "libvirt-domstats version '%.20s' is not 1",
                         buf + sizeof magic - 1);
            continue;
        }
        if (buf[0] == '\0')
            continue;
        if (buf[0] == '#')
            rc = comment(&x, buf);
        else if (strncmp(buf, "Domain: ", 8) == 0)
            rc = domain_line(&x, buf + 8);
        else if (buf[0] == ' ' && buf[1] == ' ' && buf[2] != ' ' && buf[2] != '\0')
            rc = param(&x, buf + 2);
        else
            rc = bad(&x, "unexpected line '%.60s'", buf);
    }
    if (!rc && ferror(f))
        rc = xb_err_set(err, -EIO, "%s: read error", path);
    if (!rc && x.line == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: empty file (no libvirt-domstats header)",
                        path);
    /* A sample without "# end" at the end: cut short, skipped. */
    clear_sample(&x);
    free(x.d);
    free(buf);
    return rc;
}
