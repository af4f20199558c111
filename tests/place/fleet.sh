#!/bin/sh
# fleet.sh: `place` and `simulate` on the real fleet (../shared/data/
# bitbrains-rnd/, GWA-T-12), a part of it so that it stays quick: 60 of its
# VMs imported with `import --format gwa` (a store of 5-minute roll-ups, no
# raw windows), placed on the first three weeks of July 2013 on the hosts of
# examples/fleet-hosts.csv, the plan replayed on the last 7 days.  Holds: VMs
# placed, hosts used at or above the lower bound and within the pool, every
# host's allocations within its memory, no host window above capacity in
# the packed weeks, the unseen week replayed with the VMs down that week
# counted (not an error).  The whole fleet's figures: bench/place-scale.
# Usage: fleet.sh BUILD/xenbench TOP_OF_CHECKOUT
set -u
xb=$1
root=$2
fleet=$root/../shared/data/bitbrains-rnd/rnd-2013-7.tar.xz
[ -f "$fleet" ] || { echo "1..0 # SKIP no fleet at $fleet"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset XENBENCH_DB XENBENCH_CATALOG
. "$root/tests/expect.sh"
files=
for i in $(seq 1 60); do files="$files 2013-7/$i.csv"; done
# shellcheck disable=SC2086
tar -xJf "$fleet" -C "$tmp" $files || { echo "not ok - unpack the fleet"; exit 1; }
db=$tmp/fleet.db
h=$root/examples/fleet-hosts.csv
expect "fleet: import" 0 "60 VMs" -- "$xb" import --format gwa --host bitbrains-rnd --db "$db" "$tmp/2013-7"
weeks="--from 2013-07-01T00:00:00Z --until 2013-07-22T00:00:00Z"
# shellcheck disable=SC2086
expect "fleet: place on three weeks" 0 '"vms": [1-9]' -- "$xb" place --db "$db" --hosts "$h" $weeks -o "$tmp/plan.csv" -f json
# shellcheck disable=SC2086
"$xb" place --db "$db" --hosts "$h" $weeks -f json >"$tmp/place.json" 2>/dev/null
expect "fleet: simulate the unseen week" 0 '"host_windows": [1-9]' -- "$xb" simulate --db "$db" --hosts "$h" --from -7d -f json "$tmp/plan.csv"
"$xb" simulate --db "$db" --hosts "$h" --from -7d -f json "$tmp/plan.csv" >"$tmp/sim.json" 2>/dev/null
python3 - "$tmp/place.json" "$tmp/sim.json" >"$tmp/checks" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
def check(name, cond, detail):
    print(("ok " if cond else "no ") + name + ("" if cond else " # " + detail))
used = p["hosts_used"] + p["hosts_standby"]
check("fleet: every VM placed", p["not_placed"] == 0 and p["vms"] > 40,
      f"{p['vms']} VMs, {p['not_placed']} not placed")
check("fleet: hosts used at or above the bound", p["lower_bound"] <= used <= p["hosts_in_pool"],
      f"{used} used, bound {p['lower_bound']}, pool {p['hosts_in_pool']}")
check("fleet: the demand is the fleet's", all(x["series"]["cpu"]["max"] > 0 for x in p["hosts"]
                                               if x["state"] == "used"), "a host at 0")
over = [x["host"] for x in p["hosts"]
        if x["mem_alloc_gib"] > x["series"]["memory"]["capacity"] + 1e-6]
check("fleet: allocations within memory", not over, ",".join(over))
over = [x["host"] for x in p["hosts"]
        if x["series"]["cpu"]["max"] > x["series"]["cpu"]["capacity"] + 1e-6]
check("fleet: no packed window above capacity", not over, ",".join(over))
check("fleet: the unseen week is 7 days", 2010 <= s["windows"] <= 2020, str(s["windows"]))
check("fleet: VMs down that week counted", s["plan_without_samples"] >= 0 and
      len(s["vms"]) + s["plan_without_samples"] == p["vms"],
      f"{len(s['vms'])} replayed + {s['plan_without_samples']} absent != {p['vms']}")
PY
[ -s "$tmp/checks" ] || no "fleet: the plan and replay read back"
while read -r verdict rest; do
    if [ "$verdict" = ok ]; then ok "$rest"; else no "$rest"; fi
done <"$tmp/checks"
finish
