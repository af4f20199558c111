#!/bin/sh
# package.sh STEP: the Debian package on this machine, as `make check` runs
# it on a fresh Debian 12 machine as root (scripts/check.sh, one counted
# step each, in this order; PACKAGE=0 there skips them all):
#   walk       docs/quickstart.md walked as written, its install block
#              included: apt-get build-dep, make deb (lintian), apt-get
#              install ./build/deb/xenbench_*.deb, then demo, record,
#              report, import, profile, plan with the installed program
#   lintian    the lintian run of make deb reported no error
#   installed  /usr/bin/xenbench --version is the plain number of
#              debian/changelog (built from a copy without .git); man page,
#              catalogue, examples, token; systemd-analyze verify accepts
#              the installed unit (tests/release/unit.sh)
#   demo       the installed `xenbench demo`
#   serve      the installed `xenbench serve` with the unit's options on a
#              free port, /metrics scraped once with the token (401 without)
#   purge      apt-get purge xenbench: every path `dpkg -L xenbench` listed
#              is gone (a folder that another package owns or that holds
#              other files stays: /usr/bin, usrmerge's /lib), and the token
#              and /var/lib/xenbench with it
# Daemons that packages pulled in (prometheus) are kept from starting by a
# policy-rc.d, as scripts/deps.sh does.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
step=$1
out=${PACKAGE_OUT:-$top/build/deb}
say() { echo "package.sh $step: $*"; }
die() { say "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (apt-get install, purge)"

no_daemons() {   # no_daemons CMD...: CMD with package scripts kept from starting daemons
    if [ -e /usr/sbin/policy-rc.d ]; then "$@"; return; fi
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    "$@"; rc=$?
    rm -f /usr/sbin/policy-rc.d
    return $rc
}

case $step in
walk)
    export DEBIAN_FRONTEND=noninteractive
    no_daemons python3 "$top/tests/docs/docwalk.py" --with-install --cwd "$top" \
        "$top/docs/quickstart.md"
    ;;
lintian)
    [ -s "$out/lintian.txt" ] || die "no $out/lintian.txt: make deb did not run lintian (apt-get install lintian)"
    cat "$out/lintian.txt"
    if grep -q '^E: ' "$out/lintian.txt"; then die "lintian reports errors"; fi
    say "$(grep -c '^[WIPX]: ' "$out/lintian.txt") tags, none an error"
    ;;
installed)
    dpkg-query -W -f='${Status}' xenbench 2>/dev/null | grep -q "ok installed" ||
        die "xenbench is not installed"
    ver=$(dpkg-query -W -f='${Version}' xenbench)
    [ "$(command -v xenbench)" = /usr/bin/xenbench ] || die "xenbench on PATH is $(command -v xenbench)"
    got=$(/usr/bin/xenbench --version)
    [ "$got" = "xenbench $ver" ] || die "--version says '$got', the package is $ver"
    say "$got"
    man -w xenbench >/dev/null 2>&1 || die "man xenbench: no page"
    for p in /usr/share/xenbench/catalog/aws.csv /usr/share/xenbench/examples/mixed.scn \
             /usr/share/xenbench/examples/credit2-2pcpu-3guests/manifest.json \
             /usr/share/doc/xenbench/docs/quickstart.md /lib/systemd/system/xenbench.service; do
        [ -e "$p" ] || die "$p missing"
    done
    [ "$(stat -c %a /etc/xenbench/token 2>/dev/null)" = 600 ] ||
        die "/etc/xenbench/token missing or not mode 600"
    "$top/tests/release/unit.sh" /lib/systemd/system/xenbench.service /usr/bin/xenbench
    ;;
demo)
    tmp=$(mktemp -d)
    /usr/bin/xenbench demo -o "$tmp/demo" > "$tmp/out" 2>&1; rc=$?
    tail -n 5 "$tmp/out"
    ok=0
    [ "$rc" = 0 ] && grep -q 'cpu(%)' "$tmp/out" && ok=1
    rm -rf "$tmp"
    [ "$ok" = 1 ] || die "xenbench demo: exit $rc"
    ;;
serve)
    # Issue 14: the installed serve with the unit's own options (a private
    # token and database) on a free loopback port, scraped once with the
    # token and refused without it, while that serve runs (another server
    # on the unit's port 9465 once answered for it).
    tmp=$(mktemp -d)
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$tmp/token"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    /usr/bin/xenbench serve --listen "127.0.0.1:$port" --token "$tmp/token" \
        --db "$tmp/history.db" > "$tmp/log" 2>&1 &
    pid=$!
    ok=0
    for i in $(seq 1 30); do
        sleep 1
        kill -0 "$pid" 2>/dev/null || break
        if python3 - "$tmp/token" "$port" <<'PY'
import sys, urllib.error, urllib.request
tok, url = open(sys.argv[1]).read().strip(), "http://127.0.0.1:%s/metrics" % sys.argv[2]
try:
    urllib.request.urlopen(url, timeout=5)
    sys.exit(1)                     # served without the token
except urllib.error.HTTPError as e:
    if e.code != 401:
        sys.exit(1)
req = urllib.request.Request(url, headers={"Authorization": "Bearer " + tok})
body = urllib.request.urlopen(req, timeout=5).read().decode()
sys.exit(0 if "xenbench_" in body else 1)
PY
        then kill -0 "$pid" 2>/dev/null && ok=1; break; fi
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    tail -n 5 "$tmp/log"
    rm -rf "$tmp"
    [ "$ok" = 1 ] || die "no xenbench_ metric scraped from the installed serve on port $port (with its token; 401 without)"
    ;;
purge)
    list=$(mktemp)
    dpkg -L xenbench > "$list" || die "dpkg -L xenbench failed"
    export DEBIAN_FRONTEND=noninteractive
    no_daemons apt-get purge -y -qq xenbench > /dev/null || die "apt-get purge failed"
    left=0
    while read -r p; do
        [ -e "$p" ] || [ -L "$p" ] || continue
        if [ -d "$p" ] && { dpkg -S "$p" >/dev/null 2>&1 ||
                            [ -n "$(ls -A "$p" 2>/dev/null)" ]; }; then
            continue                  # a folder (or usrmerge's /lib link) others use
        fi
        echo "package.sh purge: left behind: $p"; left=$((left + 1))
    done < "$list"
    for p in /etc/xenbench /var/lib/xenbench; do
        [ -e "$p" ] && { echo "package.sh purge: left behind: $p"; left=$((left + 1)); }
    done
    n=$(wc -l < "$list")
    rm -f "$list"
    [ "$left" = 0 ] || die "$left of $n paths left behind"
    say "all $n paths dpkg -L listed are gone (folders others use stay)"
    ;;
*) die "unknown step (walk, lintian, installed, demo, serve, purge)" ;;
esac
