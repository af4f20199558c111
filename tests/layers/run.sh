#!/bin/sh
# run.sh: the layering check (scripts/check-layers.py) fails on a fixture
# tree with an upward include, a cycle, rooms kept apart, a folder on no
# floor, a shared include guard, a .c file whose opening comment does not
# name it and one that does not say what it must not touch, naming each;
# and passes on src/.
# Usage: run.sh TOP_OF_CHECKOUT
set -u
top=$1
here=$top/tests/layers
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }
out=$(python3 "$top/scripts/check-layers.py" --src "$here/src" --doc "$here/floors.md")
rc=$?
echo "$out"
[ "$rc" -eq 1 ] && ok "the fixture tree fails (exit $rc)" || no "the fixture tree fails (exit $rc)"
for want in \
    "account/engine.c:2: includes cmd/report.h: an upward include (cmd is above account)" \
    "a cycle: util/a -> util/b -> util/a" \
    "decode/d.c:2: includes account/engine.h: decode and account are apart" \
    "serve/s.c: folder serve/ is on no floor" \
    "util/c.h:2: include guard FIX_A_H is also util/a.h's" \
    "util/noname.c:1: does not open with a comment naming it" \
    "util/nomust.c:1: its opening comment does not say what it must not touch"; do
    case "$out" in
        *"$want"*) ok "names: $want" ;;
        *) no "names: $want" ;;
    esac
done
if python3 "$top/scripts/check-layers.py" >/dev/null; then ok "src/ keeps its floors"
else python3 "$top/scripts/check-layers.py"; no "src/ keeps its floors"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
