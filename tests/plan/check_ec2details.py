#!/usr/bin/env python3
"""check_ec2details.py: `xenbench catalog import aws-ec2details` on the real
shared/data/aws-ec2-instance-types-2022-11.json, every row against the file
read independently here (Python's json): every current-generation type, in
every region with a Linux shared-tenancy price (the display names of regions
mapped to their codes, Local and Wavelength Zones left out), with its vCPUs,
memory, price, architecture, category, the "Up to" network and EBS figures in
the burst columns only, and the clock of data/catalog/rules/clocks.csv (read
here too).  The built-in data/catalog/aws.csv must be this import, row for
row; a broken copy of the file must fail naming the type and field, writing
nothing; and `plan` reads the result.
Usage: check_ec2details.py BUILD/xenbench PATH/aws-ec2-instance-types-2022-11.json
Exits 77 (skipped) when the shared file is not there.
"""
import csv
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

XB, SRC = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
from tally import Tally  # noqa: E402

T = Tally()
check = T.check

# AWS General Reference, "Regions and Zones": regions the Price List names.
NAMES = {"Asia Pacific (Osaka)": "ap-northeast-3", "Asia Pacific (Hyderabad)": "ap-south-2",
         "Europe (Spain)": "eu-south-2", "Europe (Zurich)": "eu-central-2",
         "Middle East (UAE)": "me-central-1"}
FAMILIES = {"t": "burstable", "m": "general", "a": "general", "c": "compute",
            "r": "memory", "x": "memory", "z": "memory", "u": "memory",
            "i": "storage", "im": "storage", "is": "storage", "d": "storage",
            "h": "storage", "hpc": "hpc", "p": "accelerated", "g": "accelerated",
            "f": "accelerated", "inf": "accelerated", "dl": "accelerated",
            "trn": "accelerated", "vt": "accelerated"}


def region(key):
    if key in NAMES:
        return NAMES[key]
    return key if re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-[0-9]+", key) else None


def number(s, unit_factors):
    """'Up to 10 Gigabit' -> (10.0, True); words -> (None, False)."""
    if not s:
        return None, False
    up = s.startswith("Up to ")
    m = re.fullmatch(r"(?:Up to )?([0-9.,]+) (\w+)", s)
    if not m or m.group(2) not in unit_factors:
        return None, up
    return float(m.group(1).replace(",", "")) * unit_factors[m.group(2)], up


def fmt(v):
    return "" if v is None else v


def main():
    if not os.path.isfile(SRC):
        print("skip: %s not found" % SRC)
        return 77
    data = json.load(open(SRC))
    clocks = list(csv.DictReader(open(os.path.join(TOP, "data", "catalog", "rules",
                                                   "clocks.csv"))))

    def clock(t):
        for r in clocks:
            if r["provider"] == "aws" and fnmatch.fnmatchcase(t, r["pattern"]):
                return float(r["all_core_ghz"]) if r["all_core_ghz"] else None
        return None

    want = {}
    for t, v in data.items():
        fam = re.match(r"[a-z]*", t).group(0)
        if not v["currentGeneration"] or fam not in FAMILIES:
            continue
        net, net_up = number(v.get("networkPerformance"), {"Gigabit": 1, "Megabit": 1e-3})
        ebs, ebs_up = number(v.get("dedicatedEbsThroughput"), {"Mbps": 1 / 8, "Gbps": 125})
        for key, p in v.get("prices", {}).get("Linux", {}).items():
            reg = region(key)
            if reg is None or "Shared" not in p:
                continue
            want[(t, reg)] = {
                "category": FAMILIES[fam], "vcpu": v["vcpu"],
                "memory_gib": float(v["memory"].split()[0].replace(",", "")),
                "price_usd_hour": p["Shared"],
                "arch": "arm64" if "Graviton" in v.get("physicalProcessor", "") else "x86_64",
                "net_gbps": None if net_up else net, "net_burst_gbps": net if net_up else None,
                "disk_mbps": None if ebs_up else ebs, "disk_burst_mbps": ebs if ebs_up else None,
                "clock_ghz": clock(t),
            }
    check(len({r for _, r in want}) >= 25 and len(want) > 8000,
          "the file has %d (type, region) prices in %d regions" %
          (len(want), len({r for _, r in want})))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "aws-2022.csv")
        r = subprocess.run([XB, "catalog", "import", "aws-ec2details", "--as-of",
                            "2022-11-22", "-o", out, SRC], capture_output=True, text=True)
        check(r.returncode == 0, "import exits 0 %s" % r.stderr.strip())
        if r.returncode:
            return 1
        got = {(row["type"], row["region"]): row for row in csv.DictReader(open(out))}
        check(set(got) == set(want), "the same %d (type, region) rows as the file "
              "(missing %s, extra %s)" % (len(want), sorted(set(want) - set(got))[:5],
                                          sorted(set(got) - set(want))[:5]))
        bad = []
        for key, w in want.items():
            g = got.get(key)
            if not g:
                continue
            for f, v in w.items():
                gv = g[f]
                ok = (gv == "" if v is None else
                      gv == v if isinstance(v, str) else
                      gv != "" and abs(float(gv) - v) <= 1e-9 * max(1, abs(v)))
                if not ok:
                    bad.append("%s %s %s: %r, file %r" % (key[0], key[1], f, gv, v))
            if g["as_of"] != "2022-11-22" or g["source"] == "":
                bad.append("%s: as_of/source" % (key,))
        check(not bad, "every row's figures as in the file and rules/clocks.csv %s" %
              bad[:4])
        m6a = got.get(("m6a.large", "us-east-1"), {})
        check(m6a.get("clock_ghz") == "3.6", "m6a.large: 3.6 GHz all-core (the Price "
              "List's clockSpeed says %s)" % data["m6a.large"].get("clockSpeed"))
        m5 = got.get(("m5.large", "us-east-1"), {})
        check(m5.get("net_gbps") == "" and m5.get("net_burst_gbps") == "10",
              "m5.large: 'Up to 10 Gigabit' is a burst figure, no sustained one")
        t3 = got.get(("t3.micro", "us-east-1"), {})
        check(t3.get("burst_baseline_pct") == "10" and t3.get("burst_credits_per_hour")
              == "12", "t3.micro gets the burst rules (10 %, 12 credits/h)")

        builtin = os.path.join(TOP, "data", "catalog", "aws.csv")
        check(open(builtin).read() == open(out).read(),
              "data/catalog/aws.csv is this import (scripts/gen-catalog.py)")

        broken = json.load(open(SRC))
        broken["m5.large"]["memory"] = "eight GiB"
        bpath = os.path.join(tmp, "broken.json")
        json.dump(broken, open(bpath, "w"))
        bout = os.path.join(tmp, "broken.csv")
        r = subprocess.run([XB, "catalog", "import", "aws-ec2details", "--as-of",
                            "2022-11-22", "-o", bout, bpath], capture_output=True,
                           text=True)
        check(r.returncode == 2 and "\"m5.large\".memory: 'eight GiB'" in r.stderr
              and not os.path.exists(bout),
              "a broken copy fails naming the type and field, nothing written: %s" %
              r.stderr.strip())

        db = os.path.join(tmp, "h.db")
        ex = os.path.join(TOP, "examples", "credit2-2pcpu-3guests")
        subprocess.run([XB, "import", "--db", db, ex], capture_output=True)
        env = dict(os.environ, XENBENCH_CATALOG=out)
        r = subprocess.run([XB, "plan", "--db", db, "--provider", "aws", "--since", "all",
                            "-f", "csv"], capture_output=True, text=True, env=env)
        rows = list(csv.DictReader(r.stdout.splitlines()))
        check(r.returncode == 0 and rows and all(x["catalog_as_of"] == "2022-11-22"
                                                 for x in rows if x["type"]),
              "plan on the imported 2022 catalogue alone %s" % r.stderr.strip())
    return T.close()


if __name__ == "__main__":
    sys.exit(main())
