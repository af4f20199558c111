/* page.h: the frame of xenbench's HTML pages: one self-contained page
 * (inline CSS, no script, nothing loaded from elsewhere). */
#ifndef XB_PRESENT_PAGE_H
#define XB_PRESENT_PAGE_H

#include <jansson.h>
#include <stdio.h>

/* From <!DOCTYPE html> to the <h1> with title. */
void xb_html_begin(FILE *out, const char *title);
/* "Made by ..." and the closing tags. */
void xb_html_end(FILE *out, const char *made_by);
/* A JSON value as text: strings escaped, reals with digits decimals,
 * integers, yes/no, "-" for null. */
void xb_html_json_text(FILE *out, json_t *v, int digits);
/* <td data-key=KEY data-v=VALUE> with the value as text (numbers right-aligned;
 * data-v is the number at full precision, absent for other values). */
void xb_html_cell(FILE *out, const char *key, json_t *v, int digits);

#endif
