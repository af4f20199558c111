/* test_libvirt_stats.c: decode/libvirt_stats_load.c on hand-made files (the
 * metrics and their sums, samples cut short, every kind of damage with its
 * file:line message), and the libvirt side without a daemon: the sampler and
 * the discovery against libvirt's test:///default driver (API shape and error
 * paths only: that driver's numbers are made up) and an absent libvirtd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/libvirt_stats_load.h"
#include "source/libvirt/libvirt_domains.h"
#include "source/libvirt/libvirt_stats.h"
#include "source/linux/domains.h"

#define TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f" /* test:///default's "test" */

static char path[64];

static void write_file(const char *text, size_t len)
{
    snprintf(path, sizeof path, "/tmp/xb-lvstats-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

/* Load text; returns rc, fills err and *out (caller frees). */
static int load_text(const char *text, struct xb_counters **out, struct xb_err *err)
{
    write_file(text, strlen(text));
    struct xb_timebase tb = { 1000000000ull, 1000000000ull };
    *out = xb_counters_new();
    assert_non_null(*out);
    memset(err, 0, sizeof *err);
    int rc = xb_libvirt_stats_load(path, &tb, *out, err);
    unlink(path);
    return rc;
}

static const char good[] =
    "# xenbench libvirt-domstats 1 uri=qemu:///system\n"
    "# t_ns=1000000000 call_ns=1200\n"
    "Domain: domid=1 uuid=" TEST_UUID " name='web 1'\n"
    "  state.state=1\n"
    "  cpu.time=5000000000\n"
    "  balloon.current=262144\n"
    "  balloon.rss=2048\n"
    "  vcpu.0.time=10000000\n"
    "  block.count=2\n"
    "  block.0.name=vda\n"
    "  block.0.rd.bytes=1000\n"
    "  block.0.wr.bytes=0\n"
    "  block.0.rd.reqs=10\n"
    "  block.0.wr.reqs=0\n"
    "  block.1.path=/odd\\\\dir\\nname.raw\n"
    "  block.1.rd.bytes=24\n"
    "  block.1.wr.bytes=4096\n"
    "  block.1.rd.reqs=1\n"
    "  block.1.wr.reqs=2\n"
    "  net.count=1\n"
    "  net.0.rx.bytes=100\n"
    "  net.0.tx.bytes=200\n"
    "Domain: domid=- uuid=00000000-0000-0000-0000-000000000001 name='late'\n"
    "  cpu.time=7\n"
    "Domain: domid=2 uuid=00000000-0000-0000-0000-000000000002 name='nodisk'\n"
    "  cpu.time=0\n"
    "  balloon.current=1024\n"
    "  block.count=0\n"
    "# end\n"
    "\n"
    "# a comment\n"
    "# t_ns=3000000000 call_ns=900\n"
    "Domain: domid=1 uuid=" TEST_UUID " name='web 1'\n"
    "  cpu.time=6000000000\n"
    "  balloon.current=262144\n"
    "  balloon.rss=4096\n"
    "  block.count=2\n"
    "  block.0.rd.bytes=3000001000\n"
    "  block.0.wr.bytes=2000\n"
    "  block.0.rd.reqs=30\n"
    "  block.0.wr.reqs=4\n"
    "  block.1.rd.bytes=24\n"
    "  block.1.wr.bytes=8192\n"
    "  block.1.rd.reqs=1\n"
    "  block.1.wr.reqs=6\n"
    "  net.count=1\n"
    "  net.0.rx.bytes=300\n"
    "  net.0.tx.bytes=1200\n"
    "Domain: domid=2 uuid=00000000-0000-0000-0000-000000000002 name='nodisk'\n"
    "  cpu.time=2000000000\n"
    "  balloon.current=3072\n"
    "  block.count=0\n"
    "# end\n";

static double rate(const struct xb_counters *c, const char *ent, const char *metric,
                   uint64_t t0, uint64_t t1)
{
    double v = -1;
    assert_true(xb_counters_rate(c, ent, metric, t0, t1, &v));
    return v;
}

static void test_good_file(void **state)
{
    (void)state;
    struct xb_counters *c;
    struct xb_err err;
    assert_int_equal(load_text(good, &c, &err), 0);
    const uint64_t T = 2000000000ull;          /* samples at 0 and 2 s */
    /* Sums over block.0 and block.1, per second. */
    assert_float_equal(rate(c, "dom:1.0", "disk_read_bytes", 0, T), 1.5e9, 1e-3);
    assert_float_equal(rate(c, "dom:1.0", "disk_write_bytes", 0, T), 3048.0, 1e-9);
    assert_float_equal(rate(c, "dom:1.0", "disk_read_ops", 0, T), 10.0, 1e-9);
    assert_float_equal(rate(c, "dom:1.0", "disk_write_ops", 0, T), 4.0, 1e-9);
    assert_float_equal(rate(c, "dom:1.0", "net_rx_bytes", 0, T), 100.0, 1e-9);
    assert_float_equal(rate(c, "dom:1.0", "net_tx_bytes", 0, T), 500.0, 1e-9);
    assert_float_equal(rate(c, "dom:1.0", "cpu_ns", 0, T), 5e8, 1e-3);
    /* balloon.rss wins over balloon.current; a gauge (KiB x 1024): the mean
     * of the samples in the window (both, in [0, T]). */
    assert_float_equal(rate(c, "dom:1.0", "mem_bytes", 0, T + 1), 3072.0 * 1024, 1e-6);
    /* No disk: zero traffic, not missing; no net fields: no series. */
    assert_float_equal(rate(c, "dom:2.0", "disk_read_bytes", 0, T), 0.0, 1e-12);
    assert_float_equal(rate(c, "dom:2.0", "mem_bytes", 0, T + 1), 2048.0 * 1024, 1e-6);
    assert_false(xb_counters_has(c, "dom:2.0", "net_rx_bytes"));
    /* A domain outside the map ("-") adds nothing. */
    assert_false(xb_counters_has(c, "dom:0.0", "cpu_ns"));
    double v;
    assert_false(xb_counters_rate(c, "dom:1.0", "cpu_ns", T, T + 1000, &v));
    xb_counters_free(c);
}

/* A sample without "# end", and a last line without newline: skipped. */
static void test_cut_short(void **state)
{
    (void)state;
    static const char tails[][160] = {
        "# t_ns=4000000000\n"
        "Domain: domid=1 uuid=" TEST_UUID " name='web 1'\n"
        "  block.count=1\n"
        "  block.0.rd.bytes=99999999999\n",
        "# t_ns=4000000000\n"
        "Domain: domid=1 uuid=" TEST_UUID " name='web 1'\n"
        "  block.count=1\n"
        "# en",
        "# t_ns=4000",
    };
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        char text[sizeof good + sizeof tails[0]];
        memcpy(text, good, sizeof good - 1);
        memcpy(text + sizeof good - 1, tails[i], strlen(tails[i]) + 1);
        struct xb_counters *c;
        struct xb_err err;
        assert_int_equal(load_text(text, &c, &err), 0);
        double v;
        assert_false(xb_counters_rate(c, "dom:1.0", "disk_read_bytes",
                                      2000000000ull, 3000000000ull, &v));
        assert_float_equal(rate(c, "dom:1.0", "disk_read_bytes", 0, 2000000000ull),
                           1.5e9, 1e-3);
        xb_counters_free(c);
    }
}

struct broken {
    const char *text;
    const char *msg;            /* expected after "PATH:" */
};

#define HDR "# xenbench libvirt-domstats 1\n"
#define DOM1 "Domain: domid=1 uuid=" TEST_UUID " name='a'\n"

static const struct broken broken[] = {
    { "hello\n", "1: not a xenbench libvirt-domstats file (first line 'hello')" },
    { "# xenbench libvirt-domstats 2\n", "1: libvirt-domstats version '2' is not 1" },
    { HDR "# t_ns=1\n" DOM1 "  block.0.rd.bytes=12x\n# end\n",
      "4: block.0.rd.bytes: '12x' is not a non-negative integer" },
    { HDR "# t_ns=1\n" DOM1 "  cpu.time=-5\n# end\n",
      "4: cpu.time: '-5' is not a non-negative integer" },
    { HDR "# t_ns=1\n" DOM1 "  balloon.rss=99999999999999999999999\n# end\n",
      "4: balloon.rss: '99999999999999999999999' is not a non-negative integer" },
    { HDR "# t_ns=1\n  cpu.time=5\n", "3: parameter line before any 'Domain:' line" },
    { HDR DOM1, "2: 'Domain:' line outside a sample (no '# t_ns=' before it)" },
    { HDR "# t_ns=5\n# end\n# t_ns=4\n", "4: t_ns 4 is earlier than the sample before it" },
    { HDR "# t_ns=abc\n", "2: t_ns 'abc' is not a non-negative integer" },
    { HDR "# t_ns=\n", "2: '# t_ns=': no time" },
    { HDR "# t_ns=1\n" DOM1 "# t_ns=2\n",
      "4: new sample before the '# end' of the sample at line 2" },
    { HDR "# end\n", "2: '# end' without a '# t_ns=' line before it" },
    { HDR "# t_ns=1\n" DOM1 "  cpu.time=1\n" DOM1 "# end\n",
      "5: domain 1 twice in one sample (also line 3)" },
    { HDR "# t_ns=1\n" DOM1 "  block.0.rd.bytes=1\n  block.0.rd.bytes=1\n",
      "5: block.0.rd.bytes: given twice for this domain" },
    { HDR "# t_ns=1\nDomain: domid=x1 uuid=u name='a'\n",
      "3: domid 'x1' is neither a domain id nor '-'" },
    { HDR "# t_ns=1\nDomain: web\n", "3: expected 'Domain: domid=N uuid=UUID name=...'" },
    { HDR "# t_ns=1\n" DOM1 "  novalue\n", "4: 'novalue': expected '  KEY=VALUE'" },
    { HDR "# t_ns=1\n" DOM1 "  a key=1\n", "4: 'a key=1': expected '  KEY=VALUE'" },
    { HDR "# t_ns=1\n" DOM1 "cpu.time=1\n", "4: unexpected line 'cpu.time=1'" },
    { HDR "# t_ns=1\n" DOM1 "   cpu.time=1\n", "4: unexpected line '   cpu.time=1'" },
};

static void test_broken(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        struct xb_counters *c;
        struct xb_err err;
        int rc = load_text(broken[i].text, &c, &err);
        char want[600];
        snprintf(want, sizeof want, "%s:%s", path, broken[i].msg);
        if (rc != -XB_EINPUT || strcmp(err.msg, want) != 0)
            fail_msg("case %zu: rc %d, message '%s', expected '%s'", i, rc, err.msg, want);
        xb_counters_free(c);
    }
}

static void test_nul_empty_missing(void **state)
{
    (void)state;
    static const char nul[] = HDR "# t_ns=1\n" DOM1 "  cpu.ti\0me=1\n# end\n";
    write_file(nul, sizeof nul - 1);
    struct xb_timebase tb = { 0, 1000000000ull };
    struct xb_counters *c = xb_counters_new();
    struct xb_err err = { 0 };
    char want[600];
    assert_int_equal(xb_libvirt_stats_load(path, &tb, c, &err), -XB_EINPUT);
    snprintf(want, sizeof want, "%s:4: NUL byte in the line", path);
    assert_string_equal(err.msg, want);
    unlink(path);

    write_file("", 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_libvirt_stats_load(path, &tb, c, &err), -XB_EINPUT);
    snprintf(want, sizeof want, "%s: empty file (no libvirt-domstats header)", path);
    assert_string_equal(err.msg, want);
    unlink(path);

    memset(&err, 0, sizeof err);
    assert_int_equal(xb_libvirt_stats_load("/nonexistent/libvirt-domstats.txt", &tb, c,
                                           &err), -XB_EINPUT);
    assert_string_equal(err.msg, "/nonexistent/libvirt-domstats.txt: No such file "
                        "or directory");
    xb_counters_free(c);
}

/* A map with test:///default's one running domain as domain 4. */
static void test_map(struct xb_domain_map *m, struct xb_ldomain *d)
{
    memset(m, 0, sizeof *m);
    memset(d, 0, sizeof *d);
    d->domid = 4;
    snprintf(d->kind, sizeof d->kind, "libvirt");
    snprintf(d->name, sizeof d->name, "test");
    snprintf(d->uuid, sizeof d->uuid, TEST_UUID);
    m->d = d;
    m->n = m->cap = 1;
}

/* The sampler writes what the loader reads, with the map's domain id. */
static void test_sampler_roundtrip(void **state)
{
    (void)state;
    setenv("LIBVIRT_DEFAULT_URI", "test:///default", 1);
    struct xb_domain_map m;
    struct xb_ldomain d;
    test_map(&m, &d);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    void *st = NULL;
    const char *why = NULL;
    struct xb_err err = { 0 };
    assert_int_equal(xb_libvirt_sampler.open(&st, &m, out, &why, &err), 0);
    assert_int_equal(xb_libvirt_sampler.sample(st, &m, 1, out, &err), 0);
    assert_int_equal(xb_libvirt_sampler.sample(st, &m, 2, out, &err), 0);
    xb_libvirt_sampler.close(st);
    fclose(out);
    assert_non_null(strstr(text, "# xenbench libvirt-domstats 1 uri=test:///default\n"));
    assert_non_null(strstr(text, "Domain: domid=4 uuid=" TEST_UUID " name='test'\n"));
    assert_non_null(strstr(text, "  state.state=1\n"));
    write_file(text, len);
    free(text);
    struct xb_timebase tb = { 0, 1000000000ull };
    struct xb_counters *c = xb_counters_new();
    assert_int_equal(xb_libvirt_stats_load(path, &tb, c, &err), 0);
    unlink(path);
    xb_counters_free(c);

    /* Not in the map: written with domid "-". */
    snprintf(d.uuid, sizeof d.uuid, "00000000-0000-0000-0000-000000000000");
    out = open_memstream(&text, &len);
    assert_int_equal(xb_libvirt_sampler.open(&st, &m, out, &why, &err), 0);
    assert_int_equal(xb_libvirt_sampler.sample(st, &m, 1, out, &err), 0);
    xb_libvirt_sampler.close(st);
    fclose(out);
    assert_non_null(strstr(text, "Domain: domid=- uuid=" TEST_UUID " name='test'\n"));
    free(text);

    /* No libvirt domain in the map: absent, with the reason. */
    snprintf(d.kind, sizeof d.kind, "qemu");
    out = open_memstream(&text, &len);
    assert_int_equal(xb_libvirt_sampler.open(&st, &m, out, &why, &err), 1);
    assert_string_equal(why, "no libvirt domain in the domain map");
    fclose(out);
    assert_int_equal(len, 0);
    free(text);
}

/* The test driver is not QEMU: discovery says so, naming the domain. */
static void test_discover_not_qemu(void **state)
{
    (void)state;
    setenv("LIBVIRT_DEFAULT_URI", "test:///default", 1);
    struct xb_domain_map m;
    memset(&m, 0, sizeof m);
    struct xb_err err = { 0 };
    int rc = xb_libvirt_discover(&m, &err);
    assert_int_equal(rc, -ENOTSUP);
    assert_non_null(strstr(err.msg, "libvirt domain 'test': its vCPU threads cannot "
                           "be asked through QMP query-cpus-fast ("));
    /* libvirt's own reason, not the "no error" a later call leaves. */
    assert_null(strstr(err.msg, "no error"));
    assert_non_null(strstr(err.msg, "not supported"));
    assert_int_equal(m.n, 0);
    xb_domains_free(&m);
}

/* No daemon behind the socket: the message the user sees. */
static void test_no_daemon(void **state)
{
    (void)state;
    const char *uri = "qemu:///system?socket=/nonexistent/libvirt-sock";
    setenv("LIBVIRT_DEFAULT_URI", uri, 1);
    struct xb_domain_map m;
    memset(&m, 0, sizeof m);
    struct xb_err err = { 0 };
    assert_int_equal(xb_libvirt_discover(&m, &err), -ECONNREFUSED);
    char want[300];
    snprintf(want, sizeof want, "libvirtd is not running (connect %s: ", uri);
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("message '%s'", err.msg);
    assert_non_null(strstr(err.msg, "/nonexistent/libvirt-sock"));

    /* The sampler says the same when it cannot connect. */
    struct xb_ldomain d;
    test_map(&m, &d);
    void *st = NULL;
    const char *why = NULL;
    memset(&err, 0, sizeof err);
    FILE *out = tmpfile();
    assert_int_equal(xb_libvirt_sampler.open(&st, &m, out, &why, &err), -ECONNREFUSED);
    assert_int_equal(strncmp(err.msg, want, strlen(want)), 0);
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_cut_short),
        cmocka_unit_test(test_broken),
        cmocka_unit_test(test_nul_empty_missing),
        cmocka_unit_test(test_sampler_roundtrip),
        cmocka_unit_test(test_discover_not_qemu),
        cmocka_unit_test(test_no_daemon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
