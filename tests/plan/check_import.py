#!/usr/bin/env python3
"""check_import.py: `xenbench import` of the real Xen recordings, every number
against an independent source.

- Per domain, the imported samples add up (cores x the known part of each
  window: cores are stated over it) to the running
  time `xenalyze --summary` reports for the same trace (1 % or 20 ms per vCPU,
  plus xenalyze's lost time), and to `xenbench report` exactly (rounding of its
  3-decimal percentages).
- vCPU counts and memory allocations match `xl list` of the capture.
- Ground truth of the guests' loads: a spinner never blocks, the idle guest
  is mostly blocked.
- Re-importing changes no row; the same trace imported from the example run
  folder and from its bare capture folder is one run.
Usage: check_import.py BUILD/xenbench SOURCE_ROOT
"""
import csv
import importlib.util
import io
import os
import sqlite3
import subprocess
import sys
import tempfile

XB, ROOT = sys.argv[1], sys.argv[2]
SHARED = os.path.join(ROOT, "..", "shared", "xen-traces")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

T = Tally()
check = T.check


spec = importlib.util.spec_from_file_location(
    "xen_traces", os.path.join(ROOT, "tests", "xen_traces.py"))
xt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(xt)


def run(*args):
    return subprocess.run([XB] + list(args), capture_output=True, text=True)


def folders():
    out = []
    for base in (os.path.join(ROOT, "tests", "xen-traces"), SHARED):
        if os.path.isdir(base):
            out += sorted(os.path.join(base, d) for d in os.listdir(base)
                          if os.path.isfile(os.path.join(base, d, "trace-sched.bin")))
    return out


def rows(db, sql, *args):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def xl_list(folder):
    out = {}
    for ln in open(os.path.join(folder, "xl-list.txt")):
        f = ln.split()
        if len(f) >= 4 and f[1].isdigit():
            out[int(f[1])] = (f[0], int(f[2]), int(f[3]))
    return out


def check_folder(folder, tmp):
    name = os.path.basename(folder)
    db = os.path.join(tmp, name + ".db")
    r = run("import", "--db", db, folder)
    check(r.returncode == 0, "%s: import exits 0 %s" % (name, r.stderr.strip()))
    if r.returncode:
        return
    trace = os.path.join(folder, "trace-sched.bin")
    key = rows(db, "SELECT run_id FROM run WHERE path = ?", trace)[0][0]
    span = rows(db, "SELECT span_s FROM run WHERE run_id = ?", key)[0][0]
    got = {d: (cs, vc, mem, n) for d, cs, vc, mem, n in rows(
        db, "SELECT domid, sum(cpu_cores * len_s * known_frac), max(vcpus),"
        " max(mem_alloc_bytes),"
        " count(*) FROM sample WHERE run_id = ? GROUP BY domid", key)}

    rate = xt.mhz(folder)
    theirs = xt.xenalyze(trace, rate)
    bad = []
    for dom, (cs, _, _, _) in got.items():
        vcpus = [k for k in theirs if k[0] == dom]
        run_s = sum(theirs[k].get("running", 0) for k in vcpus)
        lost = sum(theirs[k].get("lost", 0) for k in vcpus)
        tol = max(0.01 * run_s, 0.020 * max(len(vcpus), 1)) + lost
        if abs(cs - run_s) > tol:
            bad.append("d%d %.3f s vs xenalyze %.3f s" % (dom, cs, run_s))
    check(not bad, "%s: cores x seconds agree with xenalyze running time %s"
          % (name, "; ".join(bad)))

    names = xt.names_file(folder, tmp)
    rep = run("report", trace, "--tsc-hz", rate + "M", "--names", names, "-f", "csv")
    bad = []
    for f in csv.DictReader(io.StringIO(rep.stdout)):
        if f["vcpu"] != "all" or f["pcpu"] != "total" or "#" in f["domain"]:
            continue
        dom = int(f["domain"])
        if dom == 32767 or dom not in got:
            continue
        want = float(f["cpu_pct"]) / 100 * span
        if abs(got[dom][0] - want) > 0.0005 / 100 * span + 1e-9:
            bad.append("d%d %.6f vs report %.6f" % (dom, got[dom][0], want))
    check(rep.returncode == 0 and not bad, "%s: samples add up to `report` %s"
          % (name, "; ".join(bad)))

    xl = xl_list(folder)
    bad = []
    for dom, (_, vc, mem, _) in got.items():
        if dom in xl and (vc != xl[dom][2] or mem != xl[dom][1] * 1048576):
            bad.append("d%d vcpus %d mem %s vs xl list %s" % (dom, vc, mem, xl[dom]))
    check(not bad, "%s: vCPUs and memory as `xl list` says %s" % (name, "; ".join(bad)))

    for vm, blocked, known in rows(
            db, "SELECT v.name, sum(blocked_cores * len_s * known_frac),"
            " sum(known_frac * len_s)"
            " FROM sample s JOIN vm v USING (vm_id) WHERE run_id = ? GROUP BY v.name",
            key):
        if vm.startswith(("g-cpu", "g-spin")):
            check(blocked < 0.05 * known, "%s: %s never blocks" % (name, vm))
        elif vm == "g-idle" and known > 0.2 * span:
            check(blocked >= 0.8 * known, "%s: g-idle is mostly blocked (%.0f %%)"
                  % (name, 100 * blocked / known))

    # ids are the database's own; compare what the rows say
    dump = ("SELECT r.run_key, v.name, s.* FROM sample s JOIN run r USING (run_id)"
            " JOIN vm v USING (vm_id) ORDER BY 1, 2, s.win, s.instance")
    strip = lambda t: [x[:2] + x[3:6] + x[7:] for x in t]   # drop run_id, vm_id
    before = strip(rows(db, dump))
    r = run("import", "--db", db, folder)
    after = strip(rows(db, dump))
    check(r.returncode == 0 and "replaced" in r.stdout and before == after,
          "%s: re-import leaves every row as it was" % name)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for folder in folders():
            check_folder(folder, tmp)
        example = os.path.join(ROOT, "examples", "credit2-2pcpu-3guests")
        bare = os.path.join(SHARED, "credit2-2pcpu-3guests")
        if os.path.isdir(bare):
            db = os.path.join(tmp, "same.db")
            run("import", "--db", db, example)
            r = run("import", "--db", db, bare)
            runs = rows(db, "SELECT count(*) FROM run")[0][0]
            check("replaced the earlier import" in r.stdout and runs == 2,
                  "the example's trace imported again from its capture folder is "
                  "the same run (2 runs: trace-sched.bin and trace-all.bin)")
    return T.close()


if __name__ == "__main__":
    sys.exit(main())
