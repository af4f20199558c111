#!/bin/sh
# deb.sh: build the xenbench Debian package (make deb).
#
# Copies the source tree (in a git checkout: every tracked file and every new
# one not ignored, as it is now, committed or not) to build/deb/xenbench-V/
# and runs `dpkg-buildpackage -us -uc -b` there, so the checkout stays clean
# and the .deb lands in build/deb/.  The copy has no .git, so the packaged
# `xenbench --version` is the plain release number, as from a tarball.  Then
# lintian (when installed), which must report no error; its report is
# build/deb/lintian.txt.  Prints the .deb's path last.
#   deb.sh [OUTDIR]   (default build/deb)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
ver=$(cd "$top" && dpkg-parsechangelog -S Version)
src="$out/xenbench-$ver"
rm -rf "$out"
mkdir -p "$src"
cd "$top"
if [ -e .git ] && command -v git >/dev/null; then
    git -c safe.directory="$top" ls-files -z --cached --others --exclude-standard |
        xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf - | tar -xf - -C "$src"
else
    tar --exclude=./build --exclude=./build-asan --exclude=./build-fuzz \
        --exclude=./debian/.debhelper -cf - . | tar -xf - -C "$src"
fi
cd "$src"
echo "deb.sh: dpkg-buildpackage -us -uc -b in $src" >&2
dpkg-buildpackage -us -uc -b > "$out/build.log" 2>&1 || {
    tail -n 60 "$out/build.log" >&2
    echo "deb.sh: dpkg-buildpackage failed; log in $out/build.log" >&2
    exit 1
}
deb=$(ls "$out"/xenbench_"$ver"_*.deb)
if command -v lintian >/dev/null; then
    echo "deb.sh: lintian $deb" >&2
    lintian --tag-display-limit 0 "$deb" "$out"/xenbench_"$ver"_*.changes \
        > "$out/lintian.txt" 2>&1 || true
    grep -v '^running with root privileges' "$out/lintian.txt" >&2 || true
    if grep -q '^E: ' "$out/lintian.txt"; then
        echo "deb.sh: lintian reports errors" >&2
        exit 1
    fi
else
    echo "deb.sh: lintian is not installed (apt-get install lintian): the package is not checked" >&2
fi
echo "$deb"
