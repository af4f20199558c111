#!/bin/bash
# tests/xen-host/run.sh: the xen-host test (make check-xen).  Builds or reuses
# the dom0 image (build-image.sh), boots Xen 4.17 + dom0 under QEMU TCG,
# lets in-dom0.sh record three known guests with the given xenbench binary,
# and checks the run folder it copies out (check.py).  Ends with
# "N passed, N failed".
#
#   run.sh [XENBENCH_BINARY [SANITIZED_BINARY]]   (default: build/xenbench)
#
# SANITIZED_BINARY (e.g. build-asan/xenbench, built with ASan+UBSan) is run
# in dom0 too, on a normal and a disk-full recording, and must report no
# error.
# Env: XEN_HOST_CACHE (image cache, default ${XDG_CACHE_HOME:-/var/tmp}/
# xenbench-xen-host), XEN_HOST_RUN (this run's folder, default in the cache),
# RECORD_S (recording length, 12), QEMU_TIMEOUT (s, 900), SMP (pCPUs, 2),
# XEN_EXTRA (more Xen boot options).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="$(readlink -f "${1:-$HERE/../../build/xenbench}")"
ASAN_BIN="${2:+$(readlink -f "$2")}"
CACHE="${XEN_HOST_CACHE:-${XDG_CACHE_HOME:-/var/tmp}/xenbench-xen-host}"
RUN="${XEN_HOST_RUN:-$CACHE/runs/run-$(date +%Y%m%d-%H%M%S)}"
RECORD_S="${RECORD_S:-12}"
QEMU_TIMEOUT="${QEMU_TIMEOUT:-900}"
SMP="${SMP:-2}"
fail() { echo "xen-host: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot)"
[ -x "$BIN" ] || fail "$BIN: no such program (run make first)"
for b in "$BIN" $ASAN_BIN; do
  [ -x "$b" ] || fail "$b: no such program"
  ldd "$b" | grep -c libxenctrl >/dev/null || fail "$b does not contain the Xen recorder (not linked with libxenctrl)"
done
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (scripts/deps.sh)"

t0=$(date +%s)
IMG=$("$HERE/build-image.sh" "$BIN" $ASAN_BIN | tail -1) || fail "image build failed"
t1=$(date +%s)

# this run's folder; keep the last 3 runs only
mkdir -p "$RUN/share/out"
ls -d "$CACHE"/runs/run-* 2>/dev/null | sort | head -n -3 | while read -r d; do
  [ "$d" = "$RUN" ] || rm -rf "$d"; done
S="$RUN/share"
install -m 0755 "$HERE/in-dom0.sh" "$S/run.sh"
install -m 0755 "$BIN" "$S/xenbench"
[ -z "$ASAN_BIN" ] || install -m 0755 "$ASAN_BIN" "$S/xenbench-asan"
cp "$HERE"/guest-*.cfg "$S/"
echo "RECORD_S=$RECORD_S" > "$S/env"
# the capabilities the service keeps (debian/xenbench.service): dom0 records
# once under exactly these (setpriv's --bounding-set form: +dac_read_search,...)
UNIT="$HERE/../../debian/xenbench.service"
[ -f "$UNIT" ] && echo "SERVICE_CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' |
  sed -n 's/^CAP_\(.*\)/+\1/p' | tr 'A-Z' 'a-z' | paste -sd, -)" >> "$S/env"
qemu-img create -q -f qcow2 -b "$IMG/dom0.img" -F raw "$RUN/overlay.qcow2"

# QEMU, as ../shared/xen-test-host found works under TCG: no SMAP/SMEP (dom0
# dies at its first instruction otherwise), eager FPU in Xen (lazy FPU on the
# AMD-looking "max" CPU corrupts dom0 processes at random)
DOM0_TIMEOUT=$(( QEMU_TIMEOUT - 60 ))
XEN_ARGS="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=$SMP loglvl=all guest_loglvl=all spec-ctrl=eager-fpu ${XEN_EXTRA-}"
DOM0_ARGS="root=/dev/vda rw rootwait console=hvc0 earlyprintk=xen init=/sbin/xenbench-init panic=5 XB_DOM0_TIMEOUT=$DOM0_TIMEOUT"
echo "xen-host: booting Xen under QEMU TCG ($SMP pCPUs); serial log $RUN/serial.log" >&2
rc=0
timeout "$QEMU_TIMEOUT" qemu-system-x86_64 -machine pc -accel tcg,thread=multi,tb-size=1024 \
  -cpu max,-smap,-smep,-pku,-la57,-avx,-avx2,-fma,-f16c,-vaes,-vpclmulqdq \
  -smp "$SMP" -m 4096 -display none -no-reboot -serial "file:$RUN/serial.log" \
  -kernel "$IMG/xen.elf" -append "$XEN_ARGS" \
  -initrd "$IMG/vmlinuz $DOM0_ARGS,$IMG/initrd.img" \
  -drive "file=$RUN/overlay.qcow2,if=virtio,format=qcow2,cache=unsafe" \
  -virtfs "local,path=$S,mount_tag=lab,security_model=none,id=lab" \
  > "$RUN/qemu.log" 2>&1 || rc=$?
t2=$(date +%s)
rm -f "$RUN/overlay.qcow2"
[ "$rc" = 0 ] || echo "xen-host: QEMU exit status $rc (124: timed out after $QEMU_TIMEOUT s)" >&2
grep -q XB-POWEROFF "$RUN/serial.log" || echo "xen-host: dom0 did not reach its power-off; see $RUN/serial.log" >&2

crc=0
python3 "$HERE/check.py" "$S/out" "$BIN" || crc=$?
echo "xen-host: timings: image $((t1 - t0)) s, boot+record+power-off $((t2 - t1)) s, total $(( $(date +%s) - t0 )) s; outputs in $S/out" >&2
[ "$rc" = 0 ] && [ "$crc" = 0 ]
