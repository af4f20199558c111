/* place_html.h: `place -f html`, the page of the placement's JSON
 * (place_out.c). */
#ifndef XB_PLACE_HTML_H
#define XB_PLACE_HTML_H

#include <jansson.h>
#include <stdio.h>

/* Returns 0, or 1 when writing failed. */
int xb_place_html(FILE *out, json_t *place);

#endif
