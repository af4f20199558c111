#!/usr/bin/env python3
"""vcpu_truth.py: the measuring half of libvirt_guest.sh.

Runs `xenbench record --domains libvirt` on a running libvirt guest while it
samples, every 50 ms with CLOCK_MONOTONIC time stamps, the run time of the
guest's vCPU threads (/proc/PID/task/TID/schedstat, field 1, ns) and of all
its threads; then runs `xenbench report RUNDIR -f json --vcpu` and checks:
  - the report names the domain and has its vCPUs (dNv0 .. dNv{n-1}), in the
    table too;
  - each vCPU's cpu(%) equals its thread's schedstat delta over the
    recording span (manifest t0_mono_ns .. t_stop_mono_ns, the samples
    linearly interpolated there) within TOL points;
  - the libvirt counters file's cpu.time (libvirt's total for the QEMU
    process) moves like the schedstat sum over all the process's threads at
    the samples' own t_ns, within 2 % (samples whose call took over 100 ms
    left out: their time stamp is only known to within the call).
The ground truth does not use xenbench's discovery: the QEMU pid comes from
libvirt's pid file and the vCPU threads from their names ("CPU n/...").
Prints a table of the figures and exits 0 when all checks pass, 1 otherwise.

usage: vcpu_truth.py XENBENCH RUNDIR GUEST NVCPU SECONDS
"""
import json
import os
import re
import subprocess
import sys
import time

TOL = 3.0          # points of cpu(%)
CPU_TIME_TOL = 0.02
MAX_CALL_NS = 100_000_000

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def threads(pid):
    """{tid: comm} of a process."""
    out = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{t}/comm") as f:
                out[int(t)] = f.read().strip()
        except OSError:
            pass
    return out


def run_ns(pid, tid):
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            return int(f.read().split()[0])
    except OSError:
        return None


def interp(samples, t):
    """Value at t from [(t, v)] sorted by t, linearly interpolated."""
    for (t0, v0), (t1, v1) in zip(samples, samples[1:]):
        if t0 <= t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0) if t1 > t0 else v0
    raise ValueError(f"time {t} outside the samples "
                     f"{samples[0][0]}..{samples[-1][0]}")


def main():
    xenbench, rundir, guest, nvcpu, seconds = sys.argv[1:6]
    nvcpu = int(nvcpu)
    with open(f"/run/libvirt/qemu/{guest}.pid") as f:
        pid = int(f.read().strip())
    vcpu_tid = {}
    for tid, comm in threads(pid).items():
        m = re.match(r"CPU (\d+)/", comm)
        if m:
            vcpu_tid[int(m.group(1))] = tid
    check(sorted(vcpu_tid) == list(range(nvcpu)),
          f"QEMU pid {pid} has vCPU threads {sorted(vcpu_tid)} (expected {nvcpu})")

    samples = {v: [] for v in vcpu_tid}   # vcpu -> [(t_ns, run_ns)]
    total = []                            # [(t_ns, run_ns of all threads)]
    tids = set(threads(pid))

    def sample():
        t = time.monotonic_ns()
        for v, tid in vcpu_tid.items():
            r = run_ns(pid, tid)
            if r is not None:
                samples[v].append((t, r))
        tids.update(threads(pid))
        # Threads that ended keep their last value: count each tid once.
        s = 0
        for tid in tids:
            r = run_ns(pid, tid)
            if r is None:
                r = last_total.get(tid, 0)
            last_total[tid] = r
            s += r
        total.append((t, s))

    last_total = {}
    sample()
    cmd = [xenbench, "record", "--domains", "libvirt", "-d", seconds, "-q",
           "-o", rundir]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    while proc.poll() is None:
        time.sleep(0.05)
        sample()
    sample()
    out, errout = proc.communicate()
    check(proc.returncode == 0,
          f"{' '.join(cmd)} exit {proc.returncode} {errout.strip()}")
    if proc.returncode != 0:
        return

    with open(os.path.join(rundir, "manifest.json")) as f:
        man = json.load(f)
    t0, t1 = man["t0_mono_ns"], man["t_stop_mono_ns"]
    check(man.get("domains_mode") == "libvirt",
          f"manifest domains_mode {man.get('domains_mode')!r} is 'libvirt'")
    doms = [d for d in man.get("domains", []) if d.get("name") == guest]
    check(len(doms) == 1 and doms[0].get("kind") == "libvirt",
          f"manifest lists libvirt domain {guest!r}")
    if not doms:
        return
    domid = str(doms[0]["id"])

    rep = subprocess.run([xenbench, "report", rundir, "-f", "json", "--vcpu"],
                         capture_output=True, text=True)
    check(rep.returncode == 0, f"report exit {rep.returncode} {rep.stderr.strip()}")
    if rep.returncode != 0:
        return
    rows = json.loads(rep.stdout)["rows"]
    mine = [r for r in rows if r["domain"] == domid and r["pcpu"] == "total"]
    check(any(r["name"] == guest for r in mine),
          f"report names domain {domid} {guest!r}")
    table = subprocess.run([xenbench, "report", rundir, "--vcpu"],
                           capture_output=True, text=True).stdout

    span_s = (t1 - t0) / 1e9
    print(f"recording span {span_s:.3f} s (manifest), "
          f"{len(samples[0])} schedstat samples")
    print(f"{'vcpu':8} {'thread':>8} {'report cpu%':>12} {'schedstat cpu%':>15} "
          f"{'diff':>6} {'unknown%':>9}")
    for v in range(nvcpu):
        label = f"d{domid}v{v}"
        row = [r for r in mine if r["vcpu"] == str(v)]
        check(len(row) == 1, f"report has a row for {label}")
        check(re.search(rf"^{label}\t", table, re.M) is not None,
              f"table shows {label}")
        if not row or v not in vcpu_tid:
            continue
        truth = 100.0 * (interp(samples[v], t1) - interp(samples[v], t0)) / (t1 - t0)
        got = row[0]["cpu_pct"]
        print(f"{label:8} {vcpu_tid[v]:>8} {got:>12.2f} {truth:>15.2f} "
              f"{got - truth:>+6.2f} {row[0].get('unknown_pct', 0):>9.2f}")
        check(abs(got - truth) <= TOL,
              f"{label} cpu {got:.2f}% vs schedstat {truth:.2f}% (within {TOL})")

    # libvirt counters: cpu.time against the schedstat sum of all threads.
    stats = os.path.join(rundir, "libvirt-domstats.txt")
    check(os.path.exists(stats), "libvirt-domstats.txt recorded")
    if not os.path.exists(stats):
        return
    # Only readings whose call was quick: t_ns is the call's midpoint, and
    # libvirtd may read cpu.time anywhere inside a slow call.
    points, t, call, dom_ok, slow = [], None, 0, False, 0
    with open(stats) as f:
        for line in f:
            if line.startswith("# t_ns="):
                fields = dict(w.split("=") for w in line[2:].split())
                t, call = int(fields["t_ns"]), int(fields.get("call_ns", 0))
                slow += call > MAX_CALL_NS
            elif line.startswith("Domain: "):
                dom_ok = line.startswith(f"Domain: domid={domid} ")
            elif line.startswith("  cpu.time=") and dom_ok and call <= MAX_CALL_NS:
                points.append((t, int(line.split("=")[1])))
    expect = int(round(span_s / float(man.get("interval_ns", 1e9) / 1e9))) + 1
    print(f"libvirt samples: {len(points) + slow} (about {expect} expected), "
          f"{slow} slower than {MAX_CALL_NS / 1e6:.0f} ms left out")
    check(len(points) >= 3 and points[-1][0] - points[0][0] >= (t1 - t0) / 2,
          f"{len(points)} quick libvirt samples spanning half the recording or more")
    if len(points) >= 2:
        (ta, ca), (tb, cb) = points[0], points[-1]
        truth = interp(total, tb) - interp(total, ta)
        got = cb - ca
        print(f"libvirt cpu.time delta {got / 1e9:.3f} s, schedstat sum of all "
              f"QEMU threads {truth / 1e9:.3f} s over {(tb - ta) / 1e9:.3f} s")
        check(truth > 0 and abs(got - truth) <= CPU_TIME_TOL * truth,
              f"libvirt cpu.time moves like schedstat (within {CPU_TIME_TOL:.0%})")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:      # a broken file or missing field is a failure
        failures.append(repr(e))
        print(f"FAIL {e!r}")
    print(f"{'FAILED' if failures else 'PASSED'}: {len(failures)} check(s) failed")
    sys.exit(1 if failures else 0)
