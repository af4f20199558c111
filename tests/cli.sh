#!/bin/sh
# cli.sh: the command line as a user meets it: help, options after the file,
# and the exit status and message of each kind of bad input.
# Usage: cli.sh BUILD/xenbench
set -u
xb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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

printf '\003\360\001\040\000\000\000\000\020\000\000\000\041\020\002\220' > "$tmp/cut.bin"
printf 'hello, this is not a trace' > "$tmp/text.bin"
: > "$tmp/empty.bin"
# damaged files: CPU 5000; an event of no known class; a TSC stepping back
# a second window whose header is not a CPU_CHANGE record
printf '\003\360\001\040\000\000\000\000\000\000\000\000\001\002\003\004\000\000\000\000\000\000\000\000' > "$tmp/window.bin"
printf '\003\360\001\040\210\023\000\000\000\000\000\000' > "$tmp/cpu.bin"
printf '\003\360\001\040\000\000\000\000\004\000\000\000\043\361\000\001' > "$tmp/class.bin"
printf '\003\360\001\040\000\000\000\000\040\000\000\000' > "$tmp/tsc.bin"
printf '\021\020\002\220\000\000\000\020\000\000\000\000\000\000\001\000' >> "$tmp/tsc.bin"
printf '\021\020\002\220\001\000\000\000\000\000\000\000\000\000\001\000' >> "$tmp/tsc.bin"

expect "help" 0 "Commands:" -- "$xb" --help
expect "report --help names every option" 0 "--interval" -- "$xb" report --help
expect "help report" 0 "--tsc-hz" -- "$xb" help report
expect "version" 0 "xenbench " -- "$xb" --version
expect "no command" 2 "Usage" -- "$xb"
expect "unknown command" 2 "not a command" -- "$xb" frobnicate
expect "unknown option" 2 "Try 'xenbench report --help'" -- "$xb" report --bogus x
expect "no file" 2 "which recording" -- "$xb" report
expect "bad rate" 2 "is not a rate" -- "$xb" report "$tmp/empty.bin" --tsc-hz 2.6X
expect "bad interval" 2 "is not a duration" -- "$xb" report -i -1 "$tmp/empty.bin"
expect "bad format" 2 "not one of table, csv, json" -- "$xb" report -f xml "$tmp/empty.bin"
expect "missing rate" 2 "give it with --tsc-hz" -- "$xb" report "$tmp/empty.bin"
expect "empty file" 2 "byte offset 0: empty file" -- "$xb" report "$tmp/empty.bin" --tsc-hz 1G
expect "not a trace" 2 "byte offset 0: not a xentrace file" -- "$xb" report --tsc-hz 1G "$tmp/text.bin"
expect "window header not CPU_CHANGE" 2 "byte offset 12: expected a CPU_CHANGE window header 0x2001f003, found 0x04030201" -- "$xb" report --tsc-hz 1G "$tmp/window.bin"
expect "CPU out of range" 2 "byte offset 4: window header names CPU 5000" -- "$xb" report --tsc-hz 1G "$tmp/cpu.bin"
expect "unknown event class" 2 "byte offset 12: CPU 0: unknown event class" -- "$xb" report --tsc-hz 1G "$tmp/class.bin"
expect "TSC backwards" 2 "byte offset 28: CPU 0: TSC steps back" -- "$xb" report --tsc-hz 1G "$tmp/tsc.bin"
expect "missing file" 2 "nope.bin" -- "$xb" report --tsc-hz 1G "$tmp/nope.bin"
expect "cut short warns" 0 "warning: .*byte offset 0" -- "$xb" report "$tmp/cut.bin" --tsc-hz 1G
expect "cut short strict" 2 "strict" -- "$xb" report "$tmp/cut.bin" --tsc-hz 1G --strict
expect "options after the file" 0 "t_start_s" -- "$xb" report "$tmp/cut.bin" --tsc-hz 1G --format csv

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
