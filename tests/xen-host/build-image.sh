#!/bin/bash
# tests/xen-host/build-image.sh: build, or reuse from the cache, the Xen 4.17 +
# Debian 12 dom0 disk image the xen-host test boots.
#
#   build-image.sh XENBENCH_BINARY [MORE_BINARIES...]
#
# Prints the image folder (dom0.img, xen.elf, vmlinuz, initrd.img) as its
# last line.  Cache: $XEN_HOST_CACHE, default ${XDG_CACHE_HOME:-/var/tmp}/
# xenbench-xen-host (never inside the checkout).  Two levels, each keyed by
# a hash of what goes into it:
#   rootfs-K1/  debootstrap + kernel + Xen (K1: this script, base packages)
#   image-K2/   K1 + the packages holding every library the binaries link
#               (ldd + dpkg -S, derived now) + dom0-init.sh + guest-init.sh
# The mirror is read from this machine's apt configuration.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: build-image.sh XENBENCH_BINARY [MORE...]" >&2; exit 2; }
CACHE="${XEN_HOST_CACHE:-${XDG_CACHE_HOME:-/var/tmp}/xenbench-xen-host}"
SUITE=bookworm
BASE_PKGS="linux-image-amd64 initramfs-tools xen-hypervisor-4.17-amd64 xen-utils-4.17
xen-utils-common xenstore-utils busybox kmod util-linux e2fsprogs procps iproute2
coreutils"
t0=$(date +%s)
log() { echo "[build-image +$(( $(date +%s) - t0 ))s] $*" >&2; }
BLOG=/dev/null   # debootstrap and apt output, once the cache folder exists

# ---- mirror, from the apt configuration of this machine ----------------------
mirror() {  # mirror [security]
  local want=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v w="$want" '/^URIs:/ { for (i = 2; i <= NF; i++)
        if ((w == "security") == ($i ~ /security/)) { print $i; exit } }' "$f"
  done | sed -n 1p
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v w="$want" '$1 == "deb" { u = $2; if ($2 ~ /^\[/) u = $3;
        if ((w == "security") == (u ~ /security/)) { print u; exit } }' "$f"
  done | sed -n 1p
}
MIRROR=$(mirror main | sed -n 1p)
SECMIRROR=$(mirror security | sed -n 1p)
[ -n "$MIRROR" ] || { echo "build-image: no Debian mirror in /etc/apt sources" >&2; exit 1; }

# ---- host tools ----------------------------------------------------------------
for t in debootstrap qemu-img mkfs.ext4 cpio; do
  command -v "$t" >/dev/null || { echo "build-image: $t missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
BUSYBOX=$(command -v busybox || true)
file -L "$BUSYBOX" 2>/dev/null | grep -c "statically linked" >/dev/null || BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "build-image: static busybox missing (busybox-static)" >&2; exit 1; }

# ---- runtime packages of the binary: ldd + dpkg -S ------------------------------
for b in "$@"; do
  [ -x "$b" ] || { echo "build-image: $b is not an executable" >&2; exit 1; }
done
runtime_pkgs() {   # one dpkg -S for every library and its other spellings
  local libs lib p
  libs=$(for b in "$@"; do ldd "$b"; done |
         awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
  # shellcheck disable=SC2086
  dpkg -S $(for lib in $libs; do echo "$lib" "$(readlink -f "$lib")" "/usr$lib" "${lib#/usr}"; done) \
    2>/dev/null | awk -F': ' '{ split($1, p, ":"); print $2 " " p[1] }' > "$W_PKGMAP" || true
  for lib in $libs; do
    p=""
    for c in "$lib" "$(readlink -f "$lib")" "/usr$lib" "${lib#/usr}"; do
      p=$(awk -v f="$c" '$1 == f { print $2; exit }' "$W_PKGMAP")
      [ -n "$p" ] && break
    done
    echo "${p:-MISSING:$lib}"
  done | sort -u
}
W_PKGMAP=$(mktemp)
RUNTIME_PKGS=$(runtime_pkgs "$@" | tr '\n' ' ')
rm -f "$W_PKGMAP"
case "$RUNTIME_PKGS" in *MISSING:*)
  echo "build-image: no Debian package holds: $(echo "$RUNTIME_PKGS" | tr ' ' '\n' | sed -n 's/^MISSING://p')" >&2
  exit 1 ;;
esac
log "runtime packages of $*: $RUNTIME_PKGS"

K1=$( { cat "$0"; echo "$SUITE $BASE_PKGS"; } | sha256sum | cut -c1-16)
K2=$( { echo "$K1 $RUNTIME_PKGS"; cat "$HERE/dom0-init.sh" "$HERE/guest-init.sh"; } | sha256sum | cut -c1-16)
ROOTFS="$CACHE/rootfs-$K1"
IMG="$CACHE/image-$K2"
mkdir -p "$CACHE"
BLOG="$CACHE/build.log"
exec 9> "$CACHE/.lock"
flock 9                                   # one builder at a time
: > "$BLOG"
if [ -e "$IMG/.done" ]; then
  log "cached image $IMG"
  echo "$IMG"; exit 0
fi

chroot_mounts() {
  mount -t proc proc "$ROOTFS/proc"; mount -t sysfs sys "$ROOTFS/sys"
  mount --bind /dev "$ROOTFS/dev"
  trap 'umount "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev" 2>/dev/null || true' EXIT
}
chroot_umounts() { umount "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev"; trap - EXIT; }
apt_in() {
  chroot "$ROOTFS" env DEBIAN_FRONTEND=noninteractive apt-get "$@" >> "$BLOG" 2>&1 ||
    { echo "build-image: apt-get $* failed in the chroot; see $BLOG" >&2; return 1; }
}

if [ ! -e "$ROOTFS/.base-done" ]; then
  # older levels are not needed any more: keep the cache to one of each
  rm -rf "$CACHE"/rootfs-* "$CACHE"/image-*
  log "debootstrap $SUITE (minbase) from the apt mirror"
  debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >> "$BLOG" 2>&1 ||
    { echo "build-image: debootstrap failed; see $BLOG" >&2; exit 1; }
  {
    echo "deb $MIRROR $SUITE main"
    echo "deb $MIRROR $SUITE-updates main"
    [ -n "$SECMIRROR" ] && echo "deb $SECMIRROR $SUITE-security main"
  } > "$ROOTFS/etc/apt/sources.list"
  echo dom0 > "$ROOTFS/etc/hostname"
  printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"   # no daemons in the chroot
  chmod +x "$ROOTFS/usr/sbin/policy-rc.d"
  chroot_mounts
  log "kernel, Xen and tools in the chroot"
  apt_in update -qq
  # shellcheck disable=SC2086
  apt_in install -y -qq --no-install-recommends $BASE_PKGS
  chroot_umounts
  sed -i 's/^root:[^:]*:/root::/' "$ROOTFS/etc/shadow"   # test image: no password
  echo '/dev/vda / ext4 rw,noatime 0 1' > "$ROOTFS/etc/fstab"
  printf 'virtio_pci\nvirtio_blk\n' >> "$ROOTFS/etc/initramfs-tools/modules"
  KVER=$(ls "$ROOTFS/lib/modules" | sort -V | tail -1)
  chroot "$ROOTFS" update-initramfs -u -k "$KVER" >> "$BLOG" 2>&1
  touch "$ROOTFS/.base-done"
else
  rm -rf "$CACHE"/image-*
fi

log "runtime packages in the chroot"
chroot_mounts
# shellcheck disable=SC2086
apt_in install -y -qq --no-install-recommends $RUNTIME_PKGS 2>/dev/null || {
  apt_in update -qq
  # shellcheck disable=SC2086
  apt_in install -y -qq --no-install-recommends $RUNTIME_PKGS; }
apt_in clean
chroot_umounts
install -m 0755 "$HERE/dom0-init.sh" "$ROOTFS/sbin/xenbench-init"

log "guest initramfs (static busybox, xen-blkfront)"
KVER=$(ls "$ROOTFS/lib/modules" | sort -V | tail -1)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
G="$W/root"; mkdir -p "$G"/{bin,sbin,proc,sys,dev,tmp,mnt,lib/modules}
cp "$BUSYBOX" "$G/bin/busybox"
for a in sh mount cat echo sleep dd seq grep sed cut insmod true mkfifo; do ln -s busybox "$G/bin/$a"; done
install -m 0755 "$HERE/guest-init.sh" "$G/init"
f=$(find "$ROOTFS/lib/modules/$KVER" -name 'xen-blkfront.ko*' | sed -n 1p)
case "$f" in
  *.xz) xz -dc "$f" > "$G/lib/modules/xen-blkfront.ko" ;;
  *.zst) zstd -dc "$f" > "$G/lib/modules/xen-blkfront.ko" ;;
  *) cp "$f" "$G/lib/modules/xen-blkfront.ko" ;;
esac
mkdir -p "$ROOTFS/xenbench"
( cd "$G" && find . | cpio -o -H newc --quiet | gzip -9 ) > "$ROOTFS/xenbench/guest-initrd.gz"
cp "$ROOTFS/boot/vmlinuz-$KVER" "$ROOTFS/xenbench/vmlinuz"

log "disk image (mkfs.ext4 -d, no loop mount)"
mkdir -p "$IMG.tmp"
zcat "$ROOTFS"/boot/xen-4.17-amd64.gz > "$IMG.tmp/xen.elf"   # QEMU's multiboot wants the ELF
cp "$ROOTFS/boot/vmlinuz-$KVER" "$IMG.tmp/vmlinuz"
cp "$ROOTFS/boot/initrd.img-$KVER" "$IMG.tmp/initrd.img"
echo "$RUNTIME_PKGS" > "$IMG.tmp/runtime-packages.txt"
truncate -s 3G "$IMG.tmp/dom0.img"
mkfs.ext4 -q -F -L dom0root -E root_owner=0:0 -d "$ROOTFS" "$IMG.tmp/dom0.img"
rm -rf "$IMG"; mv "$IMG.tmp" "$IMG"
touch "$IMG/.done"
log "image ready: $IMG"
echo "$IMG"
