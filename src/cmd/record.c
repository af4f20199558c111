/* record.c: `xenbench record`: options, signal handling, then one source's
 * recorder (source/linux or source/xen). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "source/record.h"
#include "source/xen/dom0.h"
#include "util/err.h"
#include "util/signals.h"
#include "util/units.h"

volatile sig_atomic_t xb_record_stop;

static void on_signal(int sig)
{
    xb_record_stop = sig;
}

void xb_cmd_record_usage(FILE *out)
{
    fputs(
"Usage: xenbench record [OPTION]...\n"
"Record the scheduler events and counters of every domain into a run folder\n"
"that `xenbench report` analyses (here or on another machine).\n"
"\n"
"  -d, --duration=SECS   stop after SECS (default: at SIGINT/SIGTERM)\n"
"  -i, --interval=SECS   counter sampling interval (default 1)\n"
"  -o, --output=RUNDIR   run folder to create (default xenbench-DATE-TIME)\n"
"      --domains=MODE    libvirt, qemu, cgroup, process or auto (default):\n"
"                        libvirt when libvirtd answers and runs domains, else\n"
"                        QEMU processes when any run, else processes\n"
"      --match=REGEX     process mode: only commands (comm) matching REGEX;\n"
"                        cgroup mode: only cgroup paths matching REGEX\n"
"      --source=SRC      linux, xen or auto (default: xen in a Xen dom0)\n"
"      --buffer-kb=KB    trace buffer per CPU (default 4096)\n"
"      --use-xentrace    Xen: capture with Debian's xentrace instead\n"
"  -q, --quiet           no progress lines\n"
"  -h, --help            this help\n"
"\n"
"Needs root (tracefs; on Xen, the hypervisor's trace buffers).  Exit status:\n"
"0 ok, 1 environment or I/O failure (the folder keeps what was recorded),\n"
"2 bad usage.  See xenbench(1) and docs/run-folder.md.\n", out);
}

int xb_cmd_record(int argc, char **argv)
{
    enum { OPT_DOMAINS = 256, OPT_MATCH, OPT_SOURCE, OPT_BUFFER, OPT_XENTRACE };
    static const struct option opts[] = {
        { "duration", required_argument, NULL, 'd' },
        { "interval", required_argument, NULL, 'i' },
        { "output", required_argument, NULL, 'o' },
        { "domains", required_argument, NULL, OPT_DOMAINS },
        { "match", required_argument, NULL, OPT_MATCH },
        { "source", required_argument, NULL, OPT_SOURCE },
        { "buffer-kb", required_argument, NULL, OPT_BUFFER },
        { "use-xentrace", no_argument, NULL, OPT_XENTRACE },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xb_record_opts o = { .domains = "auto", .source = "auto",
                                .interval_ns = 1000000000ull };
    char defdir[64];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:i:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
        case 'i': {
            uint64_t ns;
            if (xb_parse_seconds(optarg, &ns) || ns == 0) {
                fprintf(stderr, "xenbench record: --%s: '%s' is not a positive "
                        "duration (e.g. 10, 0.5, 250ms)\n",
                        c == 'd' ? "duration" : "interval", optarg);
                return XB_EXIT_INPUT;
            }
            if (c == 'd')
                o.duration_ns = ns;
            else
                o.interval_ns = ns;
            break;
        }
        case 'o': o.outdir = optarg; break;
        case OPT_DOMAINS: o.domains = optarg; break;
        case OPT_MATCH: o.match = optarg; break;
        case OPT_SOURCE: o.source = optarg; break;
        case OPT_BUFFER: {
            char *end;
            unsigned long kb = strtoul(optarg, &end, 10);
            if (*end || kb < 4 || kb > 4u << 20) {
                fprintf(stderr, "xenbench record: --buffer-kb: '%s' is not a "
                        "size in KiB between 4 and 4194304\n", optarg);
                return XB_EXIT_INPUT;
            }
            o.buffer_kb = (unsigned)kb;
            break;
        }
        case OPT_XENTRACE: o.use_xentrace = true; break;
        case 'q': o.quiet = true; break;
        case 'h': xb_cmd_record_usage(stdout); return XB_EXIT_OK;
        default: xb_cmd_record_usage(stderr); return XB_EXIT_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenbench record: unexpected argument '%s' (the run "
                "folder is given with -o)\n", argv[optind]);
        return XB_EXIT_INPUT;
    }
    if (!o.outdir) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(defdir, sizeof defdir, "xenbench-%Y%m%d-%H%M%S", &tm);
        o.outdir = defdir;
    }
    bool dom0 = xb_xen_is_dom0();
    bool xen;
    if (strcmp(o.source, "xen") == 0)
        xen = true;
    else if (strcmp(o.source, "linux") == 0)
        xen = false;
    else if (strcmp(o.source, "auto") == 0)
        xen = dom0;
    else {
        fprintf(stderr, "xenbench record: --source: '%s' is not one of linux, "
                "xen, auto\n", o.source);
        return XB_EXIT_INPUT;
    }
    if (xen && !dom0) {
        struct xb_err why = { 0 };
        xb_xen_check_dom0(&why);
        fprintf(stderr, "xenbench record: --source xen: %s\n", why.msg[0] ? why.msg
                : "this host is not a Xen dom0; use --source linux");
        return XB_EXIT_FAIL;
    }

    xb_catch_stop_signals(on_signal);
    struct xb_err err = { 0 };
    int rc = xen ? xb_record_xen(&o, &err) : xb_record_linux(&o, &err);
    if (rc) {
        fprintf(stderr, "xenbench record: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    return XB_EXIT_OK;
}
