#!/bin/sh
# selftest.sh: messages.py finds every kind of message in a fixture source
# (tests/docs/fixture/src/fixture.c) and, on a page that lacks one and
# explains one that is gone, fails naming exactly those two.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$(python3 "$here/messages.py" --src "$here/fixture/src" --doc "$here/fixture/troubleshooting.md")
rc=$?
want_missing="missing: tests/docs/fixture/src/fixture.c:41 prints \`picked when it is not\` (error), which tests/docs/fixture/troubleshooting.md does not explain"
want_stale="stale: tests/docs/fixture/troubleshooting.md:12 explains \`a message no file prints\`, which no file in src/ prints any more"
want_sum="messages: 13 in src/ (13 calls), 12 explained, 1 missing, 1 stale"
fail=0
for w in "$want_missing" "$want_stale" "$want_sum"; do
    printf '%s\n' "$out" | grep -qxF -- "$w" || { echo "not ok - expected: $w"; fail=1; }
done
[ "$rc" = 1 ] || { echo "not ok - exit status $rc, wanted 1"; fail=1; }
n=$(printf '%s\n' "$out" | grep -c '^missing: \|^stale: ')
[ "$n" = 2 ] || { echo "not ok - $n differences reported, wanted 2:"; printf '%s\n' "$out"; fail=1; }
[ "$fail" = 0 ] && echo "ok - messages.py finds each kind of message, the one missing and the one stale"
exit "$fail"
