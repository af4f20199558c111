#!/bin/sh
# cli.sh: the command line as a user meets it: help, options after the file,
# and the exit status and message of each kind of bad input.
# Usage: cli.sh BUILD/xenbench
set -u
xb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/expect.sh"

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

ex=$(dirname "$0")/../examples/credit2-2pcpu-3guests

# Limits on rates, lengths and sizes: each message says the bounds.
expect "record interval below 0.1 s" 2 "'1us' is less than the minimum, 0.1 s (0.1 s to 1 h)" -- "$xb" record -i 1us -o "$tmp/r"
expect "record duration too long" 2 "'99999999999' is more than the maximum, 366 d (0.1 s to 366 d)" -- "$xb" record -d 99999999999 -o "$tmp/r"
expect "record duration not one" 2 "'soon' is not a duration (e.g. 10, 0.5, 250ms, 5m, 1h; 0.1 s to 366 d)" -- "$xb" record -d soon -o "$tmp/r"
expect "record buffer too large" 2 "'4194304' is not a whole number of KiB per CPU from 4 to 262144" -- "$xb" record --buffer-kb 4194304 -o "$tmp/r"
expect "top interval above 1 h" 2 "'2h' is more than the maximum, 1 h (0.1 s to 1 h)" -- "$xb" top -i 2h
expect "top iterations 0" 2 "'0' is not a whole number of screens from 1 to 1000000" -- "$xb" top -n 0
expect "report interval below 10 ms" 2 "'10us' is less than the minimum, 10 ms (10 ms to 366 d)" -- "$xb" report -i 10us "$tmp/cut.bin"
expect "import interval" 2 "import: --interval: 'x' is not a duration" -- "$xb" import -i x "$tmp/cut.bin"
[ -e "$tmp/r" ] && no "a refused record made its folder" || ok "a refused record makes no folder"
expect "report interval in minutes" 0 "^=== CPU" -- "$xb" report -i 5m "$ex"
n=$("$xb" report -i 1h "$ex" -f csv | sed '/^$/,$d' | cut -d, -f1 | sort -u | wc -l)
[ "$n" -eq 2 ] && ok "report -i 1h: one window" || no "report -i 1h: $n distinct t_start_s lines"
# Bad input that used to hang, flood or print garbage (issue 17): each is an
# error naming the option, file or field, exit 2.
churn=$(dirname "$0")/xen-traces/credit-4pcpu-churn/trace-sched.bin
lost=$(dirname "$0")/xen-traces/credit2-4pcpu-lost/trace-sched.bin
expect "interval below the shortest window" 2 "'1us' is less than the minimum, 10 ms" -- "$xb" report -i 1us -t 2596.149M "$churn"
expect "a 1 Hz TSC rate" 2 "tsc-hz: a TSC rate of 1 Hz is below any CPU clock (1 MHz .. 100 GHz); did you mean 1G?" -- "$xb" report -t 1 "$churn"
expect "the rate in MHz without its M" 2 "did you mean 2596M?" -- "$xb" report -t 2596 "$churn"
expect "import: the rate without its M" 2 "did you mean 2596M?" -- "$xb" import --db "$tmp/h.db" -t 2596 "$churn"
[ -e "$tmp/h.db" ] && [ "$(sqlite3 "$tmp/h.db" 'select count(*) from sample' 2>/dev/null || echo 0)" != 0 ] && no "a refused import wrote samples" || ok "a refused import writes no samples"
# a TSC jumping forward an hour and more on one CPU (the second record's)
cp "$tmp/tsc.bin" "$tmp/jump.bin"
printf '\000\000\000\000\000\020\000\000' | dd of="$tmp/jump.bin" bs=1 seek=32 conv=notrunc 2>/dev/null
expect "TSC jumps forward" 2 "byte offset 28: CPU 0: TSC jumps forward by" -- "$xb" report --tsc-hz 1G "$tmp/jump.bin"
mkdir -p "$tmp/x1"
cp "$churn" "$tmp/x1/xentrace.bin"
printf '{"source": "xen", "tsc_hz": 1, "trace": "xentrace.bin"}' > "$tmp/x1/manifest.json"
expect "manifest tsc_hz 1" 2 "manifest.json: tsc_hz: a TSC rate of 1 Hz is below any CPU clock" -- "$xb" report "$tmp/x1"
printf '{"source": "xen", "tsc_hz": 2596149000, "trace": "xentrace.bin", "state": "recording"}' > "$tmp/x1/manifest.json"
expect "Xen run left recording: warned" 0 "warning: the recording has no stop time (cut short)" -- "$xb" report "$tmp/x1"
expect "Xen run left recording: --strict" 2 "no stop time (cut short).*(--strict)" -- "$xb" report "$tmp/x1" --strict
ln -s "$(cd "$(dirname "$churn")" && pwd)/trace-sched.bin" "$tmp/x1/link.bin"
printf '{"source": "xen", "tsc_hz": 2596149000, "trace": "link.bin"}' > "$tmp/x1/manifest.json"
expect "a symbolic link in a run folder" 2 "x1/link.bin: a symbolic link; a run folder holds its own files" -- "$xb" report "$tmp/x1"
printf '{"source": "xen", "tsc_hz": 2596149000, "trace": "xentrace.bin", "counters": [%s{"format": "xenstat", "path": "x.jsonl"}]}' \
    "$(for i in 1 2 3 4 5 6 7 8; do printf '{"format": "xenstat", "path": "x%d.jsonl"}, ' $i; done)" > "$tmp/x1/manifest.json"
expect "nine counter files" 2 "manifest.json: field \"counters\": 9 files, more than the 8" -- "$xb" report "$tmp/x1"
printf 'Name ID Mem VCPUs State Time(s)\nDomain-0 0 1024 2 r----- 1.0\nbad -1 128 1 -b---- 0.1\n' > "$tmp/xl.txt"
expect "xl list with domain id -1" 2 "xl.txt: line 3: domain id '-1' is not a number 0..32767" -- "$xb" report -t 2596.149M -n "$tmp/xl.txt" "$churn"
expect "lost records: --strict" 2 "lost records (.* gaps).*(--strict)" -- "$xb" report -t 2596.146M --strict "$lost"
expect "lost records: counted in the footer" 0 "^contradictions: " -- "$xb" report -t 2596.146M "$lost"
cp -r "$(dirname "$0")/linux-runs/process-2s" "$tmp/l1"
python3 -c 'import json, sys; p = sys.argv[1] + "/manifest.json"; m = json.load(open(p)); m["t_stop_mono_ns"] = 10**18; json.dump(m, open(p, "w"))' "$tmp/l1"
expect "Linux t_stop 10^18" 2 "t_stop_mono_ns lies .* s after the last event" -- "$xb" report "$tmp/l1"
python3 -c 'import json, sys; p = sys.argv[1] + "/manifest.json"; m = json.load(open(p)); m["t_stop_mono_ns"] = 0; m["t0_mono_ns"] += 10**11; json.dump(m, open(p, "w"))' "$tmp/l1"
expect "Linux t0 after the events" 2 "cpu[01].raw: page at offset 0: an event at CLOCK_MONOTONIC .* before the recording" -- "$xb" report "$tmp/l1"
rm -rf "$tmp/l1"; cp -r "$(dirname "$0")/linux-runs/process-2s" "$tmp/l1"
python3 -c 'import json, sys; p = sys.argv[1] + "/domains.json"; d = json.load(open(p)); d["domains"][0]["threads"][0]["vcpu"] = 0xfffffff; json.dump(d, open(p, "w"))' "$tmp/l1"
expect "domains.json vCPU 0xfffffff" 2 "domains.json: domains\[0\].threads\[0\]: expected {\"tid\": 1..2147483647, \"vcpu\": 0..65535}" -- "$xb" report "$tmp/l1"

# A ring run (record --max-size --ring), made of the 2 s fixture: cpu0's 27
# pages in three segments of which the first was dropped, cpu1's in two.
# report reads it from cpu0's first kept page on, warns with what was
# dropped, and refuses a segment list that is not the ring's.
rm -rf "$tmp/l1"; cp -r "$(dirname "$0")/linux-runs/process-2s" "$tmp/l1"
span=$(python3 - "$tmp/l1" <<'PY'
import json, os, struct, sys
d = sys.argv[1]; t = d + "/tracefs"; p = d + "/manifest.json"
m = json.load(open(p)); pg = m["page_size"]
cuts = {0: [0, 9, 18, 27], 1: [0, 14, 27]}
for c in m["trace"]["cpus"]:
    raw = open(t + "/cpu%d.raw" % c["cpu"], "rb").read()
    os.unlink(t + "/cpu%d.raw" % c["cpu"])
    b = cuts[c["cpu"]]
    for k in range(len(b) - 1):
        open(t + "/cpu%d.%d.raw" % (c["cpu"], k), "wb").write(raw[b[k] * pg:b[k + 1] * pg])
    c["segments"] = ["tracefs/cpu%d.%d.raw" % (c["cpu"], k) for k in range(len(b) - 1)]
    del c["file"]
os.unlink(t + "/cpu0.0.raw")
m["trace"]["cpus"][0]["segments"].pop(0)
m["trace"]["cpus"][0]["dropped_pages"] = 9
first = struct.unpack("<Q", open(t + "/cpu0.1.raw", "rb").read(8))[0]
m["trace"]["ring"] = {"max_bytes": 200000, "kept_from_mono_ns": first, "dropped_pages": 9}
json.dump(m, open(p, "w"))
print("%.6f" % ((m["t_stop_mono_ns"] - first) / 1e9))
PY
)
expect "ring run: read from the kept span" 0 "^span: $span s" -- "$xb" report "$tmp/l1"
expect "ring run: warns with what was dropped" 0 "warning: a ring run (record --max-size --ring): the trace keeps the last .* of 2.000 s recorded; 9 older pages (0.0 MB) were dropped, and [1-9][0-9]* events before" -- "$xb" report "$tmp/l1"
# killed while recording: the manifest of the start names segment 0 only
cp -r "$tmp/l1" "$tmp/l2"
python3 -c 'import json, sys; p = sys.argv[1] + "/manifest.json"; m = json.load(open(p)); m["state"] = "recording"; m["t_stop_mono_ns"] = 0; m["trace"]["ring"] = {"max_bytes": 200000, "kept_from_mono_ns": m["t0_mono_ns"]}; [c.update(segments=["tracefs/cpu%d.0.raw" % c["cpu"]]) for c in m["trace"]["cpus"]]; json.dump(m, open(p, "w"))' "$tmp/l2"
expect "ring run cut short: segments from tracefs/" 0 "a ring run cut short (record --max-size --ring): its segments are read from tracefs/; the trace keeps the last 1\.[0-9]* s" -- "$xb" report "$tmp/l2"
rm "$tmp/l2"/tracefs/cpu1.*.raw
expect "ring run cut short: a CPU with no segment" 2 "a ring run cut short, and tracefs/ holds no segment of CPU 1" -- "$xb" report "$tmp/l2"
python3 -c 'import json, sys; p = sys.argv[1] + "/manifest.json"; m = json.load(open(p)); m["trace"]["cpus"][1]["segments"][0] = "../cpu1.0.raw"; json.dump(m, open(p, "w"))' "$tmp/l1"
expect "ring run: a segment outside tracefs" 2 'field "trace".cpus\[1\].segments\[0\]: expected "tracefs/cpu1.K.raw"' -- "$xb" report "$tmp/l1"
expect "record --ring needs --max-size" 2 "ring: needs --max-size" -- "$xb" record --ring -o "$tmp/r"

# One unit per quantity: the writer of the cgroup fixture was the host disk's
# only writer, so its "MB/s written" and the host disk's wMB/s agree.
lr=$(dirname "$0")/linux-runs/cgroup-3s
t=$("$xb" report "$lr")
dom=$(printf '%s\n' "$t" | awk -F'\t' '/^=== Disk/ {d=1; next} d && $NF ~ /writer$/ {print $3; exit}')
dev=$(printf '%s\n' "$t" | awk -F'\t' '/^=== Host disks/ {d=1; next} d && $1 == "vda" {print $6; exit}')
[ -n "$dom" ] && [ "$dom" = "$dev" ] && ok "units: writer MB/s written = host wMB/s ($dom)" || no "units: writer MB/s written '$dom', host wMB/s '$dev'"
printf '%s\n' "$t" | grep -q "memory MiB" && ok "units: memory in MiB" || no "units: memory column"

# Messages once: the fixture recorded no perf counters; a report of its 3
# windows says so once, not once per window or table.
n=$("$xb" report -i 1 "$lr" 2>&1 | grep -c 'perf_event_open')
[ "$n" -eq 1 ] && ok "messages: the perf-counter note once in a 3-window report" \
    || no "messages: the perf-counter note $n times in a 3-window report"

# Wall-clock time: windows, CSV/JSON rows and the footer carry time 0 of
# the manifest's start_utc plus the window's start; a bare trace has none
# unless --start gives it.
t=$("$xb" report -i 1 "$lr")
printf '%s\n' "$t" | grep -q '^window 1: 1.000000 .. 2.000000 s (2026-12-01T17:20:12.616Z .. 2026-12-01T17:20:13.616Z)$' \
    && ok "wall clock: window lines" || no "wall clock: window lines ($(printf '%s\n' "$t" | grep '^window 1'))"
printf '%s\n' "$t" | grep -q '^time: 2026-12-01T17:20:11.616Z .. 2026-12-01T17:20:14.616Z UTC (start from ' \
    && ok "wall clock: footer" || no "wall clock: footer"
# (the last window ends at the span: its 0.192 ms past 3 s are no window of their own)
expect "wall clock: CSV t_start_utc" 0 "^2.000000,3.000192,2026-12-01T17:20:13.616Z,0,host,all,0," -- "$xb" report -i 1 -f csv "$lr"
expect "wall clock: none for a bare trace" 0 "^0.000000,9.988114,,0," -- "$xb" report "$ex/xentrace.bin" --tsc-hz 2596.138M -f csv
expect "wall clock: --start dates a bare trace" 0 "^0.000000,9.988114,2026-11-20T10:00:00.000Z,0," -- "$xb" report "$ex/xentrace.bin" --tsc-hz 2596.138M -f csv --start 2026-11-20T10:00:00Z
expect "wall clock: JSON" 0 '"t_start_utc": "2026-11-20T10:00:05.000Z"' -- "$xb" report -i 5 -f json --start 2026-11-20T11:00:00+01:00 "$ex"
expect "wall clock: bad --start" 2 "report: --start: 'yesterday' is not an ISO 8601 UTC time (e.g. 2026-11-20T10:00:00Z)" -- "$xb" report --start yesterday "$ex"

# procfs.txt damage, as a damaged trace: a warning with the byte offset and
# line, the figures from what is left; --strict makes it an error (exit 2).
pr=$(dirname "$0")/linux-runs/process-2s
for v in tail mid back; do cp -r "$pr" "$tmp/p-$v"; done
printf '@ 461199209371 io 1 10144\nread_by' >> "$tmp/p-tail/procfs.txt"
sed -i '40i garbage line here 123' "$tmp/p-mid/procfs.txt"
sed -i '20i @ 1 io 1 2' "$tmp/p-back/procfs.txt"
expect "procfs: a cut-short tail warns" 0 "warning: .*p-tail/procfs.txt: byte offset 2958 (line 95): the last line has no end (recording cut short?): ignored" -- "$xb" report "$tmp/p-tail"
expect "procfs: the figures stay" 0 "^vda	0.0	0.00	" -- "$xb" report "$tmp/p-tail"
expect "procfs: a cut-short tail, --strict" 2 "p-tail/procfs.txt: byte offset 2958 (line 95): the last line has no end (recording cut short?): ignored (--strict)" -- "$xb" report --strict "$tmp/p-tail"
expect "procfs: a garbage line in the middle warns" 0 "warning: .*p-mid/procfs.txt: byte offset 1113 (line 40): not a '/proc/PID/io' line (NAME: NUMBER): skipped" -- "$xb" report "$tmp/p-mid"
expect "procfs: ... and its figures stay" 0 "^1	0.00	0.00	-	-	1.6	.*spinner$" -- "$xb" report "$tmp/p-mid"
expect "procfs: a garbage line, --strict" 2 "(line 40): not a '/proc/PID/io' line (NAME: NUMBER): skipped (--strict)" -- "$xb" report --strict "$tmp/p-mid"
expect "procfs: time going back warns" 0 "byte offset 345 (line 20): time goes backwards (1 after 459200348515): skipped" -- "$xb" report "$tmp/p-back"
expect "procfs: in JSON's warning too" 0 '"warning": ".*p-mid/procfs.txt: byte offset 1113' -- "$xb" report -f json "$tmp/p-mid"

# Messages that say what happened and what to do.
mkdir "$tmp/notrun"
expect "a folder without manifest.json" 2 "notrun: no manifest.json: is this a run folder?" -- "$xb" report "$tmp/notrun"
expect "getopt names the command" 2 "^xenbench demo: unrecognized option '--bogus'" -- "$xb" demo --bogus
expect "an option error says where help is" 2 "Try 'xenbench record --help'" -- "$xb" record -x
expect "a full output says why" 1 "writing the report failed: No space left on device" -- sh -c "\"$xb\" report \"$ex\" > /dev/full"
expect "a full output says why (json)" 1 "writing the report failed: No space left on device" -- sh -c "\"$xb\" report -f json \"$ex\" > /dev/full"

# The manifest's format and version: an unknown major version or another
# format is refused, naming both; the older Linux form (format_version) reads.
mkdir "$tmp/v2" "$tmp/vf"
ln -s "$(cd "$ex" && pwd)/xentrace.bin" "$tmp/v2/xentrace.bin"
ln -s "$(cd "$ex" && pwd)/xentrace.bin" "$tmp/vf/xentrace.bin"
sed 's/"version": 1/"version": 2/' "$ex/manifest.json" > "$tmp/v2/manifest.json"
sed 's/"xenbench-run"/"other-run"/' "$ex/manifest.json" > "$tmp/vf/manifest.json"
expect "report: manifest version 2 refused" 2 "run folder format xenbench-run version 2: this xenbench reads version 1" -- "$xb" report "$tmp/v2"
expect "report: another format refused" 2 'format": "other-run" is not a xenbench run folder ("xenbench-run")' -- "$xb" report "$tmp/vf"
expect "report: the older Linux manifest (format_version 1)" 0 "^=== CPU" -- "$xb" report "$(dirname "$0")/linux-runs/cgroup-3s"

# Uncertainty on the page (issue 17): an unknown(%) row under a domain with
# unknown time, the footer's counts; a Linux domain's blocked(%) over the
# threads that are its vCPUs, the host's "-" and out of the total.
ex=$(dirname "$0")/../examples/credit2-2pcpu-3guests
expect "unknown(%) row under g-idle" 0 "^	unknown(%)	0.0	0.0	0.7	$" -- "$xb" report "$ex"
expect "footer: unknown time by cause" 0 "^unknown: domains' vCPU time 0.069 s (before its first record 0.069 s" -- "$xb" report "$ex"
expect "footer: contradictions" 0 "^contradictions: 0 records contradicting the tracked state" -- "$xb" report "$ex"
cg=$(dirname "$0")/linux-runs/cgroup-3s
expect "Linux host: blocked shown as -" 0 "^	blocked(%)	-	-	-	$" -- "$xb" report "$cg"
out=$("$xb" report "$cg" | awk -F'\t' '$1 != "" { dom = $1 } $2 == "blocked(%)" { print dom "=" $5 }' | tr '\n' ' ')
[ "$out" = "0=- 1=99.4 2=0.0 3=100.0 total=199.4 " ] && ok "Linux blocked(%): the threads that are vCPUs ($out)" || no "Linux blocked(%): $out"
expect "footer: Linux repairs" 0 "^repairs: 7 untraced switches put back" -- "$xb" report "$cg"

# Selectors that match nothing (root, tracefs: discovery comes after the
# tracefs checks): --match (or --require) makes it exit 1, with no folder.
if [ "$(id -u)" -eq 0 ] && [ -d /sys/kernel/tracing ]; then
    expect "record: process --match nothing" 1 "no process's command name (comm) matches: nothing to record but the host" -- "$xb" record -d 1 -o "$tmp/m1" --domains process --match '^nosuchproc$'
    expect "record: cgroup --match nothing" 1 "--domains cgroup --match '^/nosuch\$': no cgroup path that matches holds a process" -- "$xb" record -d 1 -o "$tmp/m1" --domains cgroup --match '^/nosuch$'
    expect "record: qemu --match nothing" 1 "--domains qemu --match '^nosuch\$': no qemu guest's name matches" -- "$xb" record -d 1 -o "$tmp/m1" --domains qemu --match '^nosuch$'
    expect "record: auto --match nothing" 1 "no libvirt guest, QEMU guest or process name (comm) matches" -- "$xb" record -d 1 -o "$tmp/m1" --match '^nosuchproc$'
    expect "top: --match nothing" 1 "xenbench top: --domains process --match '^nosuchproc\$'" -- "$xb" top -b -n 1 --domains process --match '^nosuchproc$'
    [ -e "$tmp/m1" ] && no "a selection of nothing made its folder" || ok "a selection of nothing makes no folder"
    expect "libvirt: a driver without QMP says why" 1 "libvirt domain 'test': its vCPU threads cannot be asked through QMP query-cpus-fast (this function is not supported" -- env LIBVIRT_DEFAULT_URI=test:///default "$xb" record -d 1 -o "$tmp/m1" --domains libvirt
    if ! pgrep -f '^[^ ]*qemu-(system|kvm)' > /dev/null; then
        expect "record: qemu, none running: a warning" 0 "warning: --domains qemu: no QEMU process (qemu-system-\*, qemu-kvm) runs on this host: only the host is recorded" -- "$xb" record -d 0.3 -q -o "$tmp/m2" --domains qemu
        expect "record: qemu --require, none running" 1 "nothing to record but the host (drop --require" -- "$xb" record -d 0.3 -o "$tmp/m3" --domains qemu --require
    else
        echo "skipped: --domains qemu with none running (a QEMU runs here)"
    fi
else
    echo "skipped: selectors (needs root and tracefs)"
fi

finish
