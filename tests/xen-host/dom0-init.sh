#!/bin/bash
# PID 1 of the xen-host test's dom0 (Xen kernel option init=/sbin/xenbench-init).
# Brings up the minimum Xen toolstack without systemd or udev, mounts the 9p
# share "lab" on /lab, runs /lab/run.sh under a timeout (XB_DOM0_TIMEOUT on
# the kernel command line, seconds), then powers off through sysrq, which
# halts Xen and ends QEMU (-no-reboot).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
say() { echo "XB-DOM0 [uptime $(cut -d' ' -f1 /proc/uptime)s] $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -o remount,rw /
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/xen /run/lock /var/run/xen /var/log/xen/console /var/lib/xen
hostname dom0
say "init started"

for m in xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-blkback loop 9p 9pnet_virtio; do
  modprobe "$m" 2>/dev/null || say "modprobe $m failed (maybe built in)"
done
mount -t xenfs xenfs /proc/xen

xenstored --pid-file /run/xen/xenstored.pid
for i in $(seq 1 50); do xenstore-read /local/domain/0/name >/dev/null 2>&1 && break
  xenstore-ls / >/dev/null 2>&1 && break; sleep 0.2; done
xen-init-dom0 || say "xen-init-dom0 failed"
# guest console lines are logged with dom0's time stamps (check.py uses them)
xenconsoled --pid-file=/run/xen/xenconsoled.pid --log=guest \
  --log-dir=/var/log/xen/console --timestamp=guest
say "xen toolstack up: $(xl list 2>&1 | tail -n +2 | tr -s ' ' | tr '\n' ';')"

mkdir -p /lab
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 lab /lab || say "no 9p share"
limit=$(sed -n 's/.*XB_DOM0_TIMEOUT=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -x /lab/run.sh ]; then
  say "running /lab/run.sh (timeout ${limit:-900} s)"
  timeout "${limit:-900}" /lab/run.sh 2>&1 | tee /lab/out/dom0-run.log
  say "run.sh exit code ${PIPESTATUS[0]}"
else
  say "no /lab/run.sh"
fi
sync
umount /lab 2>/dev/null
mount -o remount,ro / 2>/dev/null
sync
say "XB-POWEROFF"
echo o > /proc/sysrq-trigger
# sysrq-o is asynchronous; PID 1 must not exit (bash builtins only from here)
while :; do :; done
