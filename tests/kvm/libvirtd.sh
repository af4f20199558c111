#!/bin/sh
# libvirtd.sh: start or stop libvirtd by hand (PID 1 is not systemd here).
#   libvirtd.sh start   start virtlogd and libvirtd unless libvirtd already
#                       answers; wait until `virsh list` answers (30 s).
#                       Exit 0 and print "started" or "running"; else exit 1
#                       with the reason on stderr.
#   libvirtd.sh stop    stop both by the PIDs in their PID files.
# Logs (warnings and errors) go to $XB_LIBVIRT_LOG_DIR (default
# /var/log/libvirt) as libvirtd.log and virtlogd.log.
set -eu

URI=qemu:///system
RUN=${XB_LIBVIRT_RUN_DIR:-/run}
LOGDIR=${XB_LIBVIRT_LOG_DIR:-/var/log/libvirt}

answers() { virsh -q -c "$URI" list >/dev/null 2>&1; }
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
    if answers; then echo running; return 0; fi
    for b in virtlogd libvirtd virsh; do
        command -v $b >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
        command -v $b >/dev/null 2>&1 ||
            { echo "libvirtd.sh: $b not found: install libvirt-daemon-system libvirt-clients (scripts/deps.sh)" >&2; return 1; }
    done
    [ "$(id -u)" -eq 0 ] || { echo "libvirtd.sh: must run as root to start libvirtd" >&2; return 1; }
    mkdir -p "$LOGDIR"
    if ! alive "$RUN/virtlogd.pid"; then
        LIBVIRT_LOG_OUTPUTS="3:file:$LOGDIR/virtlogd.log" virtlogd -d ||
            { echo "libvirtd.sh: virtlogd -d failed" >&2; return 1; }
    fi
    if ! alive "$RUN/libvirtd.pid"; then
        LIBVIRT_LOG_OUTPUTS="3:file:$LOGDIR/libvirtd.log" libvirtd -d ||
            { echo "libvirtd.sh: libvirtd -d failed; $LOGDIR/libvirtd.log says:" >&2
              tail -n 5 "$LOGDIR/libvirtd.log" >&2 2>/dev/null; return 1; }
    fi
    i=0
    until answers; do
        i=$((i + 1))
        if [ $i -gt 300 ]; then
            echo "libvirtd.sh: libvirtd started but '$URI' does not answer after 30 s:" >&2
            virsh -q -c "$URI" list 2>&1 | head -n 3 >&2
            tail -n 5 "$LOGDIR/libvirtd.log" >&2 2>/dev/null
            return 1
        fi
        sleep 0.1
    done
    echo started
}

stop_one() {   # NAME PIDFILE
    alive "$2" || return 0
    pid=$(cat "$2")
    kill "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 150 ] && { echo "libvirtd.sh: $1 ($pid) did not stop in 15 s" >&2; return 1; }
        sleep 0.1
    done
}

case ${1:-} in
start) start ;;
stop) stop_one libvirtd "$RUN/libvirtd.pid" && stop_one virtlogd "$RUN/virtlogd.pid" ;;
*) echo "usage: libvirtd.sh start|stop" >&2; exit 2 ;;
esac
