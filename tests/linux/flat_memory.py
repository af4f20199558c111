#!/usr/bin/env python3
"""flat_memory.py: reading a Linux run folder takes memory that does not
grow with the run (issue 16).

Usage: flat_memory.py XENBENCH SYNTH_RUN FORMATS_DIR

Writes synthetic Linux runs of 256 MiB and 512 MiB (tests/linux/synth_run.c:
a context-switch storm on 2 CPUs) into a temporary folder, then runs
`xenbench report` and `xenbench import` on each and takes the child's peak
RSS from getrusage (os.wait4).  Asserts every peak is under BOUND_MB, the
two report peaks (and the two import peaks) differ by less than DIFF_MB,
and that each command read the whole run: the 512 MiB run has twice the
events of the 256 MiB one and the span the generator wrote.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

BOUND_MB = 64          # issue 16: < 64 MB for a 1 GB run folder
DIFF_MB = 8            # issue 16: the peaks differ by less than 8 MB
SIZES_MB = (256, 512)


def run(argv):
    """Run argv; return (exit status, stdout, stderr, peak RSS in MiB)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(argv, stdout=out, stderr=err)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    return (p.returncode, out.read().decode(), err.read().decode(),
            ru.ru_maxrss / 1024.0)


def main():
    xb, synth, formats = sys.argv[1:4]
    failures = []
    tmp = tempfile.mkdtemp(prefix="xb-flat-memory-")
    try:
        peaks = {"report": [], "import": []}
        events = []
        for size in SIZES_MB:
            run_dir = os.path.join(tmp, "run%d" % size)
            g = subprocess.run([synth, formats, run_dir, str(size)],
                               capture_output=True, text=True)
            if g.returncode != 0:
                sys.exit("synth_run failed: " + g.stderr)
            span = float(re.search(r"([0-9.]+) s of events", g.stdout).group(1))
            rc, out, err, rss = run([xb, "report", run_dir])
            if rc != 0:
                failures.append("report %d MiB: exit %d: %s" % (size, rc, err))
                continue
            m = re.search(r"^events: (\d+) read", out, re.M)
            s = re.search(r"^span: ([0-9.]+) s", out, re.M)
            if not m or not s:
                failures.append("report %d MiB: no events/span line" % size)
                continue
            events.append(int(m.group(1)))
            if abs(float(s.group(1)) - span) > 0.001:
                failures.append("report %d MiB: span %s s, the run holds %.3f s"
                                % (size, s.group(1), span))
            peaks["report"].append(rss)
            print("report %4d MiB: %d events, peak RSS %.1f MiB"
                  % (size, events[-1], rss))
            db = os.path.join(tmp, "h%d.db" % size)
            rc, out, err, rss = run([xb, "import", "--db", db, run_dir])
            if rc != 0:
                failures.append("import %d MiB: exit %d: %s" % (size, rc, err))
                continue
            peaks["import"].append(rss)
            print("import %4d MiB: peak RSS %.1f MiB" % (size, rss))
            shutil.rmtree(run_dir)
        if len(events) == 2 and not 1.95 < events[1] / events[0] < 2.05:
            failures.append("events %d and %d: the larger run was not read whole"
                            % tuple(events))
        for cmd, p in peaks.items():
            for size, rss in zip(SIZES_MB, p):
                if rss >= BOUND_MB:
                    failures.append("%s %d MiB: peak RSS %.1f MiB, bound %d MiB"
                                    % (cmd, size, rss, BOUND_MB))
            if len(p) == 2 and abs(p[1] - p[0]) >= DIFF_MB:
                failures.append("%s: peak RSS %.1f MiB at 256 MiB, %.1f at 512 "
                                "MiB: grows with the run (limit %d MiB)"
                                % (cmd, p[0], p[1], DIFF_MB))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL: " + f)
    if failures:
        sys.exit(1)
    print("ok: peaks under %d MiB, within %d MiB of each other" % (BOUND_MB, DIFF_MB))


if __name__ == "__main__":
    main()
