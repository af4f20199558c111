/* main.c: the command table of xenbench; each command lives in src/cmd/. */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "util/err.h"

#ifndef XB_VERSION
#define XB_VERSION "unknown"
#endif

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*usage)(FILE *out);
    const char *summary;
} commands[] = {
    { "report", xb_cmd_report, xb_cmd_report_usage,
      "analyse a xentrace file or run folder: CPU table, CSV, JSON" },
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
        printf("xenbench %s\n", XB_VERSION);
        return XB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "xenbench: '%s' is not a command.\n\n", cmd);
    usage(stderr);
    return XB_EXIT_INPUT;
}
