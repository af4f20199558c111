/* serve.c: `xenbench serve`: options, then serve/serve.c.  It must not
 * record or answer requests itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/notes.h"
#include "cmd/opt.h"
#include "source/record.h"
#include "serve/http.h"
#include "serve/serve.h"
#include "util/err.h"
#include "util/signals.h"

#ifndef XB_VERSION
#define XB_VERSION "unknown"
#endif

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

void xb_cmd_serve_usage(FILE *out)
{
    fputs(
"Usage: xenbench serve [OPTION]...\n"
"Record this host live (as `top` does) and serve what it measures over HTTP:\n"
"/metrics in the Prometheus text format, /api/ as JSON and / a dashboard\n"
"(a heatmap of domains x physical CPUs, each domain's last minutes, the disk\n"
"and network table; with --db, the plan and the placement).  Runs until\n"
"SIGINT or SIGTERM (or -d).\n"
"\n"
"      --listen=ADDR:PORT  where to listen (default 127.0.0.1:9465; port 0:\n"
"                        any free port, printed)\n"
"      --token=FILE      require the token in FILE: `Authorization: Bearer\n"
"                        TOKEN` (or ?token=TOKEN for a browser); else 401\n"
"      --db=FILE         history database for the profile, plan and place\n"
"                        views (as `xenbench plan --db FILE -f json` prints)\n"
"      --hosts=FILE      the hosts of the place view (as for xenbench place)\n"
"  -i, --interval=SECS   window length, 0.1 s to 1 h (default 1)\n"
"      --keep=SECS       how much of the recent past /api/series keeps, at\n"
"                        most 100000 windows (default 300)\n"
"      --domains=MODE    libvirt, qemu, cgroup, process or auto (default)\n"
"      --match=REGEX     only domains whose name matches (as for record);\n"
"                        none matching: exit 1\n"
"      --require         no domain found is an error (exit 1), not a warning\n"
"  -d, --duration=SECS   stop after SECS (0.1 s to 366 days)\n"
"  -h, --help            this help\n"
"\n"
"Listening on an address other than loopback is said on stderr, and so is\n"
"the lack of --token there.  Needs root (tracefs).  See docs/serve.md.\n"
"Exit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

/* The token: FILE's first line, at most 4096 bytes, not empty. */
static int read_token(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        fprintf(stderr, "xenbench serve: --token: %s: %s\n", path, strerror(errno));
        return XB_EXIT_INPUT;
    }
    size_t n = fread(buf, 1, len - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    buf[n] = 0;
    buf[strcspn(buf, "\r\n")] = 0;
    if (!buf[0] || more) {
        fprintf(stderr, "xenbench serve: --token: %s: %s\n", path,
                more ? "longer than 4096 bytes" : "empty: no token on its first line");
        return XB_EXIT_INPUT;
    }
    for (const char *s = buf; *s; s++) {
        if ((unsigned char)*s <= ' ' || *s == '&' || *s == '#' || *s == '%') {
            fprintf(stderr, "xenbench serve: --token: %s: the token may not hold "
                    "blanks, control characters, '&', '#' or '%%'\n", path);
            return XB_EXIT_INPUT;
        }
    }
    return -1;
}

static void print_listen(const char *url, void *ctx)
{
    (void)ctx;
    printf("xenbench serve: listening on %s (metrics: %smetrics)\n", url, url);
    fflush(stdout);
}

int xb_cmd_serve(int argc, char **argv)
{
    enum { OPT_LISTEN = 256, OPT_TOKEN, OPT_DB, OPT_HOSTS, OPT_KEEP, OPT_DOMAINS,
           OPT_MATCH, OPT_REQUIRE };
    static const struct option opts[] = {
        { "listen", required_argument, NULL, OPT_LISTEN },
        { "token", required_argument, NULL, OPT_TOKEN },
        { "db", required_argument, NULL, OPT_DB },
        { "hosts", required_argument, NULL, OPT_HOSTS },
        { "interval", required_argument, NULL, 'i' },
        { "keep", required_argument, NULL, OPT_KEEP },
        { "domains", required_argument, NULL, OPT_DOMAINS },
        { "match", required_argument, NULL, OPT_MATCH },
        { "require", no_argument, NULL, OPT_REQUIRE },
        { "duration", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static char token[4097];
    struct xb_serve_opts o = {
        .listen = "127.0.0.1:9465", .interval_ns = 1000000000ull,
        .domains = "auto", .version = XB_VERSION, .stop = &stop,
        .on_listen = print_listen,
    };
    uint64_t keep_ns = 300000000000ull;
    const char *token_file = NULL;
    int c, st;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:d:h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_LISTEN: o.listen = optarg; break;
        case OPT_TOKEN: token_file = optarg; break;
        case OPT_DB: o.db = optarg; break;
        case OPT_HOSTS: o.hosts = optarg; break;
        case OPT_DOMAINS: o.domains = optarg; break;
        case OPT_MATCH: o.match = optarg; o.require = true; break;
        case OPT_REQUIRE: o.require = true; break;
        case 'i':
            if (xb_opt_duration("serve", "--interval", optarg, XB_RECORD_INTERVAL_MIN_S,
                                XB_RECORD_INTERVAL_MAX_S, &o.interval_ns))
                return XB_EXIT_INPUT;
            break;
        case OPT_KEEP:
            if (xb_opt_duration("serve", "--keep", optarg, XB_RECORD_INTERVAL_MIN_S,
                                XB_RECORD_DURATION_MAX_S, &keep_ns))
                return XB_EXIT_INPUT;
            break;
        case 'd':
            if (xb_opt_duration("serve", "--duration", optarg, XB_RECORD_DURATION_MIN_S,
                                XB_RECORD_DURATION_MAX_S, &o.duration_ns))
                return XB_EXIT_INPUT;
            break;
        case 'h': xb_cmd_serve_usage(stdout); return XB_EXIT_OK;
        default:
            fputs("Try 'xenbench serve --help'.\n", stderr);
            return XB_EXIT_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenbench serve: unexpected argument '%s'\n", argv[optind]);
        return XB_EXIT_INPUT;
    }
    char host[64];
    unsigned port;
    if (!xb_http_listen_parse(o.listen, host, sizeof host, &port)) {
        fprintf(stderr, "xenbench serve: --listen: '%s' is not ADDRESS:PORT "
                "(127.0.0.1:9465, [::1]:9465)\n", o.listen);
        return XB_EXIT_INPUT;
    }
    if (o.hosts && !o.db) {
        fprintf(stderr, "xenbench serve: --hosts goes with --db (the placement of "
                "that history)\n");
        return XB_EXIT_INPUT;
    }
    if (token_file && (st = read_token(token_file, token, sizeof token)) >= 0)
        return st;
    if (token_file)
        o.token = token;
    if (!xb_http_is_loopback(host))
        fprintf(stderr, "xenbench serve: listening on %s, not loopback: other hosts "
                "can reach it%s\n", host, o.token ? "" : ", and --token is not set");
    uint64_t keep = keep_ns / o.interval_ns;
    if (keep < 1 || keep > 100000) {
        fprintf(stderr, "xenbench serve: --keep: %llu windows; keep 1 to 100000 "
                "windows\n", (unsigned long long)keep);
        return XB_EXIT_INPUT;
    }
    o.keep = (unsigned)keep;
    static char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "xenbench serve: /proc/self/exe: %s\n", strerror(errno));
        return XB_EXIT_FAIL;
    }
    exe[n] = 0;
    o.exe = exe;

    struct xb_cmd_notes notes;
    o.notes = xb_cmd_notes(&notes, "serve", false);
    xb_catch_stop_signals(on_signal);
    signal(SIGPIPE, SIG_IGN);
    struct xb_err err = { 0 };
    int rc = xb_serve_run(&o, &err);
    if (rc) {
        fprintf(stderr, "xenbench serve: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    return XB_EXIT_OK;
}
