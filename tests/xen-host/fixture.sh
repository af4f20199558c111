#!/bin/bash
# tests/xen-host/fixture.sh: make one Xen trace fixture for tests/xen-traces/
# (a real recording of Xen 4.17 under QEMU TCG, not synthetic).  Boots the
# xen-host test's dom0 image (build-image.sh) with SMP pCPUs, lets
# fixture-dom0.sh start the guests and run xentrace with TBUF pages per CPU,
# and writes into DEST: trace-NAME.bin, xenalyze-summary-NAME.txt (Debian's
# xenalyze --summary, the cross-check's reference), cpu_mhz.txt, xl-info.txt,
# xl-list*.txt, events.txt, capture.log and the guests' console logs.
#
#   fixture.sh DEST NAME      (as root; takes several minutes of both cores)
#
# Env: SMP (pCPUs, 4), TBUF (trace buffer pages per CPU, 1: Xen drops
# records), MASK (xentrace -e, 0x0002f000: scheduler class), TRACE_S (5),
# XEN_EXTRA (more Xen options, e.g. sched=credit), GUESTS ("name:cfg:vcpus"
# list), QEMU_TIMEOUT (900), XEN_HOST_CACHE (as run.sh).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="${1:?usage: fixture.sh DEST NAME}"
NAME="${2:?usage: fixture.sh DEST NAME}"
BIN="$(readlink -f "${XENBENCH:-$HERE/../../build/xenbench}")"
CACHE="${XEN_HOST_CACHE:-${XDG_CACHE_HOME:-/var/tmp}/xenbench-xen-host}"
SMP="${SMP:-4}" TBUF="${TBUF:-1}" MASK="${MASK:-0x0002f000}" TRACE_S="${TRACE_S:-5}"
GUESTS="${GUESTS:-g-cpu:guest-cpu.cfg:1 g-idle:guest-idle.cfg:1 g-io:guest-io.cfg:1}"
QEMU_TIMEOUT="${QEMU_TIMEOUT:-900}"
[ "$(id -u)" = 0 ] || { echo "fixture: needs root" >&2; exit 1; }
command -v xenalyze >/dev/null || { echo "fixture: xenalyze missing (xen-utils-common)" >&2; exit 1; }
IMG=$("$HERE/build-image.sh" "$BIN" | tail -1)
RUN="$CACHE/runs/fixture-$NAME-$(date +%Y%m%d-%H%M%S)"
S="$RUN/share"
mkdir -p "$S/out"
install -m 0755 "$HERE/fixture-dom0.sh" "$S/run.sh"
cp "$HERE"/guest-*.cfg "$S/"
printf 'TBUF=%s\nMASK=%s\nTRACE_S=%s\nGUESTS="%s"\n' "$TBUF" "$MASK" "$TRACE_S" "$GUESTS" > "$S/env"
qemu-img create -q -f qcow2 -b "$IMG/dom0.img" -F raw "$RUN/overlay.qcow2"
XEN_ARGS="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=2 loglvl=all guest_loglvl=all spec-ctrl=eager-fpu ${XEN_EXTRA-}"
DOM0_ARGS="root=/dev/vda rw rootwait console=hvc0 earlyprintk=xen init=/sbin/xenbench-init panic=5 XB_DOM0_TIMEOUT=$((QEMU_TIMEOUT - 60))"
echo "fixture: booting Xen under QEMU TCG ($SMP pCPUs); serial log $RUN/serial.log" >&2
t0=$(date +%s)
timeout "$QEMU_TIMEOUT" qemu-system-x86_64 -machine pc -accel tcg,thread=multi,tb-size=1024 \
  -cpu max,-smap,-smep,-pku,-la57,-avx,-avx2,-fma,-f16c,-vaes,-vpclmulqdq \
  -smp "$SMP" -m 4096 -display none -no-reboot -serial "file:$RUN/serial.log" \
  -kernel "$IMG/xen.elf" -append "$XEN_ARGS" \
  -initrd "$IMG/vmlinuz $DOM0_ARGS,$IMG/initrd.img" \
  -drive "file=$RUN/overlay.qcow2,if=virtio,format=qcow2,cache=unsafe" \
  -virtfs "local,path=$S,mount_tag=lab,security_model=none,id=lab" > "$RUN/qemu.log" 2>&1 || true
rm -f "$RUN/overlay.qcow2"
grep -q "capture complete" "$S/out/capture.log" 2>/dev/null ||
  { echo "fixture: the capture did not complete; see $RUN/serial.log" >&2; exit 1; }
mkdir -p "$DEST"
O="$S/out"
cp "$O/trace.bin" "$DEST/trace-$NAME.bin"
for f in cpu_mhz.txt xl-info.txt xl-list.txt xl-list-v.txt xl-list-after.txt xl-vcpu-list.txt \
         xl-vcpu-list-after.txt events.txt capture.log "$O"/guest-*.log; do
  [ -f "$O/${f##*/}" ] && cp "$O/${f##*/}" "$DEST/"
done
xenalyze --cpu-hz="$(cat "$O/cpu_mhz.txt")M" --summary "$DEST/trace-$NAME.bin" \
  > "$DEST/xenalyze-summary-$NAME.txt" 2>/dev/null
echo "fixture: $DEST/trace-$NAME.bin ($(stat -c %s "$DEST/trace-$NAME.bin") bytes) in $(( $(date +%s) - t0 )) s" >&2
