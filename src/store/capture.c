/* capture.c: reading a bare Xen capture folder (see capture.h).  It must not
 * write to the database. */
#include "capture.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/dirlist.h"

static bool exists(const char *dir, const char *name, char *path, size_t len)
{
    struct stat st;
    snprintf(path, len, "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_trace_name(const char *n)
{
    return xb_dirlist_match(n, "trace-", ".bin");
}

bool xb_capture_detect(const char *dir)
{
    char path[4200];
    if (exists(dir, "manifest.json", path, sizeof path))
        return false;
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)))
        found = is_trace_name(e->d_name);
    closedir(d);
    return found;
}

static int list_traces(const char *dir, struct xb_capture *c, struct xb_err *err)
{
    struct xb_dirlist l;
    int rc = xb_dirlist(dir, "trace-", ".bin", &l, err);
    if (!rc) {
        c->traces = l.path;
        c->ntraces = l.n;
    }
    return rc;
}

static int parse_mhz(const char *s, const char *path, unsigned line, double *out,
                     struct xb_err *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
        end++;
    if (errno || end == s || *end || !(v > 0) || isinf(v))
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: cpu_mhz: '%s' is not "
                          "a clock in MHz", path, line, s);
    *out = v;
    return 0;
}

/* xl-info.txt: "key   : value" lines; host and cpu_mhz. */
static int read_xl_info(const char *path, struct xb_capture *c, struct xb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    char line[1024];
    unsigned n = 0;
    int rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        n++;
        char key[64];
        int off = 0;
        if (sscanf(line, "%63s : %n", key, &off) != 1 || off == 0)
            continue;
        char *val = line + off;
        val[strcspn(val, "\r\n")] = '\0';
        if (strcmp(key, "host") == 0)
            snprintf(c->host, sizeof c->host, "%s", val);
        else if (strcmp(key, "cpu_mhz") == 0) {
            rc = parse_mhz(val, path, n, &c->cpu_mhz, err);
            snprintf(c->cpu_mhz_from, sizeof c->cpu_mhz_from, "%s", path);
        }
    }
    fclose(f);
    return rc;
}

static int read_cpu_mhz(const char *path, struct xb_capture *c, struct xb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    char line[128] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    snprintf(c->cpu_mhz_from, sizeof c->cpu_mhz_from, "%s", path);
    return parse_mhz(line, path, 1, &c->cpu_mhz, err);
}

/* xl-list.txt: header "Name ID Mem VCPUs State Time(s)", then a row each. */
static int read_xl_list(const char *path, struct xb_capture *c, struct xb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    char line[1024];
    unsigned n = 0;
    int rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        n++;
        if (strncmp(line, "Name", 4) == 0 || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        struct xb_capture_dom d = { 0 };
        unsigned id, mem_mib;
        if (sscanf(line, "%63s %u %u %u", d.name, &id, &mem_mib, &d.vcpus) != 4) {
            rc = xb_err_set(err, -XB_EINPUT, "%s: line %u: expected `NAME ID MEM "
                            "VCPUS ...` as printed by `xl list`", path, n);
            break;
        }
        d.mem_bytes = (double)mem_mib * 1048576.0;
        struct xb_capture_dom *v = realloc(c->dom, (c->ndom + 1) * sizeof *v);
        if (!v) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            break;
        }
        c->dom = v;
        c->dom[c->ndom++] = d;
    }
    fclose(f);
    return rc;
}

int xb_capture_load(const char *dir, struct xb_capture *c, struct xb_err *err)
{
    char path[4200];
    memset(c, 0, sizeof *c);
    c->cpu_mhz = NAN;
    int rc = list_traces(dir, c, err);
    if (!rc && exists(dir, "xl-info.txt", path, sizeof path))
        rc = read_xl_info(path, c, err);
    if (!rc && isnan(c->cpu_mhz) && exists(dir, "cpu_mhz.txt", path, sizeof path))
        rc = read_cpu_mhz(path, c, err);
    if (!rc && exists(dir, "xl-list.txt", path, sizeof path)) {
        rc = read_xl_list(path, c, err);
        snprintf(c->names_file, sizeof c->names_file, "%s", path);
    }
    if (rc)
        xb_capture_free(c);
    return rc;
}

int xb_capture_load_domains(const char *dir, struct xb_capture *c, struct xb_err *err)
{
    char path[4200];
    memset(c, 0, sizeof *c);
    c->cpu_mhz = NAN;
    int rc = exists(dir, "xl-list.txt", path, sizeof path)
           ? read_xl_list(path, c, err) : 0;
    if (rc)
        xb_capture_free(c);
    return rc;
}

void xb_capture_free(struct xb_capture *c)
{
    for (size_t i = 0; i < c->ntraces; i++)
        free(c->traces[i]);
    free(c->traces);
    free(c->dom);
    memset(c, 0, sizeof *c);
}

const struct xb_capture_dom *xb_capture_dom(const struct xb_capture *c,
                                            const char *name)
{
    for (size_t i = 0; i < c->ndom; i++)
        if (strcmp(c->dom[i].name, name) == 0)
            return &c->dom[i];
    return NULL;
}
