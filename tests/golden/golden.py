#!/usr/bin/env python3
"""golden.py: the report, profile and plan output of every fixture, held
against the output saved before a refactor (tests/golden/expected/).

A change that must not alter what xenbench prints (issue 10's architecture
step) is checked here: the table byte for byte; CSV and JSON as parsed
values, a number equal when it agrees at the precision the saved file
printed (jansson and the CSV writer may format differently).  Columns and
keys that the saved output does not have are allowed only when listed in
ADDITIONS, the additions a change declares.

A change that means to alter the output regenerates the saved files
(`golden.py --update BUILD/xenbench`) and says why in its commit.

Usage: golden.py [--update] BUILD/xenbench
Fixtures: the real Xen traces (../shared/xen-traces/, tests/xen-traces/),
the example run folder, two recorded Linux runs (tests/linux-runs/), and a
history database imported from all of them (profile, plan).
"""
import csv
import glob
import io
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
EXPECTED = os.path.join(HERE, "expected")
SHARED = os.path.join(TOP, "..", "shared")

# Columns (CSV) and keys (JSON) a change adds on purpose.
ADDITIONS = {
    "net_rx_mbps", "net_tx_mbps",
    "stolen_pcpu_s", "stolen_pct",      # /proc/stat steal (Linux runs that sampled it)
}

sys.path.insert(0, os.path.dirname(HERE))
from tap import check, finish  # noqa: E402


def mhz(folder):
    info = os.path.join(folder, "xl-info.txt")
    if os.path.exists(info):
        m = re.search(r"^cpu_mhz\s*:\s*([\d.]+)", open(info).read(), re.M)
        if m:
            return m.group(1)
    return open(os.path.join(folder, "cpu_mhz.txt")).read().strip()


def names_file(folder, tmp):
    path = os.path.join(tmp, os.path.basename(folder) + "-names.txt")
    with open(path, "w") as out:
        for f in sorted(glob.glob(os.path.join(folder, "xl-list*.txt"))):
            if not f.endswith("xl-list-v.txt"):
                out.write(open(f).read())
    return path


def inputs(tmp):
    """(case name, report arguments) for every fixture found."""
    out = []
    roots = [os.path.join(SHARED, "xen-traces"), os.path.join(TOP, "tests", "xen-traces")]
    for root in roots:
        for folder in sorted(glob.glob(os.path.join(root, "*"))):
            if not os.path.isdir(folder):
                continue
            rate, names = mhz(folder), names_file(folder, tmp)
            for trace in sorted(glob.glob(os.path.join(folder, "trace-*.bin"))):
                case = os.path.basename(folder) + "-" + os.path.basename(trace)[:-4]
                out.append((case, [trace, "--tsc-hz", rate + "M", "--names", names]))
    out.append(("example-run", [os.path.join(TOP, "examples", "credit2-2pcpu-3guests")]))
    for run in sorted(glob.glob(os.path.join(TOP, "tests", "linux-runs", "*", ""))):
        run = run.rstrip("/")
        out.append(("linux-" + os.path.basename(run), [run]))
    return out


VARIANTS = [  # suffix, extra report arguments, kind
    ("table", [], "text"),
    ("table-vcpu-i2", ["--vcpu", "--idle", "--execs", "-i", "2"], "text"),
    ("csv", ["-f", "csv", "--vcpu"], "csv"),
    ("csv-i1", ["-f", "csv", "-i", "1"], "csv"),
    ("csv-io-i1", ["-f", "csv", "--table", "io", "-i", "1"], "csv"),
    ("csv-disk-i1", ["-f", "csv", "--table", "disk", "-i", "1"], "csv"),
    ("csv-run", ["-f", "csv", "--table", "run"], "csv"),
    ("json", ["-f", "json", "--vcpu"], "json"),
    ("json-i1", ["-f", "json", "-i", "1"], "json"),
]


def run(xb, args, env=None):
    """Run from the top of the checkout with relative paths, so that no
    path of this machine is in the output."""
    args = [os.path.relpath(a, TOP) if os.path.isabs(a) and os.path.exists(a) else a
            for a in args]
    r = subprocess.run([xb] + args, capture_output=True, text=True, env=env, cwd=TOP)
    return r.returncode, r.stdout


def outputs(xb, tmp):
    """{file name: (kind, text)} of everything compared."""
    res = {}
    cases = inputs(tmp)
    for case, args in cases:
        for suffix, extra, kind in VARIANTS:
            rc, text = run(xb, ["report"] + args + extra)
            res["%s.%s.%s" % (case, suffix, {"text": "txt"}.get(kind, kind))] = \
                (kind, "exit %d\n%s" % (rc, text) if kind == "text" else text)
    env = dict(os.environ, XENBENCH_DB=os.path.join(tmp, "golden.db"))
    env.pop("XENBENCH_CATALOG", None)
    for case, args in cases:
        # A bare trace is dated by its file time, which a checkout changes:
        # a fixed start keeps the output the same everywhere.
        start = ["--start", "2000-01-01T00:00:00Z"] if "--tsc-hz" in args else []
        rc, text = run(xb, ["import"] + args + start, env)
        if rc != 0:
            res["import-" + case + ".txt"] = ("text", "exit %d\n" % rc)
    for suffix, extra, kind in [("table", [], "text"), ("csv", ["-f", "csv"], "csv"),
                                ("json", ["-f", "json"], "json")]:
        ext = {"text": "txt"}.get(kind, kind)
        rc, text = run(xb, ["profile", "--since", "all"] + extra, env)
        res["history-profile.%s.%s" % (suffix, ext)] = \
            (kind, "exit %d\n%s" % (rc, text) if kind == "text" else text)
        # seconds of data: below the 30 h minimum, sized anyway to compare
        rc, text = run(xb, ["plan", "--since", "all", "--min-coverage", "0"] + extra,
                       env)
        res["history-plan.%s.%s" % (suffix, ext)] = \
            (kind, "exit %d\n%s" % (rc, text) if kind == "text" else text)
    return res


def decimals(s):
    m = re.fullmatch(r"-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?", s.strip())
    if not m:
        return None
    return len(m.group(1) or "")


def same_value(want, got):
    """want and got as text; numbers equal at want's printed precision."""
    if want == got:
        return True
    d = decimals(want)
    if d is None or decimals(got) is None:
        return False
    w, g = float(want), float(got)
    if "e" in want.lower():
        return abs(w - g) <= 1e-9 * max(abs(w), 1e-300) * 10 ** (17 - d)
    return abs(w - g) <= 0.5 * 10 ** -d + 1e-9 * abs(w)


def cmp_csv(want, got, name):
    wr = list(csv.reader(io.StringIO(want)))
    gr = list(csv.reader(io.StringIO(got)))
    problems = []
    # a file may hold more than one table (a blank line between): split
    def tables(rows):
        out, cur = [], []
        for r in rows:
            if not r:
                if cur:
                    out.append(cur)
                cur = []
            else:
                cur.append(r)
        if cur:
            out.append(cur)
        return out
    wt, gt = tables(wr), tables(gr)
    if len(wt) != len(gt):
        return ["%d tables, expected %d" % (len(gt), len(wt))]
    for ti, (a, b) in enumerate(zip(wt, gt)):
        wh, gh = a[0], b[0]
        extra = [c for c in gh if c not in wh]
        missing = [c for c in wh if c not in gh]
        if missing:
            problems.append("table %d: columns missing: %s" % (ti, missing))
        bad = [c for c in extra if c not in ADDITIONS]
        if bad:
            problems.append("table %d: columns not declared: %s" % (ti, bad))
        if len(a) != len(b):
            problems.append("table %d: %d rows, expected %d" % (ti, len(b), len(a)))
            continue
        for ri, (x, y) in enumerate(zip(a[1:], b[1:]), 1):
            wm, gm = dict(zip(wh, x)), dict(zip(gh, y))
            for c in wh:
                if c in gm and not same_value(wm[c], gm[c]):
                    problems.append("table %d row %d %s: %r, expected %r"
                                    % (ti, ri, c, gm[c], wm[c]))
    return problems


def cmp_json(want, got, path="$"):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return ["%s: not an object" % path]
        out = []
        for k in want:
            if k not in got:
                out.append("%s.%s: missing" % (path, k))
            else:
                out += cmp_json(want[k], got[k], path + "." + k)
        for k in got:
            if k not in want and k not in ADDITIONS:
                out.append("%s.%s: not declared" % (path, k))
        return out
    if isinstance(want, list):
        if not isinstance(got, list) or len(want) != len(got):
            return ["%s: %s items, expected %d" % (path, len(got) if isinstance(got, list)
                                                   else "no", len(want))]
        out = []
        for i, (a, b) in enumerate(zip(want, got)):
            out += cmp_json(a, b, "%s[%d]" % (path, i))
        return out
    if isinstance(want, str) and isinstance(got, str) and not (
            want.startswith("#") or got.startswith("#")):
        return [] if want == got else ["%s: %r, expected %r" % (path, got, want)]
    if type(want) is not type(got) or not isinstance(want, str):
        return [] if want == got else ["%s: %r, expected %r" % (path, got, want)]
    return [] if same_value(want.lstrip("#"), got.lstrip("#")) else \
        ["%s: %s, expected %s" % (path, got.lstrip("#"), want.lstrip("#"))]


def load_json(text):
    # numbers kept as their text ("#" marks them) so precision is known
    num = lambda s: "#" + s
    return json.loads(text, parse_float=num, parse_int=num)


def main():
    args = sys.argv[1:]
    update = bool(args) and args[0] == "--update"
    if update:
        args = args[1:]
    xb = os.path.abspath(args[0])
    with tempfile.TemporaryDirectory() as tmp:
        res = outputs(xb, tmp)
    if update:
        os.makedirs(EXPECTED, exist_ok=True)
        for f in glob.glob(os.path.join(EXPECTED, "*")):
            os.unlink(f)
        for name, (_, text) in sorted(res.items()):
            with open(os.path.join(EXPECTED, name), "w") as out:
                out.write(text)
        print("golden.py: wrote %d files into %s" % (len(res), EXPECTED))
        return 0
    saved = sorted(os.path.basename(f) for f in glob.glob(os.path.join(EXPECTED, "*")))
    check(len(saved) > 0, "saved outputs found (%d)" % len(saved))
    for name in saved:
        if name not in res:
            # a fixture under ../shared may be absent where shared/ is not
            check(False, "%s: produced" % name)
            continue
        kind, text = res[name]
        want = open(os.path.join(EXPECTED, name)).read()
        if kind == "text":
            ok = text == want
            detail = ""
            if not ok:
                wl, gl = want.splitlines(), text.splitlines()
                for i in range(max(len(wl), len(gl))):
                    a = wl[i] if i < len(wl) else "<none>"
                    b = gl[i] if i < len(gl) else "<none>"
                    if a != b:
                        detail = ": line %d: %r, expected %r" % (i + 1, b, a)
                        break
            check(ok, "%s: byte for byte%s" % (name, detail))
        elif kind == "csv":
            p = cmp_csv(want, text, name)
            check(not p, "%s: same values%s" % (name, (": " + "; ".join(p[:3])) if p else ""))
        else:
            try:
                p = cmp_json(load_json(want), load_json(text))
            except ValueError as e:
                p = ["not JSON: %s" % e]
            check(not p, "%s: same values%s" % (name, (": " + "; ".join(p[:3])) if p else ""))
    for name in sorted(set(res) - set(saved)):
        check(False, "%s: no saved output (run golden.py --update and commit)" % name)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
