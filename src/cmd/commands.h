/* commands.h: one entry point per xenbench command (src/cmd/<name>.c). */
#ifndef XB_COMMANDS_H
#define XB_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

int xb_cmd_report(int argc, char **argv);
void xb_cmd_report_usage(FILE *out);

int xb_cmd_demo(int argc, char **argv);
void xb_cmd_demo_usage(FILE *out);
int xb_cmd_top(int argc, char **argv);
void xb_cmd_top_usage(FILE *out);
int xb_cmd_serve(int argc, char **argv);
void xb_cmd_serve_usage(FILE *out);
int xb_cmd_record(int argc, char **argv);
void xb_cmd_record_usage(FILE *out);

int xb_cmd_overhead(int argc, char **argv);
void xb_cmd_overhead_usage(FILE *out);

int xb_cmd_bench(int argc, char **argv);
void xb_cmd_bench_usage(FILE *out);
/* The run of a loaded scenario and its report, for bench and demo (cmd
 * names the messages).  Returns the exit status: 128 + the signal when
 * SIGINT or SIGTERM stopped it. */
struct xb_scenario;
int xb_bench_and_report(const char *cmd, const struct xb_scenario *s,
                        const char *outdir, bool quiet, const char *format,
                        bool vcpu);

int xb_cmd_import(int argc, char **argv);
void xb_cmd_import_usage(FILE *out);
int xb_cmd_catalog(int argc, char **argv);
void xb_cmd_catalog_usage(FILE *out);
/* The catalogue import of `catalog import` (and of `import --catalog`, its
 * old form): format known, then the price-list files into out_path. */
struct xb_cat_import_opts;
struct xb_err;
bool xb_catalog_format_known(const char *format);
int xb_catalog_import_files(const char *format, const char *out_path, char **paths,
                            int n, const struct xb_cat_import_opts *co,
                            struct xb_err *err);
int xb_cmd_profile(int argc, char **argv);
void xb_cmd_profile_usage(FILE *out);
int xb_cmd_plan(int argc, char **argv);
void xb_cmd_plan_usage(FILE *out);
int xb_cmd_hosts(int argc, char **argv);
void xb_cmd_hosts_usage(FILE *out);
int xb_cmd_place(int argc, char **argv);
void xb_cmd_place_usage(FILE *out);
int xb_cmd_simulate(int argc, char **argv);
void xb_cmd_simulate_usage(FILE *out);

#endif
