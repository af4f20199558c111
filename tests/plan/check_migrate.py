#!/usr/bin/env python3
"""check_migrate.py: a history database of schema version 1 stays readable,
and the first write migrates it to version 3 without losing a figure.

fixtures/history-v1.db was written by xenbench before the metric table
(schema v1: fixed metric columns, no table `metric`, CPU over the whole
window); fixtures/history-v1.profile.{txt,csv} are what this xenbench prints
for it (`profile --since all`, table and CSV; regenerated with schema 3,
whose profile has the confidence per resource and CPU over the known part
of each window: the reader restates a v1 window's CPU as the migration does).

- read: `profile` on the v1 file prints that, byte for byte, and leaves the
  file as it was (still version 1);
- migrate: `import` into a copy makes it version 3 with a `metric` row for
  every metric column and the roll-ups of every stored run, keeps every
  sample's figures (compared column by column with the v1 file: CPU, waited
  and blocked divided by the window's known fraction, the rest equal), and
  re-importing a run it already held replaces it: the same samples as a
  fresh import of that run into an empty database, and importing it once
  more leaves the profile output as it was (the re-imported run's figures
  are the current analyser's, not v1's: the analysis of a run may change,
  its migration must not); run.tool_version is added, NULL for the run
  imported before and the importing xenbench's version for the new one.

Usage: check_migrate.py BUILD/xenbench TOP_OF_CHECKOUT
"""
import filecmp
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tap import check, finish  # noqa: E402


def run(xb, top, *args):
    r = subprocess.run([xb] + list(args), capture_output=True, text=True, cwd=top)
    return r.returncode, r.stdout, r.stderr


def samples(db):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = {(r["run_id"], r["win"], r["domid"], r["instance"]): dict(r)
            for r in con.execute("SELECT * FROM sample")}
    version = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    return rows, version


def main():
    xb, top = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    fix = os.path.join(top, "tests", "plan", "fixtures")
    v1 = os.path.join(fix, "history-v1.db")
    want_txt = open(os.path.join(fix, "history-v1.profile.txt")).read()
    want_csv = open(os.path.join(fix, "history-v1.profile.csv")).read()
    old, version = samples(v1)
    check(version == 1 and len(old) == 56, "fixture: schema 1, 56 samples")

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "h.db")
        shutil.copy(v1, db)
        rc, out, err = run(xb, top, "profile", "--db", db, "--since", "all")
        check(rc == 0 and out == want_txt, "read v1: profile table as before%s"
              % ("" if out == want_txt else ": " + err.strip()[:200]))
        rc, out, err = run(xb, top, "profile", "--db", db, "--since", "all", "-f", "csv")
        check(rc == 0 and out == want_csv, "read v1: profile CSV as before")
        check(filecmp.cmp(db, v1, shallow=False), "read v1: the file untouched")

        rc, out, err = run(xb, top, "import", "--db", db,
                           os.path.join("tests", "linux-runs", "cgroup-3s"))
        check(rc == 0 and "replaced" in out + err, "migrate: re-import a run it holds")
        new, version = samples(db)
        check(version == 3, "migrate: schema version 3 (got %d)" % version)
        con = sqlite3.connect(db)
        metric_cols = {r[0] for r in con.execute("SELECT column_name FROM metric")}
        cols = {r[1] for r in con.execute("PRAGMA table_info(sample)")}
        rolled = {r[0]: r[1] for r in con.execute(
            "SELECT run_id, count(*) FROM rollup GROUP BY run_id")}
        con.close()
        check(len(rolled) == 2 and all(n > 0 for n in rolled.values()),
              "migrate: both runs rolled up %s" % rolled)
        check(metric_cols and metric_cols <= cols,
              "migrate: table metric describes %d sample columns" % len(metric_cols))
        # run.tool_version: the importing xenbench's --version for the run just
        # imported, NULL for the run imported before the column existed
        con = sqlite3.connect(db)
        tv = dict(con.execute("SELECT run_id, tool_version FROM run").fetchall())
        con.close()
        _, ver, _ = run(xb, top, "--version")
        ver = ver.strip()[len("xenbench "):]
        check(tv.get(1, "missing") is None and sorted(v for k, v in tv.items() if k != 1) == [ver],
              "migrate: run.tool_version added: NULL before, '%s' for the new import (%s)"
              % (ver, tv))
        # the Xen run's samples: every v1 column, every value, CPU states over
        # the known part of the window
        def restated(v, c):
            k = v["known_frac"]
            if c in ("cpu_cores", "waited_cores", "blocked_cores") and 0 < k < 1:
                return v[c] / k
            return v[c]

        def same_value(a, b):
            return a == b or (isinstance(a, float) and isinstance(b, float)
                              and abs(a - b) <= 1e-12 * max(1.0, abs(b)))
        xen_old = {k: v for k, v in old.items() if k[0] == 1}
        xen_new = {k: v for k, v in new.items() if k[0] == 1}
        check(xen_old and all(same_value(xen_new.get(k, {}).get(c), restated(v, c))
                              for k, v in xen_old.items() for c in v),
              "migrate: the other run's %d samples kept every figure" % len(xen_old))
        # the re-imported run: what a fresh import of it writes
        fresh_db = os.path.join(tmp, "fresh.db")
        run(xb, top, "import", "--db", fresh_db,
            os.path.join("tests", "linux-runs", "cgroup-3s"))
        fresh, _ = samples(fresh_db)
        lin_fresh = sorted((k[1:], v) for k, v in fresh.items())
        lin_new = sorted((k[1:], v) for k, v in new.items() if k[0] != 1)
        same = len(lin_fresh) == len(lin_new) and all(
            a[0] == b[0] and all(b[1][c] == a[1][c] for c in a[1]
                                 if c not in ("run_id", "vm_id"))
            for a, b in zip(lin_fresh, lin_new))
        check(same, "migrate: the re-imported run's %d samples as a fresh import's"
              % len(lin_fresh))
        rc, before, err = run(xb, top, "profile", "--db", db, "--since", "all")
        run(xb, top, "import", "--db", db, os.path.join("tests", "linux-runs", "cgroup-3s"))
        rc2, after, err = run(xb, top, "profile", "--db", db, "--since", "all")
        check(rc == 0 and rc2 == 0 and before == after and before,
              "migrate: importing it again leaves the profile table as it was")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
