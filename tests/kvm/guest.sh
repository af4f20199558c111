#!/bin/sh
# guest.sh: define, start and destroy a test guest under libvirt.
#   guest.sh define  NAME LOAD   build the guest (build-guest.sh), write
#                                NAME.xml from guest.xml.in, define it
#   guest.sh start   NAME [LOAD] define it if needed, start it, wait until its
#                                serial console says the load runs
#   guest.sh destroy NAME        stop it, undefine it, remove its files
# LOAD: spin | idle | disk (see build-guest.sh).  Files go to $XB_GUEST_DIR
# (default /var/tmp/xenbench-guest).  The first start after libvirtd starts
# can take about 60 s (QEMU capability probe): start allows 120 s, then 120 s
# more for the guest to boot.
set -eu

HERE=$(dirname "$(readlink -f "$0")")
DIR=${XB_GUEST_DIR:-/var/tmp/xenbench-guest}
URI=${LIBVIRT_DEFAULT_URI:-qemu:///system}
START_TIMEOUT=${XB_GUEST_START_TIMEOUT:-120}
BOOT_TIMEOUT=${XB_GUEST_BOOT_TIMEOUT:-120}

usage() { echo "usage: guest.sh define|start|destroy NAME [LOAD]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 name=$2 load=${3:-spin}
case $name in *[!A-Za-z0-9_.-]*|'') echo "guest.sh: bad name '$name'" >&2; exit 2 ;; esac
case $load in spin|idle|disk) ;; *) echo "guest.sh: bad load '$load'" >&2; exit 2 ;; esac

virsh_() { virsh -q -c "$URI" "$@"; }

define() {
    "$HERE/build-guest.sh" >/dev/null
    [ -f "$DIR/$name.raw" ] || truncate -s 64M "$DIR/$name.raw"
    sed -e "s|@NAME@|$name|g" -e "s|@DIR@|$DIR|g" -e "s|@LOAD@|$load|g" \
        "$HERE/guest.xml.in" >"$DIR/$name.xml"
    virsh_ define "$DIR/$name.xml" >/dev/null
}

case $cmd in
define)
    [ $# -eq 3 ] || usage
    define ;;
start)
    virsh_ dominfo "$name" >/dev/null 2>&1 || define
    rm -f "$DIR/$name.serial.log"
    t0=$(date +%s.%N)
    timeout "$START_TIMEOUT" virsh -q -c "$URI" start "$name" >/dev/null ||
        { echo "guest.sh: virsh start $name failed or took over ${START_TIMEOUT}s" >&2; exit 1; }
    t1=$(date +%s.%N)
    i=0
    until grep -q 'xenbench-guest: ready' "$DIR/$name.serial.log" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt $((BOOT_TIMEOUT * 10)) ]; then
            echo "guest.sh: $name did not boot in ${BOOT_TIMEOUT}s; serial console:" >&2
            tail -n 20 "$DIR/$name.serial.log" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.1
    done
    t2=$(date +%s.%N)
    echo "guest.sh: $name started in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s," \
         "booted in $(awk "BEGIN { printf \"%.1f\", $t2 - $t1 }") s:" \
         "$(grep -o 'xenbench-guest: ready.*' "$DIR/$name.serial.log" | tr -d '\r')" >&2 ;;
destroy)
    if virsh_ dominfo "$name" >/dev/null 2>&1; then
        virsh_ destroy "$name" >/dev/null 2>&1 || true
        virsh_ undefine "$name" >/dev/null
    fi
    rm -f "$DIR/$name.raw" "$DIR/$name.xml" "$DIR/$name.serial.log" ;;
*) usage ;;
esac
