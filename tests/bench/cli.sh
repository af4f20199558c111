#!/bin/sh
# cli.sh: `xenbench bench` and `xenbench overhead` on the command line:
# exit status and message of each bad input, the overhead output format, and
# that the command measured alongside is stopped and its files removed.
# Usage: cli.sh XENBENCH
set -u
XB=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS GREP-PATTERN -- ARGS...: exit status and a line of stderr.
expect() {
    want=$1 pat=$2
    shift 3
    "$XB" "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        bad "xenbench $*: exit $got, want $want"; cat "$T/err"
    elif ! grep -q -- "$pat" "$T/err"; then
        bad "xenbench $*: stderr lacks '$pat':"; cat "$T/err"
    else
        ok
    fi
}

printf '[run]\nduration = 5\n\n[domain a]\nstressor = fork\n' > "$T/bad.scn"
printf '[run]\nduration = -2s\n' > "$T/neg.scn"
printf '[run]\nduration = 5\n[domain a]\nworkers = 2\n' > "$T/nostr.scn"
expect 2 "which scenario" -- bench
expect 2 "$T/bad.scn:5: unknown stressor 'fork'" -- bench "$T/bad.scn"
expect 2 "$T/neg.scn:2: duration: negative duration '-2s'" -- bench "$T/neg.scn"
expect 2 "$T/nostr.scn:3: domain 'a' has no 'stressor ='" -- bench "$T/nostr.scn"
expect 2 "$T/none.scn: No such file or directory" -- bench "$T/none.scn"
expect 2 "'csv2' is not one of" -- bench -f csv2 "$T/bad.scn"
expect 2 "pairs: '0' is not a whole number" -- overhead --pairs 0
expect 2 "n: 'x' is not a whole number" -- overhead --n x
expect 2 "settle: 'soon' is not a duration" -- overhead --settle soon
expect 2 "unexpected argument 'extra'" -- overhead extra
expect 2 "empty command" -- overhead --while ''
expect 2 "loads: 'lunch' is not one of idle, pingpong, linpack" -- overhead --loads idle,lunch
expect 2 "solves: '0' is not a whole number" -- overhead --solves 0
expect 2 "seed: 'x' is not a whole number" -- overhead --seed x

# The seed fixes the order: two runs with --seed 42 list the same pairs
# (kind and order) and say so; the A/A pairs are in the schedule.
for i in 1 2; do
    "$XB" overhead --n 100 --pairs 3 --solves 1 --settle 0 --seed 42 \
        --while 'sleep 100' > "$T/seed$i" 2>&1
done
grep -q '^seed: 42 (--seed 42 repeats this order)$' "$T/seed1" && ok || bad "no seed line"
awk -F'\t' '$1 ~ /^[0-9]+$/ { print $2, $3 }' "$T/seed1" > "$T/order1"
awk -F'\t' '$1 ~ /^[0-9]+$/ { print $2, $3 }' "$T/seed2" > "$T/order2"
if [ "$(wc -l < "$T/order1")" -ne 6 ] || ! cmp -s "$T/order1" "$T/order2"; then
    bad "--seed 42 did not repeat the 6 pairs:"; cat "$T/order1" "$T/order2"
else
    ok
fi
grep -q '^linpack	A/A	3	' "$T/seed1" && ok || bad "no A/A summary row"

# A command that ends before the measurement: exit 2, its status and output.
expect 2 "'echo gone; exit 3' exited with status 3 before the measurement; its output ends: gone" \
    -- overhead --n 100 --pairs 1 --settle 0.2 --while 'echo gone; exit 3'

# The format of the last line, and nothing left behind: a command that
# ignores SIGINT is ended by SIGTERM; the temporary folder is removed.
# The sleep's length is unique to this run: other checkouts on the same
# machine run this test too, and pgrep -f must find only ours.
mkdir "$T/tmp"
SL=$((7000000 + $$))
TMPDIR="$T/tmp" "$XB" overhead --n 200 --pairs 2 --settle 0.1 \
    --while "trap '' INT; exec sleep $SL" > "$T/out" 2> "$T/err"
st=$?
last=$(tail -n 1 "$T/out")
if [ $st -ne 0 ]; then
    bad "overhead --while: exit $st"; cat "$T/err"
elif ! printf '%s\n' "$last" | grep -Eq '^overhead: -?[0-9]+\.[0-9]{2} % \(median of 2 pairs, spread -?[0-9]+\.[0-9]{2}\.\.-?[0-9]+\.[0-9]{2} %\)$'; then
    bad "overhead last line: '$last'"
else
    ok
fi
grep -q '^N = 200 (--n)$' "$T/out" && ok || bad "no 'N = 200 (--n)' line"
if pgrep -f "sleep $SL" > /dev/null; then
    bad "the --while command is still running"
    kill $(pgrep -f "sleep $SL")
else
    ok
fi
[ -z "$(ls "$T/tmp")" ] && ok || bad "temporary files left: $(ls "$T/tmp")"

# CPUs this host does not have: found when the cgroups are made (root).
if [ "$(id -u)" -eq 0 ]; then
    printf '[run]\nduration = 3\n[domain a]\nstressor = cpu\ncpus = 999\n' > "$T/cpus.scn"
    "$XB" bench -o "$T/cpus-run" "$T/cpus.scn" > "$T/out" 2> "$T/err" &
    pid=$!
    wait $pid
    st=$?
    [ $st -eq 2 ] && grep -q "$T/cpus.scn:3: domain 'a': cpus = 999: not CPUs of this host (online CPUs here: " "$T/err" \
        && ok || { bad "bench cpus = 999: exit $st"; cat "$T/err"; }
    # This run's own groups (others' bench runs may share the machine).
    ls -d /sys/fs/cgroup/*/xenbench/bench-$pid /sys/fs/cgroup/xenbench/bench-$pid > /dev/null 2>&1 \
        && bad "cgroups left behind" || ok
fi

# bench with loads (root, tracefs, stress-ng): the run folder is checked
# before any load starts; -d and -i override the scenario; SIGINT stops the
# run with status 130 and keeps what was recorded; progress on a terminal.
if [ "$(id -u)" -eq 0 ] && [ -d /sys/kernel/tracing/instances ] && command -v stress-ng > /dev/null; then
    scn=$(dirname "$0")/../../examples/mixed.scn
    mkdir "$T/held" && echo '{}' > "$T/held/manifest.json"
    expect 2 "$T/held: already holds a recording (choose another -o)" -- bench -o "$T/held" "$scn"
    grep -q "started" "$T/err" && bad "bench started loads before refusing its folder" || ok
    expect 2 "--duration: '1us' is less than the minimum, 0.1 s" -- bench -d 1us "$scn"
    expect 2 "--interval: '2h' is more than the maximum, 1 h" -- bench -i 2h "$scn"
    expect 2 "demo: $T/held: already holds a recording" -- demo -o "$T/held"

    "$XB" bench -q -d 1.5 -i 0.5 -o "$T/short" -f json "$scn" > "$T/out" 2> "$T/err"
    st=$?
    span=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["span_s"])' "$T/out" 2>/dev/null)
    ival=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interval_ns"])' "$T/short/manifest.json" 2>/dev/null)
    if [ $st -ne 0 ]; then bad "bench -d 1.5: exit $st"; cat "$T/err"
    elif ! python3 -c 'import sys; sys.exit(not 1.4 <= float(sys.argv[1]) <= 1.8)' "$span"; then bad "bench -d 1.5: span $span s"
    elif [ "$ival" != 500000000 ]; then bad "bench -i 0.5: manifest interval_ns $ival"
    else ok; fi

    "$XB" bench -o "$T/int" "$scn" > "$T/out" 2> "$T/err" &
    pid=$!
    for _ in $(seq 1 100); do grep -q "recording 4 cgroup" "$T/err" && break; sleep 0.1; done
    sleep 1
    kill -INT $pid
    wait $pid
    st=$?
    if [ $st -ne 130 ]; then bad "bench SIGINT: exit $st, want 130"; cat "$T/err"
    elif ! grep -q "stopped by SIGINT: the loads are stopped; $T/int holds what was recorded" "$T/err"; then bad "bench SIGINT: message"; cat "$T/err"
    elif [ -s "$T/out" ]; then bad "bench SIGINT: printed a report"
    elif ! "$XB" report "$T/int" > /dev/null 2>&1; then bad "bench SIGINT: the run folder does not report"
    else ok; fi
    ls -d /sys/fs/cgroup/*/xenbench/bench-$pid /sys/fs/cgroup/xenbench/bench-$pid > /dev/null 2>&1 \
        && bad "cgroups left behind after SIGINT" || ok

    script -qec "$XB bench -d 2 -o $T/tty -f csv $scn > /dev/null" "$T/tty.txt" > /dev/null 2>&1
    grep -q "recording 1 / 2 s" "$T/tty.txt" && ok || { bad "no progress line on a terminal"; cat "$T/tty.txt"; }
    grep -q "recording 1 / 2 s" "$T/err" && bad "progress line when stderr is not a terminal" || ok
else
    echo "skipped: bench with loads (needs root, tracefs and stress-ng)"
fi

# With the recorder (root and tracefs only).
if [ "$(id -u)" -eq 0 ] && [ -d /sys/kernel/tracing/instances ]; then
    TMPDIR="$T/tmp" "$XB" overhead --n 200 --pairs 1 --solves 1 --settle 0.1 \
        --loads idle,pingpong,linpack --no-perf > "$T/out" 2> "$T/err"
    st=$?
    if [ $st -ne 0 ]; then
        bad "overhead (record): exit $st"; cat "$T/err"
    elif ! tail -n 1 "$T/out" | grep -Eq '^overhead: -?[0-9.]+ % \(median of 1 pairs, spread'; then
        bad "overhead (record): last line '$(tail -n 1 "$T/out")'"
    else
        ok
    fi
    grep -q '^tools: xenbench record (record)$' "$T/out" && ok || bad "no tools line"
    # every load has its record row with the recorder's CPU and events
    for l in idle pingpong linpack; do
        grep -Eq "^$l	record	1	.*	[0-9.]+	[0-9]+	[0-9]+$" "$T/out" && ok ||
            bad "no record summary row for $l: $(grep "^$l	" "$T/out")"
    done
    [ -z "$(ls "$T/tmp")" ] && ok || bad "record files left: $(ls -R "$T/tmp")"
else
    echo "skipped: overhead with record (needs root and tracefs)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
