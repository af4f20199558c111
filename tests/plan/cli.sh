#!/bin/sh
# cli.sh: `import`, `profile` and `plan` as a user meets them: help, the exit
# status and message of each bad input (naming the file and line or field),
# and that a failed import leaves the database and the catalogue untouched.
# Usage: cli.sh BUILD/xenbench   (XB_PLAN_FIXTURES: tests/plan/fixtures)
set -u
xb=$1
fx=${XB_PLAN_FIXTURES:?}
root=$(cd "$fx/../../.." && pwd)
run=$root/examples/credit2-2pcpu-3guests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset XENBENCH_DB XENBENCH_CATALOG
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }

# expect NAME STATUS PATTERN -- CMD...: exit status and a pattern in stdout+stderr
expect() {
    name=$1 want=$2 pat=$3; shift 4
    out=$("$@" 2>&1); got=$?
    if [ "$got" -eq "$want" ] && printf '%s' "$out" | grep -q -- "$pat"; then ok "$name"
    else no "$name (status $got, wanted $want; output: $(printf '%s' "$out" | head -3))"; fi
}
# status NAME STATUS -- CMD...: exit status only
status() {
    name=$1 want=$2; shift 3
    "$@" >/dev/null 2>&1; got=$?
    if [ "$got" -eq "$want" ]; then ok "$name"; else no "$name (status $got, wanted $want)"; fi
}
samples() {  # samples DB: rows in the sample table
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from sample").fetchone()[0])' "$1"
}
db=$tmp/h.db

# --- import ---------------------------------------------------------------
expect "import --help" 0 "--catalog=FORMAT" -- "$xb" import --help
expect "import: nothing" 2 "what to import" -- "$xb" import
expect "import: missing folder" 2 "nope: No such file" -- "$xb" import --db "$db" "$tmp/nope"
expect "import: bad interval" 2 "not a duration" -- "$xb" import -i -1 "$run"
expect "import: a run folder" 0 "10 windows, 4 domains, 40 samples" -- "$xb" import --db "$db" "$run"
expect "import: re-import replaces" 0 "replaced the earlier import" -- "$xb" import --db "$db" "$run"
expect "import: no duplicate rows" 0 "^40$" -- samples "$db"
cp "$root/README.md" "$tmp/notdb"
expect "import: a text file as database" 2 "notdb: not a usable SQLite database" -- "$xb" import --db "$tmp/notdb" "$run"
status "import: the text file untouched" 0 -- cmp "$root/README.md" "$tmp/notdb"
expect "import: a folder as database" 2 "is a directory" -- "$xb" import --db "$tmp" "$run"
expect "import: a bad run among good ones" 2 "README.md" -- "$xb" import --db "$db" "$run" "$root/README.md" --tsc-hz 1G
expect "import: all or nothing" 0 "^40$" -- samples "$db"
XENBENCH_DB=$tmp/env.db "$xb" import "$run" >/dev/null 2>&1
expect "import: \$XENBENCH_DB" 0 "^40$" -- samples "$tmp/env.db"

# --- catalogue import ------------------------------------------------------
expect "catalog: needs -o" 2 "needs -o" -- "$xb" import --catalog aws-offer "$fx/aws-offer.json"
expect "catalog: -o alone" 2 "go with --catalog" -- "$xb" import -o "$tmp/x.csv" "$run"
expect "catalog: bad format" 2 "not one of aws-offer" -- "$xb" import --catalog gcp -o "$tmp/x.csv" x
expect "catalog: bad date" 2 "not a date" -- "$xb" import --catalog aws-ec2details --as-of 2024-02-30 -o "$tmp/x.csv" "$fx/ec2details.json"
expect "catalog: aws offer" 0 "wrote .*aws.csv: 5 rows" -- "$xb" import --catalog aws-offer -o "$tmp/aws.csv" "$fx/aws-offer.json"
cp "$tmp/aws.csv" "$tmp/keep.csv"
expect "catalog: bad vcpu names file and field" 2 "aws-offer-bad-vcpu.json: products.SKU1.attributes.vcpu: 'lots'" -- "$xb" import --catalog aws-offer -o "$tmp/aws.csv" "$fx/aws-offer-bad-vcpu.json"
status "catalog: not half-written" 0 -- cmp "$tmp/aws.csv" "$tmp/keep.csv"
expect "catalog: broken JSON names line" 2 "aws-offer-cut.json: line [0-9]* column" -- "$xb" import --catalog aws-offer -o "$tmp/new.csv" "$fx/aws-offer-cut.json"
status "catalog: nothing written on error" 1 -- test -e "$tmp/new.csv"
expect "catalog: unwritable output" 1 "nonexistent" -- "$xb" import --catalog aws-offer -o /nonexistent/x.csv "$fx/aws-offer.json"
expect "catalog: azure needs sizes" 2 "--sizes" -- "$xb" import --catalog azure-retail --as-of 2024-06-01 -o "$tmp/az.csv" "$fx/azure-prices.json"
expect "catalog: azure pages" 0 "5 rows" -- "$xb" import --catalog azure-retail --as-of 2024-06-01 --sizes "$fx/azure-sizes.csv" -o "$tmp/az.csv" "$fx/azure-prices.json" "$fx/azure-prices-page2.json"
expect "catalog: azure bad sizes line" 2 "azure-sizes-bad.csv: line 3: field \"numberOfCores\"" -- "$xb" import --catalog azure-retail --as-of 2024-06-01 --sizes "$fx/azure-sizes-bad.csv" -o "$tmp/az2.csv" "$fx/azure-prices.json"
expect "catalog: azure EUR" 2 "Items\[0\].currencyCode" -- "$xb" import --catalog azure-retail --as-of 2024-06-01 --sizes "$fx/azure-sizes.csv" -o "$tmp/az2.csv" "$fx/azure-prices-eur.json"
expect "catalog: ec2details needs a date" 2 "--as-of" -- "$xb" import --catalog aws-ec2details -o "$tmp/e.csv" "$fx/ec2details.json"
expect "catalog: ec2details bad memory" 2 "\"t3.nano\".memory: 'lots'" -- "$xb" import --catalog aws-ec2details --as-of 2022-11-22 -o "$tmp/e.csv" "$fx/ec2details-bad.json"
expect "catalog: region filter" 0 "wrote .*: 1 rows" -- "$xb" import --catalog aws-ec2details --as-of 2022-11-22 --region us-west-2 -o "$tmp/e.csv" "$fx/ec2details.json"

# --- profile ----------------------------------------------------------------
expect "profile --help" 0 "--since=AGE" -- "$xb" profile --help
expect "profile: no database" 2 "import runs first" -- "$xb" profile --db "$tmp/none.db"
expect "profile: bad since" 2 "not a look-back" -- "$xb" profile --db "$db" --since 14
expect "profile: bad format" 2 "not one of table" -- "$xb" profile --db "$db" -f xml
expect "profile: unknown VM" 2 "no VM of that name" -- "$xb" profile --db "$db" nosuchvm
expect "profile: table" 0 "g-cpu on dom0" -- "$xb" profile --db "$db" g-cpu
expect "profile: csv" 0 "^host,vm,domid" -- "$xb" profile --db "$db" -f csv
expect "profile: json parses" 0 "g-idle" -- sh -c "\"$xb\" profile --db \"$db\" -f json | python3 -m json.tool"

# --- plan -------------------------------------------------------------------
expect "plan --help" 0 "--headroom=H" -- "$xb" plan --help
expect "plan: bad provider" 2 "not one of aws, azure, gcp, all" -- "$xb" plan --db "$db" --provider ibm
expect "plan: percentile 0" 2 "not a percentile" -- "$xb" plan --db "$db" --percentile 0
expect "plan: percentile 101" 2 "not a percentile" -- "$xb" plan --db "$db" --percentile 101
expect "plan: bad headroom" 2 "not a percentage" -- "$xb" plan --db "$db" --headroom lots
expect "plan: bad since" 2 "not a look-back" -- "$xb" plan --db "$db" --since 3x
expect "plan: bad format" 2 "not one of table" -- "$xb" plan --db "$db" --format xml
expect "plan: stray argument" 2 "unexpected argument" -- "$xb" plan --db "$db" g-cpu
expect "plan: no database" 2 "none.db" -- "$xb" plan --db "$tmp/none.db"
expect "plan: unknown region" 2 "no types in region mars-1" -- "$xb" plan --db "$db" --region mars-1
expect "plan: provider without region" 2 "no aws types in region eastus" -- "$xb" plan --db "$db" --provider aws --region eastus
expect "plan: bad catalogue names file and line" 2 "catalog-bad-vcpu.csv: line 3: field \"vcpu\"" -- env XENBENCH_CATALOG="$fx/catalog-bad-vcpu.csv" "$xb" plan --db "$db"
expect "plan: table" 0 "totals (\$/month):" -- "$xb" plan --db "$db"
expect "plan: states the CPU basis" 0 "cpu basis clock" -- "$xb" plan --db "$db"
expect "plan: Domain-0 not planned" 0 "Domain-0 on .*not planned" -- "$xb" plan --db "$db"
expect "plan: csv" 0 "^host,vm,domid,vcpus" -- "$xb" plan --db "$db" --format csv
expect "plan: json parses" 0 "monthly_usd" -- sh -c "\"$xb\" plan --db \"$db\" --format json | python3 -m json.tool"
expect "plan: imported catalogue joins" 0 "aws .*us-east-1 .*m5.large\|aws .*us-east-1 .*t3.micro" -- env XENBENCH_CATALOG="$tmp/aws.csv" "$xb" plan --db "$db" --provider aws
expect "plan: \$XENBENCH_DB" 0 "g-idle" -- env XENBENCH_DB="$db" "$xb" plan --provider gcp

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
