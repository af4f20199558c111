#!/bin/sh
# fuzz.sh: builds and runs the libFuzzer harnesses: the xentrace decoder
# (fuzz_xentrace) and the Linux scheduler-event decoder (fuzz_linux_sched).
#
# Usage: scripts/fuzz.sh [SECONDS]   (default 60, split between the two)
# Configures build-fuzz/ with clang and ASan+UBSan+libFuzzer (once), builds
# the harnesses and their seed generators, fuzzes a temporary copy of each
# one's corpus (tests/fuzz/corpus, tests/fuzz/corpus-linux) plus the
# generated seeds, prints one summary line per harness and exits non-zero
# when either found a crash.  Crash inputs are kept in build-fuzz/fuzz-artifacts/.
set -eu

secs=${1:-60}
case $secs in
    ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bdir=build-fuzz

# meson, clang and its fuzzer runtime (libclang-rt-14-dev): scripts/deps.sh.
if ! command -v meson >/dev/null || ! command -v clang >/dev/null ||
   [ ! -e "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
    scripts/deps.sh
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xb-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! { [ -f "$bdir/build.ninja" ] ||
       CC=clang meson setup "$bdir" -Dfuzz=true -Dintegration=false \
           -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
           -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link; } \
       >"$tmp/build.log" 2>&1 ||
   ! ninja -C "$bdir" tests/fuzz/fuzz_xentrace tests/fuzz/gen_seeds \
       tests/fuzz/fuzz_linux_sched tests/fuzz/gen_linux_seeds \
       >>"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    echo "fuzz: building $bdir failed" >&2
    exit 1
fi

# fuzz NAME SECONDS [LIBFUZZER_OPTION...]: run one harness on
# $tmp/NAME/corpus; prints its summary line; returns libFuzzer's status
# (non-zero on a crash).
fuzz() {
    name=$1 t=$2
    shift 2
    dir="$tmp/$name"
    mkdir -p "$dir/artifacts"
    start=$(date +%s)
    set +e
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$bdir/tests/fuzz/$name" -max_total_time="$t" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 "$@" \
        -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1
    frc=$?
    set -e
    elapsed=$(($(date +%s) - start))
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$dir/log" | tail -n 1)
    [ -n "$runs" ] ||
        runs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$dir/log" | tail -n 1)
    crashes=$(find "$dir/artifacts" -type f | wc -l)
    if [ "$crashes" -gt 0 ] || [ "$frc" -ne 0 ]; then
        mkdir -p "$bdir/fuzz-artifacts"
        cp "$dir"/artifacts/* "$bdir/fuzz-artifacts/" 2>/dev/null || true
        cp "$dir/log" "$bdir/fuzz-artifacts/$name.log"
        grep -E "ERROR|SUMMARY|$name:|runtime error" "$dir/log" | head -n 20 >&2
        echo "fuzz: $name: inputs and log kept in $bdir/fuzz-artifacts/" >&2
    fi
    echo "fuzz: $name ${runs:-0} runs in $elapsed s, $crashes crashes"
    return "$frc"
}

mkdir -p "$tmp/fuzz_xentrace/corpus" "$tmp/fuzz_linux_sched/corpus"
cp tests/fuzz/corpus/* "$tmp/fuzz_xentrace/corpus/"
"$bdir/tests/fuzz/gen_seeds" "$tmp/fuzz_xentrace/corpus"
cp tests/fuzz/corpus-linux/* "$tmp/fuzz_linux_sched/corpus/"
"$bdir/tests/fuzz/gen_linux_seeds" tests/linux/formats "$tmp/fuzz_linux_sched/corpus"

# Half the time each (at least 1 s); Linux inputs: a control byte and up
# to 4 pages.
half=$((secs / 2))
[ "$half" -gt 0 ] || half=1
rest=$((secs - half))
[ "$rest" -gt 0 ] || rest=1
rc=0
fuzz fuzz_xentrace "$rest" || rc=1
fuzz fuzz_linux_sched "$half" -max_len=16385 || rc=1
exit "$rc"
