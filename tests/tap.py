"""tap.py: the "ok - ..." / "not ok - ..." lines and the closing count that
the Python tests print (imported by tests/*.py and tests/plan/*.py)."""

passed = failed = 0


def check(ok, what):
    """Print one result line; returns ok."""
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("not ok - " + what)
    return ok


def finish(skipped=False):
    """Print "N passed, N failed"; the exit status: 1 on a failure, else 77
    (meson's SKIP) when a part could not run, else 0."""
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 77 if skipped else 0
