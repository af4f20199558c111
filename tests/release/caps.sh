#!/bin/sh
# caps.sh: the capabilities debian/xenbench.service keeps are enough to
# record on Linux, and needed.  Runs `xenbench record` (what `serve` records
# with) as root but with the unit's CapabilityBoundingSet only, on a process
# of another user (nobody):
#   - its /proc/PID/io is read (an "io" block in procfs.txt), which needs
#     CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE;
#   - perf_event_open is not refused for want of privilege (CAP_PERFMON;
#     here it may still fail with ENOENT where there is no PMU);
# and, so the test can fail, the same with no capability loses both.
# The Xen side is tests/xen-host (in-dom0.sh records under the same set).
# Needs root and tracefs (suite linux).  Usage: caps.sh UNIT_FILE XENBENCH
set -u
unit=$1 xb=$(readlink -f "$2")
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }
[ "$(id -u)" = 0 ] || { echo "not ok - needs root"; echo "0 passed, 1 failed"; exit 1; }

caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr ' ' '\n' |
       sed -n 's/^CAP_\(.*\)/+\1/p' | tr 'A-Z' 'a-z' | paste -sd, -)
[ -n "$caps" ] && ok "the unit keeps $caps" || no "no CapabilityBoundingSet= in $unit"

tmp=$(mktemp -d)
chmod 755 "$tmp"
cp /bin/sleep "$tmp/xbcapnap"
setpriv --reuid=65534 --regid=65534 --clear-groups "$tmp/xbcapnap" 60 &
nap=$!
trap 'kill $nap 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.3

# rec NAME SET: record 2 s under the bounding set SET (e.g. "+perfmon")
rec() {
    setpriv --bounding-set="-all${2:+,$2}" --inh-caps=-all -- \
        "$xb" record -q -d 2 -o "$tmp/$1" --domains process --match '^xbcapnap$' \
        > "$tmp/$1.log" 2>&1
}
io_read() { grep -q '^@ [0-9]* io 1 ' "$tmp/$1/procfs.txt" 2>/dev/null; }
perf_why() {
    python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
print(" ".join(s["reason"] for s in m.get("sources_missing", []) if "perf" in s["source"]))' \
        "$tmp/$1/manifest.json" 2>/dev/null
}
denied() { case "$1" in *"Permission denied"*|*"not permitted"*) return 0 ;; esac; return 1; }

if rec unit "$caps"; then ok "record under the unit's capabilities exits 0"
else no "record under the unit's capabilities: $(cat "$tmp/unit.log")"; fi
io_read unit && ok "another user's /proc/PID/io is read" \
    || no "another user's /proc/PID/io is not read under $caps"
why=$(perf_why unit)
denied "$why" && no "perf refused under $caps: $why" \
    || ok "perf not refused for privilege (${why:-opened})"

rec none ""
io_read none && no "with no capability /proc/PID/io of another user is still read (the check cannot fail)" \
    || ok "with no capability: another user's /proc/PID/io is not read"
why=$(perf_why none)
denied "$why" && ok "with no capability: perf refused ($why)" \
    || no "with no capability perf is not refused (${why:-opened}): the check cannot fail"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
