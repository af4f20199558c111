#!/bin/sh
# mixed.sh: acceptance of `xenbench bench examples/mixed.scn` (issue 5) on
# the real kernel: runs the scenario, reads `xenbench report RUNDIR -f json`
# and asserts what the loads imply:
#   cpu domain (1 worker at 100 %, pinned to core 1): its cpu(%) agrees
#     within 3 points with the CPU time its own cgroup counted over the
#     recording (cpuacct.usage, or cpu.stat usage_usec on cgroup v2, read
#     every 10 ms during the run: the truth, whatever else loads core 1);
#     on core 1 it runs or waits runnable 100 % of the time (cpu + waited
#     within 95..105), it is not on core 0 (< 5 %);
#   idle domain (sleep): cpu(%) < 2;
#   io domain (direct writes throttled to 10 MiB/s): write MB/s > 0, and
#     within 20 % of 10 MiB/s.
# Needs root, tracefs and stress-ng; exits 77 (skipped) without them.
# Then the run goes through import and plan (tests/plan/e2e.sh).
# Usage: mixed.sh XENBENCH SCENARIO
set -u
XB=$1
SCN=$2
if [ "$(id -u)" -ne 0 ] || ! command -v stress-ng >/dev/null 2>&1; then
    echo "SKIP: needs root and stress-ng"
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
RUN="$TMP/run"
"$XB" bench -q -o "$RUN" "$SCN" > "$TMP/table.txt" 2> "$TMP/err.txt" &
BENCH=$!
# The cpu domain's cgroup CPU counter with CLOCK_MONOTONIC times, every 10 ms
# while the bench runs (its cgroup is xenbench/bench-PID/cpu).
python3 - "$BENCH" "$TMP/cg.txt" <<'PY' &
import glob, os, sys, time
pid, out = sys.argv[1], open(sys.argv[2], "w")
pats = ["/sys/fs/cgroup/*/xenbench/bench-%s/cpu/cpuacct.usage" % pid,
        "/sys/fs/cgroup/*/xenbench/bench-%s/cpu/cpu.stat" % pid,
        "/sys/fs/cgroup/xenbench/bench-%s/cpu/cpu.stat" % pid]
while os.path.exists("/proc/%s" % pid):
    t = time.monotonic_ns()
    for f in [f for p in pats for f in glob.glob(p)][:1]:
        try:
            text = open(f).read()
        except OSError:
            continue
        if f.endswith("cpuacct.usage"):
            ns = int(text)
        else:
            ns = 1000 * int(dict(l.split() for l in text.splitlines())["usage_usec"])
        out.write("%d %d\n" % (t, ns))
    out.flush()
    time.sleep(0.01)
PY
POLL=$!
wait $BENCH
st=$?
wait $POLL
if [ $st -ne 0 ]; then
    echo "FAIL: xenbench bench exited non-zero:"
    cat "$TMP/err.txt" "$TMP/table.txt"
    exit 1
fi
cat "$TMP/table.txt"
"$XB" report -f json "$RUN" > "$TMP/report.json" || { echo "FAIL: report"; exit 1; }
if ls /sys/fs/cgroup/*/xenbench/bench-* >/dev/null 2>&1; then
    echo "FAIL: cgroups left behind:"; ls -d /sys/fs/cgroup/*/xenbench/bench-*
    exit 1
fi
rc=0
python3 - "$TMP/report.json" "$RUN" "$TMP/cg.txt" <<'PY' || rc=1
import json, re, sys
rep = json.load(open(sys.argv[1]))
run = sys.argv[2]
fails = []

def cgroup_pct():
    """% of the recording the cpu domain's cgroup ran, interpolated from
    the samples at t0_mono_ns and t_stop_mono_ns."""
    man = json.load(open(run + "/manifest.json"))
    pts = [tuple(map(int, l.split())) for l in open(sys.argv[3])]
    def at(t):
        for (ta, va), (tb, vb) in zip(pts, pts[1:]):
            if ta <= t <= tb:
                return va + (vb - va) * (t - ta) / max(tb - ta, 1)
        return None
    t0, t1 = man["t0_mono_ns"], man["t_stop_mono_ns"]
    a, b = at(t0), at(t1)
    return None if a is None or b is None else 100.0 * (b - a) / (t1 - t0)

def rows(suffix, pcpu):
    return [r for r in rep["rows"] if r["name"].endswith("/" + suffix)
            and r["vcpu"] == "all" and r["pcpu"] == pcpu]

def one(suffix, pcpu):
    r = rows(suffix, pcpu)
    if len(r) != 1:
        fails.append("domain %s: %d rows for pcpu %s" % (suffix, len(r), pcpu))
        return None
    return r[0]

cpu1, cpu0, cput = one("cpu", "1"), one("cpu", "0"), one("cpu", "total")
truth = cgroup_pct()
if cput:
    print("cpu domain: cpu %.1f %%, its cgroup counted %s %%"
          % (cput["cpu_pct"], "?" if truth is None else "%.1f" % truth))
    if truth is None or abs(cput["cpu_pct"] - truth) > 3:
        fails.append("cpu domain: cpu(%%) %.1f, its cgroup's CPU time says %s "
                     "+-3" % (cput["cpu_pct"], truth))
if cpu1 and cpu0:
    busy = cpu1["cpu_pct"] + cpu1["waited_pct"]
    print("cpu domain on core 1: cpu %.1f %%, waited %.1f %% (sum %.1f); "
          "on core 0: cpu %.1f %%" % (cpu1["cpu_pct"], cpu1["waited_pct"], busy,
                                      cpu0["cpu_pct"]))
    if not 95 <= busy <= 105:
        fails.append("cpu domain: cpu+waited on core 1 = %.1f, want 100 +- 5" % busy)
    if cpu0["cpu_pct"] >= 5:
        fails.append("cpu domain: %.1f %% on core 0, pinned to core 1" % cpu0["cpu_pct"])
idle = one("idle", "total")
if idle:
    print("idle domain: cpu %.2f %%" % idle["cpu_pct"])
    if idle["cpu_pct"] >= 2:
        fails.append("idle domain: cpu %.2f %%, want < 2" % idle["cpu_pct"])

# Disk: any object in the JSON carrying write_mbps for the io domain.
found = []
def walk(o):
    if isinstance(o, dict):
        if "write_mbps" in o and str(o.get("name", "")).endswith("/io"):
            found.append(o["write_mbps"])
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(rep)
# The io domain writes direct, throttled to 10 MiB/s (10.49 MB/s) by its
# blkio cgroup: more than 0 (the acceptance), and within 20 % of the rate.
rate = 10 * 1024 * 1024 / 1e6
if found:
    print("io domain: write MB/s %s (throttled to %.2f)" % (found, rate))
    if not max(found) > 0:
        fails.append("io domain: write MB/s %s, want > 0" % found)
    elif not 0.8 * rate <= max(found) <= 1.2 * rate:
        fails.append("io domain: write MB/s %s, want %.2f +- 20 %%" % (found, rate))
else:
    fails.append("no disk rows (write_mbps) for the io domain in report JSON")
# The load's own account of what it wrote (stress-ng metrics), always.
log = open(run + "/load-io.log").read()
m = re.search(r"([0-9.]+) MB/sec write rate", log)
print("io domain: stress-ng says %s MB/s written" % (m.group(1) if m else "?"))
if not m or not float(m.group(1)) > 0:
    fails.append("io domain: stress-ng wrote nothing (load-io.log)")

for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY

# Phase 2 end to end (issue 6): this run imported and planned; the cpu
# domain gets a type at least as large as (or more compute-optimised than)
# the idle one's, the idle one is over-provisioned, re-import is stable.
name_of() {
    python3 -c 'import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
print(next(r["name"] for r in rows if r["name"].endswith("/" + sys.argv[2])))' \
        "$TMP/report.json" "$1"
}
CPU_VM=$(name_of cpu) IDLE_VM=$(name_of idle) \
    sh "$(dirname "$0")/../plan/e2e.sh" "$XB" "$RUN" || rc=1
exit $rc
