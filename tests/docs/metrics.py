#!/usr/bin/env python3
"""metrics.py: every figure xenbench prints by name has its meaning in the
documentation, so a new metric or column cannot ship undefined.

    metrics.py BUILD/xenbench

Names checked, each as a code span (`name`):
  - every row of the per-domain metric table (xb_metrics in
    src/model/metric.c, its CSV/JSON key) in docs/metrics.md;
  - every column of `report -f csv` (each of its tables, --table cpu, io,
    disk, cache and run, on the example Xen run and the Linux run in
    tests/linux-runs/) in docs/metrics.md;
  - every profile figure (xb_pmetrics) in docs/metrics.md or
    docs/planning.md.
Fails naming each one missing and where it comes from.  Ends with
"N passed, N failed".
"""
import os
import re
import subprocess
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests"))
from tap import check, finish  # noqa: E402


def spans(*docs):
    text = ""
    for d in docs:
        with open(os.path.join(TOP, "docs", d)) as f:
            text += f.read()
    return set(re.findall(r"`([^`\n]+)`", text))


def table_names(prefix):
    with open(os.path.join(TOP, "src", "model", "metric.c")) as f:
        src = f.read()
    return re.findall(r"\[%s_\w+\]\s*=\s*\{\s*\"([^\"]+)\"" % prefix, src)


TABLES = ("cpu", "io", "disk", "cache", "run")


def csv_columns(xb, run):
    """The header of every CSV table (--table) of report."""
    cols = []
    for table in TABLES:
        r = subprocess.run([xb, "report", os.path.join(TOP, run), "-f", "csv",
                            "--table", table], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        cols += r.stdout.split("\n", 1)[0].split(",")
    return cols


def main():
    xb = os.path.abspath(sys.argv[1])
    metrics = spans("metrics.md")
    planning = spans("metrics.md", "planning.md")
    names = table_names("XB_MET")
    check(len(names) >= 5, "src/model/metric.c: %d rows of xb_metrics" % len(names))
    for n in names:
        check(n in metrics, "metric `%s` (xb_metrics, src/model/metric.c) is defined "
              "in docs/metrics.md" % n)
    for n in table_names("XB_PM"):
        check(n in planning, "profile figure `%s` (xb_pmetrics, src/model/metric.c) is "
              "defined in docs/metrics.md or docs/planning.md" % n)
    seen = set()
    for run in ("examples/credit2-2pcpu-3guests", "tests/linux-runs/cgroup-3s"):
        cols = csv_columns(xb, run)
        if not check(cols, "report %s -f csv runs" % run):
            continue
        for c in cols:
            if c not in seen:
                seen.add(c)
                check(c in metrics, "CSV column `%s` (report %s -f csv) is defined in "
                      "docs/metrics.md" % (c, run))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
