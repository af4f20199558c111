#!/usr/bin/env python3
"""check-layers.py: the layering rule of src/, read from docs/architecture.md.

Data flows from sources to presenters; includes go the other way.  The
floors are the block after the line "<!-- floors -->" in
docs/architecture.md, lowest first, one floor a line.  A room is a folder
of src/ ("source/linux"; "main" is src/ itself); a room not listed belongs
to the nearest listed folder above it.  On one line, rooms separated by ","
may include each other; rooms separated by "|" are apart: neither includes
the other (nor anything below it: "decode | source" keeps decode out of
source/linux too).

A file may include a header of its own floor or a lower one, unless the two
rooms are apart; and no module (x.c with x.h) may reach itself through its
includes; no two headers share an include guard (the first one included
would silently hide the other).  Each .c file opens with a comment that names
it ("/* name.c: what it owns ...") and says what it must not touch ("must
not", "never" or "touches only" in that first comment: SQLite's habit).
Every violation is printed as FILE:LINE: what; the exit status
is 1 when there is one, 2 when the floors cannot be read.

Usage: check-layers.py [--src DIR] [--doc FILE]   (defaults: src/,
docs/architecture.md of this checkout)
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_floors(doc):
    """[(floor index, room)], {frozenset(apart pair)}"""
    lines = open(doc).read().splitlines()
    try:
        start = lines.index("<!-- floors -->")
    except ValueError:
        sys.exit("%s: no line '<!-- floors -->' before the floors block" % doc)
    floors, apart, inblock = {}, set(), False
    for no, line in enumerate(lines[start + 1:], start + 2):
        if line.startswith("```"):
            if inblock:
                break
            inblock = True
            continue
        if not inblock or not line.strip():
            continue
        text = line.split("#")[0].strip()
        level = len(set(floors.values()))
        groups = [g.strip() for g in text.split("|")]
        names = []
        for g in groups:
            names.append([r.strip() for r in g.split(",") if r.strip()])
        for g in names:
            for r in g:
                if r in floors:
                    sys.exit("%s:%d: room %s listed twice" % (doc, no, r))
                floors[r] = level
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                for a in names[i]:
                    for b in names[j]:
                        apart.add(frozenset((a, b)))
    if not floors:
        sys.exit("%s: the floors block is empty" % doc)
    return floors, apart


def room_of(rel_dir, floors):
    """The listed room a folder of src/ belongs to, or None."""
    d = rel_dir or "main"
    while True:
        if d in floors:
            return d
        if "/" not in d:
            return None
        d = d.rsplit("/", 1)[0]


def within(room, top):
    return room == top or room.startswith(top + "/")


def is_apart(a, b, apart):
    for pair in apart:
        x, y = tuple(pair)
        if (within(a, x) and within(b, y)) or (within(a, y) and within(b, x)):
            return True
    return False


def main():
    args = sys.argv[1:]
    src, doc = os.path.join(TOP, "src"), os.path.join(TOP, "docs", "architecture.md")
    while args:
        if args[0] == "--src" and len(args) > 1:
            src, args = args[1], args[2:]
        elif args[0] == "--doc" and len(args) > 1:
            doc, args = args[1], args[2:]
        else:
            sys.exit(__doc__)
    floors, apart = read_floors(doc)
    files = []
    for root, _, names in os.walk(src):
        for n in sorted(names):
            if n.endswith((".c", ".h")):
                files.append(os.path.relpath(os.path.join(root, n), src))
    files.sort()
    known = set(files)
    problems = []
    edges = {}   # module -> {module: (file, line)}
    inc_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    guard_re = re.compile(r'^\s*#\s*ifndef\s+(\w+)')
    guards = {}
    for f in files:
        if f.endswith(".h"):
            for no, line in enumerate(open(os.path.join(src, f), errors="replace"), 1):
                m = guard_re.match(line)
                if m:
                    if m.group(1) in guards:
                        problems.append("%s:%d: include guard %s is also %s's"
                                        % (f, no, m.group(1), guards[m.group(1)]))
                    guards.setdefault(m.group(1), f)
                    break
    for f in files:
        if not f.endswith(".c"):
            continue
        text = open(os.path.join(src, f), errors="replace").read()
        name = os.path.basename(f)
        if not text.startswith("/* %s:" % name):
            problems.append("%s:1: does not open with a comment naming it "
                            "(\"/* %s: what it owns ...\")" % (f, name))
            continue
        first = re.sub(r"\s*\n\s*\*?\s*", " ", text[:text.find("*/") + 2])
        if not re.search(r"must not|never|touches only", first, re.I):
            problems.append("%s:1: its opening comment does not say what it must "
                            "not touch" % f)
    for f in files:
        d = os.path.dirname(f)
        room = room_of(d, floors)
        if room is None:
            problems.append("%s: folder %s/ is on no floor of %s"
                            % (f, d or ".", os.path.relpath(doc, TOP)))
            continue
        mod = f[:-2]
        for no, line in enumerate(open(os.path.join(src, f), errors="replace"), 1):
            m = inc_re.match(line)
            if not m:
                continue
            target = m.group(1)
            local = os.path.normpath(os.path.join(d, target))
            if local in known:
                target = local
            elif target not in known:
                continue              # a header of the tests or the system
            troom = room_of(os.path.dirname(target), floors)
            if troom is None:
                continue              # reported for the file itself
            if is_apart(room, troom, apart):
                problems.append("%s:%d: includes %s: %s and %s are apart"
                                % (f, no, target, room, troom))
            elif floors[troom] > floors[room]:
                problems.append("%s:%d: includes %s: an upward include (%s is above %s)"
                                % (f, no, target, troom, room))
            tmod = target[:-2]
            if tmod != mod:
                edges.setdefault(mod, {}).setdefault(tmod, (f, no))
    # cycles between modules (x.c and x.h are one module)
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(edges.get(m, {})):
            if state.get(t) == 1:
                cyc = stack[stack.index(t):] + [t]
                f, no = edges[m][t]
                problems.append("%s:%d: a cycle: %s" % (f, no, " -> ".join(cyc)))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    for p in problems:
        print(p)
    print("check-layers: %d files, %d rooms on %d floors, %d violations"
          % (len(files), len(floors), len(set(floors.values())), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
