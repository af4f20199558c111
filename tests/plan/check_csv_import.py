#!/usr/bin/env python3
"""check_csv_import.py: `import --format csv` (the generic samples CSV) on the
real shared fleet, against `import --format gwa` of the same VMs.

Six VMs of shared/data/bitbrains-rnd (GWA-T-12 Rnd, July 2013) are unpacked;
among them VM 14 and 44, down for part of the month, and VM 340, whose rows
come 1, 115 or 185 s apart.  This test writes their rows as samples CSV
itself (Python's csv, the README's reading of the format: seconds in
`Timestamp [ms]`, rows of a VM down left out, a row repeating the previous
time dropped), in two files: one interleaved by time, Unix seconds,
`cpu_cores`, a `host` column; one VM after VM, ISO 8601 times, `cpu_pct`, the
host from --host.  Then:
  1. Both files imported in one command, and the GWA files in another
     database: every 5- and 10-minute roll-up row of every VM agrees (the
     cores file's exactly, the percent file's within one stored unit:
     cpu_pct x vcpus / 100 rounds), and `profile` under the raw, aws and
     azure methods prints the same figures.
  2. Imported again: its runs are replaced, no row added.
  3. A step under 5 minutes (one VM's rows re-timed 60 s apart): a sample row
     per CSV row, each 5-minute maximum the maximum of its rows.
  4. Broken copies (a bad number, a missing column, an unknown column, a time
     going back, a repeated time, a header only, an empty file, both CPU
     columns, fractional vCPUs, a VM of one row): exit 2, the message names
     the file and line (the empty file: the file), and a database that held
     an earlier import is exactly as it was, the good file of the same
     command not half-imported.
Usage: check_csv_import.py BUILD/xenbench PATH/rnd-2013-7.tar.xz
Exits 77 (skipped) when the shared fleet is not there.
"""
import csv
import datetime
import json
import os
import sqlite3
import subprocess
import sys

XB, TARBALL = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402
from fleet_files import db_state, run_with_fleet  # noqa: E402

T = Tally()
check = T.check
VMS = ["1", "2", "14", "44", "100", "340"]
CORES_VMS = ["1", "14", "340"]      # file 1: interleaved, seconds, cpu_cores
PCT_VMS = ["2", "44", "100"]        # file 2: VM after VM, ISO, cpu_pct
METRICS = ["read_mbps", "write_mbps", "net_rx_mbps", "net_tx_mbps"]
HEADER = ["time", "vm", "vcpus", "cpu_cores", "cpu_mhz", "mem_alloc_mib",
          "mem_guest_mib"] + METRICS


def run(*args):
    p = subprocess.run([XB] + list(args), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def gwa_rows(path):
    """The rows of one GWA file that say something: (t, v) of a VM up, a
    repeated time dropped (the first kept), as the README describes them."""
    out, prev = [], None
    with open(path, newline="") as f:
        rd = csv.reader(f, delimiter=";")
        next(rd)
        for row in rd:
            v = [float(c) for c in row]
            if prev is not None and v[0] == prev:
                continue
            prev = v[0]
            if v[1] == 0 or v[2] == 0:
                continue            # down: no sample, the time unknown
            out.append(v)
    return out


def sample_of(v, pct):
    """One GWA row as samples CSV fields (units of docs/commands/import.md)."""
    clock = v[2] / v[1]
    cores = v[3] / clock
    return [int(v[1]), repr(100 * cores / v[1] if pct else cores), repr(clock),
            repr(v[5] / 1024), repr(v[6] / 1024)] + \
        [repr(x * 1024 / 1e6) for x in v[7:11]]


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def rollups(db):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    cols = [r[1] for r in c.execute("pragma table_info(rollup)")]
    out = {}
    for row in c.execute("select v.name, r.* from rollup r join vm v using (vm_id)"):
        d = dict(zip(["vm"] + cols, row))
        out[(d["vm"], d["period"], d["t_unix"])] = d
    c.close()
    return out, [k for k in cols if k not in ("run_id", "vm_id")]


def compare_rollups(gdb, cdb):
    g, cols = rollups(gdb)
    c, _ = rollups(cdb)
    check(set(g) == set(c) and len(g) > 0,
          "the same %d roll-up buckets from both imports (%d from the CSV)"
          % (len(g), len(c)))
    exact_bad, near_bad = [], []
    for k in set(g) & set(c):
        for col in cols:
            a, b = g[k][col], c[k][col]
            if a == b:
                continue
            if k[0] in CORES_VMS or a is None or b is None or abs(a - b) > 1:
                (exact_bad if k[0] in CORES_VMS else near_bad).append(
                    "%s/%s@%s %s %s vs %s" % (k[0], k[1], k[2], col, a, b))
    check(not exact_bad, "cores file: every roll-up figure equal to GWA's %s"
          % exact_bad[:3])
    check(not near_bad, "percent file: every roll-up figure within one stored unit "
          "of GWA's %s" % near_bad[:3])


def profiles(db, method):
    rc, out, err = run("profile", "--db", db, "--since", "all", "--method", method,
                       "-f", "json")
    if rc:
        return None, err
    return {v["vm"]: v for v in json.loads(out)["vms"]}, ""


def close(a, b, path=""):
    """Equal JSON, numbers to 6 significant digits (cpu_pct x vcpus / 100)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return path + ": keys"
        for k in a:
            bad = close(a[k], b[k], path + "." + k)
            if bad:
                return bad
        return ""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path + ": length"
        for i, (x, y) in enumerate(zip(a, b)):
            bad = close(x, y, "%s[%d]" % (path, i))
            if bad:
                return bad
        return ""
    if isinstance(a, float) and isinstance(b, (int, float)) or \
            isinstance(b, float) and isinstance(a, (int, float)):
        return "" if abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1e-3) else \
            "%s: %s vs %s" % (path, a, b)
    return "" if a == b else "%s: %r vs %r" % (path, a, b)


def main():
    return run_with_fleet(TARBALL, "xb-csvimp-", body)


def body(tmp):
    subprocess.run(["tar", "-xJf", TARBALL, "-C", tmp] +
                   ["2013-7/%s.csv" % v for v in VMS], check=True)
    gwa = os.path.join(tmp, "rnd")
    os.rename(os.path.join(tmp, "2013-7"), gwa)
    rows = {vm: gwa_rows(os.path.join(gwa, vm + ".csv")) for vm in VMS}

    # File 1: interleaved by time, Unix seconds, cpu_cores, a host column.
    f1 = os.path.join(tmp, "cores.csv")
    inter = sorted(((v[0], vm, v) for vm in CORES_VMS for v in rows[vm]),
                   key=lambda r: (r[0], r[1]))
    write_csv(f1, ["time", "vm", "host"] + HEADER[2:],
              [[repr(t), vm, "rnd"] + sample_of(v, False) for t, vm, v in inter])
    # File 2: VM after VM, ISO 8601, cpu_pct, no host column (--host rnd).
    f2 = os.path.join(tmp, "pct.csv")
    pct_header = HEADER[:3] + ["cpu_pct"] + HEADER[4:]
    write_csv(f2, pct_header, [[iso(v[0]), vm] + sample_of(v, True)
                               for vm in PCT_VMS for v in rows[vm]])
    nrows = sum(len(rows[vm]) for vm in VMS)

    # 1. Both ways.
    gdb, cdb = os.path.join(tmp, "gwa.db"), os.path.join(tmp, "csv.db")
    rc, out, err = run("import", "--db", gdb, "--format", "gwa", "--host", "rnd", gwa)
    check(rc == 0, "import --format gwa of the six VMs %s" % err.strip())
    rc, out, err = run("import", "--db", cdb, "--format", "csv", "--host", "rnd", f1, f2)
    check(rc == 0, "import --format csv of both files %s" % err.strip())
    check("imported %s (samples CSV): %d rows, 3 VMs on 1 host, 3 runs" % (f1, len(inter))
          in out and "step 5 min;" in out,
          "the import names each file, its rows, VMs, runs and step")
    c = sqlite3.connect(cdb)
    n_run = c.execute("select count(*) from run where source = 'csv'").fetchone()[0]
    keys = sorted(r[0] for r in c.execute("select run_key from run"))
    c.close()
    check(n_run == 6 and "csv:rnd/1@2013-06-30T22:03:24Z" in keys,
          "one run per VM, keyed csv:HOST/VM@START (%s)" % keys[:2])
    compare_rollups(gdb, cdb)
    for method in ("raw", "aws", "azure"):
        pg, eg = profiles(gdb, method)
        pc, ec = profiles(cdb, method)
        bad = "no profile %s %s" % (eg, ec) if pg is None or pc is None else \
            close(pg, pc)
        check(not bad and pg and len(pg) == 6,
              "profile --method %s: the same figures for all six VMs %s" % (method, bad))

    # 2. Again: replaced, not added.
    before = db_state(cdb)
    rc, out, err = run("import", "--db", cdb, "--format", "csv", "--host", "rnd", f1, f2)
    check(rc == 0 and out.count("(replacing earlier imports)") == 2 and
          db_state(cdb) == before, "imported again: its runs replaced, no row added")

    # 3. A step under 5 minutes keeps a sample row per CSV row when the file
    # has waited and blocked time (here the test's own: none waited, the
    # rest of the vCPUs blocked), else its roll-ups only.
    t0 = rows["1"][0][0]
    fine = rows["1"][:600]
    f3 = os.path.join(tmp, "minute-use.csv")
    write_csv(f3, HEADER, [[repr(t0 + 60 * i), "1"] + sample_of(v, False)
                           for i, v in enumerate(fine)])
    mdb = os.path.join(tmp, "minute-use.db")
    rc, out, err = run("import", "--db", mdb, "--format", "csv", f3)
    c = sqlite3.connect(mdb)
    n = c.execute("select count(*) from sample").fetchone()[0]
    r5 = c.execute("select count(*) from rollup where period = 300").fetchone()[0]
    c.close()
    buckets = len({int((t0 + 60 * i) // 300) for i in range(len(fine))})
    check(rc == 0 and n == 0 and r5 == buckets, "a 60 s step without waited and "
          "blocked time: kept as its %d 5-minute roll-ups (%d), no sample rows (%d) %s"
          % (buckets, r5, n, err.strip()))
    f3 = os.path.join(tmp, "minute.csv")

    def states(v):
        cores = v[3] / (v[2] / v[1])
        return ["0", repr(max(v[1] - cores, 0.0))]
    write_csv(f3, HEADER + ["waited_cores", "blocked_cores"],
              [[repr(t0 + 60 * i), "1"] + sample_of(v, False) + states(v)
               for i, v in enumerate(fine)])
    mdb = os.path.join(tmp, "minute.db")
    rc, out, err = run("import", "--db", mdb, "--format", "csv", f3)
    c = sqlite3.connect(mdb)
    n = c.execute("select count(*), sum(len_s) from sample").fetchone()
    peaks = dict(c.execute("select cast(t_unix as integer), cpu_max_mc from rollup "
                           "where period = 300"))
    c.close()
    want = {}
    for i, v in enumerate(fine):
        b = int((t0 + 60 * i) // 300 * 300)
        want[b] = max(want.get(b, 0), round(v[3] / (v[2] / v[1]) * 1000))
    check(rc == 0 and "step 1 min" in out and n[0] == 600 and abs(n[1] - 36000) < 1e-6,
          "a 60 s step: 600 sample rows of 60 s (%s) %s" % (n, err.strip()))
    check(peaks == want, "a 60 s step: each 5-minute maximum is the maximum of its "
          "rows (%d buckets)" % len(want))

    # 4. Broken copies.
    lines = open(f1).read().splitlines()
    hdr = lines[0].split(",")

    def broken(name, text):
        p = os.path.join(tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def with_line(n, text):
        ls = list(lines)
        ls[n - 1] = text
        return "\n".join(ls) + "\n"

    def cell(n, col, value):
        f = lines[n - 1].split(",")
        f[hdr.index(col)] = value
        return with_line(n, ",".join(f))

    vm_of = [ln.split(",")[1] for ln in lines]
    later = next(i for i in range(31, len(lines)) if vm_of[i] == vm_of[30]) + 1
    swapped = list(lines)
    swapped[30], swapped[later - 1] = swapped[later - 1], swapped[30]
    cases = [
        ("bad-number.csv", cell(10, "cpu_cores", "0.1x"),
         'line 10: field "cpu_cores": \'0.1x\' is not a number >= 0'),
        ("negative.csv", cell(12, "read_mbps", "-1"),
         'line 12: field "read_mbps": \'-1\' is not a number >= 0'),
        ("missing-column.csv", "\n".join(",".join(f for i, f in enumerate(ln.split(","))
                                                  if i != hdr.index("vcpus"))
                                         for ln in lines) + "\n",
         'line 1: the header has no column "vcpus"'),
        ("unknown-column.csv", "\n".join(ln + ("," + ("cpu_ready_pct" if i == 0 else "1"))
                                         for i, ln in enumerate(lines)) + "\n",
         'line 1: column 13 "cpu_ready_pct" is not a column of the samples CSV'),
        ("both-cpu.csv", "\n".join(ln + ("," + ("cpu_pct" if i == 0 else "1"))
                                   for i, ln in enumerate(lines)) + "\n",
         'line 1: the header needs one of the columns "cpu_cores" and "cpu_pct", '
         'not both'),
        ("backwards.csv", "\n".join(swapped) + "\n",
         'line %d: field "time": time goes back for VM "%s"' % (later, vm_of[30])),
        ("duplicate.csv", "\n".join(lines[:20] + [lines[19]] + lines[20:]) + "\n",
         'line 21: field "time": a second sample at the same time for VM "%s"'
         % vm_of[19]),
        ("fractional.csv", cell(7, "vcpus", "1.5"),
         'line 7: field "vcpus": \'1.5\' is not a whole number of vCPUs >= 1'),
        ("bad-time.csv", cell(9, "time", "2013-07-01 00:00"),
         'line 9: field "time": \'2013-07-01 00:00\' is not a time'),
        ("short-row.csv", with_line(15, ",".join(lines[14].split(",")[:5])),
         "line 15: 5 fields, the header has 12"),
        ("header-only.csv", lines[0] + "\n", "line 1: a header and no samples"),
        ("one-row.csv", "\n".join(lines[:2] + ["%s,lonely,rnd,%s"
                                               % (lines[2].split(",")[0],
                                                  ",".join(lines[2].split(",")[3:]))]
                                  + lines[3:]) + "\n",
         'line 3: VM "lonely" has one sample: its step is unknown (give --interval)'),
        ("empty.csv", "", "empty file: expected a header row"),
    ]
    before = db_state(cdb)
    for name, text, want in cases:
        p = broken(name, text)
        rc, out, err = run("import", "--db", cdb, "--format", "csv", f2, p)
        check(rc == 2 and "%s: %s" % (p, want) in err and "nothing was imported" in err
              and db_state(cdb) == before,
              "%s: exit 2, '%s', the database as it was (rc %d: %s)"
              % (name, want, rc, err.strip()[:300]))
    # A VM of one row with --interval is a window of that length.
    p = os.path.join(tmp, "one-row.csv")
    odb = os.path.join(tmp, "one.db")
    rc, out, err = run("import", "--db", odb, "--format", "csv", "--interval", "300", p)
    check(rc == 0 and "step 5 min;" in out,
          "a VM of one row with --interval 300 imports %s" % err.strip())
    return T.close()


if __name__ == "__main__":
    sys.exit(main())
