#!/bin/sh
# libvirt_guest.sh: the real-guest ground-truth test (meson suite 'linux').
#
# Starts libvirtd unless it answers, defines and starts a 2-vCPU TCG guest
# spinning on every vCPU, checks that discovery (kvm_discover) finds it with
# the threads libvirt's pid file and the thread names give, then
# vcpu_truth.py records 10 s with `xenbench record --domains libvirt` and
# compares each vCPU's cpu(%) in `xenbench report -f json --vcpu` with its
# thread's schedstat delta (within 3 points).  The guest is destroyed on
# every exit; libvirtd is stopped again only if this test started it and no
# other domain runs.  Nothing is skipped: no root, no libvirt, a guest that
# does not boot all FAIL with the reason.  Ends with "N passed, N failed".
#
# usage: libvirt_guest.sh XENBENCH KVM_DISCOVER
set -u

HERE=$(dirname "$(readlink -f "$0")")
XENBENCH=$(readlink -f "$1")
DISCOVER=$(readlink -f "$2")
NAME=xb-guest-$$
SECONDS_REC=10
URI=qemu:///system
export LIBVIRT_DEFAULT_URI=$URI
pass=0 fail=0
started=""
tmp=$(mktemp -d /tmp/xb-libvirt-guest.XXXXXX)

ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
finish() {
    "$HERE/guest.sh" destroy "$NAME" >/dev/null 2>&1
    if [ "$started" = started ] &&
       [ -z "$(virsh -q -c "$URI" list --name 2>/dev/null | grep -v '^$')" ]; then
        "$HERE/libvirtd.sh" stop
    fi
    rm -rf "$tmp"
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}
trap finish EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || { bad "must run as root (libvirtd, tracefs)"; exit 1; }

if started=$("$HERE/libvirtd.sh" start 2>"$tmp/libvirtd.err"); then
    ok "libvirtd answers ($started)"
else
    bad "libvirtd cannot be started: $(cat "$tmp/libvirtd.err")"
    exit 1
fi

# Guests of earlier runs killed before their cleanup (SIGKILL, a reboot).
for old in $(virsh -q -c "$URI" list --all --name 2>/dev/null | grep '^xb-guest-[0-9]*$'); do
    kill -0 "${old#xb-guest-}" 2>/dev/null || "$HERE/guest.sh" destroy "$old" >/dev/null 2>&1
done

t0=$(date +%s)
if "$HERE/guest.sh" start "$NAME" spin 2>"$tmp/guest.err"; then
    ok "guest $NAME running after $(($(date +%s) - t0)) s: $(tail -n 1 "$tmp/guest.err")"
else
    bad "guest $NAME did not start: $(cat "$tmp/guest.err")"
    exit 1
fi

# Discovery against libvirt's pid file and the thread names.
pid=$(cat "/run/libvirt/qemu/$NAME.pid" 2>/dev/null)
if "$DISCOVER" >"$tmp/discover.txt" 2>&1; then
    sed 's/^/     /' "$tmp/discover.txt"
    line=$(grep "^domain [0-9]* libvirt '$NAME' " "$tmp/discover.txt")
    if [ -n "$line" ] && echo "$line" | grep -q " pid=$pid nvcpu=2\$"; then
        ok "discovery: $NAME, pid $pid, 2 vCPUs"
    else
        bad "discovery: no line for $NAME with pid=$pid nvcpu=2"
    fi
    for v in 0 1; do
        want=""
        for t in /proc/"$pid"/task/*; do
            case $(cat "$t/comm" 2>/dev/null) in "CPU $v/"*) want=${t##*/} ;; esac
        done
        if [ -n "$want" ] && grep -q "^  thread $want vcpu $v 'CPU $v/" "$tmp/discover.txt"; then
            ok "discovery: vCPU $v is thread $want"
        else
            bad "discovery: vCPU $v should be thread '$want'"
        fi
    done
    nthreads=$(ls "/proc/$pid/task" | wc -l)
    nemu=$(sed -n "/^domain [0-9]* libvirt '$NAME' /,/^domain /p" "$tmp/discover.txt" |
           grep -c '^  thread [0-9]* vcpu 1[0-9][0-9][0-9] ')
    if [ "$nemu" -ge 1 ] && [ "$nemu" -le "$nthreads" ]; then
        ok "discovery: $nemu emulator threads (the process has $nthreads threads now)"
    else
        bad "discovery: $nemu emulator threads for $nthreads threads"
    fi
else
    bad "kvm_discover failed: $(cat "$tmp/discover.txt")"
fi

# top samples libvirt's domstats live too (pipeline/live.c), as record does:
# the guest's row of the disk/network/memory table, no sampler failure.
if "$XENBENCH" top -b -n 2 --domains libvirt --match "^$NAME\$" >"$tmp/top.txt" 2>&1 &&
   sed -n '/^=== Disk, network, memory/,/^===/p' "$tmp/top.txt" | grep -q "	$NAME\$" &&
   ! grep -q 'libvirt counters' "$tmp/top.txt"; then
    ok "top -b --domains libvirt: the guest's counters, libvirt sampled live"
else
    bad "top -b --domains libvirt: $(tail -n 5 "$tmp/top.txt")"
fi

if python3 "$HERE/vcpu_truth.py" "$XENBENCH" "$tmp/run" "$NAME" 2 "$SECONDS_REC" \
        >"$tmp/truth.txt" 2>&1; then
    sed 's/^/     /' "$tmp/truth.txt"
    ok "record/report vs schedstat"
else
    sed 's/^/     /' "$tmp/truth.txt"
    bad "record/report vs schedstat"
fi
