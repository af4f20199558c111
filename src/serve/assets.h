/* assets.h: the dashboard's files (src/serve/assets/), built into the
 * program by scripts/embed-assets.py: nothing is read from disk or fetched
 * at run time. */
#ifndef XB_SERVE_ASSETS_H
#define XB_SERVE_ASSETS_H

#include <stddef.h>

struct xb_asset {
    const char *path;          /* "/app.js" */
    const char *type;          /* Content-Type */
    const unsigned char *data;
    size_t len;
};

extern const struct xb_asset xb_assets[];
extern const size_t xb_nassets;

#endif
