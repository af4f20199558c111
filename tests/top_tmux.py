#!/usr/bin/env python3
"""top_tmux.py: `xenbench top` in an 80x24 terminal (tmux), each view held
against `report` of the same window.

    top_tmux.py XENBENCH

top replays a recorded run folder (tests/linux-runs/cgroup-3s: three
cgroups whose names differ only at their end) at -i 0.5 and keeps its last
whole window on the screen, so every screen is known:
  - the list: fits 80 columns and 24 lines with its keys line, every row has
    every column, the figures end where their heading ends (right-aligned),
    the names are cut from the left and stay distinct, rows in the order and
    with the figures (cpu, waited, blocked %, disk, memory) of
    `report -i 0.5 --sort cpu` for window 5 (the host's blocked "-", as
    report's table has it), its clock in UTC from the manifest;
  - s: the header says the next sort and the rows follow report's --sort;
  - v: each domain's vCPU rows (dNvK) under it, as report -v has them;
  - c: report's CPU table of that window, cell for cell, its columns
    lined up (numbers right-aligned);
  - t: "last 3.0 s (6 windows)", "windows 0..5: 0.000 .. 3.000 s", and the
    figures of report -i 3's one window (the same 3 s; the run's 0.192 ms
    past 3 s join the last window);
  - q quits;
  - in 80x8 the list stops at the screen's foot and says "shown: 3 of 4";
    in 80x18 c shows report --top 2's table, the domains that fit.
And `top -b` prints, for every window, report's tables cell for cell.
"""
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import check, finish  # noqa: E402

XB = os.path.abspath(sys.argv[1])
RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "linux-runs", "cgroup-3s")
SESS = f"xbtoptmux{os.getpid()}"
TM = ["tmux", "-L", SESS]


def xb(*args):
    r = subprocess.run([XB, *args], capture_output=True, text=True, timeout=60)
    if r.returncode:
        sys.exit(f"top_tmux: xenbench {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def csv_rows(*args):
    return list(csv.DictReader(io.StringIO(xb("report", "-f", "csv", *args, RUN))))


def window_rows(rows, t0):
    return [r for r in rows if abs(float(r["t_start_s"]) - t0) < 1e-6]


def report_blocks(text):
    """report's (or top -b's) text -> {window index: [cells of each line]}
    for the lines after each 'window N:' line up to a blank line (cells
    split at blanks, as a terminal shows them)."""
    out, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"window (\d+): ", line)
        if m:
            cur = out.setdefault(int(m.group(1)), [])
        elif not line.strip():
            cur = None
        elif cur is not None:
            cur.append(line.split())
    return out


def screen(keys=None, wait=0.6):
    if keys:
        subprocess.run(TM + ["send-keys", keys], check=True)
    time.sleep(wait)
    return subprocess.run(TM + ["capture-pane", "-p"], capture_output=True,
                          text=True, check=True).stdout.rstrip("\n").split("\n")


def f1(s):
    return "-" if s == "" else "%.1f" % float(s)


def blocked(r):
    """BLOCK% as top shows report's row r: the Linux host's is "-" (the sum
    over every thread of no domain says nothing, docs/metrics.md)."""
    return "-" if r["domain"] == "0" else f1(r["blocked_pct"])


def f2(s):
    return "-" if s == "" else "%.2f" % float(s)


if not shutil.which("tmux"):
    sys.exit("top_tmux: no tmux (scripts/deps.sh installs it)")

# What report says of the same windows.
names = {}
for r in csv_rows("-i", "0.5"):
    names[r["domain"]] = r["name"]
cpu = window_rows(csv_rows("-i", "0.5", "--sort", "cpu"), 2.5)
tot = [r for r in cpu if r["vcpu"] == "all" and r["pcpu"] == "total"]
order_cpu = [r["domain"] for r in tot]
order_waited = [r["domain"] for r in window_rows(csv_rows("-i", "0.5", "--sort", "waited"), 2.5)
                if r["vcpu"] == "all" and r["pcpu"] == "total"]
ioro = {r["domain"]: r for r in window_rows(csv_rows("-i", "0.5", "--table", "io"), 2.5)}
vcpus = {}
for r in window_rows(csv_rows("-i", "0.5", "-v"), 2.5):
    if r["vcpu"] != "all" and r["pcpu"] == "total" and r["domain"] != "0":
        vcpus.setdefault(r["domain"], []).append(r)
start_utc = re.search(r'"start_utc": "[^T]*T([0-9:]{8})', open(os.path.join(RUN, "manifest.json")).read()).group(1)
cpu_table5 = report_blocks(xb("report", "-i", "0.5", "--table", "cpu", "--sort", "cpu", RUN))[5]
# (-i 3 on this 3.000192 s run is one window: the 0.192 ms sliver past 3 s
# joins it, docs/metrics.md "Windows", and a lone window has no heading)
text3s = xb("report", "-i", "3", "--table", "cpu", "--sort", "cpu", RUN)
cpu_table3s = report_blocks(text3s).get(0) or [
    l.split() for l in text3s.split("\n\n")[0].splitlines()]
sum3 = {r["domain"]: r for r in window_rows(csv_rows("-i", "3"), 0.0)
        if r["vcpu"] == "all" and r["pcpu"] == "total"}

subprocess.run(TM + ["new-session", "-d", "-x", "80", "-y", "24",
                     f"{XB} top -i 0.5 {RUN}; sleep 60"], check=True)
try:
    # the replay: 6 windows of 0.5 s, then the last one stays
    time.sleep(4.5)
    s = screen(wait=0)
    text = "\n".join(s)
    check(s[0].startswith("xenbench top - vm - last 0.5 s (window 5) - sort cpu"),
          f"list: header names the window and the sort ({s[0]!r})")
    check(s[1].startswith("window 5: 2.500 .. 3.000 s") and f"{start_utc[:6]}" in s[1]
          and s[1].endswith("UTC)"),
          f"list: the window on the run's clock and in UTC ({s[1]!r})")
    check(len(s) <= 24 and s[-1].startswith("keys: "), "list: fits 24 lines, keys line shown")
    head = s[2]
    cols = head.split()
    check(cols[:6] == ["ID", "NAME", "CPU%", "WAIT%", "BLOCK%", "rMB/s"] and len(head) <= 80,
          f"list: heading within 80 columns ({len(head)})")
    rows = [l for l in s[3:-1] if re.match(r"^\s+\d+ ", l)]
    check([l.split()[0] for l in rows] == order_cpu,
          f"list: rows in report --sort cpu's order {order_cpu}")
    # right-aligned: each figure ends where a word of the headings ends (a
    # heading may be two words, "MEM MiB"), every row has as many figures,
    # and the last ends with the heading line
    ends = {m.end() for m in re.finditer(r"\S+", head)}
    figs = [[c.end() for c in list(re.finditer(r"\S+", l))[2:]] for l in rows]
    aligned = bool(rows) and all(len(l) <= 80 for l in rows)
    for f in figs:
        if len(f) != len(figs[0]) or not set(f) <= ends or f[-1] != len(head):
            aligned = False
    # and no column is missing: a heading word that ends at no figure is
    # the first word of a two-word heading, followed by one space
    words = list(re.finditer(r"\S+", head))[2:]
    for a, b in zip(words, words[1:]):
        if figs and a.end() not in figs[0] and b.start() != a.end() + 1:
            aligned = False
    check(aligned, "list: every row has every column, each figure right-aligned under its heading")
    shown = {l.split()[0]: l.split()[1] for l in rows}
    ok = len(set(shown.values())) == len(shown)
    for d, n in shown.items():
        full = names[d]
        ok = ok and (n == full or (n.startswith("..") and full.endswith(n[2:])))
    check(ok, f"list: names whole or cut from the left, all distinct {sorted(shown.values())}")
    same = True
    for r in tot:
        cells = next(l for l in rows if l.split()[0] == r["domain"]).split()
        want = [f1(r["cpu_pct"]), f1(r["waited_pct"]), blocked(r)]
        if r["domain"] in ioro:
            io_r = ioro[r["domain"]]
            want += [f2(io_r["read_mbps"]), f2(io_r["write_mbps"]), f2(io_r["net_rx_mbps"]),
                     f2(io_r["net_tx_mbps"]), f1(io_r["mem_mib"])]
        got = cells[2:2 + len(want)]
        if got != want:
            same = False
            print(f"# domain {r['domain']}: top {got}, report {want}")
    check(same, "list: cpu/waited/blocked %, disk, network, memory as report's window 5")

    s = screen("s")
    rows = [l for l in s if re.match(r"^\s+\d+ ", l)]
    check("sort waited" in s[0] and [l.split()[0] for l in rows] == order_waited,
          f"s: sort waited, rows in report --sort waited's order {order_waited}")
    screen("s"), screen("s"), screen("s")
    s = screen("s")
    check("sort cpu" in s[0], "s: four more presses come back to sort cpu")

    s = screen("v")
    ok = True
    for d, vs in vcpus.items():
        i = next(i for i, l in enumerate(s) if re.match(rf"^\s+{d} ", l))
        sub = [l.split() for l in s[i + 1:i + 1 + len(vs)]]
        want = [[f"d{d}v{r['vcpu']}", f1(r["cpu_pct"]), f1(r["waited_pct"]),
                 f1(r["blocked_pct"])] for r in vs]
        if sub != want:
            ok = False
            print(f"# vCPUs of {d}: top {sub}, report {want}")
    check(ok and len(s) <= 24, "v: each domain's vCPU rows under it, figures as report -v")
    screen("v")

    s = screen("c")
    cells = [l.split() for l in s[2:] if l.strip() and not l.startswith("keys:")]
    want = cpu_table5
    check(cells == want, "c: report's CPU table of window 5, cell for cell")
    if cells != want:
        print("# top:", cells[:4], "\n# report:", want[:4])
    hdr = next(l for l in s if l.split()[:2] == ["VM", "Core"])
    ends = [m.end() for m in re.finditer(r"\S+", hdr)]
    ok = True
    for l in s:
        if re.match(r"^\s*(\d+|total)?\s+(cpu|blocked|waited)\(%\)", l):
            nums = [m.end() for m in re.finditer(r"\S+", l)
                    if re.fullmatch(r"-?\d+(\.\d+)?|total", m.group())]
            if not set(nums) <= set(ends):
                ok = False
    if not ok:
        print("# c view:", *s, sep="\n# ")
    check(ok and len(s) <= 24 and s[-1].startswith("keys: "),
          "c: within 24 lines, every figure ends under its heading")

    s = screen("t")
    check(s[0].startswith("xenbench top - vm - last 3.0 s (6 windows)")
          and s[1].startswith("windows 0..5: 0.000 .. 3.000 s"),
          f"t: the sum of 6 windows, which and when ({s[0]!r}, {s[1]!r})")
    cells = [l.split() for l in s[2:] if l.strip() and not l.startswith("keys:")]
    want = cpu_table3s
    check(cells == want, "t with c: report -i 3's CPU table of the same 3 s, cell for cell")
    s = screen("c")
    rows = [l for l in s if re.match(r"^\s+\d+ ", l)]
    ok = bool(rows)
    for l in rows:
        d = l.split()[0]
        r = sum3[d]
        if l.split()[2:5] != [f1(r["cpu_pct"]), f1(r["waited_pct"]), blocked(r)]:
            ok = False
    check(ok, "t: the list's figures are report -i 3's")

    subprocess.run(TM + ["send-keys", "q"], check=True)
    time.sleep(0.8)
    s = screen(wait=0)
    check(not any(l.startswith("xenbench top") for l in s) or s == [""],
          "q: top quits (the terminal is left clean)")
finally:
    subprocess.run(TM + ["kill-server"], capture_output=True)

# a short terminal: the list stops where the screen does and says so
TM = ["tmux", "-L", SESS + "s"]     # a server of its own: the first one is going
subprocess.run(TM + ["new-session", "-d", "-x", "80", "-y", "8",
                     f"{XB} top -i 0.5 {RUN}; sleep 60"], check=True)
try:
    time.sleep(4.5)
    s = screen(wait=0)
    rows = [l.split()[0] for l in s if re.match(r"^\s+\d+ ", l)]
    check(len(s) <= 8 and s[-1].startswith("keys: ") and "shown: 3 of 4 domains" in s
          and rows == order_cpu[:3],
          f"80x8: the first 3 domains of report's order, 'shown: 3 of 4 domains', keys line ({rows})")
finally:
    subprocess.run(TM + ["kill-server"], capture_output=True)
TM = ["tmux", "-L", SESS + "c"]
subprocess.run(TM + ["new-session", "-d", "-x", "80", "-y", "18",
                     f"{XB} top -i 0.5 {RUN}; sleep 60"], check=True)
try:
    time.sleep(4.5)
    s = screen("c")
    cells = [l.split() for l in s[2:] if l.strip() and not l.startswith("keys:")]
    want = report_blocks(xb("report", "-i", "0.5", "--table", "cpu", "--sort", "cpu",
                            "--top", "2", RUN))[5]
    check(len(s) <= 18 and s[-1].startswith("keys: ") and cells == want,
          "80x18, c: report --top 2's CPU table (the 2 domains that fit), keys line shown")
finally:
    subprocess.run(TM + ["kill-server"], capture_output=True)

# batch: every whole window, report's tables cell for cell
batch = xb("top", "-b", "-i", "0.5", RUN)
rep = report_blocks(xb("report", "-i", "0.5", "--sort", "cpu", RUN))
got = report_blocks(batch)
check(sorted(got) == [0, 1, 2, 3, 4, 5] and all(got[i] == rep[i] for i in got),
      f"top -b: windows {sorted(got)}, each with report's tables (the last sliver joins window 5)")

sys.exit(finish())
