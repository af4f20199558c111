#!/bin/sh
# fuzz.sh: builds and runs the libFuzzer harness of the xentrace decoder.
#
# Usage: scripts/fuzz.sh [SECONDS]   (default 60)
# Configures build-fuzz/ with clang and ASan+UBSan+libFuzzer (once), builds
# the harness, fuzzes a temporary copy of tests/fuzz/corpus plus the generated
# seeds for SECONDS, prints one summary line and exits with libFuzzer's status.
# Crash inputs are kept in build-fuzz/fuzz-artifacts/.
set -eu

secs=${1:-60}
case $secs in
    ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bdir=build-fuzz
name=fuzz_xentrace

# meson, clang and its fuzzer runtime (libclang-rt-14-dev): scripts/deps.sh.
if ! command -v meson >/dev/null || ! command -v clang >/dev/null ||
   [ ! -e "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
    scripts/deps.sh
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xb-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus" "$tmp/artifacts"

if ! { [ -f "$bdir/build.ninja" ] ||
       CC=clang meson setup "$bdir" -Dfuzz=true -Dintegration=false \
           -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
           -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link; } \
       >"$tmp/build.log" 2>&1 ||
   ! ninja -C "$bdir" "tests/fuzz/$name" tests/fuzz/gen_seeds \
       >>"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    echo "fuzz: building $bdir failed" >&2
    exit 1
fi
cp tests/fuzz/corpus/* "$tmp/corpus/"
"$bdir/tests/fuzz/gen_seeds" "$tmp/corpus"

start=$(date +%s)
set +e
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
"$bdir/tests/fuzz/$name" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$tmp/artifacts/" "$tmp/corpus" >"$tmp/log" 2>&1
rc=$?
set -e
elapsed=$(($(date +%s) - start))

runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$tmp/log" | tail -n 1)
[ -n "$runs" ] ||
    runs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$tmp/log" | tail -n 1)
crashes=$(find "$tmp/artifacts" -type f | wc -l)
if [ "$crashes" -gt 0 ] || [ "$rc" -ne 0 ]; then
    mkdir -p "$bdir/fuzz-artifacts"
    cp "$tmp"/artifacts/* "$bdir/fuzz-artifacts/" 2>/dev/null || true
    cp "$tmp/log" "$bdir/fuzz-artifacts/$name.log"
    grep -E 'ERROR|SUMMARY|fuzz_xentrace:|runtime error' "$tmp/log" | head -n 20 >&2
    echo "fuzz: inputs and log kept in $bdir/fuzz-artifacts/" >&2
fi
echo "fuzz: $name ${runs:-0} runs in $elapsed s, $crashes crashes"
exit "$rc"
