/* plan_html.h: `plan -f html`, the page of the plan's JSON (plan_out.c). */
#ifndef XB_PLAN_HTML_H
#define XB_PLAN_HTML_H

#include <jansson.h>
#include <stdio.h>

/* Returns 0, or 1 when writing failed. */
int xb_plan_html(FILE *out, json_t *plan);

#endif
