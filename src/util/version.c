/* version.c: the version strings of version.h.  Owns nothing else; the only
 * file that includes the generated xb_describe.h, so a new commit rebuilds
 * this file alone.  It must not know where a version is printed. */
#include "version.h"

#include "xb_describe.h"

#ifndef XB_VERSION
#error "XB_VERSION comes from meson.build (the project version)"
#endif

const char *xb_version(void)
{
    return XB_VERSION;
}

const char *xb_version_string(void)
{
    return XB_VERSION_DESCRIBE[0] ? XB_VERSION " (git " XB_VERSION_DESCRIBE ")"
                                  : XB_VERSION;
}
