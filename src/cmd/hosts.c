/* hosts.c: `xenbench hosts`: the hosts file and today's assignment for
 * `place`, written from what the recordings in the history say about their
 * hosts.  Options, then calls (store/hostfacts.c, place/hosts.c).  It must
 * not read samples or place anything. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "place/hosts.h"
#include "plan/profiles.h"
#include "store/hostfacts.h"
#include "store/store.h"
#include "util/atomic_file.h"
#include "util/err.h"
#include "util/format.h"

void xb_cmd_hosts_usage(FILE *out)
{
    fputs(
"Usage: xenbench hosts [OPTION]...\n"
"Write the hosts file for `xenbench place` (CSV, one row per host the\n"
"history's recordings came from) from what the recordings say about their\n"
"hosts: pCPUs and their shape (sockets, cores, threads), the core clock,\n"
"LINPACK MFLOPS per core where `xenbench overhead` measured them, memory.\n"
"What no recording knows (disk and network limits, the monthly cost, and\n"
"whatever older recordings did not note) is left empty for you to fill,\n"
"and said so on stderr.  With --assignment, also where each VM was\n"
"recorded: today's vm,host for `place --assignment`.\n"
"\n"
"  -o, --output=FILE     the hosts file (default: standard output)\n"
"      --assignment=FILE today's assignment, vm,host\n"
"      --db=FILE         history database (default $XENBENCH_DB, else\n"
"                        ./xenbench.db)\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

struct hosts_args {
    const char *db, *output, *assignment;
};

static int parse_args(int argc, char **argv, struct hosts_args *a)
{
    enum { O_ASSIGN = 256, O_DB };
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "assignment", required_argument, NULL, O_ASSIGN },
        { "db", required_argument, NULL, O_DB },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': a->output = optarg; break;
        case O_ASSIGN: a->assignment = optarg; break;
        case O_DB: a->db = optarg; break;
        case 'h':
            xb_cmd_hosts_usage(stdout);
            return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench hosts --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenbench hosts: unexpected argument '%s'\nTry 'xenbench "
                "hosts --help'.\n", argv[optind]);
        return XB_EXIT_INPUT;
    }
    return -1;
}

/* Text into a file atomically, or onto stdout. */
static int emit(const char *path, const char *buf, size_t len, struct xb_err *err)
{
    if (!path) {
        if (fwrite(buf, 1, len, stdout) != len || fflush(stdout))
            return xb_err_set(err, -EIO, "writing the hosts file failed");
        return 0;
    }
    return xb_write_file_atomic(path, buf, len, err);
}

static int run_hosts(const struct hosts_args *a, struct xb_err *err)
{
    struct xb_store *s;
    const char *db = xb_db_path(a->db);
    int rc = xb_store_open(&s, db, XB_STORE_READ, err);
    if (rc)
        return rc;
    struct xb_host_fact *hf = NULL;
    struct xb_vm_home *vm = NULL;
    size_t nh = 0, nv = 0;
    rc = xb_store_host_facts(s, &hf, &nh, err);
    if (!rc && a->assignment)
        rc = xb_store_vm_homes(s, &vm, &nv, err);
    xb_store_close(s);
    if (!rc && nh == 0)
        rc = xb_err_set(err, -XB_EINPUT, "%s: no hosts: import recordings first "
                        "(xenbench import RUNDIR...)", db);
    char *buf = NULL;
    size_t len = 0;
    size_t left[XB_HOSTS_NCOLS];
    FILE *f = NULL;
    if (!rc && !(f = open_memstream(&buf, &len)))
        rc = xb_err_set(err, -ENOMEM, "out of memory");
    if (!rc) {
        int w = xb_hosts_write_facts(f, hf, nh, left);
        if (fclose(f) || w)
            rc = xb_err_set(err, -ENOMEM, "out of memory");
        f = NULL;
    }
    if (!rc)
        rc = emit(a->output, buf, len, err);
    free(buf);
    buf = NULL;
    if (!rc && a->assignment) {
        if (!(f = open_memstream(&buf, &len)))
            rc = xb_err_set(err, -ENOMEM, "out of memory");
        else {
            fputs("vm,host\n", f);
            for (size_t i = 0; i < nv; i++) {
                xb_csv_field(f, vm[i].key);
                fputc(',', f);
                xb_csv_field(f, vm[i].host);
                fputc('\n', f);
            }
            if (fclose(f))
                rc = xb_err_set(err, -ENOMEM, "out of memory");
            else
                rc = xb_write_file_atomic(a->assignment, buf, len, err);
        }
        free(buf);
    }
    if (!rc) {
        fprintf(stderr, "xenbench hosts: %zu host%s from %s%s%s\n", nh, nh == 1 ? "" : "s",
                db, a->output ? " into " : "", a->output ? a->output : "");
        for (int c = 2; c < XB_HOSTS_NCOLS; c++) {
            if (!left[c] || (c >= 3 && c <= 4))
                continue;       /* the shape: said once, as sockets */
            const char *why = c == 2 ? "the recordings did not note the CPU topology"
                            : c == 5 ? "not measured: `xenbench overhead` measures it"
                            : c == 6 ? "no recording gave a clock"
                            : c == 7 ? "the recordings did not note the memory"
                            : "no recording knows it";
            fprintf(stderr, "xenbench hosts: left empty for you to fill: %s%s for %zu "
                    "host%s (%s)\n", xb_hosts_cols[c],
                    c == 2 ? ", cores_per_socket, threads_per_core" : "", left[c],
                    left[c] == 1 ? "" : "s", why);
        }
        for (size_t i = 0; i < nh; i++)
            if (!hf[i].sockets && hf[i].pcpus)
                fprintf(stderr, "xenbench hosts: %s: %u pCPUs recorded (sockets x "
                        "cores x threads)\n", hf[i].name, hf[i].pcpus);
        if (a->assignment)
            fprintf(stderr, "xenbench hosts: %zu VM%s and the host each was recorded "
                    "on into %s\n", nv, nv == 1 ? "" : "s", a->assignment);
    }
    free(hf);
    free(vm);
    return rc;
}

int xb_cmd_hosts(int argc, char **argv)
{
    struct hosts_args a = { 0 };
    int st = parse_args(argc, argv, &a);
    if (st >= 0)
        return st;
    struct xb_err err = { 0 };
    int rc = run_hosts(&a, &err);
    if (rc) {
        fflush(stdout);
        fprintf(stderr, "xenbench hosts: %s\n", err.msg);
    }
    return xb_err_exit_status(rc);
}
