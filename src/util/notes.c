/* notes.c: handing a note to the command's sink (notes.h).  It owns the
 * formatting of a note's text; it must not print. */
#include "notes.h"

#include <stdarg.h>
#include <stdio.h>

void xb_note(const struct xb_notes *n, enum xb_note_kind kind, const char *fmt, ...)
{
    if (!n || !n->fn)
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    n->fn(kind, text, n->ctx);
}
