#!/bin/bash
# tests/xen-host/in-dom0.sh: the test scenario, run by dom0's init as
# /lab/run.sh.  Starts three PV guests with known loads (g-cpu spins, g-idle
# sleeps, g-io writes its disk), records them with the freshly built
# /lab/xenbench, checks the bad conditions, and leaves everything in /lab/out
# for check.py on the host.  Env (from /lab/env): RECORD_S.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
. /lab/env
OUT=/lab/out
XB=/lab/xenbench
T0=$(date +%s.%N)
log() { echo "[dom0 +$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{printf "%.1f", a-b}')s] $*" | tee -a "$OUT/events.log"; }
# run NAME CMD...: stdout+stderr to OUT/NAME.log, exit status to OUT/NAME.rc
run() { local n=$1; shift; "$@" > "$OUT/$n.log" 2>&1; echo $? > "$OUT/$n.rc"; }

log "start"
xl info > "$OUT/xl-info.txt" 2>&1
ls -l /proc/xen/capabilities > "$OUT/capabilities-perms.txt" 2>&1

dd if=/dev/zero of=/var/lib/xen/g-io.img bs=1M count=64 status=none
for g in cpu idle io; do
  log "xl create g-$g"
  timeout 240 xl create "/lab/guest-$g.cfg" > "$OUT/xl-create-g-$g.txt" 2>&1 || log "xl create g-$g failed"
done
for g in cpu idle io; do
  for i in $(seq 1 480); do
    grep -q "XB-GUEST READY" "/var/log/xen/console/guest-g-$g.log" 2>/dev/null && break
    sleep 0.5
  done
  log "g-$g: $(grep -a -m1 'XB-GUEST READY' /var/log/xen/console/guest-g-$g.log 2>/dev/null | tr -d '\r')"
done
# Under emulation on a busy host a guest kernel's boot work can run on well
# after its init starts: wait until g-idle really idles (under 10 % of a CPU
# over 3 s), up to 180 s.
cpu_s() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }
for i in $(seq 1 60); do
  a=$(cpu_s g-idle); sleep 3; b=$(cpu_s g-idle)
  awk -v a="$a" -v b="$b" 'BEGIN { exit !(a != "" && b - a < 0.3) }' && break
done
log "g-idle settled: $a -> $b s of CPU in 3 s"
xl list > "$OUT/xl-list.txt" 2>&1

# ---- the recording ------------------------------------------------------------
# 256 KiB per CPU: Xen raises VIRQ_TBUF at half full, which this makes happen
# every few seconds even on a slow emulated host (the first size set after
# boot stays for the boot).
log "xenbench record --source xen -d $RECORD_S"
run record timeout $((RECORD_S + 180)) "$XB" record --source xen -o /root/run -d "$RECORD_S" -i 1 --buffer-kb 256
log "record exit $(cat "$OUT/record.rc")"
xl list > "$OUT/xl-list-after.txt" 2>&1
cp -a /root/run "$OUT/run"
# the same analysis in dom0, to compare with the host's
run report-dom0 sh -c "'$XB' report /root/run -f json > '$OUT/report-dom0.json'"
log "report in dom0 exit $(cat "$OUT/report-dom0.rc")"

# ---- the service's capabilities only (debian/xenbench.service) ----------------
if [ -n "${SERVICE_CAPS:-}" ]; then
  log "xenbench record under the service's capabilities ($SERVICE_CAPS) -d 4"
  run record-caps timeout 120 setpriv --bounding-set="-all,$SERVICE_CAPS" --inh-caps=-all "$XB" record --source xen -o /root/run-caps -d 4 -i 1
  cp -a /root/run-caps "$OUT/run-caps"
fi

# ---- CPU accounting, all vCPUs on pCPU 0 ---------------------------------------
# Under QEMU TCG Xen's system time differs between pCPUs by a millisecond or
# two; Xen's runstate accounting (what libxenstat reports as cpu_ns) drops the
# difference whenever a vCPU is woken on one pCPU and run on another whose
# clock is behind.  With every vCPU on one pCPU that cannot happen, so this
# recording compares trace CPU time with Xen's own counters cleanly.
for d in Domain-0 g-cpu g-idle g-io; do xl vcpu-pin "$d" all 0 >/dev/null 2>&1; done
sleep 2
log "xenbench record, every vCPU pinned to pCPU 0, -d 8"
run record-pinned timeout 180 "$XB" record --source xen -o /root/run-pinned -d 8 -i 1
for d in Domain-0 g-cpu g-idle g-io; do xl vcpu-pin "$d" all all >/dev/null 2>&1; done
cp -a /root/run-pinned "$OUT/run-pinned"

# ---- domains that come and go; stop by SIGINT ---------------------------------
log "xenbench record until SIGINT while g-late is created and destroyed"
"$XB" record --source xen -o /root/run-churn -i 1 > "$OUT/churn.log" 2>&1 &
REC=$!
sleep 3
timeout 240 xl create /lab/guest-cpu.cfg 'name="g-late"' > "$OUT/xl-create-g-late.txt" 2>&1
for i in $(seq 1 240); do
  grep -q "XB-GUEST READY" /var/log/xen/console/guest-g-late.log 2>/dev/null && break; sleep 0.5
done
sleep 2
xl list > "$OUT/xl-list-churn.txt" 2>&1
xl destroy g-late
sleep 3
kill -INT $REC; wait $REC; echo $? > "$OUT/churn.rc"
log "churn record exit $(cat "$OUT/churn.rc")"
cp -a /root/run-churn "$OUT/run-churn"

# ---- Debian's xentrace through xenbench, for comparison -------------------------
log "xenbench record --use-xentrace -d 4"
run xentrace-run timeout 120 "$XB" record --source xen --use-xentrace -o /root/run-xt -d 4 -i 1
cp -a /root/run-xt "$OUT/run-xentrace"

# ---- bad conditions ----------------------------------------------------------------
log "bad conditions"
xentrace -D -S 256 -e 0x0002f000 /tmp/other.bin > "$OUT/other-xentrace.log" 2>&1 &
XT=$!
sleep 3
run busy timeout 60 "$XB" record --source xen -o /root/run-busy -d 2
kill -INT $XT; wait $XT
run notroot timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups "$XB" record --source xen -o /tmp/run-notroot -d 2
mkdir -p /mnt/small && mount -t tmpfs -o size=192k tmpfs /mnt/small
run diskfull timeout 60 "$XB" record --source xen -o /mnt/small/run -d 8 -i 1
cp /mnt/small/run/manifest.json "$OUT/diskfull-manifest.json" 2>/dev/null
df -k /mnt/small > "$OUT/diskfull-df.txt"
umount /mnt/small
run badbuf timeout 60 "$XB" record --source xen -o /tmp/run-badbuf -d 2 --buffer-kb 999999999

# ---- the same binary built with ASan+UBSan, when given ---------------------------
if [ -x /lab/xenbench-asan ]; then
  export ASAN_OPTIONS=detect_leaks=1:exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  log "sanitized xenbench record -d 4"
  run asan timeout 300 /lab/xenbench-asan record --source xen -o /root/run-asan -d 4 -i 1
  mount -t tmpfs -o size=192k tmpfs /mnt/small
  run asan-diskfull timeout 300 /lab/xenbench-asan record --source xen -o /mnt/small/run -d 8 -i 1
  umount /mnt/small
  xentrace -D -e 0x0002f000 /tmp/other2.bin > /dev/null 2>&1 &
  XT=$!
  sleep 3
  run asan-busy timeout 120 /lab/xenbench-asan record --source xen -o /root/run-asan-busy -d 2
  kill -INT $XT; wait $XT
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

cp /var/log/xen/console/guest-*.log "$OUT/" 2>/dev/null
xl dmesg > "$OUT/xl-dmesg.txt" 2>&1
for g in cpu idle io; do xl destroy "g-$g" 2>/dev/null; done
log "done"
sync
