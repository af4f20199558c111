/* commands.h: one entry point per xenbench command (src/cmd/<name>.c). */
#ifndef XB_COMMANDS_H
#define XB_COMMANDS_H

#include <stdio.h>

int xb_cmd_report(int argc, char **argv);
void xb_cmd_report_usage(FILE *out);

#endif
