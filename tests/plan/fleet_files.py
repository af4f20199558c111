"""fleet_files.py: what tests/plan's checks on the shared fleet share: the
run in a temporary folder (skipped when the fleet is not there) and a
database's state (what "as it was" means after a failed import)."""
import os
import shutil
import sqlite3
import tempfile


def run_with_fleet(tarball, prefix, body):
    """body(tmp) in a fresh temporary folder, removed after; 77 (skipped)
    when the fleet's tarball is not there."""
    if not os.path.isfile(tarball):
        print("# no shared fleet at %s: skipped" % tarball)
        return 77
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        return body(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def db_state(path):
    """Every table's row count and the runs' keys."""
    c = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    tables = [r[0] for r in c.execute("select name from sqlite_master where type='table'")]
    state = {t: c.execute("select count(*) from %s" % t).fetchone()[0] for t in tables}
    state["run keys"] = sorted(r[0] for r in c.execute("select run_key from run"))
    c.close()
    return state
