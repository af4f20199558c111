/* procfs_load.c: read procfs.txt (format in source/linux/procfs_sampler.c).
 * Samples are grouped by their time stamp: one group per interval.  It must
 * not know how the figures are shown (model/metric.c). */
#define _GNU_SOURCE
#include "procfs_load.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

#define STATM_PAGE 4096.0   /* when the header does not say (x86) */

struct pidval {
    unsigned domid;
    int pid;
    double rd, wr;          /* last read_bytes / write_bytes */
};

struct domsum {
    unsigned domid;
    double rss;             /* this group's resident bytes */
    bool rss_seen;
    bool other_disk, other_mem, other_net;  /* another source gave these: left alone */
    double net[4];          /* this group's namespaces of its own (emit) */
    bool net_seen;
};

/* One network namespace of a domain in this group: its interfaces but lo. */
struct netval {
    unsigned domid;
    size_t dom;             /* its domsum, by index */
    unsigned long ns;
    double v[4];            /* rx bytes, tx bytes, rx packets, tx packets */
    bool seen;
};

struct state {
    struct pidval *p;
    size_t np;
    struct domsum *d;
    size_t nd;
    struct netval *n;
    size_t nn, ncap;
};

static struct netval *net_slot(struct state *s, unsigned domid, unsigned long ns)
{
    for (size_t i = 0; i < s->nn; i++)
        if (s->n[i].domid == domid && s->n[i].ns == ns)
            return &s->n[i];
    if (xb_grow(&s->n, &s->ncap, s->nn, sizeof *s->n, 4))
        return NULL;
    s->n[s->nn] = (struct netval){ .domid = domid, .ns = ns };
    return &s->n[s->nn++];
}

/* Each namespace's interfaces to its domain's sums, once per group; a
 * namespace that several domains share is none of theirs alone: not given. */
static void net_sums(struct state *s)
{
    for (size_t i = 0; i < s->nn; i++) {
        const struct netval *a = &s->n[i];
        bool shared = false;
        for (size_t j = 0; j < s->nn && a->seen && !shared; j++)
            shared = s->n[j].seen && s->n[j].ns == a->ns && s->n[j].domid != a->domid;
        if (!a->seen || shared)
            continue;
        struct domsum *d = &s->d[a->dom];
        for (int k = 0; k < 4; k++)
            d->net[k] += a->v[k];
        d->net_seen = true;
    }
}

static struct pidval *pid_slot(struct state *s, unsigned domid, int pid)
{
    for (size_t i = 0; i < s->np; i++)
        if (s->p[i].pid == pid && s->p[i].domid == domid)
            return &s->p[i];
    struct pidval *v = realloc(s->p, (s->np + 1) * sizeof *v);
    if (!v)
        return NULL;
    s->p = v;
    s->p[s->np] = (struct pidval){ domid, pid, -1, -1 };
    return &s->p[s->np++];
}

static struct domsum *dom_slot(struct state *s, const struct xb_counters *c,
                                unsigned domid)
{
    for (size_t i = 0; i < s->nd; i++)
        if (s->d[i].domid == domid)
            return &s->d[i];
    struct domsum *v = realloc(s->d, (s->nd + 1) * sizeof *v);
    if (!v)
        return NULL;
    s->d = v;
    char key[48];
    xb_counters_domkey(key, sizeof key, domid, 0);
    s->d[s->nd] = (struct domsum){
        .domid = domid,
        .other_disk = xb_counters_has(c, key, XB_CTR_DISK_READ_BYTES),
        .other_mem = xb_counters_has(c, key, XB_CTR_MEM_BYTES),
        .other_net = xb_counters_has(c, key, XB_CTR_NET_RX_BYTES) };
    return &s->d[s->nd++];
}

/* Emit the totals of the group stamped t. */
static int emit(struct state *s, struct xb_counters *c, uint64_t t)
{
    net_sums(s);
    for (size_t i = 0; i < s->nd; i++) {
        struct domsum *d = &s->d[i];
        double rd = 0, wr = 0;
        bool any = false;
        for (size_t k = 0; k < s->np; k++) {
            if (s->p[k].domid != d->domid || s->p[k].rd < 0)
                continue;
            rd += s->p[k].rd;
            wr += s->p[k].wr;
            any = true;
        }
        char key[48];
        xb_counters_domkey(key, sizeof key, d->domid, 0);
        if (any && !d->other_disk && (xb_counters_add(c, key, XB_CTR_DISK_READ_BYTES, XB_CUMULATIVE, t, rd) ||
                    xb_counters_add(c, key, XB_CTR_DISK_WRITE_BYTES, XB_CUMULATIVE, t, wr)))
            return -ENOMEM;
        if (d->rss_seen && !d->other_mem &&
            xb_counters_add(c, key, XB_CTR_MEM_BYTES, XB_GAUGE, t, d->rss))
            return -ENOMEM;
        static const char *const net[4] = { XB_CTR_NET_RX_BYTES, XB_CTR_NET_TX_BYTES,
                                            XB_CTR_NET_RX_PACKETS, XB_CTR_NET_TX_PACKETS };
        if (!d->other_net && d->net_seen)
            for (int k = 0; k < 4; k++)
                if (xb_counters_add(c, key, net[k], XB_CUMULATIVE, t, d->net[k]))
                    return -ENOMEM;
        memset(d->net, 0, sizeof d->net);
        d->net_seen = false;
        d->rss = 0;
        d->rss_seen = false;
    }
    for (size_t i = 0; i < s->nn; i++)
        s->n[i].seen = false;
    return 0;
}

/* "  NAME: 16 counts" of /proc/PID/net/dev into nv (lo left out); 1 for the
 * two heading lines, -1 for anything else. */
static int netdev_line(const char *line, struct netval *nv)
{
    if (strchr(line, '|'))
        return 1;
    char name[64];
    unsigned long long v[16];
    int n = sscanf(line, " %63[^:]: %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
                   "%llu %llu %llu %llu %llu", name, &v[0], &v[1], &v[2], &v[3], &v[4],
                   &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11], &v[12], &v[13],
                   &v[14], &v[15]);
    if (n != 17)
        return -1;
    if (strcmp(name, "lo") == 0)
        return 0;
    nv->v[0] += (double)v[0];
    nv->v[1] += (double)v[8];
    nv->v[2] += (double)v[1];
    nv->v[3] += (double)v[9];
    nv->seen = true;
    return 0;
}

static int diskstats_line(const char *line, struct xb_counters *c, uint64_t t)
{
    static const char *const names[] = {
        XB_CTR_DEV_READS, NULL, XB_CTR_DEV_READ_SECTORS, XB_CTR_DEV_READ_MS, XB_CTR_DEV_WRITES, NULL,
        XB_CTR_DEV_WRITE_SECTORS, XB_CTR_DEV_WRITE_MS, NULL, XB_CTR_DEV_IO_MS, XB_CTR_DEV_WEIGHTED_MS,
    };
    unsigned maj, min;
    char dev[64];
    unsigned long long v[11];
    int n = sscanf(line, "%u %u %63s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                   &maj, &min, dev, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
                   &v[7], &v[8], &v[9], &v[10]);
    if (n < 14)
        return 1;                      /* not a diskstats line */
    bool active = false;
    for (int i = 0; i < 11; i++)
        active |= v[i] != 0;
    char key[80];
    snprintf(key, sizeof key, "dev:%s", dev);
    if (!active && !xb_counters_has(c, key, XB_CTR_DEV_READS))
        return 0;                      /* never used: not shown */
    for (int i = 0; i < 11; i++)
        if (names[i] && xb_counters_add(c, key, names[i], XB_CUMULATIVE, t, (double)v[i]))
            return -ENOMEM;
    return 0;
}

/* "cpuN user nice system idle iowait irq softirq steal ..." of /proc/stat:
 * steal (in 1/hz s) as CPU N's steal ns; 1 for anything else. */
static int stat_line(const char *line, long hz, struct xb_counters *c, uint64_t t)
{
    unsigned cpu;
    unsigned long long v[8];
    if (sscanf(line, "cpu%u %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1],
               &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 9)
        return 1;
    char key[32];
    xb_counters_cpukey(key, sizeof key, cpu);
    return xb_counters_add(c, key, XB_CTR_CPU_STEAL_NS, XB_CUMULATIVE, t,
                           (double)v[7] * 1e9 / (double)hz) ? -ENOMEM : 0;
}

int xb_procfs_load(const char *path, const struct xb_timebase *tb,
                   struct xb_counters *c, struct xb_err *err)
{
    struct xb_procfs_damage d;
    int rc = xb_procfs_load_checked(path, tb, c, &d, err);
    if (!rc && (d.lines || d.cut)) {
        char why[600];
        xb_procfs_damage_warning(&d, path, why, sizeof why);
        rc = xb_err_set(err, -XB_EINPUT, "%s", why);
    }
    return rc;
}

int xb_procfs_load_checked(const char *path, const struct xb_timebase *tb,
                           struct xb_counters *c, struct xb_procfs_damage *dmg,
                           struct xb_err *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    int rc = xb_procfs_load_stream_checked(f, path, tb, c, dmg, err);
    fclose(f);
    return rc;
}

int xb_procfs_load_stream(FILE *f, const char *path, const struct xb_timebase *tb,
                          struct xb_counters *c, struct xb_err *err)
{
    return xb_procfs_load_stream_checked(f, path, tb, c, NULL, err);
}

/* A line the sampler never writes: counted; true for the first one, whose
 * place is kept (the caller words d->why).  The block it is in is left out
 * from there (until the next header). */
static bool damaged(struct xb_procfs_damage *d, long long off, unsigned long line)
{
    if (d->lines++)
        return false;
    d->offset = off;
    d->line = line;
    return true;
}

/* Text the sampler copies verbatim from /proc and cgroup files is printable
 * ASCII (with tabs). */
static bool printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 ? s[i] != '\t' && s[i] != '\n'
                                       : (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

/* "name: number", as /proc/PID/io holds. */
static bool io_line(const char *line)
{
    char key[32];
    unsigned long long v;
    int n = 0;
    return sscanf(line, "%31[a-z_]: %llu%n", key, &v, &n) == 2 &&
           (line[n] == '\n' || line[n] == '\0');
}

int xb_procfs_load_stream_checked(FILE *f, const char *path,
                                  const struct xb_timebase *tb, struct xb_counters *c,
                                  struct xb_procfs_damage *dmg, struct xb_err *err)
{
    struct xb_procfs_damage local = { 0 };
    struct xb_procfs_damage *d = dmg ? dmg : &local;
    memset(d, 0, sizeof *d);
    struct state s = { 0 };
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    long long off = 0, next_off = 0;
    unsigned long long cur_t = 0;
    bool have_group = false;
    enum { NONE, IO, STATM, NETDEV, DISKSTATS, STAT, CGROUP, SKIP } kind = NONE;
    long hz = 100;
    struct pidval *pv = NULL;
    struct netval *nv = NULL;
    struct domsum *ds = NULL;
    double page = STATM_PAGE;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        off = next_off;
        next_off += len;
        if (line[len - 1] != '\n') {
            /* The sampler ends every line: a last one without its end was
             * cut short (the recorder stopped while writing). */
            d->cut = true;
            d->cut_offset = off;
            d->cut_line = lineno;
            break;
        }
        if (!printable(line, (size_t)len) || strlen(line) != (size_t)len) {
            if (damaged(d, off, lineno))
                snprintf(d->why, sizeof d->why, "not text");
            kind = SKIP;
            continue;
        }
        if (line[0] == '@') {
            unsigned long long t;
            char what[16];
            int n = 0;
            if (sscanf(line, "@ %llu %15s %n", &t, what, &n) != 2) {
                if (damaged(d, off, lineno))
                    snprintf(d->why, sizeof d->why, "bad block header (expected '@ T_NS "
                             "KIND ...')");
                kind = SKIP;
                continue;
            }
            if (have_group && t < cur_t) {
                if (damaged(d, off, lineno))
                    snprintf(d->why, sizeof d->why, "time goes backwards (%llu after %llu)",
                        t, cur_t);
                kind = SKIP;
                continue;
            }
            unsigned domid;
            int pid;
            long pagesize = 0;
            unsigned long ns = 0;
            if (strcmp(what, "diskstats") == 0) {
                kind = DISKSTATS;
            } else if (strcmp(what, "stat") == 0) {
                if (sscanf(line + n, "%ld", &hz) != 1 || hz <= 0) {
                    if (damaged(d, off, lineno))
                        snprintf(d->why, sizeof d->why, "bad 'stat' header (expected HZ)");
                    kind = SKIP;
                    continue;
                }
                kind = STAT;
            } else if (strcmp(what, "io") == 0 || strcmp(what, "statm") == 0) {
                if (sscanf(line + n, "%u %d %ld", &domid, &pid, &pagesize) < 2) {
                    if (damaged(d, off, lineno))
                        snprintf(d->why, sizeof d->why, "bad '%s' header (expected DOMID PID)",
                            what);
                    kind = SKIP;
                    continue;
                }
                kind = what[0] == 'i' ? IO : STATM;
            } else if (strcmp(what, "net.dev") == 0) {
                if (sscanf(line + n, "%u %lu", &domid, &ns) != 2) {
                    if (damaged(d, off, lineno))
                        snprintf(d->why, sizeof d->why, "bad 'net.dev' header (expected "
                                 "DOMID NETNS)");
                    kind = SKIP;
                    continue;
                }
                kind = NETDEV;
            } else if (strcmp(what, "blkio") == 0 || strcmp(what, "io.stat") == 0) {
                kind = CGROUP;          /* kept in the file, not used */
            } else {
                if (damaged(d, off, lineno))
                    snprintf(d->why, sizeof d->why, "unknown block '%s'", what);
                kind = SKIP;
                continue;
            }
            if (have_group && t != cur_t &&
                (rc = emit(&s, c, xb_timebase_ns(tb, cur_t)))) {
                xb_err_set(err, rc, "out of memory");
                break;
            }
            cur_t = t;
            have_group = true;
            if (kind == NETDEV) {
                /* after the group's emit: this block's figures are the next
                 * group's */
                if (!(nv = net_slot(&s, domid, ns)) ||
                    !(ds = dom_slot(&s, c, domid))) {
                    rc = xb_err_set(err, -ENOMEM, "out of memory");
                    break;
                }
                nv->dom = (size_t)(ds - s.d);
                memset(nv->v, 0, sizeof nv->v);
                nv->seen = false;
            }
            if (kind == IO || kind == STATM) {
                page = pagesize > 0 ? (double)pagesize : STATM_PAGE;
                if (!(pv = pid_slot(&s, domid, pid)) || !(ds = dom_slot(&s, c, domid))) {
                    rc = xb_err_set(err, -ENOMEM, "out of memory");
                    break;
                }
            }
            continue;
        }
        unsigned long long v, size, res;
        switch (kind) {
        case IO:
            if (!io_line(line)) {
                if (damaged(d, off, lineno))
                    snprintf(d->why, sizeof d->why, "not a '/proc/PID/io' line (NAME: "
                             "NUMBER)");
                kind = SKIP;
            } else if (sscanf(line, "read_bytes: %llu", &v) == 1)
                pv->rd = (double)v;
            else if (sscanf(line, "write_bytes: %llu", &v) == 1)
                pv->wr = (double)v;
            break;
        case STATM:
            if (sscanf(line, "%llu %llu", &size, &res) == 2) {
                ds->rss += (double)res * page;
                ds->rss_seen = true;
            } else {
                if (damaged(d, off, lineno))
                    snprintf(d->why, sizeof d->why, "not a '/proc/PID/statm' line "
                             "(SIZE RESIDENT ...)");
                kind = SKIP;
            }
            break;
        case NETDEV:
            if (netdev_line(line, nv) < 0) {
                if (damaged(d, off, lineno))
                    snprintf(d->why, sizeof d->why, "not a '/proc/PID/net/dev' line "
                             "(NAME: 16 counts)");
                kind = SKIP;
            }
            break;
        case DISKSTATS: {
            int r = diskstats_line(line, c, xb_timebase_ns(tb, cur_t));
            if (r == 1) {
                if (damaged(d, off, lineno))
                    snprintf(d->why, sizeof d->why, "not a '/proc/diskstats' line (MAJOR MINOR "
                        "NAME and 11 counts)");
                kind = SKIP;
            } else if (r < 0) {
                rc = xb_err_set(err, r, "out of memory");
            }
            break;
        }
        case STAT: {
            int r = stat_line(line, hz, c, xb_timebase_ns(tb, cur_t));
            if (r == 1) {
                if (damaged(d, off, lineno))
                    snprintf(d->why, sizeof d->why, "not a '/proc/stat' cpu line (cpuN and 8 "
                             "counts)");
                kind = SKIP;
            } else if (r < 0) {
                rc = xb_err_set(err, r, "out of memory");
            }
            break;
        }
        case NONE:
            if (damaged(d, off, lineno))
                snprintf(d->why, sizeof d->why, "text before the first '@' block "
                         "header");
            kind = SKIP;
            break;
        case CGROUP:
        case SKIP:
            break;
        }
        if (rc)
            break;
    }
    if (!rc && have_group && (rc = emit(&s, c, xb_timebase_ns(tb, cur_t))))
        xb_err_set(err, rc, "out of memory");
    (void)path;
    free(line);
    free(s.p);
    free(s.d);
    free(s.n);
    return rc;
}

void xb_procfs_damage_warning(const struct xb_procfs_damage *d, const char *path,
                           char *buf, size_t len)
{
    int n = 0;
    buf[0] = '\0';
    if (d->lines == 1)
        n = snprintf(buf, len, "%s: byte offset %lld (line %lu): %s: skipped", path,
                     d->offset, d->line, d->why);
    else if (d->lines > 1)
        n = snprintf(buf, len, "%s: %llu damaged lines skipped, the first at byte "
                     "offset %lld (line %lu): %s", path, d->lines, d->offset,
                     d->line, d->why);
    if (d->cut && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "%s%s: byte offset %lld (line %lu): the "
                 "last line has no end (recording cut short?): ignored",
                 n ? "; " : "", path, d->cut_offset, d->cut_line);
}
