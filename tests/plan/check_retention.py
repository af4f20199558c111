#!/usr/bin/env python3
"""check_retention.py: `import --keep-raw AGE` and `--keep AGE` (retention,
docs/history-db.md) on real recordings and the real fleet.

- Two real Xen captures dated three days apart: --keep-raw 1d deletes the
  older run's windows and keeps its roll-ups (plan under the AWS method, which
  reads the 5-minute maxima, says the same of every VM before and after);
  --keep 1d deletes the older run, its VMs and its host.
- Two VMs of the shared Bitbrains fleet: --keep 7d keeps exactly the roll-ups
  whose bucket ends in the last 7 days of the data, counted here from a
  copy imported without retention.
- Refusals (exit 2, the file as it was): --keep-raw longer than --keep, an
  age under 5 minutes, --keep with --catalog; record --keep without --db,
  record --db on Xen.
Usage: check_retention.py BUILD/xenbench SOURCE_ROOT FLEET.tar.xz
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

XB, ROOT, TARBALL = sys.argv[1], sys.argv[2], sys.argv[3]
TRACES = os.path.join(ROOT, "tests", "xen-traces")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

T = Tally()


def check(ok, what):
    T.check(ok, what)
    return ok


def run(*args):
    r = subprocess.run([XB] + list(args), capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def q(db, sql):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    v = c.execute(sql).fetchall()
    c.close()
    return v


def counts(db):
    return {t: q(db, "select count(*) from %s" % t)[0][0]
            for t in ("host", "run", "vm", "sample", "rollup", "vm_run")}


def plan_vms(db):
    rc, out, err = run("plan", "--db", db, "--since", "all", "--method", "aws",
                       "--min-coverage", "0", "-f", "json")
    if rc != 0:
        print(err)
        return None
    return {(v["host"], v["vm"]): json.dumps(v, sort_keys=True)
            for v in json.loads(out)["vms"]}


def xen_case(tmp):
    a = os.path.join(TRACES, "credit2-pinned-contention")
    b = os.path.join(TRACES, "credit-4pcpu-churn")
    db = os.path.join(tmp, "xen.db")
    rc1, _, e1 = run("import", "--db", db, "--start", "2026-01-01T00:00:00Z", a)
    rc2, _, e2 = run("import", "--db", db, "--start", "2026-01-04T00:00:00Z", b)
    if not check(rc1 == 0 and rc2 == 0, "two Xen captures imported, three days apart "
                 "%s" % (e1 + e2).strip()[:300]):
        return
    runs = dict(q(db, "select start_unix, run_id from run"))
    old, new = runs[1767225600.0], runs[1767484800.0]
    before = counts(db)
    old_rollups = q(db, "select count(*) from rollup where run_id = %d" % old)[0][0]
    new_samples = q(db, "select count(*) from sample where run_id = %d" % new)[0][0]
    plan_before = plan_vms(db)
    shutil.copy(db, db + ".orig")

    rc, out, err = run("import", "--db", db, "--start", "2026-01-04T00:00:00Z",
                       "--keep-raw", "1d", b)
    check(rc == 0 and "retention: deleted %d windows, 0 roll-ups, 0 runs"
          % (before["sample"] - new_samples) in out,
          "--keep-raw 1d: the older run's windows deleted: %s" % (out + err).strip()[-200:])
    after = counts(db)
    check(q(db, "select count(*) from sample where run_id = %d" % old)[0][0] == 0 and
          q(db, "select count(*) from rollup where run_id = %d" % old)[0][0] == old_rollups
          and q(db, "select count(*) from sample where run_id = %d" % new)[0][0] ==
          new_samples and after["vm"] == before["vm"] and after["run"] == before["run"],
          "--keep-raw 1d: its roll-ups (%d), the newer run's windows (%d), every VM and "
          "run kept: %s" % (old_rollups, new_samples, after))
    plan_after = plan_vms(db)
    check(plan_before is not None and plan_before == plan_after,
          "plan --method aws (5-minute maxima) of every VM (%d) is the same after "
          "--keep-raw" % len(plan_before or {}))

    rc, out, err = run("import", "--db", db, "--start", "2026-01-04T00:00:00Z",
                       "--keep", "1d", b)
    check(rc == 0 and "1 runs" in out,
          "--keep 1d: the older run deleted: %s" % (out + err).strip()[-200:])
    left = counts(db)
    vms_new = q(db + ".orig", "select count(distinct vm_id) from vm_run where run_id = %d"
                % new)[0][0]
    check(left["run"] == 1 and q(db, "select run_id from run") == [(new,)] and
          left["vm"] == vms_new and left["sample"] == new_samples,
          "--keep 1d: only the newer run, its %d VMs and %d windows are left: %s"
          % (vms_new, new_samples, left))

    # refusals leave the file as it was
    state = counts(db)
    for args, what in ((["--keep-raw", "2d", "--keep", "1d"], "longer than --keep"),
                       (["--keep", "1s"], "less than the minimum")):
        rc, _, err = run("import", "--db", db, *args, b)
        check(rc == 2 and what in err and counts(db) == state,
              "import %s: exit 2, '%s', the file as it was (%d: %s)"
              % (" ".join(args), what, rc, err.strip()[:160]))


def fleet_case(tmp):
    if not os.path.isfile(TARBALL):
        print("# no shared fleet at %s: fleet case skipped" % TARBALL)
        return
    subprocess.run(["tar", "-xJf", TARBALL, "-C", tmp, "2013-7/1.csv", "2013-7/2.csv"],
                   check=True)
    files = [os.path.join(tmp, "2013-7", f) for f in ("1.csv", "2.csv")]
    full, kept = os.path.join(tmp, "full.db"), os.path.join(tmp, "kept.db")
    rc1, _, e1 = run("import", "--format", "gwa", "--db", full, *files)
    rc2, out, e2 = run("import", "--format", "gwa", "--db", kept, "--keep", "7d", *files)
    if not check(rc1 == 0 and rc2 == 0, "two fleet VMs imported, with and without "
                 "--keep 7d %s" % (e1 + e2).strip()[:300]):
        return
    end = q(full, "select max(r.start_unix + r.span_s) from run r")[0][0]
    want = q(full, "select count(*) from rollup where t_unix + period > %r" %
             (end - 7 * 86400))[0][0]
    got = q(kept, "select count(*) from rollup")[0][0]
    oldest = q(kept, "select min(t_unix + period) from rollup")[0][0]
    total = q(full, "select count(*) from rollup")[0][0]
    check(got == want and 0 < got < total and oldest > end - 7 * 86400,
          "--keep 7d: %d of %d roll-ups kept, those ending in the last 7 days "
          "(%d counted here)" % (got, total, want))


def refusals(tmp):
    rc, _, err = run("record", "--keep", "1d", "-d", "1", "-o", os.path.join(tmp, "r"))
    check(rc == 2 and "give --db FILE" in err and not os.path.exists(os.path.join(tmp, "r")),
          "record --keep without --db: exit 2, nothing recorded (%s)" % err.strip())
    rc, _, err = run("record", "--source", "xen", "--db", os.path.join(tmp, "x.db"),
                     "-d", "1", "-o", os.path.join(tmp, "r"))
    check(rc == 2 and "Linux only" in err and not os.path.exists(os.path.join(tmp, "x.db")),
          "record --db on Xen: exit 2, says to import the run folder (%s)" % err.strip())
    rc, _, err = run("import", "--catalog", "aws-offer", "-o", os.path.join(tmp, "c.csv"),
                     "--keep", "1d", "x.json")
    check(rc == 2 and "not to --catalog" in err, "import --catalog --keep: exit 2 (%s)"
          % err.strip()[:120])


def main():
    tmp = tempfile.mkdtemp(prefix="xb-retention-")
    try:
        xen_case(tmp)
        fleet_case(tmp)
        refusals(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return T.close()


if __name__ == "__main__":
    sys.exit(main())
