#!/bin/sh
# git-describe.sh SRCDIR: print `git describe` of the checkout at SRCDIR, for
# `xenbench --version` (meson's vcs_tag in meson.build).  Prints nothing, so
# that the plain project version is used, when SRCDIR is not a git checkout
# (a release tarball, the tree `make deb` builds from) or git cannot say;
# it always exits 0, since meson would put the project version in the
# place of a failed command's output.
[ -e "$1/.git" ] || exit 0
git -c safe.directory="$1" -C "$1" describe --always --dirty --tags 2>/dev/null || true
