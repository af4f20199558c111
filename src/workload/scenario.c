/* scenario.c: parse scenario files (INI) against the stressor table; see
 * scenario.h and docs/scenarios.md.  Pure: reads one file, touches nothing.
 * It must not start anything (loads.c). */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/record.h"
#include "util/parse.h"

static const struct xb_stressor stressors[] = {
    { "cpu", "--cpu", NULL, XB_KEY_CPU_LOAD, "CPU-bound work (cpu-load % per worker)" },
    { "vm", "--vm", "--vm-bytes", XB_KEY_BYTES, "memory: writes and checks anonymous mappings" },
    { "cache", "--cache", NULL, 0, "CPU cache thrashing" },
    { "stream", "--stream", NULL, 0, "memory bandwidth (STREAM copy/scale/add/triad)" },
    { "hdd", "--hdd", "--hdd-bytes", XB_KEY_BYTES | XB_KEY_RATE,
      "disk writes (sequential direct writes when rate is given)" },
    { "iomix", "--iomix", "--iomix-bytes", XB_KEY_BYTES | XB_KEY_RATE,
      "a mix of disk reads, writes, syncs" },
    { "sock", "--sock", NULL, 0, "TCP send/receive on loopback" },
    { "udp", "--udp", NULL, 0, "UDP send/receive on loopback" },
    { "idle", NULL, NULL, 0, "nothing: one process sleeping for the duration" },
};

const struct xb_stressor *xb_stressor_find(const char *name)
{
    for (size_t i = 0; i < sizeof stressors / sizeof stressors[0]; i++)
        if (strcmp(stressors[i].name, name) == 0)
            return &stressors[i];
    return NULL;
}

const char *xb_stressor_names(void)
{
    static char buf[256];
    if (!buf[0]) {
        size_t off = 0;
        for (size_t i = 0; i < sizeof stressors / sizeof stressors[0]; i++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s",
                                    i ? ", " : "", stressors[i].name);
    }
    return buf;
}

/* Parser state: where we are and what the current section has seen. */
struct ps {
    const char *name;
    int line;
    enum { NONE, RUN, DOMAIN } sect;
    int sect_line;
    unsigned seen;            /* bit per key of the current section */
    int run_line;             /* line of [run], 0 if none */
    struct xb_scenario *s;
    struct xb_err *err;
};

static int fail(struct ps *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct ps *p, int line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return xb_err_set(p->err, -XB_EINPUT, "%s:%d: %s", p->name, line, msg);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int parse_duration(struct ps *p, const char *key, const char *v,
                          double min_s, double max_s, uint64_t *ns)
{
    if (v[0] == '-')
        return fail(p, p->line, "%s: negative duration '%s'", key, v);
    int rc = xb_parse_duration_in(v, min_s, max_s, ns);
    if (rc) {
        char why[200];
        xb_duration_why(rc, v, min_s, max_s, why, sizeof why);
        return fail(p, p->line, "%s: %s", key, why);
    }
    return 0;
}

static int parse_uint(struct ps *p, const char *key, const char *v,
                      long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!isdigit((unsigned char)v[v[0] == '-' || v[0] == '+']) || *end || errno)
        return fail(p, p->line, "%s: '%s' is not a number", key, v);
    if (x < lo || x > hi)
        return fail(p, p->line, "%s: %ld is out of range (%ld..%ld)", key, x,
                    lo, hi);
    *out = x;
    return 0;
}

/* "1", "0-1,3": each cpu below 1024, ranges ascending. */
static int valid_cpulist(const char *v)
{
    const char *c = v;
    for (;;) {
        char *end;
        if (!isdigit((unsigned char)*c))
            return 0;
        long a = strtol(c, &end, 10), b = a;
        if (*end == '-') {
            if (!isdigit((unsigned char)end[1]))
                return 0;
            b = strtol(end + 1, &end, 10);
        }
        if (a > b || b >= 1024)
            return 0;
        if (*end == '\0')
            return 1;
        if (*end != ',')
            return 0;
        c = end + 1;
    }
}

static const char *const run_keys[] = { "duration", "interval", NULL };
static const char *const dom_keys[] = { "stressor", "workers", "cpu-load", "cpus",
                                        "duration", "bytes", "rate", NULL };

static int key_index(const char *const *keys, const char *k)
{
    for (int i = 0; keys[i]; i++)
        if (strcmp(keys[i], k) == 0)
            return i;
    return -1;
}

static const char *key_list(const char *const *keys)
{
    static char buf[128];
    size_t off = 0;
    for (int i = 0; keys[i]; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s",
                                i ? ", " : "", keys[i]);
    return buf;
}

/* Checks when a section ends (the next header or the end of the file). */
static int end_section(struct ps *p)
{
    if (p->sect == RUN && !(p->seen & 1u))
        return fail(p, p->sect_line, "[run] has no 'duration =' (how long to "
                    "record)");
    if (p->sect != DOMAIN)
        return 0;
    struct xb_scn_domain *d = &p->s->d[p->s->n - 1];
    if (!d->st)
        return fail(p, d->line, "domain '%s' has no 'stressor =' (one of %s)",
                    d->name, xb_stressor_names());
    static const struct { int key; unsigned flag; } gated[] = {
        { 2, XB_KEY_CPU_LOAD }, { 5, XB_KEY_BYTES }, { 6, XB_KEY_RATE },
    };
    for (size_t i = 0; i < sizeof gated / sizeof gated[0]; i++)
        if ((p->seen & (1u << gated[i].key)) && !(d->st->keys & gated[i].flag))
            return fail(p, d->line, "domain '%s': '%s' does not apply to "
                        "stressor '%s'", d->name, dom_keys[gated[i].key],
                        d->st->name);
    return 0;
}

static int header(struct ps *p, char *l)
{
    int rc = end_section(p);
    if (rc)
        return rc;
    char *close = strchr(l, ']');
    if (!close || trim(close + 1)[0])
        return fail(p, p->line, "bad section header '%s' (want [run] or "
                    "[domain NAME])", l);
    *close = '\0';
    char *inner = trim(l + 1);
    p->seen = 0;
    p->sect_line = p->line;
    if (strcmp(inner, "run") == 0) {
        if (p->run_line)
            return fail(p, p->line, "second [run] section (the first is on "
                        "line %d)", p->run_line);
        p->run_line = p->line;
        p->sect = RUN;
        return 0;
    }
    if (strncmp(inner, "domain", 6) != 0 || !isspace((unsigned char)inner[6]))
        return fail(p, p->line, "unknown section '[%s]' (want [run] or "
                    "[domain NAME])", inner);
    char *name = trim(inner + 6);
    size_t len = strlen(name);
    if (len == 0 || len >= XB_SCN_NAME_MAX ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789_-") != len)
        return fail(p, p->line, "domain name '%s': use 1 to %d letters, "
                    "digits, '_' or '-'", name, XB_SCN_NAME_MAX - 1);
    struct xb_scenario *s = p->s;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->d[i].name, name) == 0)
            return fail(p, p->line, "domain '%s' is defined twice (first on "
                        "line %d)", name, s->d[i].line);
    struct xb_scn_domain *v = realloc(s->d, (s->n + 1) * sizeof *v);
    if (!v)
        return xb_err_set(p->err, -ENOMEM, "out of memory");
    s->d = v;
    struct xb_scn_domain *d = &s->d[s->n++];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name);
    d->line = p->line;
    d->workers = 1;
    d->cpu_load_pct = -1;
    p->sect = DOMAIN;
    return 0;
}

static int run_key(struct ps *p, int k, const char *v)
{
    if (k == 0)
        return parse_duration(p, "duration", v, XB_RECORD_DURATION_MIN_S,
                              XB_RECORD_DURATION_MAX_S, &p->s->duration_ns);
    return parse_duration(p, "interval", v, XB_RECORD_INTERVAL_MIN_S,
                          XB_RECORD_INTERVAL_MAX_S, &p->s->interval_ns);
}

static int domain_key(struct ps *p, int k, const char *v)
{
    struct xb_scn_domain *d = &p->s->d[p->s->n - 1];
    long x;
    int rc = 0;
    switch (k) {
    case 0:
        if (!(d->st = xb_stressor_find(v)))
            rc = fail(p, p->line, "unknown stressor '%s' (one of %s)", v,
                      xb_stressor_names());
        break;
    case 1:
        if (!(rc = parse_uint(p, "workers", v, 1, 256, &x)))
            d->workers = (unsigned)x;
        break;
    case 2:
        if (!(rc = parse_uint(p, "cpu-load", v, 1, 100, &x)))
            d->cpu_load_pct = (int)x;
        break;
    case 3:
        if (!valid_cpulist(v) || strlen(v) >= sizeof d->cpus)
            rc = fail(p, p->line, "cpus: '%s' is not a cpu list (e.g. 1, 0-1, "
                      "0,2)", v);
        else
            snprintf(d->cpus, sizeof d->cpus, "%s", v);
        break;
    case 4:
        rc = parse_duration(p, "duration", v, XB_RECORD_DURATION_MIN_S,
                            XB_RECORD_DURATION_MAX_S, &d->duration_ns);
        d->own_duration = true;
        break;
    case 5:
    case 6:
        if (v[0] == '-')
            rc = fail(p, p->line, "%s: negative size '%s'", dom_keys[k], v);
        else if (xb_parse_bytes(v, k == 5 ? &d->bytes : &d->rate_bps))
            rc = fail(p, p->line, "%s: '%s' is not a size in bytes (e.g. "
                      "4096, 64K, 20M, 1G)%s", dom_keys[k], v,
                      k == 6 ? " per second" : "");
        break;
    }
    return rc;
}

static int key_value(struct ps *p, char *l)
{
    char *eq = strchr(l, '=');
    if (!eq)
        return fail(p, p->line, "'%s' is not 'key = value' or a [section]", l);
    *eq = '\0';
    char *k = trim(l), *v = trim(eq + 1);
    if (p->sect == NONE)
        return fail(p, p->line, "'%s =' comes before any [run] or [domain "
                    "NAME] section", k);
    const char *const *keys = p->sect == RUN ? run_keys : dom_keys;
    int i = key_index(keys, k);
    if (i < 0)
        return fail(p, p->line, "unknown key '%s' in [%s] (known: %s)", k,
                    p->sect == RUN ? "run" : "domain", key_list(keys));
    if (p->seen & (1u << i))
        return fail(p, p->line, "'%s' is given twice in this section", k);
    p->seen |= 1u << i;
    if (!*v)
        return fail(p, p->line, "'%s =' has no value", k);
    return p->sect == RUN ? run_key(p, i, v) : domain_key(p, i, v);
}

int xb_scenario_parse(const char *text, size_t len, const char *name,
                      struct xb_scenario *s, struct xb_err *err)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", name);
    s->interval_ns = 1000000000ull;
    struct ps p = { .name = name, .s = s, .err = err };
    int rc = 0;
    size_t pos = 0;
    while (rc == 0 && pos < len) {
        p.line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char buf[1024];
        if (n >= sizeof buf) {
            rc = fail(&p, p.line, "line longer than %zu bytes", sizeof buf - 1);
            break;
        }
        memcpy(buf, text + pos, n);
        buf[n] = '\0';
        pos += n + 1;
        if (strlen(buf) != n) {
            rc = fail(&p, p.line, "NUL byte: not a text file");
            break;
        }
        /* A comment starts with # or ; at the start or after a blank. */
        for (char *c = buf; *c; c++)
            if ((*c == '#' || *c == ';') && (c == buf || isspace((unsigned char)c[-1]))) {
                *c = '\0';
                break;
            }
        char *l = trim(buf);
        if (!*l)
            continue;
        rc = l[0] == '[' ? header(&p, l) : key_value(&p, l);
    }
    if (rc == 0)
        rc = end_section(&p);
    if (rc == 0 && !p.run_line)
        rc = fail(&p, p.line ? p.line : 1, "no [run] section (it gives "
                  "'duration =', how long to record)");
    if (rc == 0 && s->n == 0)
        rc = fail(&p, p.line ? p.line : 1, "no [domain NAME] section: nothing "
                  "to run");
    if (rc == 0)
        for (size_t i = 0; i < s->n; i++)
            if (!s->d[i].duration_ns)
                s->d[i].duration_ns = s->duration_ns;
    if (rc)
        xb_scenario_free(s);
    return rc;
}

void xb_scenario_set_duration(struct xb_scenario *s, uint64_t ns)
{
    s->duration_ns = ns;
    for (size_t i = 0; i < s->n; i++)
        if (!s->d[i].own_duration)
            s->d[i].duration_ns = ns;
}

int xb_scenario_load(const char *path, struct xb_scenario *s, struct xb_err *err)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "rb");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= (1u << 20)) {
                rc = xb_err_set(err, -XB_EINPUT, "%s: larger than 1 MB: not "
                                "a scenario file", path);
                break;
            }
            cap = cap ? 2 * cap : 4096;
            char *t = realloc(text, cap);
            if (!t) {
                rc = xb_err_set(err, -ENOMEM, "out of memory");
                break;
            }
            text = t;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                rc = xb_err_set(err, -XB_EINPUT, "%s: %s", path,
                                strerror(errno ? errno : EIO));
            break;
        }
    }
    fclose(f);
    if (rc == 0)
        rc = xb_scenario_parse(text ? text : "", len, path, s, err);
    free(text);
    return rc;
}

void xb_scenario_free(struct xb_scenario *s)
{
    free(s->d);
    s->d = NULL;
    s->n = 0;
}
