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

# A command that ends before the measurement: exit 2, its status and output.
expect 2 "'echo gone; exit 3' exited with status 3 before the measurement; its output ends: gone" \
    -- overhead --n 100 --pairs 1 --settle 0.2 --while 'echo gone; exit 3'

# The format of the last line, and nothing left behind: a command that
# ignores SIGINT is ended by SIGTERM; the temporary folder is removed.
mkdir "$T/tmp"
TMPDIR="$T/tmp" "$XB" overhead --n 200 --pairs 2 --settle 0.1 \
    --while 'trap "" INT; exec sleep 7341' > "$T/out" 2> "$T/err"
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
if pgrep -f 'sleep 7341' > /dev/null; then
    bad "the --while command is still running"
    kill $(pgrep -f 'sleep 7341')
else
    ok
fi
[ -z "$(ls "$T/tmp")" ] && ok || bad "temporary files left: $(ls "$T/tmp")"

# CPUs this host does not have: found when the cgroups are made (root).
if [ "$(id -u)" -eq 0 ]; then
    printf '[run]\nduration = 3\n[domain a]\nstressor = cpu\ncpus = 999\n' > "$T/cpus.scn"
    expect 2 "$T/cpus.scn:3: domain 'a': cpus = 999: not CPUs of this host (online CPUs here: " \
        -- bench -o "$T/cpus-run" "$T/cpus.scn"
    ls -d /sys/fs/cgroup/*/xenbench/bench-* > /dev/null 2>&1 && bad "cgroups left behind" || ok
fi

# With the recorder (root and tracefs only).
if [ "$(id -u)" -eq 0 ] && [ -d /sys/kernel/tracing/instances ]; then
    TMPDIR="$T/tmp" "$XB" overhead --n 200 --pairs 1 --settle 0.1 > "$T/out" 2> "$T/err"
    st=$?
    if [ $st -ne 0 ]; then
        bad "overhead (record): exit $st"; cat "$T/err"
    elif ! tail -n 1 "$T/out" | grep -Eq '^overhead: -?[0-9.]+ % \(median of 1 pairs, spread'; then
        bad "overhead (record): last line '$(tail -n 1 "$T/out")'"
    else
        ok
    fi
    grep -q '^A: idle; B: while xenbench record; 1 pairs' "$T/out" && ok || bad "no record line"
    [ -z "$(ls "$T/tmp")" ] && ok || bad "record files left: $(ls -R "$T/tmp")"
else
    echo "skipped: overhead with record (needs root and tracefs)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
