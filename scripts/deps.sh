#!/bin/sh
# deps.sh: install every Debian package xenbench needs to build and test.
# Idempotent and quiet when everything is there.  Run as root (or via sudo).
set -eu
PKGS="build-essential meson ninja-build pkg-config
libxen-dev xen-utils-common
libjansson-dev libcmocka-dev libsqlite3-dev libcsv-dev
libtracefs-dev libtraceevent-dev libncurses-dev
clang libclang-rt-14-dev
python3 valgrind time tmux man-db groff-base
libvirt-dev libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu
qemu-system-x86 busybox-static cpio
libopenblas0-pthread stress-ng
qemu-utils debootstrap e2fsprogs
dpkg-dev debhelper lintian systemd
libmicrohttpd-dev libcurl4-openssl-dev prometheus wrk chromium curl
zlib1g-dev iproute2"

# Node.js and npm for the browser tests (playwright-core from the npm
# registry drives Debian's Chromium).  A Node.js that brings its own npm
# (NodeSource's) conflicts with Debian's npm package: take npm only if
# there is none.
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

# --bench: also what bench/ compares against (perf sched record -a).
[ "${1:-}" = --bench ] && PKGS="$PKGS linux-perf"

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
# No daemon may start from a postinst (libvirt-daemon-system's would fail
# where PID 1 is not systemd): tests start libvirtd themselves
# (tests/kvm/libvirtd.sh).  policy-rc.d is put in place only if absent.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
