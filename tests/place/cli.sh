#!/bin/sh
# cli.sh: `place` and `simulate` as a user meets them, on the example Xen
# recording imported into a fresh history: help, a plan and its replay, the
# plan file read back, every bad input with its exit status and message
# (naming the file and line or field), impossible constraints, an empty
# plan with its reason, and the keep-or-move plan on the built-in catalogue.
# Usage: cli.sh BUILD/xenbench TOP_OF_CHECKOUT
set -u
xb=$1
root=$2
run=$root/examples/credit2-2pcpu-3guests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset XENBENCH_DB XENBENCH_CATALOG
. "$root/tests/expect.sh"
db=$tmp/h.db
"$xb" import --db "$db" "$run" >/dev/null || { echo "not ok - import"; exit 1; }
h=$tmp/hosts.csv
cat >"$h" <<EOF
host,count,sockets,cores_per_socket,threads_per_core,ghz,memory_gib,monthly_cost_usd
small,3,1,2,1,2.6,4,100
EOF

expect "place --help" 0 "--mem-overcommit=R" -- "$xb" place --help
expect "simulate --help" 0 "predicted waited" -- "$xb" simulate --help
expect "help lists place" 0 "place  *pack the VMs" -- "$xb" --help
expect "place: no --hosts" 2 "--hosts FILE is required" -- "$xb" place --db "$db"
expect "place: bad target" 2 "--target: not a percentage" -- "$xb" place --hosts "$h" --target 0
expect "place: bad window" 2 "--window: not a duration" -- "$xb" place --hosts "$h" --window x
expect "place: bad time" 2 "--from: 'yesterday' is not a time" -- "$xb" place --db "$db" --hosts "$h" --from yesterday
expect "place: --max-moves alone" 2 "needs --assignment" -- "$xb" place --hosts "$h" --max-moves 1
expect "place: --max-hosts alone" 2 "go with --cloud" -- "$xb" place --hosts "$h" --max-hosts 1
expect "place: missing hosts file" 2 "nope.csv: No such file" -- "$xb" place --db "$db" --hosts "$tmp/nope.csv"
expect "place: missing db" 2 "" -- "$xb" place --db "$tmp/none.db" --hosts "$h"

# A plan (1-s windows: the recording is 10 s) and its replay.
expect "place: a plan" 0 "hosts used: 2 of 3; lower bound 2" -- "$xb" place --db "$db" --hosts "$h" --window 1 -o "$tmp/plan.csv"
expect "place: pinning advice" 0 "g-cpu	small-1	s0:c0" -- "$xb" place --db "$db" --hosts "$h" --window 1
expect "place: the plan file" 0 "^g-io,small-2,s0:c0" -- cat "$tmp/plan.csv"
expect "place: csv" 0 "^vm,host,cores,today,moved" -- "$xb" place --db "$db" --hosts "$h" --window 1 -f csv
expect "place: json" 0 '"lower_bound": 2' -- "$xb" place --db "$db" --hosts "$h" --window 1 -f json
expect "place: baseline" 0 "BASELINE: each VM as its peak" -- "$xb" place --db "$db" --hosts "$h" --window 1 --peaks-only
expect "simulate: the plan" 0 "host-windows: 20; over target (85 %): 0" -- "$xb" simulate --db "$db" --hosts "$h" --window 1 "$tmp/plan.csv"
expect "simulate: csv rows" 0 "^small-1,9,2026-11-25T23:32:57Z," -- "$xb" simulate --db "$db" --hosts "$h" --window 1 -f csv "$tmp/plan.csv"
# Everything on one 2-pCPU host: g-cpu and g-io want nearly a core each.
printf 'vm,host\ng-cpu,small-1\ng-idle,small-1\ng-io,small-1\n' >"$tmp/one.csv"
expect "simulate: one host" 0 '"over_target": 10' -- "$xb" simulate --db "$db" --hosts "$h" --window 1 -f json "$tmp/one.csv"
printf 'host,count,sockets,cores_per_socket,threads_per_core,ghz,memory_gib\nbig,2,1,4,1,2.6,8\n' >"$tmp/big.csv"
printf 'vm,host\ng-cpu,big-2\ng-idle,big-2\ng-io,big-2\n' >"$tmp/big2.csv"
expect "place: from today, no moves" 0 "moves: 0; placed new: 0; not placed: 0; hosts freed: 0 of the 1" -- "$xb" place --db "$db" --hosts "$tmp/big.csv" --window 1 --assignment "$tmp/big2.csv" --max-moves 0
expect "place: today over target needs moves" 2 "--max-moves 0: 1 moves are needed" -- "$xb" place --db "$db" --hosts "$h" --window 1 --assignment "$tmp/one.csv" --max-moves 0
expect "place: today, moves allowed" 0 "hosts freed: 0 of the 1 used today" -- "$xb" place --db "$db" --hosts "$h" --window 1 --assignment "$tmp/one.csv"

# Bad plan and assignment files.
printf 'vm,host\ng-cpu,small-9\n' >"$tmp/bad1.csv"
expect "simulate: unknown host" 2 "bad1.csv: line 2: host 'small-9' is not in the hosts file" -- "$xb" simulate --db "$db" --hosts "$h" "$tmp/bad1.csv"
printf 'vm,host\ng-nope,small-1\n' >"$tmp/bad2.csv"
expect "simulate: unknown vm" 2 "bad2.csv: line 2: vm 'g-nope' has no samples" -- "$xb" simulate --db "$db" --hosts "$h" "$tmp/bad2.csv"
printf 'vm,host\ng-cpu,small-1\ng-cpu,small-2\n' >"$tmp/bad3.csv"
expect "simulate: vm twice" 2 "bad3.csv: line 3: vm 'g-cpu' is also on line 2" -- "$xb" simulate --db "$db" --hosts "$h" "$tmp/bad3.csv"
expect "simulate: VMs without samples in the range" 0 "3 VMs of the plan have no samples in the range: not replayed" -- "$xb" simulate --db "$db" --hosts "$h" --from 2030-01-01T00:00:00Z "$tmp/plan.csv"
expect "simulate: no plan" 2 "PLAN (a vm,host CSV) is required" -- "$xb" simulate --db "$db" --hosts "$h"

# Bad hosts files.
printf 'host,sockets,cores_per_socket,threads_per_core,memory_gib\nh,1,two,1,4\n' >"$tmp/h1.csv"
expect "hosts: bad number" 2 "h1.csv: line 2: cores_per_socket: 'two' is not a whole number" -- "$xb" place --db "$db" --hosts "$tmp/h1.csv"
printf 'host,sockets,cores_per_socket,threads_per_core\nh,1,2,1\n' >"$tmp/h2.csv"
expect "hosts: missing column" 2 'h2.csv: line 1: the header has no column "memory_gib"' -- "$xb" place --db "$db" --hosts "$tmp/h2.csv"
printf 'host,sockets,cores_per_socket,threads_per_core,memory_gib\na,1,2,1,4\na,1,2,1,4\n' >"$tmp/h3.csv"
expect "hosts: twice" 2 "h3.csv: line 3: host 'a' is also on line 2" -- "$xb" place --db "$db" --hosts "$tmp/h3.csv"

# Impossible constraints.
printf 'host,sockets,cores_per_socket,threads_per_core,memory_gib\ntiny,1,1,1,4\n' >"$tmp/tiny.csv"
expect "place: larger than every host" 2 "VMs are larger than every host: g-cpu: cpu peak" -- "$xb" place --db "$db" --hosts "$tmp/tiny.csv" --window 1
printf 'group,vm\nweb,g-cpu\nweb,g-io\nweb,g-idle\n' >"$tmp/g.csv"
expect "place: anti-affinity held" 0 "hosts used: 3 of 3; lower bound 3 (anti-affinity" -- "$xb" place --db "$db" --hosts "$h" --window 1 --anti-affinity "$tmp/g.csv"
printf 'host,count,sockets,cores_per_socket,threads_per_core,memory_gib\nh,2,1,2,1,4\n' >"$tmp/two.csv"
expect "place: group larger than the pool" 2 "anti-affinity group 'web' has 3 VMs but the pool has only 2 hosts" -- "$xb" place --db "$db" --hosts "$tmp/two.csv" --window 1 --anti-affinity "$tmp/g.csv"
printf 'group,vm\nweb,g-nope\n' >"$tmp/g2.csv"
expect "place: group names an unknown vm" 2 "g2.csv: line 2: vm 'g-nope' has no samples" -- "$xb" place --db "$db" --hosts "$h" --anti-affinity "$tmp/g2.csv"
expect "place: --spare 1" 0 "survives_spare\": true" -- "$xb" place --db "$db" --hosts "$h" --window 1 --spare 1 -f json
expect "place: --spare 1 without room" 2 "--spare 1: the loss of host" -- "$xb" place --db "$db" --hosts "$tmp/two.csv" --window 1 --target 100% --spare 1

# An empty plan is an answer, with its reason.
expect "place: empty range" 0 "nothing to place: no VM has samples in the range" -- "$xb" place --db "$db" --hosts "$h" --from 2030-01-01T00:00:00Z

# Keep or move, on the built-in catalogue.
expect "place --cloud: needs costs" 2 "host h-1 has no monthly_cost_usd" -- "$xb" place --db "$db" --hosts "$tmp/two.csv" --window 1 --cloud aws
expect "place --cloud aws" 0 "hybrid (aws us-east-1):" -- "$xb" place --db "$db" --hosts "$h" --window 1 --cloud aws
expect "place --cloud: at most 1 host" 0 "kept on [01] owned hosts" -- "$xb" place --db "$db" --hosts "$h" --window 1 --cloud gcp --max-hosts 1

# hosts: the hosts file and today's assignment from the history.
expect "hosts --help" 0 "--assignment=FILE" -- "$xb" hosts --help
expect "hosts: what is left to fill" 0 "left empty for you to fill: monthly_cost_usd for 1 host" -- "$xb" hosts --db "$db" -o "$tmp/rec.csv" --assignment "$tmp/today.csv"
expect "hosts: the clock recorded" 0 '^"dom0 (Xen 4.17.7 under QEMU TCG, 2 pCPUs, credit2)",,,,,,2.596,,,,$' -- cat "$tmp/rec.csv"
expect "hosts: the pCPUs said" 0 "2 pCPUs recorded" -- "$xb" hosts --db "$db" -o "$tmp/rec.csv"
expect "hosts: today's assignment, no domain 0" 0 "^g-io,\"dom0" -- cat "$tmp/today.csv"
if grep -q "^Domain-0," "$tmp/today.csv"; then no "hosts: domain 0 left out"
else ok "hosts: domain 0 left out"; fi
expect "hosts: the file is refused until filled" 2 "rec.csv: line 2: sockets" -- "$xb" place --db "$db" --hosts "$tmp/rec.csv"
expect "hosts: no history" 2 "" -- "$xb" hosts --db "$tmp/none.db"
expect "hosts: stray argument" 2 "unexpected argument 'x'" -- "$xb" hosts --db "$db" x

finish
