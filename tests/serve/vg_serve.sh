#!/bin/sh
# vg_serve.sh XENBENCH DB: `serve --db DB` under valgrind for 8 s while every
# endpoint is asked for: no memory error, no leak (make check's valgrind step).
set -u
xb=$1 db=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    "$xb" serve --listen 127.0.0.1:0 --db "$db" --domains process -d 8 >"$out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q "listening on" "$out" && break; sleep 0.2; done
url=$(grep -o 'http://[0-9.:]*/' "$out" | head -n 1)
[ -n "$url" ] || { cat "$out"; exit 1; }
sleep 3
for p in metrics api/info api/window api/series "api/window?index=0" api/profiles api/plan \
         api/place "" app.js nope; do
    curl -s -o /dev/null "$url$p" || { echo "vg_serve.sh: $url$p failed"; kill "$pid"; exit 1; }
done
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] || cat "$out"
exit "$rc"
