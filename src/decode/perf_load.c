/* perf_load.c: read perf.txt / perf-sw.txt back into counter series.
 *
 * Each line is one counter's reading; a domain's figure at a time stamp is
 * the sum over its counters (per CPU or per thread) of each one's latest
 * reading, scaled by time_enabled / time_running when the kernel multiplexed
 * it (as perf stat does).  A counter missing from a group keeps its last
 * value, so a reading that failed does not look like a drop.  It must not
 * know how the figures are shown (model/metric.c). */
#define _GNU_SOURCE
#include "perf_load.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metrics[] = {
    XB_CTR_LLC_REFS, XB_CTR_LLC_MISSES, XB_CTR_INSTRUCTIONS, XB_CTR_CYCLES, XB_CTR_TASK_CLOCK_NS,
    XB_CTR_CONTEXT_SWITCHES,
};
#define NMETRIC (sizeof metrics / sizeof metrics[0])

struct slot {
    uint32_t domid;
    unsigned metric;
    char target[24];
    double value;           /* latest scaled reading */
};

struct state {
    struct slot *s;
    size_t n;
};

static struct slot *slot_for(struct state *st, uint32_t domid, unsigned metric,
                             const char *target)
{
    for (size_t i = 0; i < st->n; i++)
        if (st->s[i].domid == domid && st->s[i].metric == metric &&
            strcmp(st->s[i].target, target) == 0)
            return &st->s[i];
    struct slot *v = realloc(st->s, (st->n + 1) * sizeof *v);
    if (!v)
        return NULL;
    st->s = v;
    struct slot *s = &st->s[st->n++];
    memset(s, 0, sizeof *s);
    s->domid = domid;
    s->metric = metric;
    snprintf(s->target, sizeof s->target, "%s", target);
    return s;
}

/* One sum per (domain, metric) seen so far, stamped t. */
static int emit(const struct state *st, struct xb_counters *c, uint64_t t)
{
    for (size_t i = 0; i < st->n; i++) {
        bool first = true;
        for (size_t k = 0; k < i; k++)
            if (st->s[k].domid == st->s[i].domid && st->s[k].metric == st->s[i].metric)
                first = false;
        if (!first)
            continue;
        double sum = 0;
        for (size_t k = i; k < st->n; k++)
            if (st->s[k].domid == st->s[i].domid && st->s[k].metric == st->s[i].metric)
                sum += st->s[k].value;
        char key[48];
        xb_counters_domkey(key, sizeof key, st->s[i].domid, 0);
        if (xb_counters_add(c, key, metrics[st->s[i].metric], XB_CUMULATIVE, t, sum))
            return -ENOMEM;
    }
    return 0;
}

int xb_perf_load(const char *path, const struct xb_timebase *tb,
                 struct xb_counters *c, struct xb_err *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    struct state st = { 0 };
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    uint64_t group = 0;
    bool have_group = false;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        uint64_t t, v, en, run;
        uint32_t domid;
        char ev[32], target[24];
        int used = 0;
        if (sscanf(line, "%" SCNu64 " %" SCNu32 " %31s %23s %" SCNu64 " %" SCNu64
                   " %" SCNu64 "%n", &t, &domid, ev, target, &v, &en, &run,
                   &used) != 7 || (line[used] != '\n' && line[used] != '\0')) {
            rc = xb_err_set(err, -XB_EINPUT, "%s:%u: not a perf reading "
                            "(T_NS DOMID EVENT TARGET VALUE ENABLED RUNNING)",
                            path, lineno);
            break;
        }
        unsigned m = 0;
        while (m < NMETRIC && strcmp(metrics[m], ev) != 0)
            m++;
        if (m == NMETRIC) {
            rc = xb_err_set(err, -XB_EINPUT, "%s:%u: unknown event '%s'", path,
                            lineno, ev);
            break;
        }
        if (have_group && t < group) {
            rc = xb_err_set(err, -XB_EINPUT, "%s:%u: time %" PRIu64 " goes "
                            "back (previous %" PRIu64 ")", path, lineno, t, group);
            break;
        }
        if (have_group && t != group)
            rc = emit(&st, c, xb_timebase_ns(tb, group));
        group = t;
        have_group = true;
        struct slot *s = rc ? NULL : slot_for(&st, domid, m, target);
        if (!rc && !s)
            rc = -ENOMEM;
        if (s)   /* never ran: 0; multiplexed: scaled up as perf stat does */
            s->value = run == 0 ? 0 : run < en ? (double)v * ((double)en / (double)run)
                                               : (double)v;
    }
    if (rc == 0 && ferror(f))
        rc = xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    if (rc == 0 && have_group)
        rc = emit(&st, c, xb_timebase_ns(tb, group));
    if (rc == -ENOMEM)
        xb_err_set(err, rc, "out of memory");
    free(line);
    free(st.s);
    fclose(f);
    return rc;
}
