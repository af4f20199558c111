# expect.sh: the ok/not ok lines and exit-status checks of the shell tests,
# sourced (`. tests/expect.sh`); tests/tap.py is the same for Python.
# ok NAME / no NAME: count and print one result; finish: the totals line
# and the exit status.
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }

# expect NAME STATUS PATTERN -- CMD...: exit status and a pattern in stdout+stderr
expect() {
    name=$1 want=$2 pat=$3; shift 4
    out=$("$@" 2>&1); got=$?
    if [ "$got" -eq "$want" ] && printf '%s' "$out" | grep -q -- "$pat"; then ok "$name"
    else no "$name (status $got, wanted $want; output: $(printf '%s' "$out" | head -3))"; fi
}

finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
