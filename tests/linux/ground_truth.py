#!/usr/bin/env python3
"""ground_truth.py: `xenbench record` + `report` on this Linux host against
known loads, each figure asserted within a stated tolerance.

  - one worker pinned to core 1 at duty cycles 100, 50 and 25 % (busy/sleep
    in 10 ms periods): cpu(%) on core 1 within +-3 points of the duty, other
    cores < 1 %, blocked(%) within +-5 points of 100 - duty;
  - two always-busy workers pinned to core 1: cpu and waited 50 +-5 % each;
  - a writer at 20 MB/s (1 MB blocks, fdatasync each): write MB/s +-10 %;
  - SIGINT half-way through `record`: the folder is complete, report reads it;
  - top: batch mode prints a table per interval; in an 80x24 terminal
    (tmux) the keys v, c, t switch views and q quits;
  - not root, a full disk: a clear message, exit 1, the run stays readable;
  - conservation in every 1 s window of every run above (per vCPU row:
    the states add up to 100 %; per pCPU: all domains' cpu(%), idle included,
    plus pCPU-unknown add up to 100 %).
The machine must be otherwise quiet (CI is): a busy core shifts duty-cycle
figures.  Needs root (tracefs).  Usage: ground_truth.py XENBENCH LOAD WORKDIR
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

XB, LOAD, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("not ok - " + what)
    return ok


def start(*args):
    return subprocess.Popen([LOAD] + [str(a) for a in args])


class Schedstat(threading.Thread):
    """Polls /proc/PID/schedstat (run ns) of some processes every 10 ms with
    CLOCK_MONOTONIC times: the independent truth for cpu(%)."""

    def __init__(self, procs):
        super().__init__(daemon=True)
        self.procs, self.samples, self.stop = procs, [], False

    def run(self):
        while not self.stop:
            t = time.monotonic_ns()
            row = {}
            for p in self.procs:
                try:
                    row[p.pid] = int(open(f"/proc/{p.pid}/schedstat").read().split()[0])
                except (OSError, ValueError):
                    pass
            self.samples.append((t, row))
            time.sleep(0.01)

    def cpu_pct(self, pid, t0, t1):
        """% of [t0, t1] the process ran, from interpolated samples."""
        def at(t):
            pts = [(ts, r[pid]) for ts, r in self.samples if pid in r]
            for (ta, va), (tb, vb) in zip(pts, pts[1:]):
                if ta <= t <= tb:
                    return va + (vb - va) * (t - ta) / max(tb - ta, 1)
            return None
        a, b = at(t0), at(t1)
        return None if a is None or b is None else 100.0 * (b - a) / (t1 - t0)


def truth(run, ss, proc):
    man = json.load(open(os.path.join(run, "manifest.json")))
    return ss.cpu_pct(proc.pid, man["t0_mono_ns"], man["t_stop_mono_ns"])


def record(name, seconds, match, interval=None, sigint_after=None):
    out = os.path.join(WORK, name)
    shutil.rmtree(out, ignore_errors=True)
    cmd = [XB, "record", "-q", "-d", str(seconds), "-o", out,
           "--domains", "process", "--match", match]
    if interval:
        cmd += ["-i", str(interval)]
    p = subprocess.Popen(cmd)
    if sigint_after:
        time.sleep(sigint_after)
        p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=seconds + 60)
    check(rc == 0, f"{name}: record exits 0 (got {rc})")
    return out


def report(rundir, *extra):
    r = subprocess.run([XB, "report", rundir, "-f", "json"] + list(extra),
                       capture_output=True, text=True)
    if not check(r.returncode == 0, f"report {os.path.basename(rundir)} exits 0"):
        print(r.stderr)
        return None
    return json.loads(r.stdout)


def conservation(rundir):
    d = report(rundir, "-i", "1", "--vcpu")
    if d is None:
        return
    bad = []
    sums = {}
    for row in d["rows"]:
        if row["pcpu"] == "total" and row["vcpu"] != "all":
            tot = sum(row[k] for k in ("cpu_pct", "waited_pct", "blocked_pct",
                                       "offline_pct", "unknown_pct"))
            if abs(tot - 100) > 0.01:
                bad.append((row["t_start_s"], row["domain"], row["vcpu"], tot))
        if row["pcpu"] != "total" and row["vcpu"] == "all":
            key = (row["t_start_s"], row["pcpu"])
            sums[key] = sums.get(key, 0) + row["cpu_pct"]
    for u in d["pcpu_unknown"]:
        key = (u["t_start_s"], str(u["pcpu"]))
        sums[key] = sums.get(key, 0) + u["unknown_pct"]
    for key, tot in sums.items():
        if abs(tot - 100) > 0.01:
            bad.append(("pcpu",) + key + (tot,))
    check(not bad, f"{os.path.basename(rundir)}: conservation in every 1 s "
          f"window ({len(sums)} pCPU-windows) {bad[:3]}")


def domain_rows(d, name):
    """{pcpu: row} of the domain named name (vcpu all)."""
    return {r["pcpu"]: r for r in d["rows"] if r["name"] == name and r["vcpu"] == "all"}


def duty_case(pct):
    name = f"xbl-duty{pct}"
    w = start("duty", name, 1, pct, 9)
    ss = Schedstat([w])
    ss.start()
    time.sleep(1)
    run = record(f"duty{pct}", 6, "^xbl-")
    ss.stop = True
    true_pct = truth(run, ss, w)
    w.wait()
    d = report(run)
    if d is None:
        return
    rows = domain_rows(d, name)
    if not check("1" in rows, f"{name}: the worker is a domain of the report"):
        return
    cpu1, cpu0 = rows["1"]["cpu_pct"], rows["0"]["cpu_pct"]
    blocked = rows["total"]["blocked_pct"]
    check(true_pct is not None and abs(cpu1 - true_pct) <= 3,
          f"{name}: cpu(%) on core 1 = {cpu1:.1f}, its schedstat says "
          f"{true_pct if true_pct is None else round(true_pct, 1)} +-3")
    check(abs(cpu1 - pct) <= 3, f"{name}: cpu(%) on core 1 = {cpu1:.1f}, duty {pct} +-3")
    check(cpu0 < 1, f"{name}: cpu(%) on core 0 = {cpu0:.2f} < 1")
    check(abs(blocked - (100 - pct)) <= 5,
          f"{name}: blocked(%) = {blocked:.1f}, expected {100 - pct} +-5")
    conservation(run)


def contention_case():
    a = start("duty", "xbl-busyA", 1, 100, 9)
    b = start("duty", "xbl-busyB", 1, 100, 9)
    ss = Schedstat([a, b])
    ss.start()
    time.sleep(1)
    run = record("contention", 6, "^xbl-")
    ss.stop = True
    truths = {"xbl-busyA": truth(run, ss, a), "xbl-busyB": truth(run, ss, b)}
    a.wait()
    b.wait()
    d = report(run)
    if d is None:
        return
    for name in ("xbl-busyA", "xbl-busyB"):
        tot = domain_rows(d, name).get("total")
        if not check(tot is not None, f"{name}: in the report"):
            continue
        t = truths[name]
        check(t is not None and abs(tot["cpu_pct"] - t) <= 3,
              f"{name}: cpu(%) = {tot['cpu_pct']:.1f}, its schedstat says "
              f"{t if t is None else round(t, 1)} +-3")
        check(abs(tot["cpu_pct"] - 50) <= 5, f"{name}: cpu(%) = {tot['cpu_pct']:.1f}, 50 +-5")
        check(abs(tot["waited_pct"] - 50) <= 5,
              f"{name}: waited(%) = {tot['waited_pct']:.1f}, 50 +-5")
    conservation(run)


def writer_case():
    target = os.path.join(WORK, "writer.dat")
    w = start("write", "xbl-writer", target, 20, 10)
    time.sleep(1)
    run = record("writer", 6, "^xbl-")
    w.wait()
    d = report(run)
    if d is None:
        return
    rows = [r for r in d["disk"] if r["name"] == "xbl-writer"]
    if check(len(rows) == 1, "xbl-writer: one disk row"):
        mbps = rows[0]["write_mbps"]
        check(abs(mbps - 20) <= 2, f"xbl-writer: write MB/s = {mbps:.2f}, 20 +-10 %")
    conservation(run)


def sigint_case():
    w = start("duty", "xbl-sig", 1, 50, 8)
    run = record("sigint", 30, "^xbl-", sigint_after=3)
    w.wait()
    man = json.load(open(os.path.join(run, "manifest.json")))
    check(man["state"].startswith("complete"), f"sigint: manifest state '{man['state']}'")
    span = man["t_stop_mono_ns"] - man["t0_mono_ns"]
    check(2e9 < span < 6e9, f"sigint: stopped after {span / 1e9:.2f} s (SIGINT at 3 s)")
    d = report(run)
    if d is not None:
        check(any(r["name"] == "xbl-sig" for r in d["rows"]), "sigint: report shows the worker")
    conservation(run)


def failure_cases():
    """Not root, and a full disk: a clear message, exit 1, and what was
    recorded stays readable."""
    out = os.path.join(WORK, "nobody")
    shutil.rmtree(out, ignore_errors=True)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        XB, "record", "-d", "1", "-o", out], capture_output=True, text=True)
    check(r.returncode == 1 and "needs root" in r.stderr,
          f"not root: exit 1 and 'needs root' (got {r.returncode}: {r.stderr.strip()})")
    mnt = os.path.join(WORK, "small")
    os.makedirs(mnt, exist_ok=True)
    subprocess.run(["umount", mnt], capture_output=True)
    if not check(subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt]).returncode == 0,
                 "full disk: a 256 KiB tmpfs is mounted"):
        return
    try:
        w = start("duty", "xbl-full", 1, 50, 6)
        run = os.path.join(mnt, "run")
        r = subprocess.run([XB, "record", "-q", "-d", "5", "-o", run, "--domains", "process",
                            "--match", "^xbl-"], capture_output=True, text=True)
        w.wait()
        check(r.returncode == 1 and "No space left" in r.stderr,
              f"full disk: exit 1 and 'No space left' (got {r.returncode}: {r.stderr.strip()})")
        d = report(run)
        check(d is not None and d["span_s"] > 0.1,
              f"full disk: report reads what was recorded ({d and d['span_s']} s)")
    finally:
        subprocess.run(["umount", mnt])


def top_cases():
    """top: batch mode prints a screen per interval; in an 80x24 terminal
    (tmux) the keys switch views and q quits."""
    w = start("duty", "xbl-top", 1, 100, 12)
    r = subprocess.run([XB, "top", "-b", "-n", "2", "--domains", "process", "--match", "^xbl-"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stdout.count("=== CPU ===") == 2 and "xbl-top" in r.stdout,
          f"top -b -n 2: two tables naming the worker (exit {r.returncode})")
    sess = f"xbtop{os.getpid()}"
    tm = ["tmux", "-L", sess]
    subprocess.run(tm + ["new-session", "-d", "-x", "80", "-y", "24",
                         f"{XB} top --domains process --match '^xbl-'"], check=True)
    try:
        def screen(keys=None):
            if keys:
                subprocess.run(tm + ["send-keys", keys])
            time.sleep(2.5)
            return subprocess.run(tm + ["capture-pane", "-p"], capture_output=True,
                                  text=True).stdout
        s0 = screen()
        check("xbl-top" in s0 and "CPU%" in s0 and max(map(len, s0.splitlines() or [""])) <= 80,
              "top in 80x24: the domain list, within 80 columns")
        s1 = screen("v")
        check(re.search(r"\bd[1-9][0-9]*v0\b", s1) is not None,
              "top: key v shows per-vCPU rows (dNv0)")
        s2 = screen("c")
        check("=== CPU ===" in s2, "top: key c shows the per-core table")
        s3 = screen("t")
        check("10 windows" in s3, "top: key t shows the last 10 windows")
        subprocess.run(tm + ["send-keys", "q"])
        time.sleep(1.5)
        alive = subprocess.run(tm + ["has-session"], capture_output=True).returncode == 0
        check(not alive, "top: key q quits")
    finally:
        subprocess.run(tm + ["kill-server"], capture_output=True)
        w.wait()


os.makedirs(WORK, exist_ok=True)
top_cases()
failure_cases()
for pct in (100, 50, 25):
    duty_case(pct)
contention_case()
writer_case()
sigint_case()
print(f"ground_truth: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
