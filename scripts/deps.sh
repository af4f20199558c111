#!/bin/sh
# deps.sh: install every Debian package xenbench needs to build and test.
# Idempotent and quiet when everything is there.  Run as root (or via sudo).
set -eu
PKGS="build-essential meson ninja-build pkg-config
libxen-dev xen-utils-common
libjansson-dev libcmocka-dev
clang libclang-rt-14-dev
python3 valgrind time man-db groff-base"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
