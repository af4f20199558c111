/* notes.c: the commands' note printer (notes.h).  It owns the wording of the
 * prefix; what a note says is the library's.  It must not decide what is a
 * warning. */
#include "notes.h"

#include <stdio.h>

static void print_note(enum xb_note_kind kind, const char *text, void *ctx)
{
    const struct xb_cmd_notes *n = ctx;
    if (kind == XB_NOTE_PROGRESS && n->quiet)
        return;
    fflush(stdout);
    fprintf(stderr, "xenbench %s: %s%s\n", n->cmd,
            kind == XB_NOTE_WARNING ? "warning: " : "", text);
}

const struct xb_notes *xb_cmd_notes(struct xb_cmd_notes *n, const char *cmd, bool quiet)
{
    n->sink.fn = print_note;
    n->sink.ctx = n;
    n->cmd = cmd;
    n->quiet = quiet;
    return &n->sink;
}
