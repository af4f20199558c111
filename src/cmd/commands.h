/* commands.h: one entry point per xenbench command (src/cmd/<name>.c). */
#ifndef XB_COMMANDS_H
#define XB_COMMANDS_H

#include <stdio.h>

int xb_cmd_report(int argc, char **argv);
void xb_cmd_report_usage(FILE *out);

int xb_cmd_demo(int argc, char **argv);
void xb_cmd_demo_usage(FILE *out);
int xb_cmd_top(int argc, char **argv);
void xb_cmd_top_usage(FILE *out);
int xb_cmd_record(int argc, char **argv);
void xb_cmd_record_usage(FILE *out);

int xb_cmd_overhead(int argc, char **argv);
void xb_cmd_overhead_usage(FILE *out);

int xb_cmd_bench(int argc, char **argv);
void xb_cmd_bench_usage(FILE *out);

int xb_cmd_import(int argc, char **argv);
void xb_cmd_import_usage(FILE *out);
int xb_cmd_profile(int argc, char **argv);
void xb_cmd_profile_usage(FILE *out);
int xb_cmd_plan(int argc, char **argv);
void xb_cmd_plan_usage(FILE *out);

#endif
