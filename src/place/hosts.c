/* hosts.c: reading and writing the hosts file and the assignment file
 * (hosts.h gives the columns and units).  Owns only the parsing and the
 * checks of each value; which VM the assignment's names mean is decided
 * where the history is known (place/demand.c).  It must not decide a
 * placement. */
#include "hosts.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/hostfacts.h"
#include "util/csvread.h"
#include "util/format.h"
#include "util/parse.h"

void xb_host_init(struct xb_host *h)
{
    memset(h, 0, sizeof *h);
    h->mflops_per_core = h->ghz = h->disk_mbps = h->net_gbps = NAN;
    h->monthly_usd = NAN;
}

int xb_hosts_add(struct xb_hosts *hs, const struct xb_host *h)
{
    if (hs->n == hs->cap) {
        size_t cap = hs->cap ? hs->cap * 2 : 16;
        struct xb_host *v = realloc(hs->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        hs->v = v;
        hs->cap = cap;
    }
    hs->v[hs->n++] = *h;
    return 0;
}

void xb_hosts_free(struct xb_hosts *hs)
{
    free(hs->v);
    memset(hs, 0, sizeof *hs);
}

long xb_hosts_find(const struct xb_hosts *hs, const char *name)
{
    for (size_t i = 0; i < hs->n; i++)
        if (strcmp(hs->v[i].name, name) == 0)
            return (long)i;
    return -1;
}

enum { C_HOST, C_COUNT, C_SOCKETS, C_CORES, C_THREADS, C_MFLOPS, C_GHZ, C_MEM,
       C_DISK, C_NET, C_COST, C_N };

struct hosts_loader {
    struct xb_csv_col cols[C_N];
    struct xb_hosts *out;
    struct xb_err *err;
};

/* A whole number >= 1, at most max. */
static int host_count(const struct xb_csv_row *row, const struct xb_csv_col *c,
                      unsigned max, unsigned *v, struct xb_err *err)
{
    const char *s = xb_csv_get(row, c);
    if (xb_parse_count(s, v) || *v > max)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: %s: '%s' is not a whole "
                          "number 1..%u", row->path, row->line, c->name, s, max);
    return 0;
}

/* A number > 0; empty gives NAN when optional. */
static int host_num(const struct xb_csv_row *row, const struct xb_csv_col *c,
                    bool optional, bool zero_ok, double *v, struct xb_err *err)
{
    const char *s = xb_csv_get(row, c);
    if (!*s && optional) {
        *v = NAN;
        return 0;
    }
    if (!*s)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: %s: empty (required)",
                          row->path, row->line, c->name);
    if (xb_parse_num(s, v) || *v < 0 || (*v == 0 && !zero_ok) || *v > 1e12)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: %s: '%s' is not a number "
                          "%s", row->path, row->line, c->name, s,
                          zero_ok ? ">= 0" : "> 0");
    return 0;
}

static int on_host(const struct xb_csv_row *row, void *ctx)
{
    struct hosts_loader *L = ctx;
    const struct xb_csv_col *c = L->cols;
    struct xb_err *err = L->err;
    if (row->line == 1)
        return xb_csv_map(row, L->cols, C_N, err);
    struct xb_host h;
    xb_host_init(&h);
    h.line = row->line;
    const char *name = xb_csv_get(row, &c[C_HOST]);
    size_t len = strlen(name);
    if (len == 0)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: host: empty", row->path,
                          row->line);
    if (len >= sizeof h.name - 8)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: host: '%.40s...' is "
                          "longer than %zu characters", row->path, row->line, name,
                          sizeof h.name - 9);
    unsigned count = 1;
    int rc = 0;
    if (*xb_csv_get(row, &c[C_COUNT]))
        rc = host_count(row, &c[C_COUNT], 100000, &count, err);
    if (!rc)
        rc = host_count(row, &c[C_SOCKETS], 64, &h.sockets, err);
    if (!rc)
        rc = host_count(row, &c[C_CORES], 1024, &h.cores_per_socket, err);
    if (!rc)
        rc = host_count(row, &c[C_THREADS], 16, &h.threads_per_core, err);
    if (!rc)
        rc = host_num(row, &c[C_MFLOPS], true, false, &h.mflops_per_core, err);
    if (!rc)
        rc = host_num(row, &c[C_GHZ], true, false, &h.ghz, err);
    if (!rc)
        rc = host_num(row, &c[C_MEM], false, false, &h.mem_gib, err);
    if (!rc)
        rc = host_num(row, &c[C_DISK], true, false, &h.disk_mbps, err);
    if (!rc)
        rc = host_num(row, &c[C_NET], true, false, &h.net_gbps, err);
    if (!rc)
        rc = host_num(row, &c[C_COST], true, true, &h.monthly_usd, err);
    if (rc)
        return rc;
    if (L->out->n + count > 1000000)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: more than 1000000 hosts",
                          row->path, row->line);
    for (unsigned i = 1; i <= count; i++) {
        if (count > 1)
            snprintf(h.name, sizeof h.name, "%s-%u", name, i);
        else
            snprintf(h.name, sizeof h.name, "%s", name);
        if (xb_hosts_add(L->out, &h))
            return xb_err_set(err, -ENOMEM, "out of memory");
    }
    return 0;
}

static int cmp_host_name(const void *a, const void *b)
{
    const struct xb_host *x = *(const struct xb_host *const *)a;
    const struct xb_host *y = *(const struct xb_host *const *)b;
    return strcmp(x->name, y->name);
}

int xb_hosts_load(const char *path, struct xb_hosts *hs, struct xb_err *err)
{
    struct hosts_loader L = {
        .cols = {
            [C_HOST] = { "host", true, 0 },
            [C_COUNT] = { "count", false, 0 },
            [C_SOCKETS] = { "sockets", true, 0 },
            [C_CORES] = { "cores_per_socket", true, 0 },
            [C_THREADS] = { "threads_per_core", true, 0 },
            [C_MFLOPS] = { "mflops_per_core", false, 0 },
            [C_GHZ] = { "ghz", false, 0 },
            [C_MEM] = { "memory_gib", true, 0 },
            [C_DISK] = { "disk_mbps", false, 0 },
            [C_NET] = { "net_gbps", false, 0 },
            [C_COST] = { "monthly_cost_usd", false, 0 },
        },
        .out = hs, .err = err,
    };
    memset(hs, 0, sizeof *hs);
    int rc = xb_csv_read(path, on_host, &L, err);
    if (!rc && hs->n == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: no hosts (a header row, then one "
                        "row per host)", path);
    if (!rc) {
        /* Names must be unique: sort pointers, compare neighbours. */
        const struct xb_host **p = malloc(hs->n * sizeof *p);
        if (!p)
            rc = xb_err_set(err, -ENOMEM, "out of memory");
        for (size_t i = 0; !rc && i < hs->n; i++)
            p[i] = &hs->v[i];
        if (!rc)
            qsort(p, hs->n, sizeof *p, cmp_host_name);
        for (size_t i = 1; !rc && i < hs->n; i++)
            if (strcmp(p[i - 1]->name, p[i]->name) == 0)
                rc = xb_err_set(err, -XB_EINPUT, "%s: line %u: host '%s' is also "
                                "on line %u", path,
                                p[i]->line > p[i - 1]->line ? p[i]->line : p[i - 1]->line,
                                p[i]->name,
                                p[i]->line > p[i - 1]->line ? p[i - 1]->line : p[i]->line);
        free(p);
    }
    if (rc)
        xb_hosts_free(hs);
    return rc;
}

static void opt_num(FILE *f, double v, int prec)
{
    fputc(',', f);
    xb_csv_num(f, v, prec);
}

int xb_hosts_write(FILE *f, const struct xb_hosts *hs)
{
    fputs(XB_HOSTS_HEADER "\n", f);
    for (size_t i = 0; i < hs->n; i++) {
        const struct xb_host *h = &hs->v[i];
        xb_csv_field(f, h->name);
        fprintf(f, ",,%u,%u,%u", h->sockets, h->cores_per_socket, h->threads_per_core);
        opt_num(f, h->mflops_per_core, 1);
        opt_num(f, h->ghz, 3);
        opt_num(f, h->mem_gib, 1);
        opt_num(f, h->disk_mbps, 1);
        opt_num(f, h->net_gbps, 2);
        opt_num(f, h->monthly_usd, 2);
        fputc('\n', f);
    }
    return ferror(f) ? -EIO : 0;
}

const char *const xb_hosts_cols[XB_HOSTS_NCOLS] = {
    "host", "count", "sockets", "cores_per_socket", "threads_per_core",
    "mflops_per_core", "ghz", "memory_gib", "disk_mbps", "net_gbps",
    "monthly_cost_usd",
};

int xb_hosts_write_facts(FILE *f, const struct xb_host_fact *v, size_t n,
                         size_t left[XB_HOSTS_NCOLS])
{
    memset(left, 0, XB_HOSTS_NCOLS * sizeof *left);
    fputs(XB_HOSTS_HEADER "\n", f);
    for (size_t i = 0; i < n; i++) {
        const struct xb_host_fact *h = &v[i];
        xb_csv_field(f, h->name);
        fputc(',', f);
        if (h->sockets)
            fprintf(f, ",%u,%u,%u", h->sockets, h->cores_per_socket, h->threads_per_core);
        else {
            fputs(",,,", f);
            left[2]++, left[3]++, left[4]++;
        }
        opt_num(f, h->host_mflops, 1);
        left[5] += isnan(h->host_mflops);
        opt_num(f, h->cpu_mhz / 1000.0, 3);
        left[6] += isnan(h->cpu_mhz);
        opt_num(f, h->mem_total_mib / 1024.0, 1);
        left[7] += isnan(h->mem_total_mib);
        fputs(",,,\n", f);         /* disk, network, cost: no recording knows */
        left[8]++, left[9]++, left[10]++;
    }
    return ferror(f) ? -EIO : 0;
}

/* ---- the assignment ---------------------------------------------------- */

int xb_assignment_add(struct xb_assignment *a, const char *vm, const char *host)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        struct xb_assign_row *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    struct xb_assign_row *r = &a->v[a->n];
    r->vm = strdup(vm);
    r->host = strdup(host);
    r->line = 0;
    if (!r->vm || !r->host) {
        free(r->vm);
        free(r->host);
        return -ENOMEM;
    }
    a->n++;
    return 0;
}

void xb_assignment_free(struct xb_assignment *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].vm);
        free(a->v[i].host);
    }
    free(a->v);
    memset(a, 0, sizeof *a);
}

struct assign_loader {
    struct xb_csv_col cols[2];
    struct xb_assignment *out;
    struct xb_err *err;
};

static int on_assign(const struct xb_csv_row *row, void *ctx)
{
    struct assign_loader *L = ctx;
    if (row->line == 1)
        return xb_csv_map(row, L->cols, 2, L->err);
    const char *vm = xb_csv_get(row, &L->cols[0]);
    const char *host = xb_csv_get(row, &L->cols[1]);
    if (!*vm || !*host)
        return xb_err_set(L->err, -XB_EINPUT, "%s: line %u: %s: empty", row->path,
                          row->line, *vm ? "host" : "vm");
    if (xb_assignment_add(L->out, vm, host))
        return xb_err_set(L->err, -ENOMEM, "out of memory");
    L->out->v[L->out->n - 1].line = row->line;
    return 0;
}

static int cmp_assign_vm(const void *a, const void *b)
{
    const struct xb_assign_row *x = *(const struct xb_assign_row *const *)a;
    const struct xb_assign_row *y = *(const struct xb_assign_row *const *)b;
    return strcmp(x->vm, y->vm);
}

int xb_assignment_load(const char *path, struct xb_assignment *a, struct xb_err *err)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    struct assign_loader L = {
        .cols = { { "vm", true, 0 }, { "host", true, 0 } }, .out = a, .err = err,
    };
    int rc = xb_csv_read(path, on_assign, &L, err);
    if (!rc && a->n) {
        const struct xb_assign_row **p = malloc(a->n * sizeof *p);
        if (!p)
            rc = xb_err_set(err, -ENOMEM, "out of memory");
        for (size_t i = 0; !rc && i < a->n; i++)
            p[i] = &a->v[i];
        if (!rc)
            qsort(p, a->n, sizeof *p, cmp_assign_vm);
        for (size_t i = 1; !rc && i < a->n; i++) {
            if (strcmp(p[i - 1]->vm, p[i]->vm) == 0) {
                unsigned l1 = p[i - 1]->line, l2 = p[i]->line;
                rc = xb_err_set(err, -XB_EINPUT, "%s: line %u: vm '%s' is also on "
                                "line %u", path, l1 > l2 ? l1 : l2, p[i]->vm,
                                l1 > l2 ? l2 : l1);
            }
        }
        free(p);
    }
    if (rc)
        xb_assignment_free(a);
    else
        snprintf(a->path, sizeof a->path, "%s", path);
    return rc;
}
