#!/bin/sh
# cli.sh XENBENCH: serve's, `report -f html`'s and `import --prometheus`'s
# options and errors as a user meets them (no root needed: each case stops
# before recording).
set -u
xb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../expect.sh"
: > "$tmp/empty"
printf 'has space\n' > "$tmp/spaced"
expect "serve --help" 0 "--token=FILE" -- "$xb" serve --help
expect "help serve" 0 "Prometheus" -- "$xb" help serve
expect "serve is listed" 0 "serve" -- "$xb" --help
expect "serve bad --listen" 2 "is not ADDRESS:PORT" -- "$xb" serve --listen localhost
expect "serve bad port" 2 "is not ADDRESS:PORT" -- "$xb" serve --listen 127.0.0.1:99999
expect "serve missing token file" 2 "nope: No such file" -- "$xb" serve --token "$tmp/nope"
expect "serve empty token" 2 "empty" -- "$xb" serve --token "$tmp/empty"
expect "serve token with a blank" 2 "may not hold blanks" -- "$xb" serve --token "$tmp/spaced"
expect "serve bad interval" 2 "less than the minimum, 0.1 s" -- "$xb" serve -i 0.01
expect "serve bad keep" 2 "keep 1 to 100000" -- "$xb" serve --keep 1000000
expect "serve argument" 2 "unexpected argument" -- "$xb" serve extra
expect "report bad format names html" 2 "table, csv, json, html" -- "$xb" report -f xml "$tmp/empty"
expect "report -f html of a bad file" 2 "empty file" -- "$xb" report -f html -t 1G "$tmp/empty"
expect "import --prometheus not a URL" 2 "not an http" -- "$xb" import --db "$tmp/h.db" --prometheus ftp://x
expect "import --prometheus with a RUNDIR" 2 "takes no RUNDIR" -- "$xb" import --db "$tmp/h.db" --prometheus http://127.0.0.1:1 somedir
expect "import --since without --prometheus" 2 "go with --prometheus" -- "$xb" import --db "$tmp/h.db" --since 1h x
expect "import --step too short" 2 "less than the minimum, 1 s" -- "$xb" import --db "$tmp/h.db" --prometheus http://127.0.0.1:1 --step 0.5
expect "import --prometheus unreachable" 1 "127.0.0.1:1: Couldn't connect" -- "$xb" import --db "$tmp/h.db" --prometheus http://127.0.0.1:1 --since 1h
[ ! -s "$tmp/h.db" ] || [ "$(sqlite3 "$tmp/h.db" 'select count(*) from run' 2>/dev/null || echo 0)" = 0 ] && ok "a failed import leaves no run" || no "a failed import leaves no run"
finish
