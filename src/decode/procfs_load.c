/* procfs_load.c: read procfs.txt (format in source/linux/procfs_sampler.c).
 * Samples are grouped by their time stamp: one group per interval. */
#define _GNU_SOURCE
#include "procfs_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    bool other_disk, other_mem;  /* another source gave these: left alone */
};

struct state {
    struct pidval *p;
    size_t np;
    struct domsum *d;
    size_t nd;
};

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
    s->d[s->nd] = (struct domsum){ domid, 0, false,
                                   xb_counters_has(c, key, "disk_read_bytes"),
                                   xb_counters_has(c, key, "mem_bytes") };
    return &s->d[s->nd++];
}

/* Emit the totals of the group stamped t. */
static int emit(struct state *s, struct xb_counters *c, uint64_t t)
{
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
        if (any && !d->other_disk && (xb_counters_add(c, key, "disk_read_bytes", XB_CUMULATIVE, t, rd) ||
                    xb_counters_add(c, key, "disk_write_bytes", XB_CUMULATIVE, t, wr)))
            return -ENOMEM;
        if (d->rss_seen && !d->other_mem &&
            xb_counters_add(c, key, "mem_bytes", XB_GAUGE, t, d->rss))
            return -ENOMEM;
        d->rss = 0;
        d->rss_seen = false;
    }
    return 0;
}

static int diskstats_line(const char *line, struct xb_counters *c, uint64_t t)
{
    static const char *const names[] = {
        "dev_reads", NULL, "dev_read_sectors", "dev_read_ms", "dev_writes", NULL,
        "dev_write_sectors", "dev_write_ms", NULL, "dev_io_ms", "dev_weighted_ms",
    };
    unsigned maj, min;
    char dev[64];
    unsigned long long v[11];
    int n = sscanf(line, "%u %u %63s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                   &maj, &min, dev, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
                   &v[7], &v[8], &v[9], &v[10]);
    if (n < 14)
        return 0;
    bool active = false;
    for (int i = 0; i < 11; i++)
        active |= v[i] != 0;
    char key[80];
    snprintf(key, sizeof key, "dev:%s", dev);
    if (!active && !xb_counters_has(c, key, "dev_reads"))
        return 0;                      /* never used: not shown */
    for (int i = 0; i < 11; i++)
        if (names[i] && xb_counters_add(c, key, names[i], XB_CUMULATIVE, t, (double)v[i]))
            return -ENOMEM;
    return 0;
}

int xb_procfs_load(const char *path, const struct xb_timebase *tb,
                   struct xb_counters *c, struct xb_err *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    int rc = xb_procfs_load_stream(f, path, tb, c, err);
    fclose(f);
    return rc;
}

int xb_procfs_load_stream(FILE *f, const char *path, const struct xb_timebase *tb,
                          struct xb_counters *c, struct xb_err *err)
{
    struct state s = { 0 };
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    unsigned long long cur_t = 0;
    bool have_group = false;
    enum { NONE, IO, STATM, DISKSTATS, OTHER } kind = NONE;
    struct pidval *pv = NULL;
    struct domsum *ds = NULL;
    double page = STATM_PAGE;
    int rc = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        if (line[0] == '@') {
            unsigned long long t;
            char what[16];
            int n = 0;
            if (sscanf(line, "@ %llu %15s %n", &t, what, &n) != 2) {
                rc = xb_err_set(err, -XB_EINPUT, "%s:%lu: bad block header "
                                "(expected '@ T_NS KIND ...')", path, lineno);
                break;
            }
            if (have_group && t != cur_t &&
                (rc = emit(&s, c, xb_timebase_ns(tb, cur_t)))) {
                xb_err_set(err, rc, "out of memory");
                break;
            }
            if (have_group && t < cur_t) {
                rc = xb_err_set(err, -XB_EINPUT, "%s:%lu: time goes backwards",
                                path, lineno);
                break;
            }
            cur_t = t;
            have_group = true;
            unsigned domid;
            int pid;
            long pagesize = 0;
            kind = OTHER;
            if (strcmp(what, "diskstats") == 0)
                kind = DISKSTATS;
            else if (strcmp(what, "io") == 0 || strcmp(what, "statm") == 0) {
                if (sscanf(line + n, "%u %d %ld", &domid, &pid, &pagesize) < 2) {
                    rc = xb_err_set(err, -XB_EINPUT, "%s:%lu: bad '%s' header "
                                    "(expected DOMID PID)", path, lineno, what);
                    break;
                }
                kind = what[0] == 'i' ? IO : STATM;
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
            if (sscanf(line, "read_bytes: %llu", &v) == 1)
                pv->rd = (double)v;
            else if (sscanf(line, "write_bytes: %llu", &v) == 1)
                pv->wr = (double)v;
            break;
        case STATM:
            if (sscanf(line, "%llu %llu", &size, &res) == 2) {
                ds->rss += (double)res * page;
                ds->rss_seen = true;
            }
            break;
        case DISKSTATS:
            if ((rc = diskstats_line(line, c, xb_timebase_ns(tb, cur_t))))
                xb_err_set(err, rc, "out of memory");
            break;
        case NONE:
            rc = xb_err_set(err, -XB_EINPUT, "%s:%lu: text before the first "
                            "'@' block header", path, lineno);
            break;
        case OTHER:
            break;
        }
        if (rc)
            break;
    }
    if (!rc && have_group && (rc = emit(&s, c, xb_timebase_ns(tb, cur_t))))
        xb_err_set(err, rc, "out of memory");
    free(line);
    free(s.p);
    free(s.d);
    return rc;
}
