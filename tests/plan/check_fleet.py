#!/usr/bin/env python3
"""check_fleet.py: import and plan on the real shared fleet (issue 12).

The 500 VMs of shared/data/bitbrains-rnd (GWA-T-12 Rnd, July 2013) are
unpacked into a temporary folder and read independently here (Python's csv
rules of the format, as its README describes them); then:
  1. `import --format gwa` of the whole month: every row accounted for
     (imported + repeated + contradictions = the files' rows), each quirk's
     count equal to the one found here, the database under 500 MB, and per VM
     the stored 5-minute roll-ups against the rows: the known time of every
     window (to the millisecond per row) and the peak CPU in host cores (to the
     stored milli-core).
  2. `plan` on it: every VM is in the plan or named as not planned, each
     provider's total counts every VM (priced + no type covers + without
     enough data + outside the look-back = 500) and is the sum of its VMs'
     prices; each planned VM has a choice per provider with its type, CPU
     basis and figures, a confidence and a finding; below the data minimum a
     VM is InsufficientData and unpriced, above it priced.
  3. A VM no type covers (a copy of a fleet file resized to 512 cores, busy)
     is listed as such and counted in the totals.
  4. Broken copies of fleet files (a field that is not a number, a negative
     one, a short row, a file cut inside a row, a time that goes back, no
     header): exit 2, the message names the file and line, and the database
     that held an earlier import is exactly as it was (the good files of the
     same command are not half-imported).
  5. The README's fleet example: every line it shows is in the real output.
  6. Validation against the future (future.py): sized on weeks 1-3, at most
     5 % of the VMs above their type's CPU in more than (100 - P) % of week 4's
     5-minute samples, per provider.
Usage: check_fleet.py BUILD/xenbench PATH/rnd-2013-7.tar.xz README.md
Exits 77 (skipped) when the shared fleet is not there.
"""
import csv
import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

XB, TARBALL, README = sys.argv[1], sys.argv[2], sys.argv[3]
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tally import Tally  # noqa: E402
from fleet_files import db_state, run_with_fleet  # noqa: E402

T = Tally()
check = T.check
INTERVAL = 300.0
MIN_COVERAGE_H = 30.0


def run(*args):
    p = subprocess.run([XB] + list(args), capture_output=True, text=True, timeout=900)
    return p.returncode, p.stdout, p.stderr


def read_vm(path):
    """One file as the README describes it: the rows kept (a row repeating
    the previous one's time dropped, counted), each with its window length
    (to the next row, at most the interval)."""
    st = dict(rows=0, zero=0, down=0, repeated=0, contra=0, sci=0, sci_all=0)
    kept = []
    prev = None
    with open(path, newline="") as f:
        rd = csv.reader(f, delimiter=";")
        next(rd)
        for row in rd:
            st["rows"] += 1
            cells = [c.strip() for c in row]
            sci = any("E" in c or "e" in c for c in cells)
            v = [float(c) for c in cells]
            st["sci_all"] += sci
            zero = v[1] == 0 or v[2] == 0
            st["zero"] += zero
            if prev is not None and v[0] == prev[0]:
                if v[1:] == prev[1:]:
                    st["repeated"] += 1
                else:
                    st["contra"] += 1
                continue
            st["sci"] += sci
            st["down"] += zero
            kept.append((v, zero))
            prev = v
    known = 0.0
    known_ms = 0
    peak = 0.0
    for i, (v, zero) in enumerate(kept):
        nxt = kept[i + 1][0][0] if i + 1 < len(kept) else v[0] + INTERVAL
        if zero:
            continue
        ln = min(nxt - v[0], INTERVAL)
        known += ln
        known_ms += round(ln * 1000)
        peak = max(peak, v[3] / (v[2] / v[1]))
    return st, known, known_ms, peak, kept


def main():
    return run_with_fleet(TARBALL, "xb-fleet-", body)


def body(tmp):
    subprocess.run(["tar", "-xJf", TARBALL, "-C", tmp], check=True)
    fleet = os.path.join(tmp, "2013-7")
    files = sorted(glob.glob(os.path.join(fleet, "*.csv")))
    check(len(files) == 500, "the fleet has 500 files (%d)" % len(files))

    # What the files hold, read here.
    tot = dict(rows=0, zero=0, down=0, repeated=0, contra=0, sci=0, sci_all=0)
    vms = {}
    for p in files:
        st, known, known_ms, peak, _ = read_vm(p)
        for k in tot:
            tot[k] += st[k]
        vms[os.path.basename(p)[:-4]] = (known, known_ms, peak)
    check(tot["rows"] == 3890450, "3,890,450 samples in the files (%d)" % tot["rows"])
    check(tot["zero"] == 219396, "219,396 rows of 0 cores or capacity, as the README "
          "says (%d)" % tot["zero"])
    check(tot["sci_all"] == 965112, "965,112 rows in scientific notation, as the README "
          "says (%d)" % tot["sci_all"])

    # 1. The import.
    db = os.path.join(tmp, "fleet.db")
    rc, out, err = run("import", "--format", "gwa", "--db", db, fleet)
    check(rc == 0, "import of the fleet exits 0 (%d: %s)" % (rc, err.strip()[-300:]))
    print("# " + out.replace("\n", "\n# "))
    import_out = out
    m = re.search(r"(\d+) VMs on host 2013-7, (\d+) runs, (\d+) rows -> (\d+) windows",
                  out)
    check(m is not None, "import says VMs, runs, rows and windows")
    nums = lambda pat: int(re.search(pat, out).group(1)) if re.search(pat, out) else -1
    if m:
        check(int(m.group(1)) == 500, "500 VMs imported (%s)" % m.group(1))
        rows = int(m.group(3))
        check(rows + tot["repeated"] + tot["contra"] == tot["rows"],
              "imported rows %d + repeated %d + contradictions %d = the files' %d" %
              (rows, tot["repeated"], tot["contra"], tot["rows"]))
        check(int(m.group(4)) == rows - tot["down"], "windows %s = rows - %d down rows"
              % (m.group(4), tot["down"]))
    for what, pat, want in [
            ("down rows", r"(\d+) rows of a VM down", tot["down"]),
            ("repeated rows", r"(\d+) repeated rows dropped", tot["repeated"]),
            ("contradicting rows", r"(\d+) rows at the same time as the one before with "
             r"other values", tot["contra"]),
            ("rows in scientific notation (repeats not counted)",
             r"(\d+) with scientific notation", tot["sci"])]:
        check(nums(pat) == want, "%s: import says %d, the files hold %d" %
              (what, nums(pat), want))
    size = os.path.getsize(db)
    check(size < 500e6, "the database is under 500 MB (%.0f MB)" % (size / 1e6))

    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    stored = {name: (cov, mx) for name, cov, mx in c.execute(
        "select vm.name, sum(covered_ms), max(cpu_max_mc) from rollup join vm using "
        "(vm_id) where period = 300 group by vm.name")}
    c.close()
    bad_known = [n for n, (_, ms, _) in vms.items()
                 if n not in stored or stored[n][0] != ms]
    check(not bad_known, "every VM's known time in its 5-minute roll-ups is its rows' "
          "(%d differ: %s)" % (len(bad_known), bad_known[:5]))
    bad_peak = [(n, pk, stored[n][1]) for n, (_, _, pk) in vms.items()
                if n in stored and abs(pk * 1000 - (stored[n][1] or 0)) > 0.5 + 1e-6]
    check(not bad_peak, "every VM's peak CPU in host cores is its rows' to the milli-core "
          "(%d differ: %s)" % (len(bad_peak), bad_peak[:3]))

    # 2. The plan, over the whole month and over the default look-back.
    for since in (["--since", "all"], []):
        label = " ".join(since) or "the default look-back"
        rc, out, err = run("plan", "--db", db, "-f", "json", *since)
        check(rc == 0, "plan (%s) exits 0 (%s)" % (label, err.strip()[-200:]))
        plan = json.loads(out) if rc == 0 else {"vms": [], "totals": {}, "not_planned": []}
        names = {v["vm"] for v in plan["vms"]}
        left = {s.split(" on ")[0] for s in plan["not_planned"]}
        check(names | left == set(vms) and not names & left,
              "%s: every VM planned (%d) or named as not planned (%d)" %
              (label, len(names), len(left)))
        for prov, t in plan["totals"].items():
            counted = (t["vms"] + t["vms_without_type"] + t["vms_without_data"] +
                       t["vms_outside_lookback"])
            check(counted == 500, "%s: %s's total counts every VM: %d priced + %d "
                  "without a type + %d without enough data + %d outside = %d" %
                  (label, prov, t["vms"], t["vms_without_type"], t["vms_without_data"],
                   t["vms_outside_lookback"], counted))
            usd = sum(ch["monthly_usd"] for v in plan["vms"] for ch in v["choices"]
                      if ch["provider"] == prov and ch.get("type"))
            check(abs(usd - t["monthly_usd"]) < 0.01, "%s: %s's total $%.2f/month is the "
                  "sum of its VMs' ($%.2f)" % (label, prov, t["monthly_usd"], usd))
            print("# %s: %s $%.2f/month, %d priced, %d InsufficientData, %d outside" %
                  (label, prov, t["monthly_usd"], t["vms"], t["vms_without_data"],
                   t["vms_outside_lookback"]))
        incomplete = []
        for v in plan["vms"]:
            ok = (v["finding"] and v["confidence_pct"] is not None and
                  1 <= v["stars"] <= 5 and len(v["choices"]) == 3)
            for ch in v["choices"]:
                if v["finding"] == "insufficient-data":
                    ok &= not ch.get("type") or "monthly_usd" not in ch
                else:
                    ok &= bool(ch.get("type")) and ch["cpu_basis"] in (
                        "clock", "core", "mflops") and ch["monthly_usd"] > 0
            if not ok:
                incomplete.append(v["vm"])
        check(not incomplete, "%s: each planned VM has a finding, confidence, and per "
              "provider a type, CPU basis and price (%d lack one: %s)" %
              (label, len(incomplete), incomplete[:5]))
        if since:
            # Over the whole month, the data minimum is the VM's known time.
            wrong = [v["vm"] for v in plan["vms"]
                     if abs(vms[v["vm"]][0] / 3600 - MIN_COVERAGE_H) > 0.5 and
                     (v["finding"] == "insufficient-data") !=
                     (vms[v["vm"]][0] / 3600 < MIN_COVERAGE_H)]
            short = sum(1 for n in vms if vms[n][0] / 3600 < MIN_COVERAGE_H)
            check(not wrong, "--since all: the %d VMs with under 30 h of known time are "
                  "InsufficientData and the others not (%d wrong: %s)" %
                  (short, len(wrong), wrong[:5]))
    rc, table, err = run("plan", "--db", db)
    m = re.search(r"^totals \(\$/month, 500 VMs[:)].*$", table, re.M)
    check(m is not None, "the table's totals line counts 500 VMs")
    if m:
        print("# " + m.group(0))
    vm1 = re.search(r"^1 +2013-7 .*\n((?: {10}\S.*\n){3})", table, re.M)
    check(vm1 is not None and all(re.search(r"(clock|core|mflops) x[0-9.]+ -> ", ln)
                                  for ln in vm1.group(1).splitlines()),
          "the table gives VM 1 a line per provider with its CPU basis")

    # 3. A VM no type covers.
    big = os.path.join(tmp, "big")
    os.mkdir(big)
    for n in ("1", "2"):
        shutil.copy(os.path.join(fleet, n + ".csv"), big)
    with open(os.path.join(fleet, "3.csv")) as f:
        lines = f.read().splitlines()
    with open(os.path.join(big, "huge.csv"), "w") as f:
        f.write(lines[0] + "\n")
        for ln in lines[1:]:
            c = ln.split(";\t")
            if float(c[1]) > 0:
                clock = float(c[2]) / float(c[1])
                c[1], c[2] = "512", repr(512 * clock)
                c[3], c[4] = repr(500 * clock), "97.6"
            f.write(";\t".join(c) + "\n")
    bdb = os.path.join(tmp, "big.db")
    rc, _, err = run("import", "--format", "gwa", "--db", bdb, big)
    check(rc == 0, "import of the resized copy exits 0 (%s)" % err.strip()[-200:])
    rc, out, err = run("plan", "--db", bdb, "--since", "all", "-f", "json")
    plan = json.loads(out) if rc == 0 else {"vms": [], "totals": {}}
    huge = [v for v in plan["vms"] if v["vm"] == "huge"]
    check(len(huge) == 1 and all(not ch.get("type") for ch in huge[0]["choices"]),
          "a VM busy on 512 cores gets no type from any provider")
    check(plan["totals"] and all(t["vms_without_type"] == 1 and t["vms"] == 2
                                 for t in plan["totals"].values()),
          "each provider's total counts it as without a type, beside the 2 priced")
    rc, table, _ = run("plan", "--db", bdb, "--since", "all")
    check(re.search(r"^huge .*\n(?: {10}(aws|azure|gcp) .*\(none fits\).*\n){3}", table, re.M)
          is not None and "1 no type covers" in table,
          "the table lists it per provider as covered by no type and counts it")

    # 4. Broken copies: the database holding an earlier import stays as it was.
    base = os.path.join(tmp, "base.db")
    rc, _, _ = run("import", "--format", "gwa", "--db", base, os.path.join(fleet, "7.csv"))
    check(rc == 0, "an earlier import into the database to keep")
    before = db_state(base)

    def broken(name, edit, line, want):
        d = os.path.join(tmp, "broken-" + name)
        os.mkdir(d)
        for n in ("1", "10", "2"):
            shutil.copy(os.path.join(fleet, n + ".csv"), d)
        p = os.path.join(d, "2.csv")     # after 1 and 10: those are read first
        with open(p) as f:
            text = f.read()
        with open(p, "w") as f:
            f.write(edit(text))
        rc, out, err = run("import", "--format", "gwa", "--db", base, d)
        named = "%s: line %d:" % (p, line) in err if line else p in err
        check(rc == 2 and named and want in err and len(err.splitlines()) <= 2,
              "%s: exit 2 naming %s line %s (%d: %s)" %
              (name, os.path.basename(p), line, rc, err.strip()[:300]))
        check(db_state(base) == before, "%s: the database is as it was (files 1 and 10 "
              "of the same command not half-imported)" % name)

    def at(text, n, fn):
        ls = text.split("\n")
        ls[n - 1] = fn(ls[n - 1])
        return "\n".join(ls)

    broken("not a number", lambda t: at(t, 1000, lambda ln: re.sub(
        r";\t[^;]*$", ";\tabc", ln)), 1000, "is not a number")
    broken("negative", lambda t: at(t, 2000, lambda ln: re.sub(
        r"^(\d+;\t)", r"\1-", ln)), 2000, "is not a number >= 0")
    broken("short row", lambda t: at(t, 500, lambda ln: ln.rsplit(";", 1)[0]), 500,
           "10 fields, the header has 11")
    broken("cut inside a row", lambda t: t[:t.index("\n", 200000) + 20], None, "fields")
    broken("time goes back", lambda t: at(t, 300, lambda ln: "1272" + ln[4:]), 300,
           "time goes back")
    broken("no header", lambda t: t.split("\n", 1)[1], None, "not a GWA-T-12 trace")

    # 6. Validation against the future (tests/plan/future.py, as bench/plan-fleet).
    import future
    r = future.validate(XB, db)
    future.report(r)
    for prov, st in r["providers"].items():
        share = 100.0 * len(st["over"]) / max(1, st["sized"])
        check(st["sized"] >= 400 and share <= 5.0, "%s: sized on weeks 1-3, at most 5 %% "
              "of %d VMs above their type's CPU in more than %g %% of week 4's samples "
              "(%.1f %%: %s)" % (prov, st["sized"], 100 - st["percentile"], share,
                                 st["over"][:5]))

    # 5. The README's fleet example against the real output.
    text = open(README).read()
    m = re.search(r"```\n(\$ tar -xJf .*?\n\$ (?:build/)?xenbench import --format gwa .*?)```", text, re.S)
    check(m is not None, "the README shows the fleet example")
    if m:
        shown, cmds = [], []
        for ln in m.group(1).splitlines():
            if ln.startswith("$ "):
                cmds.append(ln[2:])
            elif ln.strip() != "...":
                shown.append(ln)
        real = ""
        for cmd in cmds:
            argv = cmd.split()
            if argv[0] not in ("xenbench", "build/xenbench"):
                continue
            if argv[1] == "import":     # done in 1.
                real += import_out
                continue
            rc, out, err = run(*[db if a == "fleet.db" else a for a in argv[1:]])
            real += out
        real = real.replace(fleet, "2013-7").replace(db, "fleet.db")
        norm = lambda s: " ".join(s.split())
        lines = {norm(ln) for ln in real.splitlines()}
        missing = [ln for ln in shown if norm(ln) not in lines]
        check(shown and not missing, "each of the README example's %d lines is in the "
              "real output (%d are not: %s)" % (len(shown), len(missing), missing[:3]))
    return T.close()


sys.exit(main())
