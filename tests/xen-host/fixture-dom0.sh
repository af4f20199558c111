#!/bin/bash
# tests/xen-host/fixture-dom0.sh: run by dom0's init as /lab/run.sh for
# fixture.sh.  Starts known guests, records one xentrace trace with the trace
# buffer size, event mask and length from /lab/env, and leaves the trace and
# the toolstack views in /lab/out.  The per-CPU buffer size is set by the
# first xentrace after boot, so the trace is taken on a fresh boot.
# Env (from /lab/env): TBUF (pages per CPU), MASK (xentrace -e), TRACE_S,
# GUESTS (name:cfg:vcpus ...).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
. /lab/env
OUT=/lab/out
T0=$(date +%s.%N)
log() { echo "[dom0 +$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{printf "%.1f", a-b}')s uptime=$(cut -d' ' -f1 /proc/uptime)] $*" | tee -a "$OUT/capture.log"; }

log "start: tbuf=$TBUF pages/cpu mask=$MASK trace=${TRACE_S}s guests=$GUESTS"
xl info > "$OUT/xl-info.txt" 2>&1
dd if=/dev/zero of=/var/lib/xen/g-io.img bs=1M count=64 status=none
for g in $GUESTS; do
  IFS=: read -r name cfg vcpus <<< "$g"
  log "xl create $cfg name=$name vcpus=$vcpus"
  timeout 240 xl create "/lab/$cfg" "name=\"$name\"" "vcpus=$vcpus" > "$OUT/xl-create-$name.txt" 2>&1 ||
    log "xl create $name failed: $(tail -2 "$OUT/xl-create-$name.txt")"
done
for g in $GUESTS; do
  name=${g%%:*}
  for i in $(seq 1 480); do
    grep -q "XB-GUEST READY" "/var/log/xen/console/guest-$name.log" 2>/dev/null && break
    sleep 0.5
  done
  log "$name: $(grep -a -m1 'XB-GUEST READY' "/var/log/xen/console/guest-$name.log" 2>/dev/null | tr -d '\r')"
done
# let g-idle's kernel finish its boot work (under 3 % of a CPU over 5 s,
# twice in a row; up to 5 minutes)
cpu_s() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }
calm=0
case " $GUESTS" in *" g-idle:"*) ;; *) calm=-1 ;; esac   # no g-idle: no wait
for i in $(seq 1 60); do
  [ $calm -lt 0 ] && break
  a=$(cpu_s g-idle); sleep 5; b=$(cpu_s g-idle)
  if awk -v a="$a" -v b="$b" 'BEGIN { exit !(a != "" && b - a < 0.15) }'; then
    calm=$((calm + 1)); [ $calm -ge 2 ] && break
  else
    calm=0
  fi
done
log "g-idle settled: $a -> $b s of CPU in 5 s"
xl list > "$OUT/xl-list.txt" 2>&1
xl list -v > "$OUT/xl-list-v.txt" 2>&1
xl vcpu-list > "$OUT/xl-vcpu-list.txt" 2>&1

log "xentrace -D -S $TBUF -e $MASK -T $TRACE_S"
echo "$(date +%s.%N) uptime=$(cut -d' ' -f1 /proc/uptime) xentrace-start" >> "$OUT/events.txt"
timeout $((TRACE_S + 90)) xentrace -D -S "$TBUF" -e "$MASK" -T "$TRACE_S" /root/trace.bin > "$OUT/xentrace.log" 2>&1
log "xentrace exit $?: $(stat -c %s /root/trace.bin) bytes"
echo "$(date +%s.%N) uptime=$(cut -d' ' -f1 /proc/uptime) xentrace-exited" >> "$OUT/events.txt"
cp /root/trace.bin "$OUT/trace.bin"
xl list > "$OUT/xl-list-after.txt" 2>&1
xl vcpu-list > "$OUT/xl-vcpu-list-after.txt" 2>&1
awk -F: '/^cpu_mhz/ { gsub(/ /, "", $2); print $2 }' "$OUT/xl-info.txt" > "$OUT/cpu_mhz.txt"
cp /var/log/xen/console/guest-*.log "$OUT/" 2>/dev/null
for g in $GUESTS; do xl destroy "${g%%:*}" 2>/dev/null; done
log "capture complete"
sync
