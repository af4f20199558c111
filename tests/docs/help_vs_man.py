#!/usr/bin/env python3
"""help_vs_man.py: the options each command lists in --help, against the
command's getopt table and its section of the man page.

For every command `xenbench --help` names:
  - each option its --help lists is accepted (`CMD OPT [1] --help` never
    says "unrecognized" or "invalid option");
  - each option its --help lists is an option tag of its `.SS CMD` section
    in man/xenbench.1, and each option tag there is in --help.
Usage: help_vs_man.py BUILD/xenbench MAN_PAGE
"""
import concurrent.futures
import re
import subprocess
import sys

XB, MAN = sys.argv[1], sys.argv[2]
failures = []


def run(*args):
    return subprocess.run([XB, *args], capture_output=True, text=True, timeout=30)


def commands():
    out = run("--help").stdout
    body = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [m.group(1) for m in re.finditer(r"^  ([a-z]+)\s", body, re.M)]


def help_options(cmd):
    """{'--interval': (short or None, takes_value)} from CMD --help."""
    r = run(cmd, "--help")
    if r.returncode != 0:
        failures.append(f"{cmd} --help: exit {r.returncode}")
    opts = {}
    for m in re.finditer(r"^  (?:(-[A-Za-z0-9]), )?\s*(--[a-z][a-z0-9-]*)(=?)",
                         r.stdout, re.M):
        opts[m.group(2)] = (m.group(1), m.group(3) == "=")
    if not opts:
        failures.append(f"{cmd} --help lists no option in the form '  -x, --long'")
    return opts


def man_sections(path):
    """{command: set of option tags} from the .TP tags under each .SS."""
    sections, cur, tag_next = {}, None, False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(".SH"):
            cur = None
        elif line.startswith(".SS"):
            cur = line.split()[1]
            sections[cur] = set()
        elif cur and line == ".TP":
            tag_next = True
            continue
        elif cur and tag_next:
            text = line.replace("\\-", "-")
            # The tag's own options: "-i, --interval=SECS", "--idle"
            for m in re.finditer(r"(?<![A-Za-z0-9-])(--?[A-Za-z0-9][A-Za-z0-9-]*)", text):
                sections[cur].add(m.group(1))
        tag_next = False
    return sections


def refused(cmd, form, takes):
    """The getopt complaint when CMD does not take FORM, else None."""
    r = run(cmd, form, *(["1"] if takes else []), "--help")
    m = re.search(r"^.*(unrecognized option|invalid option|requires an argument).*$",
                  r.stderr, re.M)
    return m.group(0) if m else None


man = man_sections(MAN)
probes = []
for cmd in commands():
    opts = help_options(cmd)
    tags = man.get(cmd)
    if tags is None:
        failures.append(f"man page: no '.SS {cmd}' section")
        tags = set()
    listed = set()
    for long, (short, takes) in opts.items():
        for form in [long] + ([short] if short else []):
            listed.add(form)
            probes.append((cmd, form, takes))
            if form not in tags:
                failures.append(f"{cmd}: --help lists {form}, the man page's "
                                f"'{cmd}' section does not")
    for tag in sorted(tags - listed):
        failures.append(f"{cmd}: the man page lists {tag}, {cmd} --help does not")
# One process per option: run them side by side (a loaded machine is slow).
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    for (cmd, form, _), why in zip(probes, pool.map(lambda p: refused(*p), probes)):
        if why:
            failures.append(f"{cmd}: --help lists {form}, the command refuses it: {why}")

for f in failures:
    print("FAIL:", f)
print(f"help_vs_man: {len(failures)} failures")
sys.exit(1 if failures else 0)
