#!/bin/sh
# e2e.sh: end to end, recorded runs -> import -> plan, asserting the issue's
# acceptance: per provider the CPU-bound VM gets a type at least as large as
# the idle VM's and larger or compute-optimised; the idle VM is found
# over-provisioned; importing everything again changes neither the database
# nor the plan.  The recordings are seconds long, below AWS's 30-hour data
# minimum: by default every VM is InsufficientData and not priced (checked);
# the sizing checks plan them with --min-coverage 0.
# Usage: e2e.sh BUILD/xenbench RUNDIR...
#   CPU_VM (default g-cpu) and IDLE_VM (default g-idle) name the two VMs;
#   run folders of `xenbench bench examples/mixed.scn` go in the list as they
#   are (set CPU_VM/IDLE_VM to the scenario's domain names).
set -u
xb=$1
shift
cpu=${CPU_VM:-g-cpu}
idle=${IDLE_VM:-g-idle}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset XENBENCH_CATALOG
export XENBENCH_DB="$tmp/e2e.db"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }

n=$#
for d in "$@"; do   # keep the folders that exist (../shared may be absent)
    if [ -e "$d" ]; then set -- "$@" "$d"; else echo "skip: $d not found"; fi
done
shift "$n"
if "$xb" import "$@" > "$tmp/import1.txt" 2>&1; then ok "import of $# paths"
else no "import: $(tail -3 "$tmp/import1.txt")"; fi
counts() {
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print([c.execute("select count(*) from %s" % t).fetchone()[0] for t in ("host","run","vm","sample")])' "$XENBENCH_DB"
}
before=$(counts)
"$xb" plan --format csv > "$tmp/plan0.csv" 2>&1
if python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); sys.exit(not r or any(x["finding"] != "insufficient-data" or x["type"] for x in r))' "$tmp/plan0.csv"
then ok "below the 30 h data minimum: every VM InsufficientData, none priced"
else no "below the data minimum: $(head -3 "$tmp/plan0.csv")"; fi
"$xb" plan --min-coverage 0 > "$tmp/plan1.txt" 2>&1
"$xb" plan --min-coverage 0 --format csv > "$tmp/plan1.csv" 2>&1
cat "$tmp/plan1.txt"

python3 - "$tmp/plan1.csv" "$cpu" "$idle" > "$tmp/checks.txt" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
cpu, idle = sys.argv[2], sys.argv[3]
by = {}
for r in rows:
    by.setdefault(r["vm"], {})[r["provider"]] = r
def say(ok, what):
    print(("ok " if ok else "no ") + what)
say(cpu in by and idle in by, "the plan has %s and %s" % (cpu, idle))
if cpu in by and idle in by:
    f = {r["finding"] for r in by[idle].values()}
    say(f == {"over-provisioned"}, "%s is over-provisioned (%s)" % (idle, ",".join(f)))
    for prov, c in sorted(by[cpu].items()):
        i = by[idle].get(prov)
        if not i or not c["type"] or not i["type"]:
            say(False, "%s: both VMs get a type" % prov)
            continue
        bigger = int(c["type_vcpu"]) >= int(i["type_vcpu"]) and (
            float(c["price_usd_hour"]) > float(i["price_usd_hour"])
            or c["category"] == "compute")
        say(bigger, "%s: %s gets %s (%s vCPU, %s) >= %s's %s (%s vCPU, %s)" % (
            prov, cpu, c["type"], c["type_vcpu"], c["category"], idle, i["type"],
            i["type_vcpu"], i["category"]))
EOF
while read -r verdict what; do
    if [ "$verdict" = ok ]; then ok "$what"; else no "$what"; fi
done < "$tmp/checks.txt"

"$xb" import "$@" > "$tmp/import2.txt" 2>&1
after=$(counts)
if [ "$before" = "$after" ] && grep -q "replaced the earlier import" "$tmp/import2.txt"
then ok "re-import: the same rows $after (host, run, vm, sample)"
else no "re-import: rows $before then $after"; fi
"$xb" plan --min-coverage 0 > "$tmp/plan2.txt" 2>&1
"$xb" plan --min-coverage 0 --format csv > "$tmp/plan2.csv" 2>&1
if cmp -s "$tmp/plan1.txt" "$tmp/plan2.txt" && cmp -s "$tmp/plan1.csv" "$tmp/plan2.csv"
then ok "re-import: the plan is the same, byte for byte"
else no "re-import: the plan changed"; diff "$tmp/plan1.txt" "$tmp/plan2.txt" | head; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
