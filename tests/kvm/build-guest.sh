#!/bin/sh
# build-guest.sh: build the tiny test guest used by the real-guest tests.
#
# A Debian kernel (linux-image-amd64, unpacked with dpkg -x from the .deb that
# apt-get download fetches) and a busybox-static initramfs whose /init runs
# the load named on the kernel command line:
#   load=spin   one busy loop per vCPU (pinned with taskset), forever
#   load=idle   nothing: every vCPU halts
#   load=disk   direct writes to /dev/vda in a loop (virtio disk)
# It prints "xenbench-guest: ready load=... cpus=N" on the serial console once
# the load runs.
#
# Output, in $XB_GUEST_DIR (default /var/tmp/xenbench-guest), outside the
# repository: vmlinuz, initrd.img.  Built once; rebuilt only when this script
# changes (its sha256 is kept in .stamp).  Prints the folder on stdout.
set -eu

DIR=${XB_GUEST_DIR:-/var/tmp/xenbench-guest}
SELF=$(readlink -f "$0")
mkdir -p "$DIR"
chmod 755 "$DIR"

# One builder at a time; the others wait and then find the cache filled.
exec 9>"$DIR/.lock"
flock 9

hash=$(sha256sum "$SELF" | cut -d' ' -f1)
if [ -f "$DIR/.stamp" ] && [ "$(cat "$DIR/.stamp")" = "$hash" ] &&
   [ -s "$DIR/vmlinuz" ] && [ -s "$DIR/initrd.img" ]; then
    echo "$DIR"
    exit 0
fi

for tool in dpkg apt-get cpio gzip; do
    command -v $tool >/dev/null || { echo "build-guest.sh: $tool not found" >&2; exit 1; }
done
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && "$BUSYBOX" --list | grep -qx taskset ||
    { echo "build-guest.sh: busybox-static not installed ($BUSYBOX)" >&2; exit 1; }
file -L "$BUSYBOX" 2>/dev/null | grep -q 'dynamically linked' &&
    { echo "build-guest.sh: $BUSYBOX is dynamic: install busybox-static" >&2; exit 1; }

rm -f "$DIR/.stamp"
work="$DIR/build.$$"
rm -rf "$work"
mkdir -p "$work/deb" "$work/root"
trap 'rm -rf "$work"' EXIT

# The metapackage names the real kernel package; download that one.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
       sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
if [ -z "$kpkg" ]; then
    apt-get update -qq
    kpkg=$(apt-cache depends linux-image-amd64 |
           sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
fi
[ -n "$kpkg" ] || { echo "build-guest.sh: apt knows no linux-image-amd64" >&2; exit 1; }
( cd "$work/deb" && { apt-get download -q "$kpkg" >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get download -q "$kpkg" >/dev/null; }; } )
dpkg -x "$work"/deb/"$kpkg"_*.deb "$work/kernel"
kver=${kpkg#linux-image-}
cp "$work/kernel/boot/vmlinuz-$kver" "$work/vmlinuz"

# The initramfs: busybox, the virtio modules the disk load needs, and /init.
r="$work/root"
mkdir -p "$r/bin" "$r/dev" "$r/proc" "$r/sys" "$r/tmp" "$r/modules"
cp "$BUSYBOX" "$r/bin/busybox"
mods="$work/kernel/lib/modules/$kver/kernel"
for m in drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko \
         drivers/virtio/virtio_pci_legacy_dev.ko drivers/virtio/virtio_pci_modern_dev.ko \
         drivers/virtio/virtio_pci.ko drivers/block/virtio_blk.ko; do
    for f in "$mods/$m" "$mods/$m.xz"; do
        if [ -f "$f" ]; then
            case $f in
            *.xz) xz -dc "$f" >"$r/modules/$(basename "$m")" ;;
            *) cp "$f" "$r/modules/" ;;
            esac
        fi
    done
done
cat >"$r/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
load=idle
for w in $(cat /proc/cmdline); do
    case $w in load=*) load=${w#load=} ;; esac
done
n=$(nproc)
case $load in
spin)
    i=0
    while [ $i -lt $n ]; do
        taskset -c $i sh -c 'while :; do :; done' &
        i=$((i + 1))
    done ;;
disk)
    for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev \
             virtio_pci virtio_blk; do
        [ -f /modules/$m.ko ] && { insmod /modules/$m.ko ||
            echo "xenbench-guest: insmod $m failed"; }
    done
    i=0
    while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -b /dev/vda ] || { echo "xenbench-guest: no /dev/vda"; dmesg | tail -n 5; }
    ( while :; do dd if=/dev/zero of=/dev/vda bs=1M count=16 oflag=direct 2>/dev/null
                  dd if=/dev/vda of=/dev/null bs=1M count=16 iflag=direct 2>/dev/null; done ) & ;;
idle) ;;
*) echo "xenbench-guest: unknown load '$load', idling" ;;
esac
echo "xenbench-guest: ready load=$load cpus=$n"
while :; do sleep 3600; done
INIT
chmod 755 "$r/init"
( cd "$r" && find . | cpio -o -H newc --quiet | gzip -9 ) >"$work/initrd.img"

mv "$work/vmlinuz" "$DIR/vmlinuz"
mv "$work/initrd.img" "$DIR/initrd.img"
chmod 644 "$DIR/vmlinuz" "$DIR/initrd.img"
echo "$hash" >"$DIR/.stamp"
echo "$DIR"
