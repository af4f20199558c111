#!/usr/bin/env python3
"""messages.py: every message xenbench can print on stderr is explained in
docs/troubleshooting.md, and the page explains no message that is gone.

    messages.py [--src DIR] [--doc FILE]     check (exit 1 on a difference)
    messages.py --list                       every message, where it is made
    messages.py --missing                    table rows to paste for the
                                             messages the page lacks

A message is the literal format string (string literals joined, PRIu64 and
friends as %lu/%ld/%lx/%u, a trailing newline dropped) of a call in src/ to:
  - xb_err_set, and every function taking a format (format(printf, N, ...))
    or a message (a parameter const char *msg, why, what, reason) whose body
    calls one of these (the error wrappers: file:line prefixes and the like);
  - such a function with "warn" or "note" in its name (the channel that
    carries warnings and progress to the command, util/notes.h), or whose
    body writes to stderr (progress printers);
  - fprintf(stderr, ...), fputs(..., stderr);
  - snprintf into a message kept for later (a destination named msg, why,
    warning, reason, failed, failure, bad, or any snprintf in a function
    whose name ends in _why, _msg, _message, _reason, _warning).
The "xenbench: " or "xenbench COMMAND: " a line starts with is not part of
the message; a format of several lines is one message a line.  A literal
passed as a message (not a format), built by snprintf or set to a
variable, of fewer than three words is a part put into a message ("SQL", "USD"): it is not
required, but a row may explain it.
A format
with no literal text besides conversions and punctuation ("%s: '%s'") only
passes a message on and is not listed, but the literals the variables it
prints are set to in that file are ("bad = \"--since: not a look-back\"").
Where a format is picked by a ternary, each branch is a message.

The page holds each message as a code span in the first column of a table
row: | `message` | cause | what to do |  (several spans in one cell share
the row; a `|` inside a span is written `\\|`).  The check fails naming every message the page lacks (with the file
and line that prints it) and every row whose message no file prints any more.
"""
import argparse
import os
import re
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PRI = {"PRIu64": "lu", "PRId64": "ld", "PRIx64": "lx", "PRIX64": "lX",
       "PRIu32": "u", "PRId32": "d", "PRIx32": "x", "PRIu16": "u", "PRIu8": "u",
       "PRIi64": "li", "PRIuMAX": "ju", "PRIdMAX": "jd"}
# what the command prints before every message: "xenbench: ", "xenbench plan: "
PREFIX = re.compile(r"^xenbench(?: [a-z]+| %s)?: ")
ONLY_CONVERSIONS = re.compile(r"^(\s|%[-+ #0]*[0-9*]*(\.[0-9*]+)?(hh|h|ll|l|j|z|t|L)?[diouxXeEfFgGaAcsp%]|[:;,.()'\"\[\]=-])*$")


def strip_comments(text):
    """C text with comments blanked (newlines kept, so lines stay right)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def call_args(text, open_paren):
    """The top-level arguments of the call whose '(' is at open_paren, as
    (start, end) spans, and the index after ')'."""
    depth, i, start, spans = 0, open_paren, open_paren + 1, []
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                spans.append((start, i))
                return spans, i + 1
        elif c == "," and depth == 1:
            spans.append((start, i))
            start = i + 1
        i += 1
    return spans, n


def unescape(s):
    # terminal control (a progress line rewritten in place) is not text
    s = re.sub(r"\\r|\\033\[[0-9;]*[A-Za-z]", "", s)
    s = s.replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\x00")
    s = s.replace("\\n", "\n").replace("\\t", "\\t").replace("\x00", "\\")
    return s


def literal_runs(arg):
    """Each run of adjacent string literals (with PRI macros) in arg, joined;
    an argument that is one literal run gives one, a ternary gives two."""
    runs, cur, i, n = [], None, 0, len(arg)
    tok = re.compile(r'\s+|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|PRI[a-zA-Z0-9]+')
    while i < n:
        m = tok.match(arg, i)
        if m:
            t = m.group(0)
            if t.startswith("'"):
                if cur is not None:
                    runs.append(cur)
                cur = None
            elif t.startswith('"'):
                cur = (cur or "") + t[1:-1]
            elif t.startswith("PRI"):
                cur = (cur or "") + PRI.get(t, t)
            i = m.end()
            continue
        if cur is not None:
            runs.append(cur)
            cur = None
        i += 1
    if cur is not None:
        runs.append(cur)
    return [unescape(r) for r in runs]


def definitions(text, spans=None):
    """[(name, [param, ...], body)] of the functions defined in text; with
    spans (a list), also (start, end, name) of each."""
    out = []
    for m in re.finditer(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\s*\(([^;{)]*(?:\([^)]*\)[^;{)]*)*)\)"
                         r"\s*(?:__attribute__\s*\(\([^;{]*\)\)\s*)?\{", text, re.M):
        depth, i = 0, m.end() - 1
        while i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                break
            i += 1
        params = [p.strip() for p in m.group(2).split(",")]
        out.append((m.group(1), params, text[m.end():i]))
        if spans is not None:
            spans.append((m.start(), i, m.group(1)))
    return out


FORMAT_FUNCS = set()          # the functions that take a printf format
FRAGMENTS = set()             # parts of messages: not required, not stale
MSG_PARAM = re.compile(r"\bconst\s+char\s*\*\s*(msg|why|what|reason|message|text)$")
MSG_DEST = re.compile(r"(msg|why|what|warn|warning|reason|failed|failure|bad)\s*$")
MSG_FUNC = re.compile(r"(_why|_msg|_message|_reason|_warning)$")


def functions(src):
    """{name: (arg_index, kind)}: xb_err_set, and every function of src/ that
    takes a format (format(printf, N, ...)) or a message parameter (const
    char *msg, why, what, reason) and that sets an error (kind "error": it
    calls an error function), is a warning function ("warn" in its name) or
    writes to stderr ("stderr")."""
    attr = {}
    decl = re.compile(r"\b(\w+)\s*\(([^;{)]*(?:\([^)]*\)[^;{)]*)*)\)\s*"
                      r"__attribute__\s*\(\(\s*format\s*\(\s*printf\s*,\s*(\d+)")
    defs = {}
    for text in src.values():
        for m in decl.finditer(text):
            attr[m.group(1)] = int(m.group(3))
        for name, params, body in definitions(text):
            d = defs.setdefault(name, [None, ""])
            d[1] += body
            for k, prm in enumerate(params):
                if MSG_PARAM.search(prm):
                    d[0] = k + 1
    cand = dict(attr)
    for name, (idx, body) in defs.items():
        if name not in attr and idx:
            cand[name] = idx
    FORMAT_FUNCS.update(attr)
    FORMAT_FUNCS.add("xb_err_set")
    kinds = {"xb_err_set": (3, "error")}
    changed = True
    while changed:
        changed = False
        for name, idx in cand.items():
            if name in kinds:
                continue
            body = defs.get(name, [None, ""])[1]
            kind = None
            if "warn" in name or "note" in name:
                kind = "warning"
            elif any(re.search(r"\b%s\s*\(" % re.escape(f), body)
                     for f, (_, k) in kinds.items() if k == "error"):
                kind = "error"
            elif "stderr" in body:
                kind = "stderr"
            if kind:
                kinds[name] = (idx, kind)
                changed = True
    return kinds


def rhs(text, at):
    """The right-hand side of an assignment starting at index at: up to ';'
    or a ',' outside strings and brackets."""
    depth, i, n = 0, at, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i += 1
            while i < n and text[i] != c:
                i += 2 if text[i] == "\\" else 1
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                break
        elif c == ";" or (c == "," and depth == 0):
            break
        i += 1
    return text[at:i]


def extract(src_dir):
    """[(message, kind, file, line)] of every message of src/."""
    src = {}
    for root, _, files in os.walk(src_dir):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                p = os.path.join(root, f)
                with open(p, errors="replace") as fh:
                    src[p] = strip_comments(fh.read())
    kinds = functions(src)
    names = "|".join(sorted(map(re.escape, list(kinds) + ["fprintf", "fputs", "snprintf"])))
    call = re.compile(r"\b(%s)\s*\(" % names)
    out = []
    for path, text in sorted(src.items()):
        fspans = []
        definitions(text, fspans)
        for m in call.finditer(text):
            name = m.group(1)
            before = text[max(0, m.start() - 40):m.start()]
            if re.search(r"(\bint|\bvoid|\bstatic|\bchar|\*)\s*$", before):
                continue                      # a declaration or definition
            spans, _ = call_args(text, m.end() - 1)
            args = [text[a:b].strip() for a, b in spans]
            if name == "fprintf":
                if len(args) < 2 or args[0] != "stderr":
                    continue
                k, kind = 2, "stderr"
            elif name == "fputs":
                if len(args) != 2 or args[1] != "stderr":
                    continue
                k, kind = 1, "stderr"
            elif name == "snprintf":          # a message built for later
                inside = [f for a, b, f in fspans if a <= m.start() < b]
                if len(args) < 3 or not (MSG_DEST.search(args[0]) or
                                         (inside and MSG_FUNC.search(inside[0]))):
                    continue
                k, kind = 3, "warning" if "warn" in args[0] else "error"
            else:
                k, kind = kinds[name]
            if len(args) < k:
                continue
            fmt = args[k - 1]
            line = text.count("\n", 0, m.start()) + 1
            texts = literal_runs(fmt)
            whole = [] if (name in kinds and name in FORMAT_FUNCS) or name in (
                "fprintf", "fputs") else texts
            # a message kept in a variable the call prints: every literal
            # that variable is set to in this file
            for v in args[k:] + ([fmt] if not texts else []):
                if re.fullmatch(r"[A-Za-z_]\w*", v) and re.search(
                        r"\bchar\s*(?:\*\s*(?:const\s*)?)?(?:\w+\s*(?:=[^,;]*)?,\s*\*?\s*)*%s\b"
                        % re.escape(v), text):
                    for a in re.finditer(r"\b%s\s*=(?!=)" % re.escape(v), text):
                        r = rhs(text, a.end())
                        if len(r) < 600:
                            whole += literal_runs(r)
                            texts += literal_runs(r)
            for t in texts:
                for msg in t.split("\n"):
                    msg = PREFIX.sub("", msg, count=1)
                    if not msg.strip() or ONLY_CONVERSIONS.match(msg):
                        continue
                    if t in whole and msg.count(" ") < 2:
                        FRAGMENTS.add(msg)    # a word or two put into a message
                        continue
                    if t in whole and msg.count(" ") < 2:
                        continue
                    out.append((msg, kind, os.path.relpath(path, TOP), line))
    return out


def code_spans(cell):
    """The code spans of a Markdown table cell (CommonMark: a run of N
    backticks up to the next run of exactly N; one space stripped from each
    end when both ends have one, so `` a `b` `` holds a `b`)."""
    spans, i = [], 0
    while True:
        m = re.compile(r"`+").search(cell, i)
        if not m:
            return spans
        tick = m.group(0)
        close = re.compile(r"(?<!`)%s(?!`)" % tick).search(cell, m.end())
        if not close:
            return spans
        body = cell[m.end():close.start()]
        if len(body) > 1 and body[0] == " " and body[-1] == " " and body.strip():
            body = body[1:-1]
        spans.append(body)
        i = close.end()


def documented(doc_path):
    """{message: line} of the code spans in the first column of every table
    row (a `|` inside a span is written \\|)."""
    got = {}
    with open(doc_path) as f:
        for n, ln in enumerate(f, 1):
            if not ln.startswith("|"):
                continue
            cell = re.split(r"(?<!\\)\|", ln)[1]
            for span in code_spans(cell):
                got.setdefault(span.replace("\\|", "|"), n)
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=os.path.join(TOP, "src"))
    ap.add_argument("--doc", default=os.path.join(TOP, "docs", "troubleshooting.md"))
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--missing", action="store_true")
    a = ap.parse_args()
    msgs = extract(a.src)
    where = {}
    for msg, kind, path, line in msgs:
        where.setdefault(msg, []).append((kind, path, line))
    if a.list:
        for msg in sorted(where):
            kind, path, line = where[msg][0]
            print("%-7s %s:%d\t%s" % (kind, path, line, msg))
        print("# %d messages (%d calls)" % (len(where), len(msgs)))
        return 0
    doc = documented(a.doc) if os.path.exists(a.doc) else {}
    missing = [m for m in where if m not in doc]
    stale = [(m, n) for m, n in doc.items() if m not in where and m not in FRAGMENTS]
    if a.missing:
        for m in sorted(missing, key=lambda m: where[m][0][1:]):
            kind, path, line = where[m][0]
            tick = "``" if "`" in m else "`"
            pad = " " if "`" in m else ""
            print("| %s%s%s%s%s | | |   <!-- %s:%d -->" % (tick, pad, m.replace("|", "\\|"), pad,
                                                         tick, path, line))
        return 0
    rel = os.path.relpath(a.doc, TOP)
    for m in sorted(missing, key=lambda m: where[m][0][1:]):
        kind, path, line = where[m][0]
        print("missing: %s:%d prints `%s` (%s), which %s does not explain"
              % (path, line, m, kind, rel))
    for m, n in sorted(stale, key=lambda x: x[1]):
        print("stale: %s:%d explains `%s`, which no file in src/ prints any more"
              % (rel, n, m))
    print("messages: %d in src/ (%d calls), %d explained, %d missing, %d stale"
          % (len(where), len(msgs), len(where) - len(missing), len(missing), len(stale)))
    if missing or stale:
        print("(tests/docs/messages.py --missing prints table rows to fill in)")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
