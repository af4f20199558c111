#!/usr/bin/env python3
"""check_ec2details.py: `xenbench import --catalog aws-ec2details` on the real
shared/data/aws-ec2-instance-types-2022-11.json, every row against the file
read independently here (Python's json): vCPUs, memory, clock, price, the
families kept, the regions kept; and `plan` reads the result.
Usage: check_ec2details.py BUILD/xenbench PATH/aws-ec2-instance-types-2022-11.json
Exits 77 (skipped) when the shared file is not there.
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

XB, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402

T = Tally()
check = T.check


def category(t):
    fam = re.match(r"[a-z]*", t).group(0)
    return {"t": "burstable", "m": "general", "a": "general", "c": "compute",
            "r": "memory", "x": "memory", "z": "memory", "u": "memory"}.get(fam)


def main():
    if not os.path.isfile(SRC):
        print("skip: %s not found" % SRC)
        return 77
    data = json.load(open(SRC))
    want = {}
    for t, v in data.items():
        cat = category(t)
        price = v.get("prices", {}).get("Linux", {}).get("us-east-1", {}).get("Shared")
        if cat is None or price is None:
            continue
        if cat == "burstable" and not re.match(r"t(2|3|3a|4g)\.", t):
            continue
        want[t] = (cat, v["vcpu"], float(v["memory"].split()[0].replace(",", "")),
                   price, "arm64" if "Graviton" in v.get("physicalProcessor", "")
                   else "x86_64")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "aws-2022.csv")
        r = subprocess.run([XB, "import", "--catalog", "aws-ec2details", "--as-of",
                            "2022-11-22", "--region", "us-east-1", "-o", out, SRC],
                           capture_output=True, text=True)
        check(r.returncode == 0, "import exits 0 %s" % r.stderr.strip())
        if r.returncode:
            return 1
        got = {row["type"]: row for row in csv.DictReader(open(out))}
        check(set(got) == set(want), "the same %d types as the file has for us-east-1 "
              "(missing %s, extra %s)" % (len(want), sorted(set(want) - set(got))[:5],
                                          sorted(set(got) - set(want))[:5]))
        bad = []
        for t, (cat, vcpu, mem, price, arch) in want.items():
            g = got.get(t)
            if not g:
                continue
            if (g["category"], int(g["vcpu"]), float(g["memory_gib"]),
                    float(g["price_usd_hour"]), g["arch"], g["region"],
                    g["as_of"]) != (cat, vcpu, mem, price, arch, "us-east-1",
                                    "2022-11-22"):
                bad.append(t)
        check(not bad, "every row's category, vCPUs, memory, price, arch as in the "
              "file %s" % bad[:5])
        m5 = got.get("m5.large", {})
        check(m5.get("clock_ghz") == "3.1" and m5.get("net_gbps") == "10"
              and m5.get("price_usd_hour") == "0.096",
              "m5.large: 3.1 GHz, up to 10 Gbit/s, 0.096 USD/h")
        t3 = got.get("t3.micro", {})
        check(t3.get("burst_baseline_pct") == "10" and t3.get("burst_credits_per_hour")
              == "12", "t3.micro gets the burst rules (10 %, 12 credits/h)")

        db = os.path.join(tmp, "h.db")
        ex = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                          "examples", "credit2-2pcpu-3guests")
        subprocess.run([XB, "import", "--db", db, ex], capture_output=True)
        env = dict(os.environ, XENBENCH_CATALOG=out)
        r = subprocess.run([XB, "plan", "--db", db, "--provider", "aws", "-f", "csv"],
                           capture_output=True, text=True, env=env)
        rows = list(csv.DictReader(r.stdout.splitlines()))
        check(r.returncode == 0 and rows and all(x["catalog_as_of"] == "2022-11-22"
                                                 for x in rows),
              "plan on the imported 2022 catalogue alone %s" % r.stderr.strip())
    return T.close()


if __name__ == "__main__":
    sys.exit(main())
