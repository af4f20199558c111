/* libvirt_stats.c: the libvirt counters sampler.
 *
 * Each sample is one virConnectGetAllDomainStats call (state, cpu, vcpu,
 * balloon, interfaces, block devices; running domains) written verbatim, in
 * the text layout of `virsh domstats --raw`, under a "# t_ns=" line (the
 * CLOCK_MONOTONIC midpoint of the call, which takes a round trip to
 * libvirtd) and closed by "# end", so a sample cut short is recognisable.
 * Each domain line carries the domain id of the recording's map, matched by
 * UUID ("-" for a domain started after discovery).  The file format is in
 * decode/libvirt_stats_load.h; this file owns only the writing side.
 * It must not read the file back (decode/).
 */
#define _GNU_SOURCE
#include "libvirt_stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "source/libvirt/libvirt_conn.h"
#include "util/format.h"

#define STATS (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |         \
               VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |             \
               VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

struct lv_state {
    virConnectPtr conn;
    char uri[256];
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}


static void put_param(FILE *out, const virTypedParameter *p)
{
    fprintf(out, "  %s=", p->field);
    switch (p->type) {
    case VIR_TYPED_PARAM_INT: fprintf(out, "%d", p->value.i); break;
    case VIR_TYPED_PARAM_UINT: fprintf(out, "%u", p->value.ui); break;
    case VIR_TYPED_PARAM_LLONG: fprintf(out, "%lld", p->value.l); break;
    case VIR_TYPED_PARAM_ULLONG: fprintf(out, "%llu", p->value.ul); break;
    case VIR_TYPED_PARAM_DOUBLE: fprintf(out, "%.17g", p->value.d); break;
    case VIR_TYPED_PARAM_BOOLEAN: fprintf(out, "%d", p->value.b ? 1 : 0); break;
    case VIR_TYPED_PARAM_STRING: xb_fputs_escaped(out, p->value.s ? p->value.s : ""); break;
    default: fprintf(out, "?"); break;
    }
    fputc('\n', out);
}

static int open_libvirt(void **state, const struct xb_domain_map *m, FILE *out,
                        const char **why, struct xb_err *err)
{
    *state = NULL;
    bool any = false;
    for (size_t i = 0; i < m->n && !any; i++)
        any = strcmp(m->d[i].kind, "libvirt") == 0;
    if (!any) {
        *why = "no libvirt domain in the domain map";
        return 1;
    }
    struct lv_state *s = calloc(1, sizeof *s);
    if (!s)
        return xb_err_set(err, -ENOMEM, "out of memory");
    s->conn = xb_libvirt_connect(s->uri, sizeof s->uri, err);
    if (!s->conn) {
        free(s);
        return err->code;
    }
    fprintf(out, "# xenbench libvirt-domstats 1 uri=%s\n", s->uri);
    if (fflush(out) != 0) {
        int e = errno;
        virConnectClose(s->conn);
        free(s);
        return xb_err_set(err, -e, "libvirt counters: writing failed: %s", strerror(e));
    }
    *state = s;
    return 0;
}

static int sample_libvirt(void *state, const struct xb_domain_map *m,
                          uint64_t mono_ns, FILE *out, struct xb_err *err)
{
    (void)mono_ns;                       /* the reading's own time is used */
    struct lv_state *s = state;
    virDomainStatsRecordPtr *recs = NULL;
    uint64_t t0 = now_ns();
    int n = virConnectGetAllDomainStats(s->conn, STATS, &recs,
                                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
    uint64_t t1 = now_ns();
    if (n < 0)
        return xb_err_set(err, -ECONNREFUSED, "libvirt counters (%s): "
                          "virConnectGetAllDomainStats failed: %s", s->uri,
                          xb_libvirt_last_error());
    fprintf(out, "# t_ns=%" PRIu64 " call_ns=%" PRIu64 "\n",
            t0 + (t1 - t0) / 2, t1 - t0);
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN] = "";
        const char *name = virDomainGetName(recs[i]->dom);
        virDomainGetUUIDString(recs[i]->dom, uuid);
        long domid = -1;
        for (size_t k = 0; k < m->n && domid < 0; k++)
            if (strcmp(m->d[k].kind, "libvirt") == 0 && strcmp(m->d[k].uuid, uuid) == 0)
                domid = (long)m->d[k].domid;
        if (domid >= 0)
            fprintf(out, "Domain: domid=%ld uuid=%s name='", domid, uuid);
        else
            fprintf(out, "Domain: domid=- uuid=%s name='", uuid);
        xb_fputs_escaped(out, name ? name : "");
        fputs("'\n", out);
        for (int k = 0; k < recs[i]->nparams; k++)
            put_param(out, &recs[i]->params[k]);
    }
    fputs("# end\n", out);
    virDomainStatsRecordListFree(recs);
    if (fflush(out) != 0 || ferror(out)) {
        int e = errno ? errno : EIO;
        return xb_err_set(err, -e, "libvirt counters: writing failed: %s", strerror(e));
    }
    return 0;
}

static void close_libvirt(void *state)
{
    struct lv_state *s = state;
    if (!s)
        return;
    virConnectClose(s->conn);
    free(s);
}

const struct xb_sampler xb_libvirt_sampler = {
    .name = "libvirt",
    .file = "libvirt-domstats.txt",
    .format = "libvirt",
    .open = open_libvirt,
    .sample = sample_libvirt,
    .close = close_libvirt,
};
