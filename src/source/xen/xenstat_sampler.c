/* xenstat_sampler.c: libxenstat readings -> xenstat.jsonl lines.
 *
 Time stamps: libxenstat takes from tens of ms to a second under emulation
 * for one reading, and does not say when it read what.  So the sampler
 * first reads every domain's CPU time and UUID itself with the hypercall
 * libxenstat uses for cpu_ns (xc_domain_getinfolist), between two TSC reads
 * ("tsc" is their midpoint, "cpu_ns_at_tsc" per domain), then calls
 * xenstat_get_node() ("tsc_end" after it).  A domain created in between has
 * no UUID here ("").
 * It must not interpret the readings (decode/xenstat_load.c).
 */
#include "xenstat_sampler.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenctrl.h>
#include <xenstat.h>

#include "source/xen/tsc.h"

#define MAXDOM 1024

struct xb_xsampler {
    xenstat_handle *xs;
    xc_interface *xc;
    FILE *out;
    xc_domaininfo_t info[MAXDOM];
};

int xb_xsampler_open(struct xb_xsampler **out, FILE *f, struct xb_err *err)
{
    struct xb_xsampler *s = calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return xb_err_set(err, -ENOMEM, "out of memory");
    s->out = f;
    s->xc = xc_interface_open(NULL, NULL, 0);
    if (!s->xc)
        return xb_err_set(err, -ENODEV, "cannot open the Xen control "
                          "interface: %s", strerror(errno));
    s->xs = xenstat_init();
    if (!s->xs)
        return xb_err_set(err, -ENODEV, "libxenstat cannot start (is "
                          "xenstored running?): %s", strerror(errno));
    /* The first reading is slow (libraries and sysfs warm up): not timed. */
    xenstat_free_node(xenstat_get_node(s->xs, XENSTAT_VCPU | XENSTAT_NETWORK |
                                              XENSTAT_VBD));
    return 0;
}

void xb_xsampler_free(struct xb_xsampler *s)
{
    if (!s)
        return;
    if (s->xs)
        xenstat_uninit(s->xs);
    if (s->xc)
        xc_interface_close(s->xc);
    free(s);
}

static void uuid_str(const xen_domain_handle_t h, char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5],
             h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

static int set_u(json_t *o, const char *k, unsigned long long v)
{
    return json_object_set_new(o, k, json_integer((json_int_t)v));
}

static json_t *domain_json(xenstat_domain *d, const char *uuid)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    char state[8], *p = state;
    if (xenstat_domain_dying(d)) *p++ = 'd';
    if (xenstat_domain_shutdown(d)) *p++ = 's';
    if (xenstat_domain_blocked(d)) *p++ = 'b';
    if (xenstat_domain_crashed(d)) *p++ = 'c';
    if (xenstat_domain_paused(d)) *p++ = 'p';
    if (xenstat_domain_running(d)) *p++ = 'r';
    *p = '\0';
    const char *name = xenstat_domain_name(d);
    int bad = set_u(o, "id", xenstat_domain_id(d));
    bad |= json_object_set_new(o, "uuid", json_string(uuid));
    bad |= json_object_set_new(o, "name", json_string(name ? name : ""));
    bad |= json_object_set_new(o, "state", json_string(state));
    bad |= set_u(o, "cpu_ns", xenstat_domain_cpu_ns(d));
    bad |= set_u(o, "mem_bytes", xenstat_domain_cur_mem(d));
    if (xenstat_domain_max_mem(d) != (unsigned long long)-1)
        bad |= set_u(o, "max_mem_bytes", xenstat_domain_max_mem(d));
    json_t *vc = json_array(), *nets = json_array(), *vbds = json_array();
    bad |= json_object_set_new(o, "vcpus", vc);
    bad |= json_object_set_new(o, "nets", nets);
    bad |= json_object_set_new(o, "vbds", vbds);
    for (unsigned i = 0; !bad && i < xenstat_domain_num_vcpus(d); i++) {
        xenstat_vcpu *v = xenstat_domain_vcpu(d, i);
        json_t *e = json_object();
        bad |= json_array_append_new(vc, e);
        bad |= set_u(e, "id", i);
        bad |= set_u(e, "online", v ? xenstat_vcpu_online(v) : 0);
        bad |= set_u(e, "ns", v ? xenstat_vcpu_ns(v) : 0);
    }
    for (unsigned i = 0; !bad && i < xenstat_domain_num_networks(d); i++) {
        xenstat_network *n = xenstat_domain_network(d, i);
        if (!n)
            continue;
        json_t *e = json_object();
        bad |= json_array_append_new(nets, e);
        bad |= set_u(e, "id", xenstat_network_id(n));
        bad |= set_u(e, "rx_bytes", xenstat_network_rbytes(n));
        bad |= set_u(e, "rx_packets", xenstat_network_rpackets(n));
        bad |= set_u(e, "rx_errs", xenstat_network_rerrs(n));
        bad |= set_u(e, "rx_drop", xenstat_network_rdrop(n));
        bad |= set_u(e, "tx_bytes", xenstat_network_tbytes(n));
        bad |= set_u(e, "tx_packets", xenstat_network_tpackets(n));
        bad |= set_u(e, "tx_errs", xenstat_network_terrs(n));
        bad |= set_u(e, "tx_drop", xenstat_network_tdrop(n));
    }
    for (unsigned i = 0; !bad && i < xenstat_domain_num_vbds(d); i++) {
        xenstat_vbd *b = xenstat_domain_vbd(d, i);
        if (!b)
            continue;
        json_t *e = json_object();
        bad |= json_array_append_new(vbds, e);
        bad |= set_u(e, "dev", xenstat_vbd_dev(b));
        bad |= set_u(e, "type", xenstat_vbd_type(b));
        bad |= set_u(e, "oo_reqs", xenstat_vbd_oo_reqs(b));
        bad |= set_u(e, "rd_reqs", xenstat_vbd_rd_reqs(b));
        bad |= set_u(e, "wr_reqs", xenstat_vbd_wr_reqs(b));
        bad |= set_u(e, "rd_sects", xenstat_vbd_rd_sects(b));
        bad |= set_u(e, "wr_sects", xenstat_vbd_wr_sects(b));
        bad |= json_object_set_new(e, "error", json_boolean(xenstat_vbd_error(b)));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int xb_xsampler_sample(struct xb_xsampler *s, struct xb_xdoms *doms,
                       void (*gone)(const struct xb_xdom *, void *),
                       void (*born)(const struct xb_xdom *, void *), void *ctx,
                       struct xb_err *err)
{
    /* Xen's CPU counters, read in one hypercall between two TSC reads. */
    uint64_t mono = clock_ns(CLOCK_MONOTONIC), real = clock_ns(CLOCK_REALTIME);
    uint64_t tsc_a = xb_rdtsc();
    int ninfo = xc_domain_getinfolist(s->xc, 0, MAXDOM, s->info);
    uint64_t tsc_b = xb_rdtsc();
    if (ninfo < 0)
        ninfo = 0;
    xenstat_node *node = xenstat_get_node(s->xs, XENSTAT_VCPU | XENSTAT_NETWORK |
                                                 XENSTAT_VBD);
    uint64_t tsc_end = xb_rdtsc();
    uint64_t mono_end = clock_ns(CLOCK_MONOTONIC), real_end = clock_ns(CLOCK_REALTIME);
    if (!node)
        return -EAGAIN;
    uint64_t tsc = tsc_a + (tsc_b - tsc_a) / 2;
    json_t *root = json_object(), *arr = json_array();
    int rc = 0;
    if (!root || !arr || set_u(root, "tsc", tsc) ||
        set_u(root, "tsc_info_cycles", tsc_b - tsc_a) ||
        set_u(root, "tsc_end", tsc_end) || set_u(root, "mono_ns", mono) ||
        set_u(root, "mono_ns_end", mono_end) || set_u(root, "real_ns", real) ||
        set_u(root, "real_ns_end", real_end) ||
        json_object_set(root, "domains", arr)) {
        rc = xb_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    xb_xdoms_begin(doms);
    for (unsigned i = 0; i < xenstat_node_num_domains(node); i++) {
        xenstat_domain *d = xenstat_node_domain_by_index(node, i);
        if (!d)
            continue;
        char uuid[37] = "";
        json_t *o = NULL;
        int j;
        for (j = 0; j < ninfo; j++)
            if (s->info[j].domain == xenstat_domain_id(d))
                break;
        if (j < ninfo)
            uuid_str(s->info[j].handle, uuid);
        o = domain_json(d, uuid);
        if (o && j < ninfo &&
            set_u(o, "cpu_ns_at_tsc", (unsigned long long)s->info[j].cpu_time)) {
            json_decref(o);
            o = NULL;
        }
        if (!o || json_array_append_new(arr, o)) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto out;
        }
        bool is_new;
        struct xb_xdom *x = xb_xdoms_see(doms, xenstat_domain_id(d), uuid,
                                         xenstat_domain_name(d), &is_new);
        if (!x) {
            rc = xb_err_set(err, -ENOMEM, "out of memory");
            goto out;
        }
        if (is_new && born)
            born(x, ctx);
    }
    xb_xdoms_end(doms, gone, ctx);
    errno = 0;
    if (json_dumpf(root, s->out, JSON_COMPACT) != 0 || fputc('\n', s->out) == EOF ||
        fflush(s->out) != 0) {
        int e = errno ? errno : EIO;
        rc = xb_err_set(err, -e, "writing xenstat.jsonl: %s%s", strerror(e),
                        e == ENOSPC ? " (disk full)" : "");
    }
out:
    json_decref(arr);
    json_decref(root);
    xenstat_free_node(node);
    return rc;
}
