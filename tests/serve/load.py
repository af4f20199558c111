#!/usr/bin/env python3
"""load.py XENBENCH LOAD [SECONDS]: `wrk` (Debian) at 200 connections for 30 s
(or SECONDS) on /metrics of `xenbench serve` while it records a spinning
load: wrk sees no error (no socket error, no non-2xx answer), and the
recorder keeps its windows: one per second with no gap, none late, no event
lost, and the load measured as its own schedstat says it ran (within 5 %).
Prints requests/s.  Needs root (tracefs)."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

xb, load = sys.argv[1:3]
seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 30
failures = []
check = lambda ok, what: common.check(ok, what, failures)  # noqa: E731

spin = common.spinner(load, "xbwrk", 1, seconds + 30)
srv, base = common.serve(xb, "--domains", "process", "--match", "^xbwrk$")
common.wait_for(lambda: common.get(base + "api/window")[0] == 200, 30, "the first window")
time.sleep(2)
info0 = common.get_json(base + "api/info")[1]
ss = common.Schedstat(spin.pid)
t0 = time.time()
w = subprocess.run(["wrk", "-t2", "-c200", "-d%ds" % seconds, "--timeout", "5s",
                    "--latency", base + "metrics"], capture_output=True, text=True)
t1 = time.time()
elapsed = t1 - t0
print(w.stdout, w.stderr, end="")
check(w.returncode == 0, "wrk exit 0")
rps = re.search(r"Requests/sec:\s+([0-9.]+)", w.stdout)
total = re.search(r"(\d+) requests in", w.stdout)
check(bool(rps) and float(rps.group(1)) > 0, "wrk made requests")
check("Socket errors" not in w.stdout, "no socket errors (connect, read, write, timeout)")
check("Non-2xx" not in w.stdout, "every answer 2xx")
time.sleep(2)
info = common.get_json(base + "api/info")[1]
made = info["windows"] - info0["windows"]
check(made >= int(elapsed), "windows kept coming under load: %d in %.1f s" % (made, elapsed))
check(info["windows_late"] == 0, "no window late (%d)" % info["windows_late"])
check(info["lost_events"] == info0["lost_events"],
      "no scheduler event lost under load (%d before, %d after)"
      % (info0["lost_events"], info["lost_events"]))
series = common.get_json(base + "api/series?last=%d" % (made + 1))[1]
wins = series["windows"]
gaps = sum(1 for a, b in zip(wins, wins[1:]) if b["index"] != a["index"] + 1
           or abs(a["t_end_s"] - b["t_start_s"]) > 1e-6)
check(gaps == 0, "no gap among the %d windows under load" % len(wins))
# the windows inside the wrk run (window times from the recording's start,
# /api/info start_unix) against the load's schedstat over the same span
dom = [d for d in series["domains"] if d["name"] == "xbwrk"]
start = info["start_unix"]
inside = [k for k, wi in enumerate(wins) if start + wi["t_start_s"] >= t0
          and start + wi["t_end_s"] <= t1]
cpu = [dom[0]["cpu_pct"][k] for k in inside] if dom else []
if cpu and None not in cpu:
    a, b = start + wins[inside[0]]["t_start_s"], start + wins[inside[-1]]["t_end_s"]
    mean = sum(cpu) / len(cpu) / 100
    ran = (ss.at(b) - ss.at(a)) / 1e9 / (b - a)
    check(abs(mean - ran) <= 0.05 * ran,
          "the load measured under HTTP load as its schedstat says: %.3f cores over %d "
          "windows, schedstat %.3f" % (mean, len(cpu), ran))
else:
    check(False, "the load's windows under HTTP load (%d)" % len(cpu))
ss.stop = True
check(srv.poll() is None, "serve still running")
if rps:
    print("wrk: %s requests/s at 200 connections for %d s (%s requests); load average %s"
          % (rps.group(1), seconds, total.group(1) if total else "?",
             open("/proc/loadavg").read().split()[0]))
common.stop_all()
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
