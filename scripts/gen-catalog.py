#!/usr/bin/env python3
"""gen-catalog.py: writes the built-in catalogue data/catalog/{aws,azure,gcp}.csv.

- aws.csv: every current-generation type and region with a Linux price in
  ../shared/data/aws-ec2-instance-types-2022-11.json, through xenbench's own
  importer (`xenbench import --catalog aws-ec2details`), so the built-in rows
  and an imported file agree by construction.
- azure.csv, gcp.csv: the series tables below, one row per size.  The sizes,
  disk and network figures come from the providers' size documentation named
  in each series' source; the prices are list prices (Linux, on-demand) of
  the reference region written from the providers' published pricing, not
  fetched (this machine has no network).  Every row's clock comes from
  data/catalog/rules/clocks.csv, the one table every importer uses too.

Usage: scripts/gen-catalog.py BUILD/xenbench [SHARED_EC2_JSON]
Run from the top of the checkout; rewrites the three files.
"""
import csv
import fnmatch
import os
import subprocess
import sys

HEADER = ("provider,type,category,region,arch,vcpu,memory_gib,clock_ghz,"
          "mflops_per_vcpu,burst_baseline_pct,burst_credits_per_hour,"
          "burst_max_credits,burst_initial_credits,net_gbps,net_burst_gbps,"
          "disk_mbps,disk_iops,disk_burst_mbps,disk_burst_iops,price_usd_hour,"
          "price_1y_usd_hour,price_3y_usd_hour,source,as_of").split(",")
AS_OF = "2024-06-01"
DOCS = "MicrosoftDocs/azure-docs articles/virtual-machines/"

# Azure, eastus, Linux pay-as-you-go.  Per size: vCPU, GiB, uncached disk
# IOPS and MB/s, burst IOPS and MB/s (None: no bursting), network Mbit/s.
AZURE = [
    ("Standard_D{}s_v5", "general", "x86_64", 0.048, DOCS + "dv5-dsv5-series.md @1a0fe16", [
        (2, 8, 3750, 85, 10000, 1200, 12500), (4, 16, 6400, 145, 20000, 1200, 12500),
        (8, 32, 12800, 290, 20000, 1200, 12500), (16, 64, 25600, 600, 40000, 1200, 12500),
        (32, 128, 51200, 865, 80000, 2000, 16000), (48, 192, 76800, 1315, 80000, 3000, 24000),
        (64, 256, 80000, 1735, 80000, 3000, 30000), (96, 384, 80000, 2600, 80000, 4000, 35000)]),
    ("Standard_D{}as_v5", "general", "x86_64", 0.043, DOCS + "dasv5-dadsv5-series.md @017371c", [
        (2, 8, 3750, 82, None, None, 2000), (4, 16, 6400, 144, None, None, 4000),
        (8, 32, 12800, 200, None, None, 8000), (16, 64, 25600, 384, None, None, 10000),
        (32, 128, 51200, 768, None, None, 16000), (48, 192, 76800, 1152, None, None, 24000),
        (64, 256, 80000, 1200, None, None, 32000), (96, 384, 80000, 1600, None, None, 40000)]),
    ("Standard_D{}ps_v5", "general", "arm64", 0.0385, DOCS + "dpsv5-dpdsv5-series.md @03dee7c", [
        (2, 8, 3750, 85, 10000, 1200, 12500), (4, 16, 6400, 145, 20000, 1200, 12500),
        (8, 32, 12800, 290, 20000, 1200, 12500), (16, 64, 25600, 600, 40000, 1200, 12500),
        (32, 128, 51200, 865, 80000, 2000, 16000), (48, 192, 76800, 1315, 80000, 3000, 24000),
        (64, 208, 80000, 1735, 80000, 3000, 40000)]),
    ("Standard_F{}s_v2", "compute", "x86_64", None, DOCS + "fsv2-series.md @04bf1e7", [
        (2, 4, 3200, 47, 4000, 200, 5000, 0.0846), (4, 8, 6400, 95, 8000, 200, 10000, 0.169),
        (8, 16, 12800, 190, 16000, 400, 12500, 0.338),
        (16, 32, 25600, 380, 32000, 800, 12500, 0.677),
        (32, 64, 51200, 750, 64000, 1600, 16000, 1.353),
        (48, 96, 76800, 1100, 80000, 2000, 21000, 2.03),
        (64, 128, 80000, 1100, 80000, 2000, 28000, 2.706),
        (72, 144, 80000, 1100, 80000, 2000, 30000, 3.045)]),
    ("Standard_E{}s_v5", "memory", "x86_64", 0.063, DOCS + "ev5-esv5-series.md @02d00dc", [
        (2, 16, 3750, 85, 10000, 1200, 12500), (4, 32, 6400, 145, 20000, 1200, 12500),
        (8, 64, 12800, 290, 20000, 1200, 12500), (16, 128, 25600, 600, 40000, 1200, 12500),
        (20, 160, 32000, 750, 64000, 1600, 12500), (32, 256, 51200, 865, 80000, 2000, 16000),
        (48, 384, 76800, 1315, 80000, 3000, 24000), (64, 512, 80000, 1735, 80000, 3000, 30000),
        (96, 672, 80000, 2600, 80000, 4000, 35000)]),
    ("Standard_E{}as_v5", "memory", "x86_64", 0.0565, DOCS + "easv5-eadsv5-series.md @017371c", [
        (2, 16, 3750, 82, None, None, 2000), (4, 32, 6400, 144, None, None, 4000),
        (8, 64, 12800, 200, None, None, 8000), (16, 128, 25600, 384, None, None, 10000),
        (20, 160, 32000, 480, None, None, 12500), (32, 256, 51200, 768, None, None, 16000),
        (48, 384, 76800, 1152, None, None, 24000), (64, 512, 80000, 1200, None, None, 32000),
        (96, 672, 80000, 1600, None, None, 40000)]),
    ("Standard_E{}ps_v5", "memory", "arm64", 0.0505, DOCS + "epsv5-epdsv5-series.md @1c68970", [
        (2, 16, 3750, 85, 10000, 1200, 12500), (4, 32, 6400, 145, 10000, 1200, 12500),
        (8, 64, 12800, 290, 20000, 1200, 12500), (16, 128, 25600, 600, 40000, 1200, 12500),
        (20, 160, 32000, 750, 64000, 1600, 12500), (32, 208, 51200, 865, 80000, 2000, 16000)]),
]
# B-series v1 (burstable): name, vCPU, GiB, disk MB/s, IOPS, price; credit
# rules from rules/burst.csv.
AZURE_B = [
    ("Standard_B1ls", 1, 0.5, 10, 160, 0.0052), ("Standard_B1s", 1, 1, 10, 320, 0.0104),
    ("Standard_B1ms", 1, 2, 10, 640, 0.0207), ("Standard_B2s", 2, 4, 15, 1280, 0.0416),
    ("Standard_B2ms", 2, 8, 22.5, 1920, 0.0832), ("Standard_B4ms", 4, 16, 35, 2880, 0.166),
    ("Standard_B8ms", 8, 32, 50, 4320, 0.333), ("Standard_B12ms", 12, 48, None, None, 0.499),
    ("Standard_B16ms", 16, 64, None, None, 0.666), ("Standard_B20ms", 20, 80, None, None, 0.832),
]

# GCP, us-central1, on-demand: per series the price per vCPU-hour and per
# GB-hour, the shapes (suffix, GB per vCPU, vCPU counts), the architecture,
# the egress cap rule (Gbit/s per vCPU, floor, ceiling; None: not given).
GCP = [
    ("e2", 0.021811, 0.002923, "x86_64", (2, 0, 16),
     [("standard", 4, [2, 4, 8, 16, 32]), ("highcpu", 1, [2, 4, 8, 16, 32]),
      ("highmem", 8, [2, 4, 8, 16])]),
    ("n2", 0.031611, 0.004237, "x86_64", (2, 10, 32),
     [("standard", 4, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128]),
      ("highcpu", 1, [2, 4, 8, 16, 32, 48, 64, 80, 96]),
      ("highmem", 8, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128])]),
    ("n2d", 0.027502, 0.003686, "x86_64", (2, 10, 32),
     [("standard", 4, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224]),
      ("highcpu", 1, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224]),
      ("highmem", 8, [2, 4, 8, 16, 32, 48, 64, 80, 96])]),
    ("c2", 0.03398, 0.00455, "x86_64", (2, 10, 32),
     [("standard", 4, [4, 8, 16, 30, 60])]),
    ("c2d", 0.029563, 0.003959, "x86_64", (2, 10, 32),
     [("standard", 4, [2, 4, 8, 16, 32, 56, 112]), ("highcpu", 2, [2, 4, 8, 16, 32, 56, 112]),
      ("highmem", 8, [2, 4, 8, 16, 32, 56, 112])]),
    ("t2d", 0.027502, 0.003686, "x86_64", None,
     [("standard", 4, [1, 2, 4, 8, 16, 32, 48, 60])]),
    ("t2a", 0.0275, 0.00275, "arm64", None,
     [("standard", 4, [1, 2, 4, 8, 16, 32, 48])]),
]
GCP_CATEGORY = {"standard": "general", "highcpu": "compute", "highmem": "memory"}
COMPUTE_SERIES = ("c2", "c2d")     # compute-optimised families: standard is compute
# e2 shared-core: name, vCPUs as billed, GB, egress cap, price; the
# baseline comes from rules/burst.csv.
GCP_SHARED = [("e2-micro", 2, 1, 1, 0.008376), ("e2-small", 2, 2, 1, 0.016751),
              ("e2-medium", 2, 4, 2, 0.033503)]
GCP_SOURCE = ("Google Compute Engine VM instance pricing (us-central1, on-demand: {} per "
              "vCPU-hour and GB-hour) and machine-type docs; written from published "
              "figures, not fetched")


def num(v):
    if v is None:
        return ""
    return ("%.6f" % v).rstrip("0").rstrip(".")


def rules(path, keys):
    with open(path) as f:
        return [r for r in csv.DictReader(f) if all(r[k] for k in keys)] if keys else \
            list(csv.DictReader(open(path)))


def clock_of(clocks, provider, name):
    for r in clocks:
        if r["provider"] == provider and fnmatch.fnmatchcase(name, r["pattern"]):
            return r["all_core_ghz"]    # "" when the provider publishes none
    return ""


def burst_of(burst, provider, name):
    for r in burst:
        if r["provider"] == provider and r["type"] == name:
            return r
    return None


def row(**kw):
    out = {k: "" for k in HEADER}
    out.update({k: (num(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                    else ("" if v is None else v)) for k, v in kw.items()})
    return out


def azure_rows(clocks, burst):
    rows = []
    for pattern, cat, arch, per_vcpu, doc, sizes in AZURE:
        for s in sizes:
            vcpu, gib, iops, mbps, biops, bmbps, net = s[:7]
            price = s[7] if len(s) > 7 else round(per_vcpu * vcpu, 4)
            name = pattern.format(vcpu)
            rows.append(row(provider="azure", type=name, category=cat, region="eastus",
                            arch=arch, vcpu=vcpu, memory_gib=gib,
                            clock_ghz=clock_of(clocks, "azure", name),
                            net_gbps=net / 1000.0, disk_mbps=mbps, disk_iops=iops,
                            disk_burst_mbps=bmbps, disk_burst_iops=biops,
                            price_usd_hour=price,
                            source="Azure Linux pay-as-you-go price (eastus), written "
                                   "from published figures, not fetched; size, disk "
                                   "and network: " + doc, as_of=AS_OF))
    for name, vcpu, gib, mbps, iops, price in AZURE_B:
        b = burst_of(burst, "azure", name)
        rows.append(row(provider="azure", type=name, category="burstable",
                        region="eastus", arch="x86_64", vcpu=vcpu, memory_gib=gib,
                        clock_ghz=clock_of(clocks, "azure", name),
                        burst_baseline_pct=b["baseline_pct"],
                        burst_credits_per_hour=b["credits_per_hour"],
                        burst_max_credits=b["max_credits"],
                        burst_initial_credits=b["initial_credits"],
                        disk_mbps=mbps, disk_iops=iops, price_usd_hour=price,
                        source="Azure Linux pay-as-you-go price (eastus) and B-series "
                               "size docs, written from published figures, not fetched",
                        as_of=AS_OF))
    return rows


def gcp_rows(clocks, burst):
    rows = []
    for series, pv, pg, arch, egress, shapes in GCP:
        src = GCP_SOURCE.format("%s: %s and %s USD" % (series.upper(), pv, pg))
        for shape, gb_per, counts in shapes:
            for v in counts:
                name = "%s-%s-%d" % (series, shape, v)
                gib = gb_per * v
                net = min(max(egress[0] * v, egress[1]), egress[2]) if egress else None
                cat = GCP_CATEGORY[shape]
                if series in COMPUTE_SERIES and shape == "standard":
                    cat = "compute"
                rows.append(row(provider="gcp", type=name, category=cat,
                                region="us-central1", arch=arch, vcpu=v, memory_gib=gib,
                                clock_ghz=clock_of(clocks, "gcp", name), net_gbps=net,
                                price_usd_hour=round(pv * v + pg * gib, 6), source=src,
                                as_of=AS_OF))
    for name, vcpu, gib, net, price in GCP_SHARED:
        b = burst_of(burst, "gcp", name)
        rows.append(row(provider="gcp", type=name, category="burstable",
                        region="us-central1", arch="x86_64", vcpu=vcpu, memory_gib=gib,
                        clock_ghz=clock_of(clocks, "gcp", name),
                        burst_baseline_pct=b["baseline_pct"], net_gbps=net,
                        price_usd_hour=price,
                        source="Google Compute Engine VM instance pricing (us-central1, "
                               "on-demand, E2 shared-core) and machine-type docs, "
                               "written from published figures, not fetched; no CPU "
                               "credit figures published",
                        as_of=AS_OF))
    return rows


def write(path, rows):
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    os.rename(path + ".tmp", path)
    print("wrote %s: %d rows" % (path, len(rows)))


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    xb = sys.argv[1]
    ec2 = sys.argv[2] if len(sys.argv) > 2 else \
        "../shared/data/aws-ec2-instance-types-2022-11.json"
    clocks = rules("data/catalog/rules/clocks.csv", None)
    burst = rules("data/catalog/rules/burst.csv", None)
    r = subprocess.run([xb, "import", "--catalog", "aws-ec2details", "--as-of",
                        "2022-11-22", "-o", "data/catalog/aws.csv", ec2])
    if r.returncode:
        return r.returncode
    write("data/catalog/azure.csv", azure_rows(clocks, burst))
    write("data/catalog/gcp.csv", gcp_rows(clocks, burst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
