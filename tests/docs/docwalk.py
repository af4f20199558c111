#!/usr/bin/env python3
"""docwalk.py: run the commands of a Markdown page exactly as written, so
documentation that drifts from the program fails a test.

    docwalk.py [--bin DIR] [--cwd DIR | --checkout] [--with-install] [--live]
               [--update] PAGE.md...

Every fenced code block that holds a line starting with "$ " is a walk
block: each "$ " line (joined with the lines after it while it ends in a
backslash) is a command; the lines up to the next command or the fence are
what the page says it prints.  The commands of a page run in order in one
bash session (a `cd` or a variable carries on to the next block), started
in a fresh folder that is also $HOME (--cwd gives another start), with DIR
(--bin) first on PATH, stdin from /dev/null.  With --bin (a build, not
the package) the data paths the package installs are read from the
checkout: /usr/share/xenbench/examples is examples/, .../catalog is
data/catalog/.  Each must exit 0; the walk
stops at the first that does not and names its page and line, the command,
its exit status and the end of its output.  --checkout: the fresh start
folder gets the links `build` (to DIR) and `examples` (to the checkout's),
so a page written from the top of a checkout (the README, `build/xenbench`)
walks as written without writing into the checkout.

A comment line before a block's fence sets how it is walked:
    <!-- docwalk: install -->      run only with --with-install (the steps
                                   that install the package: CI runs them)
    <!-- docwalk: live -->         run only with --live (steps that record or
                                   run loads on this host: root, tracefs)
    <!-- docwalk: skip: REASON --> not run; the walk lists it with REASON
    <!-- docwalk: status=N -->     its commands exit N (a failure shown)
    <!-- docwalk: shape -->        the output must have the page's shape:
                                   line by line, any number matching any
                                   number, any run of blanks any run,
                                   "..." any lines (at the end: any more)
    <!-- docwalk: head=N -->       --update keeps N lines of each output
    <!-- docwalk: keep -->         --update leaves the output as written
(several flags: `<!-- docwalk: shape head=20 -->`).

--update rewrites each run command's output in the page with what it
printed this time (stdout and stderr as a terminal shows them, the start
folder written as ~): how the pages with real output are regenerated.
Ends with "N passed, N failed" (a step is a command).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FENCE = re.compile(r"^(```|~~~)")
FLAGS = re.compile(r"^<!--\s*docwalk:\s*(.*?)\s*-->\s*$")
NUM = r"[-+]?\d+(?:[.,:]\d+)*"
# what the package installs where, and where a checkout has it (--bin)
INSTALLED = {"/usr/share/xenbench/examples": "examples",
             "/usr/share/xenbench/catalog": "data/catalog"}


class Step:
    def __init__(self, page, line, cmd, flags, out_first, out_last, shown):
        self.page, self.line, self.cmd, self.flags = page, line, cmd, flags
        self.out_first, self.out_last = out_first, out_last   # line indexes
        self.shown = shown                                    # the page's output
        self.rc = None
        self.out = ""


def parse_flags(text):
    flags = {}
    m = re.match(r"skip:\s*(.+)$", text)
    if m:
        return {"skip": m.group(1)}
    for w in text.split():
        k, _, v = w.partition("=")
        flags[k] = v if v else True
    return flags


def parse(page):
    """The steps of a page: [Step], in order."""
    with open(page) as f:
        lines = f.read().split("\n")
    steps, i = [], 0
    flags = {}
    while i < len(lines):
        m = FLAGS.match(lines[i])
        if m:
            flags = parse_flags(m.group(1))
            i += 1
            continue
        if not FENCE.match(lines[i]):
            if lines[i].strip():
                flags = {}
            i += 1
            continue
        fence = FENCE.match(lines[i]).group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith(fence):
            j += 1
        body = list(range(i + 1, j))
        k = 0
        while k < len(body):
            n = body[k]
            if not lines[n].startswith("$ "):
                k += 1
                continue
            cmd = [lines[n][2:]]
            while cmd[-1].endswith("\\") and k + 1 < len(body):
                k += 1
                cmd.append(lines[body[k]])
            cmd_end = body[k] + 1             # the line after the command
            while k + 1 < len(body) and not lines[body[k + 1]].startswith("$ "):
                k += 1
            out_end = max(cmd_end, body[k] + 1)
            steps.append(Step(page, n + 1, "\n".join(cmd), flags, cmd_end, out_end,
                              lines[cmd_end:out_end]))
            k += 1
        flags = {}
        i = j + 1
    return steps, lines


def run(steps, start, home, path, outdir, timeout, mapped):
    """Run the steps in one bash session; fill rc and out of each that ran."""
    script = ["cd %s || exit 99" % sh_quote(start)]
    for n, s in enumerate(steps):
        want = s.flags.get("status", "0")
        cmd = s.cmd
        if mapped:
            for installed, here in INSTALLED.items():
                cmd = cmd.replace(installed, os.path.join(TOP, here))
        script += ["{ %s" % cmd, "} > %s/%d.out 2>&1 < /dev/null" % (outdir, n),
                   "echo $? > %s/%d.rc" % (outdir, n),
                   '[ "$(cat %s/%d.rc)" = %s ] || exit 0' % (outdir, n, want)]
    env = dict(os.environ, HOME=home, PATH=path, LC_ALL="C.UTF-8")
    env.pop("XENBENCH_DB", None)
    try:
        subprocess.run(["bash", "-c", "\n".join(script)], env=env, timeout=timeout,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pass
    for n, s in enumerate(steps):
        try:
            with open("%s/%d.rc" % (outdir, n)) as f:
                s.rc = int(f.read().strip())
        except (OSError, ValueError):
            s.rc = None
        try:
            with open("%s/%d.out" % (outdir, n), errors="replace") as f:
                s.out = f.read()
        except OSError:
            s.out = ""
        s.out = s.out.replace(home, "~")
        if mapped:
            for installed, here in INSTALLED.items():
                s.out = s.out.replace(os.path.join(TOP, here), installed)


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def line_re(doc_line):
    parts = re.split(r"(%s|\s+)" % NUM, doc_line.rstrip())
    rx = ""
    for p in parts:
        if not p:
            continue
        if re.fullmatch(NUM, p):
            rx += NUM
        elif p.isspace():
            rx += r"\s+"
        else:
            rx += re.escape(p)
    return re.compile(rx + r"\s*$")


def shape_diff(shown, got):
    """None when got has the shape of shown, else what differs."""
    got = got.rstrip("\n").split("\n") if got.strip() else []
    shown = list(shown)
    while shown and not shown[-1].strip():
        shown.pop()
    g, skipping = 0, False
    for d in shown:
        if d.strip() == "...":
            skipping = True
            continue
        rx = line_re(d)
        while g < len(got) and not rx.match(got[g]):
            if not skipping:
                return "page says %r, the program printed %r" % (d, got[g])
            g += 1
        if g == len(got):
            return "page says %r, not printed%s" % (d, " (after the lines skipped by ...)"
                                                    if skipping else "")
        g += 1
        skipping = False
    if g < len(got) and not skipping:
        return "the program printed more than the page shows, from %r" % got[g]
    return None


def update(page, lines, steps):
    """Write each run step's output into the page (bottom up, so indexes hold)."""
    for s in reversed(steps):
        if s.rc is None or "keep" in s.flags or "skip" in s.flags:
            continue
        out = s.out.rstrip("\n").split("\n") if s.out.strip() else []
        head = int(s.flags.get("head", 0) or 0)
        if head and len(out) > head:
            out = out[:head] + ["..."]
        lines[s.out_first:s.out_last] = out
    with open(page, "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--bin", help="a folder put first on PATH (e.g. build/)")
    ap.add_argument("--cwd", help="the folder the walk starts in (default: a fresh one)")
    ap.add_argument("--with-install", action="store_true",
                    help="run the blocks marked install too")
    ap.add_argument("--live", action="store_true",
                    help="run the blocks marked live too")
    ap.add_argument("--checkout", action="store_true",
                    help="start in a fresh folder with links build (--bin) and examples")
    ap.add_argument("--update", action="store_true",
                    help="write what each command printed into the page")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per page")
    a = ap.parse_args()
    passed = failed = 0
    path = os.environ.get("PATH", "/usr/bin:/bin")
    if a.bin:
        path = os.path.abspath(a.bin) + os.pathsep + path
    for page in a.pages:
        rel = os.path.relpath(page, TOP)
        steps, lines = parse(page)
        todo = [s for s in steps if "skip" not in s.flags and
                ("install" not in s.flags or a.with_install) and
                ("live" not in s.flags or a.live)]
        for s in steps:
            if "skip" in s.flags:
                print("# %s:%d: not run (%s): %s" % (rel, s.line, s.flags["skip"], s.cmd))
            elif "install" in s.flags and not a.with_install:
                print("# %s:%d: not run (an install step; --with-install runs it): %s"
                      % (rel, s.line, s.cmd))
            elif "live" in s.flags and not a.live:
                print("# %s:%d: not run (records on this host; --live runs it): %s"
                      % (rel, s.line, s.cmd))
        if not todo:
            print("# %s: no command to run" % rel)
            continue
        home = tempfile.mkdtemp(prefix="docwalk.")
        outdir = tempfile.mkdtemp(prefix="docwalk-out.")
        if a.checkout:
            os.symlink(os.path.abspath(a.bin or os.path.join(TOP, "build")),
                       os.path.join(home, "build"))
            os.symlink(os.path.join(TOP, "examples"), os.path.join(home, "examples"))
        try:
            run(todo, os.path.abspath(a.cwd) if a.cwd else home, home, path, outdir,
                a.timeout, bool(a.bin))
        finally:
            shutil.rmtree(outdir, ignore_errors=True)
        stopped = False
        for s in todo:
            want = int(s.flags.get("status", 0))
            where = "%s:%d: $ %s" % (rel, s.line, s.cmd.replace("\n", " "))
            if stopped or s.rc is None:
                failed += 1
                print("not ok - %s (not run: %s)" % (where, "an earlier step failed"
                                                     if stopped else "timed out or killed"))
                stopped = True
                continue
            why = None
            if s.rc != want:
                tail = "\n    ".join(s.out.rstrip("\n").split("\n")[-12:])
                why = "exit status %d, the page expects %d; output ends:\n    %s" % (
                    s.rc, want, tail)
                stopped = True
            elif "shape" in s.flags and not a.update:
                why = shape_diff(s.shown, s.out)
            if why:
                failed += 1
                print("not ok - %s: %s" % (where, why))
            else:
                passed += 1
                print("ok - %s" % where)
        if a.update:
            update(page, lines, todo)
            print("# %s: outputs rewritten from this run" % rel)
        shutil.rmtree(home, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
