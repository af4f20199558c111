#!/usr/bin/env python3
"""xen_traces.py: xenbench report on every real Xen recording we have.

Runs on each folder of ../shared/xen-traces/ (when present) and
tests/xen-traces/, and on each trace-*.bin in it, so a folder added later is
tested without a code change.  Per trace it checks:
  - the table keeps the reference layout (shared/reference/cpu-table.txt),
    with an unknown(%) row only under domains that have unknown time;
  - conservation in every 1 s window (per vCPU and per pCPU);
  - the windows of -i 1 and -i 0.3 add up, cell by cell (domain, vCPU,
    pCPU, state), to the whole-run figures (docs/metrics.md, "Settling");
  - per vCPU, running, runnable, blocked, offline and unknown seconds agree
    with `xenalyze --summary` (its `lost` for our unknown) on the same file
    within 1 % or 20 ms, whichever is larger, on traces with lost records as
    on those without.  Taken out on both sides only: the open interval after
    a vCPU's last record (xenalyze leaves it out), and our unknown time on no
    pCPU (before a vCPU's first record or after its domain's removal, which
    xenalyze does not count either).  Every vCPU either tool prints is
    checked; instances of a reused domid are added up (xenalyze keys by
    domid); a vCPU only we print must not have run;
  - ground truth by the test host's naming: guests named g-cpu*/g-spin* never
    block (< 5 %), g-idle is >= 80 % blocked in the time the trace knows.
Usage: xen_traces.py BUILD/xenbench
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)      # also when loaded by path (plan/check_import.py)
from tap import check, finish  # noqa: E402
from window_cells import check_window_sums  # noqa: E402

ROOTS = [os.path.join(HERE, "..", "..", "shared", "xen-traces"),
         os.path.join(HERE, "xen-traces")]
# our field -> xenalyze's runstate
STATES = {"running": "running", "runnable": "runnable", "blocked": "blocked",
          "offline": "offline", "unknown": "lost"}
FIELDS = {"cpu_pct": "running", "waited_pct": "runnable", "blocked_pct": "blocked",
          "offline_pct": "offline", "unknown_pct": "unknown"}


def mhz(folder):
    """The TSC rate in MHz: xl info's cpu_mhz (with decimals), else cpu_mhz.txt."""
    info = os.path.join(folder, "xl-info.txt")
    if os.path.exists(info):
        m = re.search(r"^cpu_mhz\s*:\s*([\d.]+)", open(info).read(), re.M)
        if m:
            return m.group(1)
    return open(os.path.join(folder, "cpu_mhz.txt")).read().strip()


def names_file(folder, tmp):
    """All xl list outputs of the folder in one file (domains come and go)."""
    path = os.path.join(tmp, "names.txt")
    with open(path, "w") as out:
        for f in sorted(glob.glob(os.path.join(folder, "xl-list*.txt"))):
            if f.endswith("xl-list-v.txt"):
                continue
            out.write(open(f).read())
    return path


def xenalyze(trace, rate):
    """{(domid, vcpu): {runstate: seconds}} from xenalyze --summary; the
    seconds from count x mean cycles (the printed seconds have 2 decimals)."""
    exe = shutil.which("xenalyze")
    if exe:
        text = subprocess.run([exe, "--cpu-hz=%sM" % rate, "--summary", trace],
                              capture_output=True, text=True, check=True).stdout
    else:
        stored = trace.replace("trace-", "xenalyze-summary-").replace(".bin", ".txt")
        text = open(stored).read()
    hz = float(rate) * 1e6
    out, dom, vcpu = {}, None, None
    for line in text.splitlines():
        m = re.match(r"\|-- Domain (\d+) --\|", line)
        if m:
            dom, vcpu = int(m.group(1)), None
            continue
        m = re.match(r"-- v(\d+) --", line)
        if m:
            vcpu = int(m.group(1))
            out[(dom, vcpu)] = {}
            continue
        m = re.match(r"\s*(running|runnable|blocked|offline|lost):\s+(\d+)\s+[\d.]+s\s+(\d+)",
                     line)
        if m and vcpu is not None:
            out[(dom, vcpu)][m.group(1)] = int(m.group(2)) * int(m.group(3)) / hz
    return out


def report(xb, trace, rate, names, *extra):
    return subprocess.run([xb, "report", trace, "--tsc-hz", rate + "M", "--names",
                           names] + list(extra), capture_output=True, text=True)


def check_layout(text, name):
    """The reference layout (shared/reference/cpu-table.txt) with the name
    column after total: each domain's name on its first row; a fourth row,
    unknown(%), only under a domain with unknown time."""
    lines = text.splitlines()
    ok = lines[0].startswith("=== CPU ===") and set(lines[0][11:]) == {"\t"}
    head = lines[1].split("\t")
    ncol = len(head)
    ok = ok and head[:2] == ["VM", "Core"] and head[-2:] == ["total", "name"]
    ok = ok and len(lines[0]) - 11 == ncol - 1
    ok = ok and all(h == str(i) for i, h in enumerate(head[2:-2]))
    body, blocks = [], []
    for ln in lines[2:]:
        if "\t" not in ln:
            break
        r = ln.split("\t")
        body.append(r)
        if r[0]:
            blocks.append([])
        if blocks:
            blocks[-1].append(r[1])
    unknown = sum(r[1] == "unknown(%)" for r in body)
    want = ["cpu(%)", "blocked(%)", "waited(%)"]
    ok = ok and all(len(r) == ncol for r in body) and blocks
    ok = ok and all(b[:3] == want and b[3:] in ([], ["unknown(%)"]) for b in blocks)
    ok = ok and any(r[0] == "total" for r in body)
    # A domain's first row names it; the others leave the name empty.
    ok = ok and all((r[-1] != "") == (r[1] == "cpu(%)" and r[0] not in ("total", "")
                                      and not r[0].startswith("d"))
                    for r in body)
    check(ok, "%s: table in the reference layout, names in the last column "
          "(%d unknown rows)" % (name, unknown))


def check_conservation(doc, name):
    bad = []
    by_win = {}
    for r in doc["rows"]:
        by_win.setdefault(r["t_start_s"], []).append(r)
    unknown = {(u["t_start_s"], u["pcpu"]): u["unknown_pct"] for u in doc["pcpu_unknown"]}
    for t, rows in by_win.items():
        for r in rows:
            if r["vcpu"] != "all" and r["pcpu"] == "total":
                s = sum(r[k] for k in FIELDS)
                if abs(s - 100) > 0.01:
                    bad.append("window %s d%sv%s adds up to %.3f %%" % (t, r["domain"], r["vcpu"], s))
        for p in range(doc["npcpu"]):
            s = sum(r["cpu_pct"] for r in rows if r["vcpu"] == "all" and r["pcpu"] == str(p))
            s += unknown[(t, p)]
            if abs(s - 100) > 0.01:
                bad.append("window %s pCPU %d adds up to %.3f %%" % (t, p, s))
    check(not bad, "%s: conservation in every 1 s window %s" % (name, "; ".join(bad[:3])))


def ours(doc):
    """{(domid, vcpu): {state: seconds}} over the whole trace, instances of a
    domid added up: unknown on a pCPU column only, and the open interval
    after each vCPU's last record taken out."""
    span = doc["span_s"]
    out, nowhere = {}, {}
    for r in doc["rows"]:
        if r["vcpu"] == "all":
            continue
        key = (int(r["domain"].split("#")[0]), int(r["vcpu"]))
        o = out.setdefault(key, {s: 0.0 for s in STATES})
        for f, s in FIELDS.items():
            if s == "unknown":
                # unknown on no pCPU: the total's less the columns'
                sign = 1 if r["pcpu"] == "total" else -1
                nowhere[key] = nowhere.get(key, 0.0) + sign * r[f] * span / 100
            if s == "unknown" and r["pcpu"] == "total":
                continue
            if (s == "unknown") != (r["pcpu"] == "total"):
                o[s] += r[f] * span / 100
    for f in doc["final_states"]:
        key = (int(f["domain"].split("#")[0]), int(f["vcpu"]))
        if key not in out or f["state"] not in STATES:
            continue
        tail = span - f["since_s"]
        if (f["state"] == "unknown" and key[0] != 32767 and tail > 1e-3
                and nowhere.get(key, 0.0) >= tail - 1e-5):
            # The vCPU of a domain destroyed before the end: unknown on no
            # pCPU from the DOM_REM (not in the columns counted above; an idle
            # vCPU is never removed, its unknown on no pCPU is a gap), and
            # offline from its last record; xenalyze leaves the time after
            # that record open, so the offline before the removal goes too.
            out[key]["offline"] = 0.0
            continue
        out[key][f["state"]] -= tail
    return out


def cross_check(mine, theirs, name):
    bad, worst = [], 0.0
    for key in sorted(set(mine) | set(theirs)):
        if key not in theirs:
            # xenalyze lists a vCPU once it has run
            if mine[key]["running"] > 0.020:
                bad.append("d%dv%d ran %.3f s, xenalyze does not list it"
                           % (key + (mine[key]["running"],)))
            continue
        if key not in mine:
            if any(v > 0.020 for v in theirs[key].values()):
                bad.append("d%dv%d missing" % key)
            continue
        for s, xs in STATES.items():
            x, m = theirs[key].get(xs, 0.0), max(mine[key][s], 0.0)
            worst = max(worst, abs(m - x))
            if abs(m - x) > max(0.01 * x, 0.020):
                bad.append("d%dv%d %s %.3f s vs xenalyze %s %.3f s"
                           % (key + (s, m, xs, x)))
    check(not bad, "%s: running/runnable/blocked/offline/unknown agree with xenalyze "
          "(1 %% or 20 ms; largest difference %.4f s) %s" % (name, worst, "; ".join(bad[:4])))


def ground_truth(doc, names, name):
    text = open(names).read()
    ids = {}
    for ln in text.splitlines():
        f = ln.split()
        if len(f) >= 2 and f[1].isdigit():
            ids[int(f[1])] = f[0]
    for r in doc["rows"]:
        if r["vcpu"] != "all" or r["pcpu"] != "total" or "#" in r["domain"]:
            continue
        dom = ids.get(int(r["domain"]), "")
        known = 100 - r["unknown_pct"] - r["offline_pct"]
        if known < 20 or dom == "":
            continue
        nv = sum(1 for x in doc["rows"] if x["domain"] == r["domain"]
                 and x["vcpu"] != "all" and x["pcpu"] == "total")
        if nv == 0:
            continue
        blocked = r["blocked_pct"] / nv / known * 100
        if dom.startswith(("g-cpu", "g-spin")):
            check(blocked < 5, "%s: %s never blocks (%.1f %% blocked)" % (name, dom, blocked))
        elif dom == "g-idle":
            check(blocked >= 80, "%s: %s is mostly blocked (%.1f %% of known time)"
                  % (name, dom, blocked))


def main():
    xb = sys.argv[1]
    folders = sorted({os.path.realpath(d) for root in ROOTS
                      for d in glob.glob(os.path.join(root, "*")) if os.path.isdir(d)})
    check(len(folders) > 0, "real Xen recordings found (%d folders)" % len(folders))
    with tempfile.TemporaryDirectory() as tmp:
        for folder in folders:
            rate = mhz(folder)
            names = names_file(folder, tmp)
            for trace in sorted(glob.glob(os.path.join(folder, "trace-*.bin"))):
                name = os.path.basename(folder) + "/" + os.path.basename(trace)
                r = report(xb, trace, rate, names, "--idle")
                if not check(r.returncode == 0, "%s: report exits 0 %s" % (name, r.stderr.strip())):
                    continue
                check_layout(r.stdout, name)
                doc = json.loads(report(xb, trace, rate, names, "--format", "json").stdout)
                for interval in ("1", "0.3"):
                    part = json.loads(report(xb, trace, rate, names, "--format", "json",
                                             "--interval", interval).stdout)
                    if interval == "1":
                        check_conservation(part, name)
                    check_window_sums(doc, part, interval, name)
                cross_check(ours(doc), xenalyze(trace, rate), name)
                ground_truth(doc, names, name)
                if name == "credit2-2pcpu-3guests/trace-sched.bin":
                    w = [x["waited_pct"] for x in doc["rows"] if x["domain"] == "1"
                         and x["vcpu"] == "all" and x["pcpu"] == "total"][0]
                    check(23 <= w <= 29, "%s: g-cpu waited %.1f %% (about 26 %%; "
                          "XenMon says 0)" % (name, w))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
