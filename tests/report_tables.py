#!/usr/bin/env python3
"""report_tables.py: CSV and JSON carry everything the text table shows, a
CSV file is one table, one unit per quantity.

On a copy of the recorded Linux run tests/linux-runs/cgroup-3s with a
perf.txt added (last-level cache readings for domain 1: these machines have
no PMU, so the readings are written here, named as such), for 1 s windows:
  - each `report -f csv --table T` (cpu, io, disk, cache, run) is one table:
    a header and rows of its width, no blank line;
  - the figures of the text table's "Disk, network, memory", "Host disks"
    and "Cache" tables equal the CSV's io, disk and cache tables and the
    JSON's "disk", "host_disks" and "cache" arrays at the table's precision;
  - the footer's facts (host, CPU model, span, events, start) are the run
    table's and the JSON's;
  - --sort and --top give every format the same domains in the same order.
Usage: report_tables.py BUILD/xenbench
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tap import check, finish  # noqa: E402

XB = sys.argv[1]
RUN = os.path.join(HERE, "linux-runs", "cgroup-3s")


def report(run, *args):
    r = subprocess.run([XB, "report", run, "-i", "1"] + list(args),
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("report %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def csv_table(run, table, *extra):
    text = report(run, "-f", "csv", "--table", table, *extra)
    rows = list(csv.reader(io.StringIO(text)))
    one = "\n\n" not in text and rows and all(len(r) == len(rows[0]) for r in rows)
    check(bool(one), "CSV --table %s: one table, %d rows of %d fields" %
          (table, len(rows) - 1, len(rows[0]) if rows else 0))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def text_tables(text):
    """{window index: {"Disk, network, memory": [...], ...}} of the table."""
    out, win, cur = {}, 0, None
    for ln in text.splitlines():
        if ln.startswith("window "):
            win = int(ln.split()[1].rstrip(":"))
            cur = None
        elif ln.startswith("=== ") and ln.rstrip("\t").endswith(" ==="):
            name = ln.rstrip("\t")[4:-4]
            cur = out.setdefault(win, {}).setdefault(name, [])
        elif cur is not None and "\t" in ln:
            cur.append(ln.split("\t"))
        else:
            cur = None
    return out


def same(a, b, digits):
    """A figure printed at `digits` decimals is the CSV/JSON one rounded."""
    if a in ("-", "") or b in ("", None):
        return (a in ("-", "")) == (b in ("", None))
    return abs(float(a) - float(b)) <= 0.5 * 10 ** -digits + 1e-9


def with_cache(tmp):
    """The run, plus a perf.txt of LLC readings for domain 1."""
    run = os.path.join(tmp, "run")
    shutil.copytree(RUN, run)
    man = json.load(open(os.path.join(run, "manifest.json")))
    t0, t1 = man["t0_mono_ns"], man["t_stop_mono_ns"]
    with open(os.path.join(run, "perf.txt"), "w") as f:
        f.write("# written by tests/report_tables.py (no PMU here)\n")
        for k in range(5):
            t = t0 + k * (t1 - t0) // 4
            for cpu in (0, 1):
                f.write("%d 1 llc_refs cpu%d %d 10 10\n" % (t, cpu, 1000000 * k))
                f.write("%d 1 llc_misses cpu%d %d 10 10\n" % (t, cpu, 250000 * k))
    man["counters"].append({"format": "perf", "path": "perf.txt"})
    man["sources_missing"] = []
    json.dump(man, open(os.path.join(run, "manifest.json"), "w"))
    return run


with tempfile.TemporaryDirectory() as tmp:
    run = with_cache(tmp)
    text = text_tables(report(run))
    doc = json.loads(report(run, "-f", "json"))
    starts = sorted({float(x["t_start_s"]) for x in doc["rows"]})

    def win(r):
        """The window index of a CSV or JSON row."""
        return starts.index(float(r["t_start_s"]))

    cpu = csv_table(run, "cpu")
    check(len(cpu) == len(doc["rows"]), "CSV cpu rows = JSON rows (%d, %d)" % (len(cpu), len(doc["rows"])))

    def compare(title, key, cols, csv_rows, json_rows):
        """Every figure of the text table `title` (a row per `key`, then
        `cols` as (name, decimals)) in the CSV and JSON rows of its window."""
        bad, n = [], 0
        for w, tabs in text.items():
            for row in tabs.get(title, [])[1:]:
                c = [r for r in csv_rows if win(r) == w and r[key] == row[0]]
                j = [r for r in json_rows if win(r) == w and r[key] == row[0]]
                if len(c) != 1 or len(j) != 1:
                    bad.append("window %d %s: %d CSV, %d JSON rows" % (w, row[0], len(c), len(j)))
                    continue
                for i, (k, d) in enumerate(cols):
                    n += 1
                    if not same(row[1 + i], c[0][k], d) or not same(row[1 + i], j[0].get(k), d):
                        bad.append("window %d %s %s: table %s, CSV %s, JSON %s" %
                                   (w, row[0], k, row[1 + i], c[0][k], j[0].get(k)))
        check(n > 0 and not bad, "%s: %d figures of the table in CSV and JSON %s" %
              (title, n, bad[:3]))

    # Disk, network, memory per domain: table, CSV io, JSON "disk".
    io_csv = csv_table(run, "io")
    keys = [k for k in io_csv[0] if k not in ("t_start_s", "t_end_s", "t_start_utc",
                                              "domain", "name")] if io_csv else []
    compare("Disk, network, memory", "domain",
            [(k, 1 if k == "mem_mib" else 2) for k in keys], io_csv, doc["disk"])
    check("mem_mib" in keys, "io: memory per domain in the CSV (mem_mib)")

    # Host disks: table, CSV disk, JSON "host_disks".
    compare("Host disks", "device",
            list(zip(["r_per_s", "read_mbps", "r_await_ms", "w_per_s", "write_mbps",
                      "w_await_ms", "aqu_sz", "util_pct"], [1, 2, 2, 1, 2, 2, 2, 1])),
            csv_table(run, "disk"), doc["host_disks"])

    # Cache: table, CSV cache, JSON "cache".
    ca_csv = csv_table(run, "cache")
    compare("Cache", "domain", [("llc_refs_ps", 0), ("llc_misses_ps", 0),
                                ("llc_miss_ratio", 3)], ca_csv, doc["cache"])
    refs = [r for r in ca_csv if r["domain"] == "1" and r["llc_refs_ps"]]
    check(bool(refs), "cache: domain 1 has figures")
    check(refs and abs(float(refs[0]["llc_miss_ratio"]) - 0.25) < 1e-6,
          "cache: domain 1's miss ratio is the readings' 0.25")

    # The run's facts: footer, CSV run table, JSON.
    foot = report(run).split("\n\nspan:", 1)[1] if "\n\nspan:" in report(run) else ""
    facts = csv_table(run, "run")
    f = facts[0] if facts else {}
    check(f.get("host") == doc["host"] == "vm" and f.get("cpu_model") == doc["cpu_model"]
          and "host: vm, " + f.get("cpu_model", "?") in foot,
          "run: host and CPU model in the footer, CSV and JSON")
    check(f.get("span_s") and abs(float(f["span_s"]) - doc["span_s"]) < 1e-6
          and (" %s s" % f["span_s"]) in foot.splitlines()[0],
          "run: the span in the footer, CSV and JSON (%s)" % f.get("span_s"))
    check(f.get("start_utc") == doc["start_utc"] and f.get("start_utc", "?") in foot,
          "run: the start on the wall clock (%s)" % f.get("start_utc"))
    check(f.get("records") == str(doc["records"]) and
          ("events: %s read" % f.get("records")) in foot, "run: events read")

    # The same domains in the same order everywhere, with --sort and --top.
    sel = ("--sort", "cpu", "--top", "2")
    t = text_tables(report(run, *sel))
    order_text = [r[0] for r in t[0]["CPU"][1:] if r[1] == "cpu(%)" and r[0] != "total"]
    j = json.loads(report(run, "-f", "json", *sel))
    order_json = []
    for r in j["rows"]:
        if r["t_start_s"] == 0 and r["vcpu"] == "all" and r["pcpu"] == "total" \
                and r["domain"] != "32767" and r["domain"] not in order_json:
            order_json.append(r["domain"])
    c = csv_table(run, "cpu", *sel)
    order_csv = []
    for r in c:
        if float(r["t_start_s"]) == 0 and r["vcpu"] == "all" and r["pcpu"] == "total" \
                and r["domain"] != "32767" and r["domain"] not in order_csv:
            order_csv.append(r["domain"])
    check(len(order_text) == 2 and order_text == order_json == order_csv,
          "--sort cpu --top 2: the same domains in the same order (%s, %s, %s)" %
          (order_text, order_json, order_csv))
finish()
