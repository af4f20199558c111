#!/usr/bin/env python3
"""window_sums.py: on every run-folder fixture (tests/linux-runs/*,
examples/*/ with a manifest), the windows of `report -i 1`, `-i 0.25` and
`-i 0.7` add up, cell by cell (domain, vCPU, pCPU, state), to the whole-run
report: no later record changes time already handed out in a window
(docs/metrics.md, "Settling").  The bare Xen traces get the same check in
xen_traces.py.  Usage: window_sums.py BUILD/xenbench
"""
import glob
import json
import os
import subprocess
import sys

from tap import check, finish
from window_cells import check_window_sums

HERE = os.path.dirname(os.path.abspath(__file__))


def report(xb, run, *extra):
    r = subprocess.run([xb, "report", run, "-f", "json"] + list(extra),
                       capture_output=True, text=True)
    check(r.returncode == 0, "%s %s: report exits 0 %s"
          % (os.path.basename(run), " ".join(extra), r.stderr.strip()[:200]))
    return json.loads(r.stdout) if r.returncode == 0 else None


def main():
    xb = sys.argv[1]
    runs = sorted(os.path.dirname(m) for pat in ("linux-runs/*/manifest.json",
                                                 "../examples/*/manifest.json")
                  for m in glob.glob(os.path.join(HERE, pat)))
    check(len(runs) >= 3, "run-folder fixtures found (%d)" % len(runs))
    for run in runs:
        whole = report(xb, run)
        for interval in ("1", "0.25", "0.7"):
            part = report(xb, run, "-i", interval)
            if whole and part:
                check_window_sums(whole, part, interval, os.path.basename(run))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
