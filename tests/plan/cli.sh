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
. "$(dirname "$0")/../expect.sh"
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
expect "import --help" 0 "catalog import" -- "$xb" import --help
expect "catalog --help" 0 "--as-of=DATE" -- "$xb" catalog --help
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
out=$("$xb" import --db "$db" "$run" "$root/README.md" --tsc-hz 1G 2>&1)
if printf '%s\n' "$out" | grep -q '^imported '; then no "import: a failed import says 'imported' ($out)"
elif printf '%s' "$out" | grep -qF "nothing was imported (one transaction: $db is as it was)"; then ok "import: a failed import says nothing was imported"
else no "import: failed import message ($out)"; fi
# A writer killed inside its transaction leaves a hot journal (made here by
# SQLite itself: a transaction the process never ends).  Readers roll it back
# instead of failing with "attempt to write a readonly database".
cp "$db" "$tmp/hot.db"
python3 -c 'import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.isolation_level = None
c.execute("PRAGMA cache_size = 1"); c.execute("BEGIN IMMEDIATE")
for i in range(20000): c.execute("INSERT INTO host(name) VALUES (?)", ("h%d" % i,))
os._exit(0)' "$tmp/hot.db"
status "hot journal: left by the killed writer" 0 -- test -s "$tmp/hot.db-journal"
if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$tmp"
    expect "hot journal: a reader that may not write says so" 1 "an import was cut short (.*hot.db-journal is left) and rolling it back needs write access" -- setpriv --reuid=65534 --regid=65534 --clear-groups "$xb" profile --db "$tmp/hot.db"
fi
expect "hot journal: profile rolls it back" 0 "g-cpu" -- "$xb" profile --db "$tmp/hot.db"
status "hot journal: gone" 1 -- test -e "$tmp/hot.db-journal"
expect "hot journal: the killed rows are undone" 0 "^40$" -- samples "$tmp/hot.db"
expect "hot journal: plan reads it" 0 "totals" -- "$xb" plan --db "$tmp/hot.db"
XENBENCH_DB=$tmp/env.db "$xb" import "$run" >/dev/null 2>&1
expect "import: \$XENBENCH_DB" 0 "^40$" -- samples "$tmp/env.db"

# --- catalogue import ------------------------------------------------------
expect "catalog: needs -o" 2 "give the catalogue to write with -o OUT.csv" -- "$xb" catalog import aws-offer "$fx/aws-offer.json"
expect "catalog: no subcommand" 2 "give: import FORMAT" -- "$xb" catalog
expect "catalog: another subcommand" 2 "the only subcommand is import" -- "$xb" catalog list
expect "catalog: bad format" 2 "not one of aws-offer" -- "$xb" catalog import gcp -o "$tmp/x.csv" x
expect "catalog: no file" 2 "which price-list FILE" -- "$xb" catalog import aws-offer -o "$tmp/x.csv"
# the old form, kept for one release: it works and says what to use instead
expect "import --catalog: the old form works" 0 "wrote .*old.csv: 6 rows" -- "$xb" import --catalog aws-offer -o "$tmp/old.csv" "$fx/aws-offer.json"
expect "import --catalog: names the new form" 0 "warning: .*use \`xenbench catalog import aws-offer -o $tmp/old.csv FILE...\`" -- "$xb" import --catalog aws-offer -o "$tmp/old.csv" "$fx/aws-offer.json"
expect "import --catalog: needs -o" 2 "needs -o" -- "$xb" import --catalog aws-offer "$fx/aws-offer.json"
expect "import: -o alone" 2 "go with --catalog" -- "$xb" import -o "$tmp/x.csv" "$run"
expect "catalog: bad date" 2 "not a date" -- "$xb" catalog import aws-ec2details --as-of 2024-02-30 -o "$tmp/x.csv" "$fx/ec2details.json"
expect "catalog: aws offer" 0 "wrote .*aws.csv: 6 rows" -- "$xb" catalog import aws-offer -o "$tmp/aws.csv" "$fx/aws-offer.json"
cp "$tmp/aws.csv" "$tmp/keep.csv"
expect "catalog: bad vcpu names file and field" 2 "aws-offer-bad-vcpu.json: products.SKU1.attributes.vcpu: 'lots'" -- "$xb" catalog import aws-offer -o "$tmp/aws.csv" "$fx/aws-offer-bad-vcpu.json"
status "catalog: not half-written" 0 -- cmp "$tmp/aws.csv" "$tmp/keep.csv"
expect "catalog: broken JSON names line" 2 "aws-offer-cut.json: line [0-9]* column" -- "$xb" catalog import aws-offer -o "$tmp/new.csv" "$fx/aws-offer-cut.json"
status "catalog: nothing written on error" 1 -- test -e "$tmp/new.csv"
expect "catalog: unwritable output" 1 "nonexistent" -- "$xb" catalog import aws-offer -o /nonexistent/x.csv "$fx/aws-offer.json"
expect "catalog: azure needs sizes" 2 "--sizes" -- "$xb" catalog import azure-retail --as-of 2024-06-01 -o "$tmp/az.csv" "$fx/azure-prices.json"
expect "catalog: azure pages" 0 "5 rows" -- "$xb" catalog import azure-retail --as-of 2024-06-01 --sizes "$fx/azure-sizes.csv" -o "$tmp/az.csv" "$fx/azure-prices.json" "$fx/azure-prices-page2.json"
expect "catalog: azure bad sizes line" 2 "azure-sizes-bad.csv: line 3: field \"numberOfCores\"" -- "$xb" catalog import azure-retail --as-of 2024-06-01 --sizes "$fx/azure-sizes-bad.csv" -o "$tmp/az2.csv" "$fx/azure-prices.json"
expect "catalog: azure EUR" 2 "Items\[0\].currencyCode" -- "$xb" catalog import azure-retail --as-of 2024-06-01 --sizes "$fx/azure-sizes.csv" -o "$tmp/az2.csv" "$fx/azure-prices-eur.json"
expect "catalog: ec2details needs a date" 2 "--as-of" -- "$xb" catalog import aws-ec2details -o "$tmp/e.csv" "$fx/ec2details.json"
expect "catalog: ec2details bad memory" 2 "\"t3.nano\".memory: 'lots'" -- "$xb" catalog import aws-ec2details --as-of 2022-11-22 -o "$tmp/e.csv" "$fx/ec2details-bad.json"
expect "catalog: region filter" 0 "wrote .*: 1 rows" -- "$xb" catalog import aws-ec2details --as-of 2022-11-22 --region us-west-2 -o "$tmp/e.csv" "$fx/ec2details.json"

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
expect "plan: table" 0 "totals (\$/month, [0-9]* VMs):" -- "$xb" plan --db "$db"
expect "plan: bad --arch" 2 "--arch: not x86_64" -- "$xb" plan --db "$db" --arch sparc
expect "plan: bad --category" 2 "--category: not a list" -- "$xb" plan --db "$db" --category cheap
expect "plan: bad --pricing" 2 "--pricing: not one of ondemand, 1y, 3y" -- "$xb" plan --db "$db" --pricing 2y
expect "plan: bad --region list" 2 "PROVIDER=REGION" -- "$xb" plan --db "$db" --region aws=us-east-1,ibm=x
expect "plan: --pricing-table alone" 2 "goes with --pricing 1y or 3y" -- "$xb" plan --db "$db" --pricing-table x.csv
expect "plan: region per provider" 0 "aws .*eu-west-1 .*azure .*eastus .*gcp .*us-central1" -- sh -c "\"$xb\" plan --db \"$db\" --min-coverage 0 --region aws=eu-west-1,azure=eastus 2>&1 | tr '\n' ' '"
expect "plan: a provider's region the catalogue lacks" 2 "no azure types in region mars-1" -- "$xb" plan --db "$db" --region azure=mars-1
expect "plan: 1y leaves out who publishes none" 0 "provider aws: no published price for this commitment term" -- "$xb" plan --db "$db" --pricing 1y
expect "plan: 3y alone on aws fails" 2 "no provider left to plan with: aws" -- "$xb" plan --db "$db" --provider aws --pricing 3y
expect "plan: arm64 offered when asked" 0 "architectures offered: x86_64, arm64" -- "$xb" plan --db "$db" --arch x86_64,arm64
expect "plan: states the CPU basis" 0 "cpu basis clock" -- "$xb" plan --db "$db" --min-coverage 0
expect "plan: 10 s is below the data minimum" 0 "less than 30 h of data (InsufficientData, not priced" -- "$xb" plan --db "$db"
expect "plan: nothing priced below it" 0 "aws 0.00 (0 VMs priced, 3 InsufficientData)" -- "$xb" plan --db "$db"
expect "plan: each provider its method" 0 "method azure: peak of each 10 minutes" -- "$xb" plan --db "$db"
expect "plan: --method for all" 0 "method raw: the recorded windows.*for aws azure gcp" -- "$xb" plan --db "$db" --method raw
expect "plan: bad --method" 2 "--method: not one of aws, azure, gcp, raw" -- "$xb" plan --db "$db" --method ibm
expect "plan: bad --min-coverage" 2 "--min-coverage: not a duration" -- "$xb" plan --db "$db" --min-coverage soon
expect "plan: bad --until" 2 "--until: not an ISO 8601 time" -- "$xb" plan --db "$db" --until yesterday
expect "plan: a look-back before the data says who it leaves out" 0 "g-cpu on dom0.*: no data in the look-back (its newest ends 2026-11-25" -- "$xb" plan --db "$db" --until 2000-01-01T00:00:00Z
expect "profile: bad --method" 2 "is not one of aws, azure, gcp, raw" -- "$xb" profile --db "$db" --method x
expect "profile: aws points" 0 "points: maximum of each 5 minutes" -- "$xb" profile --db "$db" --method aws
expect "plan: Domain-0 not planned" 0 "Domain-0 on .*not planned" -- "$xb" plan --db "$db"
expect "plan: csv" 0 "^host,vm,domid,vcpus" -- "$xb" plan --db "$db" --format csv
expect "plan: json parses" 0 "monthly_usd" -- sh -c "\"$xb\" plan --db \"$db\" --format json | python3 -m json.tool"
expect "plan: imported catalogue joins" 0 "aws .*us-east-1 .*m5.large\|aws .*us-east-1 .*t3.micro" -- env XENBENCH_CATALOG="$tmp/aws.csv" "$xb" plan --db "$db" --provider aws --min-coverage 0
expect "plan: \$XENBENCH_DB" 0 "g-idle" -- env XENBENCH_DB="$db" "$xb" plan --provider gcp

finish
