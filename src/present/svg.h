/* svg.h: inline SVG plots for the HTML outputs (report -f html, plan -f
 * html): a line chart over time and a heatmap.  Every plotted value is also
 * written as a data attribute with the precision of the CSV output, so a
 * reader (or a test) can check the picture against the numbers. */
#ifndef XB_PRESENT_SVG_H
#define XB_PRESENT_SVG_H

#include <stddef.h>
#include <stdio.h>

/* Text with &, <, >, " and ' escaped for HTML and SVG. */
void xb_html_text(FILE *out, const char *s);

struct xb_svg_line {
    const char *key;           /* data-domain */
    const char *label;         /* legend text */
    const double *v;           /* [n]; NAN: no point */
};

/* One chart: x = t[i] (seconds), a polyline per series with
 * data-t="t0,t1,..." (%.6f) and data-v="v0,v1,..." (%.3f, "" for NAN). */
void xb_svg_lines(FILE *out, const char *metric, const char *unit, const double *t,
                  size_t n, const struct xb_svg_line *s, size_t ns);

/* Horizontal bars, one per value, the longest max (0: the largest value);
 * each a rect with data-key and data-v (%.3f), its label and value beside. */
void xb_svg_bars(FILE *out, const char *metric, const char *unit,
                 const char *const *keys, const char *const *labels, const double *v,
                 size_t n, double max);

/* rows x cols cells, v[r * cols + c], shaded against max; each cell a rect
 * with data-row, data-col and data-v (%.3f). */
void xb_svg_heatmap(FILE *out, const char *metric, const char *const *row_keys,
                    const char *const *row_labels, size_t rows,
                    const char *const *col_labels, size_t cols, const double *v,
                    double max);

#endif
