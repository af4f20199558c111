#!/usr/bin/env python3
"""check.py: checks what one xen-host run (in-dom0.sh) left in OUT.

    check.py OUT XENBENCH

Ground truth and independent tools, each a counted check:
  - the recording: `record` exits 0, manifest complete with the keys report
    needs, every guest named with its UUID, VIRQ_TBUF wake-ups seen;
  - xenalyze accepts the trace xenbench wrote (and the --use-xentrace one);
  - per domain and vCPU, running/runnable/blocked agree with
    `xenalyze --summary` on the same file (tests/xen_traces.py rules:
    1 % or 20 ms; open final interval and lost records accounted);
  - conservation in every 1 s window; g-cpu never blocks (< 5 %), g-idle is
    >= 80 % blocked (xen_traces.py's ground truth by guest name);
  - trace CPU time per domain agrees with libxenstat cpu_ns within 2 %
    (20 ms floor for nearly idle domains), over the span of the readings;
  - g-io's write bytes from libxenstat (VBD sectors x 512) agree with the
    bytes the guest says it wrote, within 10 %, over the same span;
  - `report` on this machine gives the same rows as `report` in dom0;
  - bad conditions: another trace reader, not root, disk full, bad buffer
    size, and (here, outside Xen) not a dom0;
  - a recording as root with only the capabilities the service keeps
    (debian/xenbench.service) is complete, with the guests and libxenstat.
Ends with "N passed, N failed".
"""
import calendar
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True      # no __pycache__ in the checkout
sys.path.insert(0, os.path.join(HERE, ".."))
import xen_traces as xt  # noqa: E402  (check(), xenalyze(), ours(), ...)

check = xt.check


def read(path, default=""):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def rc_of(out, name):
    t = read(os.path.join(out, name + ".rc")).strip()
    return int(t) if t.lstrip("-").isdigit() else None


def report_json(xb, rundir, *extra):
    r = subprocess.run([xb, "report", rundir, "-f", "json"] + list(extra),
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return json.loads(r.stdout), ""


def xenalyze_ok(trace, mhz, name):
    r = subprocess.run(["xenalyze", "--cpu-hz=%sM" % mhz, "--summary", trace],
                       capture_output=True, text=True)
    check(r.returncode == 0 and "Total time" in r.stdout,
          "%s: xenalyze accepts the trace (exit %d)" % (name, r.returncode))


def check_manifest(run, man):
    need = ["source", "state", "tsc_hz", "trace", "domains", "counters", "run_id",
            "host", "kernel", "xen_version", "cpu_count", "cpu_model", "interval_ns",
            "tool_version", "start_utc", "stop_utc", "lost_records"]
    missing = [k for k in need if k not in man]
    check(not missing and man["state"] == "complete" and man["source"] == "xen"
          and man["counters"] == [{"format": "xenstat", "path": "xenstat.jsonl"}],
          "manifest complete with every key (missing: %s)" % (missing or "none"))
    names = {d["name"]: d for d in man.get("domains", [])}
    ok = all(g in names and re.match(r"^[0-9a-f-]{36}$", names[g]["uuid"])
             for g in ("Domain-0", "g-cpu", "g-idle", "g-io"))
    check(ok, "manifest names every domain with its UUID (%s)" % sorted(names))
    tc = man.get("trace_capture", {})
    # Xen raises VIRQ_TBUF when a CPU's buffer reaches half full: expected
    # once a CPU has produced more than that
    half = tc.get("buffer_pages_per_cpu", 0) * 4096 / 2
    want = tc.get("bytes", 0) / max(1, tc.get("cpus", 1)) > 1.5 * half
    check(tc.get("method") == "libxenctrl" and
          (tc.get("wakeups_virq", 0) >= 1 or not want),
          "trace drained on VIRQ_TBUF wake-ups (%s VIRQ, %s timeouts; %s)"
          % (tc.get("wakeups_virq"), tc.get("wakeups_timeout"),
             "expected" if want else "too little trace to expect one"))
    print("# trace: %s bytes, %s records, %s lost records, %s pages/CPU"
          % (tc.get("bytes"), tc.get("records"), man.get("lost_records"),
             tc.get("buffer_pages_per_cpu")))


def cumulative(doc):
    """{domain label: (times, running seconds so far)} from per-window rows."""
    wins = {}
    for r in doc["rows"]:
        if r["vcpu"] != "all" or r["pcpu"] != "total":
            continue
        wins.setdefault(r["domain"], []).append(
            (r["t_start_s"], r["t_end_s"], r["cpu_pct"] / 100 * (r["t_end_s"] - r["t_start_s"])))
    out = {}
    for dom, ws in wins.items():
        ws.sort()
        ts, cs, c = [ws[0][0]], [0.0], 0.0
        for a, b, run in ws:
            if a != ts[-1]:          # a window the domain was absent from
                ts.append(a)
                cs.append(c)
            c += run
            ts.append(b)
            cs.append(c)
        out[dom] = (ts, cs)
    return out


def interp(ts, cs, t):
    if t <= ts[0]:
        return cs[0]
    for i in range(1, len(ts)):
        if t <= ts[i]:
            span = ts[i] - ts[i - 1]
            f = (t - ts[i - 1]) / span if span > 0 else 1.0
            return cs[i - 1] + f * (cs[i] - cs[i - 1])
    return cs[-1]


def xenstat_lines(run):
    lines = []
    for ln in read(os.path.join(run, "xenstat.jsonl")).splitlines():
        if ln.strip():
            lines.append(json.loads(ln))
    return lines


def skew_losses(trace):
    """Per domain, the running time Xen's runstate accounting drops at
    switch-ins whose wait came out negative (woken on a pCPU whose system
    time is ahead): SWITCH_INFNEXT's waited_ns wrapped below zero."""
    data = open(trace, "rb").read()
    off, loss = 0, {}
    while off + 12 <= len(data):
        _, _, win = struct.unpack_from("<IiI", data, off)
        off += 12
        end = off + win
        while off < end:
            h, = struct.unpack_from("<I", data, off)
            n, p = (h >> 28) & 7, off + 4 + (8 if h >> 31 else 0)
            ex = struct.unpack_from("<%dI" % n, data, p)
            off = p + 4 * n
            if (h & 0x0fffffff) == 0x0002800f and n >= 3 and ex[2] >= 2 ** 31:
                loss[ex[0]] = loss.get(ex[0], 0) + (2 ** 32 - ex[2]) / 1e9
        off = end
    return loss


def check_cpu(doc, samples, hz, name, trace=None):
    """Trace running time vs libxenstat cpu_ns between the first and the last
    reading, per domain.  With trace given (vCPUs free to move between
    pCPUs), counted only when Xen's pCPU clocks agreed during the recording:
    under a loaded TCG host they drift apart and Xen's runstate accounting
    drops time at cross-pCPU wake-ups (docs/xen-host.md)."""
    first = doc["first_tsc"]

    def t(s, side=0):
        # Xen read cpu_ns_at_tsc at some instant of the sampler's hypercall,
        # which ran between tsc -/+ tsc_info_cycles/2 (up to 0.36 s seen when
        # dom0 waited for its pCPU): side -1/+1 is that span's start/end.
        half = side * s.get("tsc_info_cycles", 0) / 2
        return max(0, s["tsc"] + half - first) / hz

    # the two readings whose hypercall was shortest, one in the first third,
    # one in the last
    third = max(1, len(samples) // 3)
    a = min(samples[:third], key=lambda s: s.get("tsc_info_cycles", 0))
    b = min(samples[-third:], key=lambda s: s.get("tsc_info_cycles", 0))
    cum = cumulative(doc)
    doms_a = {d["id"]: d for d in a["domains"]}
    bad, shown = [], []
    for d in b["domains"]:
        if d["id"] not in doms_a or str(d["id"]) not in cum:
            continue
        key = "cpu_ns_at_tsc" if "cpu_ns_at_tsc" in d else "cpu_ns"
        xs = (d[key] - doms_a[d["id"]][key]) / 1e9
        ts, cs = cum[str(d["id"])]
        # the trace's running time between the two instants Xen read, which
        # lie inside those spans: at least lo, at most hi
        lo = interp(ts, cs, t(b, -1)) - interp(ts, cs, t(a, 1))
        hi = interp(ts, cs, t(b, 1)) - interp(ts, cs, t(a, -1))
        tol = max(0.02 * xs, 0.020)
        tr = min(max(xs, lo), hi)
        shown.append("%s %.3f..%.3f/%.3f s" % (d["name"], lo, hi, xs))
        if abs(tr - xs) > tol:
            bad.append("%s: trace %.3f..%.3f s, xenstat %.3f s (%.1f %%)"
                       % (d["name"], lo, hi, xs, 100 * (tr - xs) / xs if xs else 0))
    span = t(b) - t(a)
    print("# %s: CPU over %.2f s (readings %d and %d, hypercalls %.0f and %.0f ms), "
          "trace/xenstat: %s" % (name, span, samples.index(a), samples.index(b),
                                 1e3 * a.get("tsc_info_cycles", 0) / hz,
                                 1e3 * b.get("tsc_info_cycles", 0) / hz, "; ".join(shown)))
    if trace:
        loss = skew_losses(trace)
        dropped = sum(loss.values())
        print("# %s: Xen's accounting dropped %.3f s at switch-ins whose wait came "
              "out negative (%s)" % (name, dropped, ", ".join(
                  "d%d %.3f s" % kv for kv in sorted(loss.items())) or "none"))
        if dropped > 0.005 * span:
            print("# %s: pCPU clocks disagreed: cross-check not counted here; "
                  "the pinned recording counts it (%s)" % (name, "; ".join(bad) or "ok"))
            return
    check(not bad and len(shown) >= 4,
          "%s: trace CPU time agrees with libxenstat cpu_ns per domain (2 %%, "
          "20 ms floor) %s" % (name, "; ".join(bad)))


def guest_writes(log):
    """[(dom0 log second, guest uptime, bytes)] from g-io's console log."""
    out = []
    for ln in log.splitlines():
        m = re.match(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\] .*XB-GUEST io: written "
                     r"(\d+) at ([\d.]+)", ln)
        if m:
            ts = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
            out.append((ts, float(m.group(3)), int(m.group(2))))
    return out


def check_disk(out, samples):
    """g-io's VBD write bytes vs what the guest reports writing."""
    w = guest_writes(read(os.path.join(out, "guest-g-io.log")))
    if not check(len(w) >= 10, "g-io reports its writes on its console (%d lines)" % len(w)):
        return
    # guest uptime -> dom0 clock: a line is logged with the second (dom0
    # clock, truncated) at or after the guest printed it, so the offset is
    # below ts + 1 - uptime for every line; with many lines at all phases of
    # the second, the smallest such bound is within a few tens of ms of it.
    hi = min(ts + 1 - up for ts, up, _ in w)
    lo = max(ts - up for ts, up, _ in w)   # only for the printout (latency)
    off = hi

    def bytes_at(real_s):
        u = real_s - off
        pts = [(up, b) for _, up, b in w]
        return interp([p[0] for p in pts], [p[1] for p in pts], u)

    def vbd(s):
        for d in s["domains"]:
            if d["name"] == "g-io":
                return sum(v["wr_sects"] for v in d["vbds"]) * 512
        return None

    def when(s):   # libxenstat reads the VBD counters late in its reading
        return (s["real_ns"] + s.get("real_ns_end", s["real_ns"])) / 2e9

    a, b = samples[0], samples[-1]
    if vbd(a) is None or vbd(b) is None:
        check(False, "g-io in the first and last libxenstat readings")
        return
    xs = vbd(b) - vbd(a)
    gs = bytes_at(when(b)) - bytes_at(when(a))
    dt = when(b) - when(a)
    print("# g-io writes over %.2f s: libxenstat %.3f MB/s, guest %.3f MB/s "
          "(console log delay up to %.2f s)" % (dt, xs / dt / 1e6, gs / dt / 1e6, lo - hi + 1))
    check(gs > 0 and abs(xs - gs) <= 0.10 * gs,
          "g-io write MB/s from libxenstat agrees with the guest's own count (10 %)")


def check_bad(out, xb):
    def msg(n):
        return read(os.path.join(out, n + ".log")).strip().replace("\n", " | ")[:300]
    check(rc_of(out, "busy") == 1 and "already have a reader" in msg("busy"),
          "another trace reader (xentrace) -> exit 1, says so: %s" % msg("busy"))
    check(rc_of(out, "notroot") == 1 and "root" in msg("notroot"),
          "not root -> exit 1, says root is needed: %s" % msg("notroot"))
    check(rc_of(out, "diskfull") == 1 and re.search("disk full|No space", msg("diskfull")),
          "disk full -> exit 1, says so: %s" % msg("diskfull"))
    man = read(os.path.join(out, "diskfull-manifest.json"))
    if man:
        check(json.loads(man).get("state") in ("failed", "recording"),
              "disk full: the manifest written says the run did not complete")
    check(rc_of(out, "badbuf") == 2, "absurd --buffer-kb -> exit 2: %s" % msg("badbuf"))
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([xb, "record", "--source", "xen", "-o", tmp + "/r", "-d", "1"],
                           capture_output=True, text=True)
        check(r.returncode == 1 and "not a Xen dom0" in r.stderr
              and not os.path.exists(tmp + "/r"),
              "outside Xen: --source xen -> exit 1, says it is not a dom0: %s"
              % r.stderr.strip())


def check_churn(out, xb, mhz):
    run = os.path.join(out, "run-churn")
    man = json.loads(read(os.path.join(run, "manifest.json"), "{}") or "{}")
    check(rc_of(out, "churn") == 0 and man.get("state", "").startswith("complete"),
          "record stopped by SIGINT exits 0 with a complete manifest: %s"
          % read(os.path.join(out, "churn.log")).strip().replace("\n", " | ")[-300:])
    late = [d for d in man.get("domains", []) if d.get("name") == "g-late"]
    check(len(late) == 1 and late[0]["created_during"] and late[0]["destroyed_during"],
          "a domain created and destroyed during the recording is listed so: %s" % late)
    doc, e = report_json(xb, run)
    if not check(doc is not None, "run-churn: report -f json %s" % e):
        return
    if late:
        rows = [r for r in doc["rows"] if r["domain"].split("#")[0] == str(late[0]["id"])
                and r["vcpu"] == "all" and r["pcpu"] == "total"]
        check(rows and rows[0]["name"] == "g-late" and rows[0]["cpu_pct"] > 0,
              "run-churn: g-late has its row, by name, with its CPU time")
        samples = xenstat_lines(run)
        ids = [{d["id"] for d in s["domains"]} for s in samples]
        seen = [late[0]["id"] in x for x in ids]
        check(any(seen) and not seen[0] and not seen[-1],
              "run-churn: libxenstat readings show g-late appear and go")
    xt.cross_check(xt.ours(doc), xt.xenalyze(os.path.join(run, "xentrace.bin"), mhz),
                   "run-churn")


def check_caps(out, xb):
    """The recording under the service's capabilities only
    (debian/xenbench.service's CapabilityBoundingSet, docs/service.md)."""
    run = os.path.join(out, "run-caps")
    if rc_of(out, "record-caps") is None:
        check(False, "no recording under the service's capabilities (SERVICE_CAPS unset?)")
        return
    man = json.loads(read(os.path.join(run, "manifest.json"), "{}") or "{}")
    log = read(os.path.join(out, "record-caps.log")).strip().replace("\n", " | ")[-300:]
    check(rc_of(out, "record-caps") == 0 and man.get("state") == "complete",
          "record under the service's capabilities only exits 0, complete: %s" % log)
    doc, e = report_json(xb, run)
    names = {r["name"] for r in doc["rows"]} if doc else set()
    nx = len(xenstat_lines(run)) if doc is not None else 0
    check(doc is not None and {"g-cpu", "g-idle", "g-io"} <= names and nx >= 3,
          "... with the guests' scheduler records (domains %s) and libxenstat readings "
          "(%d) %s" % (sorted(names), nx, e))


def check_sanitized(out):
    if rc_of(out, "asan") is None:
        print("# no sanitized binary given: ASan/UBSan run in dom0 skipped")
        return
    bad = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error|UndefinedBehavior")
    for n, want in (("asan", 0), ("asan-diskfull", 1), ("asan-busy", 1)):
        log = read(os.path.join(out, n + ".log"))
        hits = [ln for ln in log.splitlines() if bad.search(ln)]
        check(rc_of(out, n) == want and not hits,
              "ASan+UBSan build in dom0, %s: exit %s (want %d), no sanitizer report %s"
              % (n, rc_of(out, n), want, " | ".join(hits[:3])))


def main():
    out, xb = sys.argv[1], sys.argv[2]
    run = os.path.join(out, "run")
    check(rc_of(out, "record") == 0, "xenbench record in dom0 exits 0: %s"
          % read(os.path.join(out, "record.log")).strip().replace("\n", " | ")[-400:])
    man = json.loads(read(os.path.join(run, "manifest.json"), "{}") or "{}")
    if not check(bool(man), "run folder copied out with its manifest"):
        return xt.finish()
    check_manifest(run, man)
    hz = man["tsc_hz"]
    mhz = "%.6f" % (hz / 1e6)
    trace = os.path.join(run, man.get("trace", "xentrace.bin"))
    xenalyze_ok(trace, mhz, "run")

    r = subprocess.run([xb, "report", run], capture_output=True, text=True)
    check(r.returncode == 0 and "cpu(%)" in r.stdout,
          "report RUNDIR here exits 0 with the table %s" % r.stderr.strip())
    doc, e = report_json(xb, run)
    if not check(doc is not None, "report RUNDIR -f json %s" % e):
        return xt.finish()
    dom0_doc = json.loads(read(os.path.join(out, "report-dom0.json"), "null") or "null")
    check(dom0_doc is not None and dom0_doc["rows"] == doc["rows"],
          "report in dom0 and here give the same rows (%d rows)" % len(doc["rows"]))
    names = os.path.join(out, "xl-list.txt")
    xt.cross_check(xt.ours(doc), xt.xenalyze(trace, mhz), "run")
    xt.ground_truth(doc, names, "run")
    doc1, _ = report_json(xb, run, "-i", "1")
    if doc1:
        xt.check_conservation(doc1, "run")

    samples = xenstat_lines(run)
    if check(len(samples) >= 3, "libxenstat readings stored (%d)" % len(samples)):
        fine, e = report_json(xb, run, "-i", "0.05")
        if check(fine is not None, "report -i 0.05 %s" % e):
            check_cpu(fine, samples, hz, "run", trace=trace)
        check_disk(out, samples)
    pinned = os.path.join(out, "run-pinned")
    psamples = xenstat_lines(pinned) if os.path.isdir(pinned) else []
    if check(rc_of(out, "record-pinned") == 0 and len(psamples) >= 3,
             "pinned recording (every vCPU on pCPU 0) complete with %d readings"
             % len(psamples)):
        fine, e = report_json(xb, pinned, "-i", "0.05")
        if check(fine is not None, "run-pinned: report -i 0.05 %s" % e):
            check_cpu(fine, psamples, hz, "run-pinned")
        pdoc, _ = report_json(xb, pinned)
        if pdoc:
            xt.cross_check(xt.ours(pdoc), xt.xenalyze(os.path.join(pinned, "xentrace.bin"),
                                                      mhz), "run-pinned")

    xrun = os.path.join(out, "run-xentrace")
    xman = json.loads(read(os.path.join(xrun, "manifest.json"), "{}") or "{}")
    check(rc_of(out, "xentrace-run") == 0 and xman.get("state") == "complete" and
          xman.get("trace_capture", {}).get("method") == "xentrace",
          "--use-xentrace run complete: %s" %
          read(os.path.join(out, "xentrace-run.log")).strip().replace("\n", " | ")[-300:])
    if os.path.exists(os.path.join(xrun, "xentrace.bin")):
        xenalyze_ok(os.path.join(xrun, "xentrace.bin"), mhz, "run-xentrace")
    check_churn(out, xb, mhz)
    check_bad(out, xb)
    check_caps(out, xb)
    check_sanitized(out)
    return xt.finish()


if __name__ == "__main__":
    sys.exit(main())
