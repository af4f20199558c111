/* version.h: the one version of xenbench.
 *
 * The number is meson's project version (meson.build); in a git checkout the
 * build adds `git describe`.  `xenbench --version`, the manifests'
 * `tool_version` and the history database's `tool_version` all print
 * xb_version_string(); the manifest's format `version` is a different thing
 * (docs/run-folder.md).
 */
#ifndef XB_VERSION_H
#define XB_VERSION_H

/* The release number alone, e.g. "0.1.0". */
const char *xb_version(void);

/* The number and, when built from a git checkout, "(git DESCRIBE)", e.g.
 * "0.1.0 (git 458f63e-dirty)"; the number alone when built from a tarball. */
const char *xb_version_string(void);

#endif
