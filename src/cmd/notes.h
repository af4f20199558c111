/* notes.h: the commands' sink for library notes (util/notes.h): printed on
 * stderr as "xenbench CMD: TEXT" or "xenbench CMD: warning: TEXT". */
#ifndef XB_CMD_NOTES_H
#define XB_CMD_NOTES_H

#include <stdbool.h>

#include "util/notes.h"

struct xb_cmd_notes {
    struct xb_notes sink;       /* hand &sink to the library */
    const char *cmd;            /* "report", "record", ... */
    bool quiet;                 /* drop progress notes */
};

/* Fill n for command cmd; returns &n->sink. */
const struct xb_notes *xb_cmd_notes(struct xb_cmd_notes *n, const char *cmd, bool quiet);

#endif
