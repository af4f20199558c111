#!/bin/sh
# /init of the busybox initramfs the test's PV guests boot (tests/xen-host).
# The load is chosen with xb_load=cpu|idle|io on the guest kernel command line.
#   cpu:  one busy loop per vCPU, never blocks
#   idle: wakes once a second and does nothing (a shell builtin read with a
#         timeout on a FIFO nobody writes: no process started per wake-up)
#   io:   writes its disk (xvda) 256 KiB at a time with fsync, and after each
#         write prints the bytes written so far and its uptime:
#         "XB-GUEST io: written BYTES at UPTIME" (dom0's console log stamps
#         each line with dom0's clock, to the second; check.py maps uptime
#         to that clock from many lines)
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
load=$(sed -n 's/.*xb_load=\([a-z]*\).*/\1/p' /proc/cmdline)
echo "XB-GUEST READY load=$load"

case "$load" in
  cpu)
    n=$(grep -c '^processor' /proc/cpuinfo)
    i=1
    while [ "$i" -lt "$n" ]; do ( while :; do :; done ) & i=$((i+1)); done
    while :; do :; done
    ;;
  idle)
    mkfifo /tmp/never
    exec 3<> /tmp/never
    while :; do read -t 1 x <&3; done
    ;;
  io)
    for m in /lib/modules/*.ko; do [ -e "$m" ] && insmod "$m"; done
    for i in $(seq 1 100); do [ -b /dev/xvda ] && break; sleep 0.2; done
    [ -b /dev/xvda ] || { echo "XB-GUEST io: no /dev/xvda"; while :; do sleep 3600; done; }
    size_mb=$(( $(cat /sys/block/xvda/size) / 2048 ))
    echo "XB-GUEST io: writing /dev/xvda ($size_mb MiB) 256 KiB at a time"
    written=0 k=0
    while :; do
      dd if=/dev/zero of=/dev/xvda bs=64k count=4 seek=$((k * 4)) conv=fsync 2>/dev/null
      written=$((written + 262144))
      k=$(( (k + 1) % (size_mb * 4) ))
      read up idle < /proc/uptime
      echo "XB-GUEST io: written $written at $up"
    done
    ;;
  *)
    echo "XB-GUEST unknown load '$load'"
    while :; do sleep 3600; done
    ;;
esac
