/* notes.h: the one channel by which library code tells the user something:
 * a warning (a recording cut short, a source missing) or progress (what a
 * recorder is doing).  Library code never prints; it hands each note to the
 * command's sink, and the command prints it ("xenbench CMD: warning: ...",
 * cmd/notes.c) or drops progress under --quiet.  A NULL sink drops notes.
 */
#ifndef XB_UTIL_NOTES_H
#define XB_UTIL_NOTES_H

enum xb_note_kind {
    XB_NOTE_PROGRESS,   /* what is being done; dropped by --quiet */
    XB_NOTE_WARNING,    /* something the user must know about the result */
};

struct xb_notes {
    void (*fn)(enum xb_note_kind kind, const char *text, void *ctx);
    void *ctx;
};

void xb_note(const struct xb_notes *n, enum xb_note_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
