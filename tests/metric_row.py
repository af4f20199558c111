#!/usr/bin/env python3
"""metric_row.py: one row of the metric table reaches every place it is shown.

xenbench-test-metric is xenbench built with one more row in
src/model/metric.c (-DXB_TEST_METRIC): "test_write_kibps", the disk bytes
written per second in KiB/s, from the counter disk_write_bytes.  Nothing
else in the code names it.  This test finds it, with the right figure
(MB/s written x 10^6 / 1024), in the report's table, CSV and JSON, in the
history store (its column, and its row in the table `metric`), and in
`top`: `top -b` (the report's table, live) and the interactive domain list
(run in a pseudo-terminal).  The production xenbench must show none of it.
The network rows (net_rx_mbps, net_tx_mbps) are checked the same way with
figures: table, CSV, JSON and top's headings.

Usage: metric_row.py BUILD/xenbench BUILD/xenbench-test-metric RUNDIR
RUNDIR: a recorded Linux run with disk counters (tests/linux-runs/cgroup-3s).
top needs root and tracefs; without them its two checks are skipped and the
test reports SKIP (status 77), never a pass.
"""
import csv
import io
import json
import os
import pty
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

NAME, LABEL, ABBR, COLUMN = ("test_write_kibps", "KiB/s written (test)",
                             "twKiB/s", "test_write_Bps")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import check, finish  # noqa: E402


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def table_rows(text):
    """The "Disk, network, memory" table: header and rows as lists."""
    lines = text.splitlines()
    try:
        i = lines.index("=== Disk, network, memory ===")
    except ValueError:
        return None, []
    head = lines[i + 1].split("\t")
    rows = []
    for line in lines[i + 2:]:
        if line.startswith("===") or not line.strip():
            break
        rows.append(line.split("\t"))
    return head, rows


def main():
    xb, xbt, rundir = sys.argv[1:4]

    # the table
    rc, text = run(xbt, "report", rundir)
    head, rows = table_rows(text)
    ok = rc == 0 and head is not None and LABEL in head
    check(ok, "table: a column '%s'" % LABEL)
    if ok:
        c, w = head.index(LABEL), head.index("MB/s written")
        check(all(abs(float(r[c]) - float(r[w]) * 1e6 / 1024) <= 0.05 + 0.006e6 / 1024
                  for r in rows) and rows,
              "table: its figures are MB/s written in KiB/s (%d rows)" % len(rows))
    rc, text = run(xb, "report", rundir)
    check(rc == 0 and LABEL not in text, "table: not in the production build")

    # CSV: the per-domain metric rows (report --table io)
    rc, text = run(xbt, "report", "-f", "csv", "--table", "io", rundir)
    rows = list(csv.DictReader(io.StringIO(text))) if rc == 0 else []
    ok = rc == 0 and rows and NAME in rows[0]
    check(ok, "csv: a column %s" % NAME)
    if ok:
        # both printed rounded: write_mbps to 4 decimals (0.05 KiB/s)
        check(all(abs(float(r[NAME]) - float(r["write_mbps"]) * 1e6 / 1024) < 0.06
                  for r in rows), "csv: its figures agree with write_mbps")
    rc, text = run(xb, "report", "-f", "csv", "--table", "io", rundir)
    check(rc == 0 and NAME not in text, "csv: not in the production build")

    # JSON
    rc, text = run(xbt, "report", "-f", "json", rundir)
    try:
        disk = json.loads(text)["disk"] if rc == 0 else []
    except ValueError:
        disk = []
    ok = bool(disk) and all(NAME in d for d in disk)
    check(ok, "json: every disk row has %s" % NAME)
    if ok:
        check(all(abs(d[NAME] - d["write_mbps"] * 1e6 / 1024) < 0.06 for d in disk),
              "json: its figures agree with write_mbps")

    # the store: its column, filled, and its description
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "h.db")
        rc, text = run(xbt, "import", "--db", db, rundir)
        check(rc == 0, "store: import (%s)" % text.splitlines()[-1:])
        con = sqlite3.connect(db)
        cols = [r[1] for r in con.execute("PRAGMA table_info(sample)")]
        check(COLUMN in cols, "store: a sample column %s" % COLUMN)
        if COLUMN in cols:
            n, same = con.execute(
                "SELECT count(%s), sum(abs(%s - disk_write_Bps) < 1e-6) FROM sample"
                % (COLUMN, COLUMN)).fetchone()
            check(n > 0 and same == n,
                  "store: %d samples hold it, equal to disk_write_Bps" % n)
        desc = con.execute("SELECT name, counter, kind, unit FROM metric "
                           "WHERE column_name = ?", (COLUMN,)).fetchall()
        check(desc == [(NAME, "disk_write_bytes", "rate", "KiB/s")],
              "store: described in table metric (%s)" % desc)
        con.close()
        # the production build reads that file and writes to it unharmed
        rc, text = run(xb, "import", "--db", db, rundir)
        check(rc == 0, "store: the production build imports into it")
        rc, text = run(xb, "profile", "--db", db, "--since", "all")
        check(rc == 0 and "memory used" in text, "store: and profiles it")

    # Network MB/s, two rows shown everywhere, from a libvirt-domstats file in
    # the recorder's format written here (synthetic input: this host's test
    # guest has no network): domain 1 receives 1 MB/s and sends 2 MB/s.
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = os.path.join(tmp, "run")
        shutil.copytree(rundir, run_dir)
        man = json.load(open(os.path.join(run_dir, "manifest.json")))
        t0, t1 = man["t0_mono_ns"], man["t0_mono_ns"] + 3 * 10**9
        with open(os.path.join(run_dir, "libvirt-domstats.txt"), "w") as f:
            f.write("# xenbench libvirt-domstats 1\n")
            for k in range(3):
                f.write("# t_ns=%d call_ns=1000\nDomain: domid=1 uuid=%s name='n'\n"
                        "  net.count=1\n  net.0.rx.bytes=%d\n  net.0.tx.bytes=%d\n"
                        "# end\n" % (t0 + k * (t1 - t0) // 2, "0" * 8 + "-0000" * 3 +
                                     "-" + "0" * 11 + "1", k * 1500000, k * 3000000))
        man["counters"].insert(0, {"format": "libvirt", "path": "libvirt-domstats.txt"})
        json.dump(man, open(os.path.join(run_dir, "manifest.json"), "w"))
        rc, text = run(xb, "report", run_dir)
        head, rows = table_rows(text)
        got = [r[head.index("net MB/s in")] + "/" + r[head.index("net MB/s out")]
               for r in rows if r[0] == "1"] if head and "net MB/s in" in head else []
        check(rc == 0 and got == ["1.00/2.00"], "network: table 1.00/2.00 MB/s (%s)" % got)
        rc, text = run(xb, "report", "-f", "csv", "--table", "io", run_dir)
        rows = list(csv.DictReader(io.StringIO(text))) if rc == 0 else []
        got = [(r.get("net_rx_mbps"), r.get("net_tx_mbps")) for r in rows
               if r["domain"] == "1"]
        check(rc == 0 and got == [("1.0000", "2.0000")], "network: csv (%s)" % got)
        check(all(r.get("net_rx_mbps") == "" for r in rows if r["domain"] != "1"),
              "network: csv fields empty where not measured")
        rc, text = run(xb, "report", "-f", "json", run_dir)
        disk = json.loads(text)["disk"] if rc == 0 else []
        got = [(d.get("net_rx_mbps"), d.get("net_tx_mbps")) for d in disk
               if d["domain"] == "1"]
        check(got == [(1.0, 2.0)], "network: json (%s)" % got)

    # top: needs tracefs (root)
    if os.geteuid() != 0 or not (os.path.isdir("/sys/kernel/tracing/instances") or
                                 os.path.isdir("/sys/kernel/debug/tracing/instances")):
        print("# SKIP top: needs root and tracefs")
        return finish(skipped=True)
    tmp = tempfile.mkdtemp()
    sleeper = os.path.join(tmp, "xbmetricrow")     # a domain of its own name
    subprocess.run(["cp", "/bin/sleep", sleeper], check=True)
    me = ["--domains", "process", "--match", "^xbmetricrow$"]
    writer = subprocess.Popen([sleeper, "30"])
    try:
        rc, text = run(xbt, "top", "-b", "-n", "2", *me)
        head, rows = table_rows(text)
        check(rc == 0 and head is not None and LABEL in head and rows and
              rows[0][head.index(LABEL)] != "-",
              "top -b: a column '%s' with a figure" % LABEL)
        # the interactive list, in a pseudo-terminal of 120 x 30
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(TERM="xterm", LINES="30", COLUMNS="120")
            os.execv(xbt, [xbt, "top", "-n", "2"] + me)
        screen, end = b"", time.time() + 20
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.5)
            if r:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                screen += chunk
        _, status = os.waitpid(pid, 0)
        shown = screen.decode("latin-1")
        check(os.waitstatus_to_exitcode(status) == 0 and ABBR in shown,
              "top: a column %s in the domain list" % ABBR)
        check("rxMB/s" in shown and "txMB/s" in shown,
              "top: network columns rxMB/s, txMB/s in the domain list")
        rc, text = run(xb, "top", "-b", "-n", "1", *me)
        check(rc == 0 and LABEL not in text, "top -b: not in the production build")
    finally:
        writer.kill()
        writer.wait()
        os.unlink(sleeper)
        os.rmdir(tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
