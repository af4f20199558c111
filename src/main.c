/* main.c: the command table of xenbench; each command lives in src/cmd/.  It
 * must not do a command's work. */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "util/err.h"
#include "util/version.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*usage)(FILE *out);
    const char *summary;
} commands[] = {
    { "report", xb_cmd_report, xb_cmd_report_usage,
      "analyse a xentrace file or run folder: CPU table, CSV, JSON" },
    { "record", xb_cmd_record, xb_cmd_record_usage,
      "record scheduler events and counters into a run folder" },
    { "demo", xb_cmd_demo, xb_cmd_demo_usage,
      "known loads in cgroups, recorded 10 s and reported (make run)" },
    { "top", xb_cmd_top, xb_cmd_top_usage,
      "live view of every domain on this host (ncurses, or -b batch)" },
    { "serve", xb_cmd_serve, xb_cmd_serve_usage,
      "record live and serve /metrics (Prometheus), /api and a dashboard" },
    { "overhead", xb_cmd_overhead, xb_cmd_overhead_usage,
      "LINPACK MFLOPS idle vs with record (or a command) running" },
    { "bench", xb_cmd_bench, xb_cmd_bench_usage,
      "run a scenario's loads in cgroups, record them, report" },
    { "import", xb_cmd_import, xb_cmd_import_usage,
      "add run folders to the history database" },
    { "catalog", xb_cmd_catalog, xb_cmd_catalog_usage,
      "catalog import: a provider's price list into a catalogue CSV" },
    { "profile", xb_cmd_profile, xb_cmd_profile_usage,
      "per-VM percentiles, coverage and contention over a look-back" },
    { "plan", xb_cmd_plan, xb_cmd_plan_usage,
      "cheapest cloud instance type per VM, with findings and totals" },
    { "hosts", xb_cmd_hosts, xb_cmd_hosts_usage,
      "the hosts file and today's assignment for place, from the recordings" },
    { "place", xb_cmd_place, xb_cmd_place_usage,
      "pack the VMs onto owned hosts by demand over time; keep or move to a cloud" },
    { "simulate", xb_cmd_simulate, xb_cmd_simulate_usage,
      "replay the history onto a placement: utilisation, waited time, overloads" },
};

static void usage(FILE *out)
{
    fputs("Usage: xenbench COMMAND [OPTION]... [ARG]...\n"
          "What every VM really consumes, per physical CPU.\n\nCommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n  xenbench COMMAND --help   options of a command\n"
          "  xenbench --version        version\n"
          "\nExit status: 0 ok, 1 I/O failure, 2 bad input or usage.\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return XB_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        if (argc > 2) {
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
                if (strcmp(argv[2], commands[i].name) == 0) {
                    commands[i].usage(stdout);
                    return XB_EXIT_OK;
                }
            }
        }
        usage(stdout);
        return XB_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("xenbench %s\n", xb_version_string());
        return XB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            /* getopt names argv[0] in its messages: "xenbench demo: ...". */
            char prog[32];
            snprintf(prog, sizeof prog, "xenbench %s", commands[i].name);
            argv[1] = prog;
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "xenbench: '%s' is not a command.\n\n", cmd);
    usage(stderr);
    return XB_EXIT_INPUT;
}
