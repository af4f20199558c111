/* top_screen.h: the screens of `xenbench top` as text (present/top_screen.c). */
#ifndef XB_TOP_SCREEN_H
#define XB_TOP_SCREEN_H

#include <stdbool.h>
#include <stdio.h>

#include "account/window.h"
#include "pipeline/presenter.h"
#include "present/present.h"

/* What the screen shows. */
struct xb_top_view {
    bool vcpu;          /* per-vCPU rows */
    bool cores;         /* the report's per-core table, not the list */
    bool keys;          /* the keys line at the bottom (a terminal) */
    enum xb_sort sort;  /* order of the domains */
    unsigned top;       /* only the first top domains (0: all) */
    int cols;           /* the screen's width */
    int rows;           /* the screen's height: the list stops there (0: no limit) */
};

/* The screen of window w as text on o: w is one window, or nwin windows
 * summed of which the first has index first_index. */
void xb_top_screen(FILE *o, const struct xb_top_view *t, const struct xb_window *w,
                   unsigned nwin, unsigned first_index,
                   const struct xb_run_info *info);

/* text with each run of tab-separated lines in columns (each column as wide
 * as its widest cell, a column with a figure in it right-aligned, its
 * heading too, two spaces between), as a
 * terminal never lines up tabs of cells longer than 8.  Returns a new
 * string (free it), NULL when out of memory. */
char *xb_top_align_tabs(const char *text);

#endif
