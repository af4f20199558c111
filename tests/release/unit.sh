#!/bin/sh
# unit.sh: the systemd unit of `xenbench serve` (debian/xenbench.service).
# `systemd-analyze verify` must accept it without a word (it exits 0 on an
# unknown key or a bad value, so any output fails here), on a copy whose
# ExecStart= names the binary under test (verify checks that it exists);
# and the settings docs/service.md promises are there.  Prints the exposure
# score of `systemd-analyze security`.  Works where systemd is not PID 1.
# Usage: unit.sh UNIT_FILE XENBENCH_BINARY [MAN_PAGE]
# MAN_PAGE (man/xenbench.1 of a checkout) stands in for the installed page
# that Documentation=man:xenbench(1) names, which verify looks up.
set -u
unit=$1 xb=$(readlink -f "$2") man=${3:-}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }
command -v systemd-analyze >/dev/null || { echo "not ok - systemd-analyze missing (package systemd, scripts/deps.sh)"; echo "0 passed, 1 failed"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/bin/xenbench |$xb |" "$unit" > "$tmp/xenbench.service"
if [ -n "$man" ]; then
    mkdir -p "$tmp/man/man1" && cp "$man" "$tmp/man/man1/" && export MANPATH="$tmp/man"
fi
out=$(cd "$tmp" && systemd-analyze verify ./xenbench.service 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok "systemd-analyze verify: accepted, no warning"
else no "systemd-analyze verify (status $rc): $out"; fi

# the same check on a copy with a misspelt key must fail (it can fail)
sed 's/^ProtectSystem=/ProtectSystm=/' "$tmp/xenbench.service" > "$tmp/typo.service"
out=$(cd "$tmp" && systemd-analyze verify ./typo.service 2>&1)
[ -n "$out" ] && ok "a misspelt key is caught: $out" || no "verify says nothing of a misspelt key"

# key=value lines the unit must hold, exactly
for kv in "ProtectSystem=strict" "NoNewPrivileges=yes" "PrivateTmp=yes" \
          "StateDirectory=xenbench" "IPAddressDeny=any"; do
    grep -qx "$kv" "$unit" && ok "$kv" || no "$kv missing from $unit"
done
grep -q '^CapabilityBoundingSet=CAP_' "$unit" && ok "a capability bounding set" \
    || no "no CapabilityBoundingSet= in $unit (full root)"
exec=$(sed -n 's/^ExecStart=//p' "$unit")
for w in "/usr/bin/xenbench serve" "--listen 127.0.0.1:" "--token /etc/xenbench/token" \
         "--db /var/lib/xenbench/"; do
    case "$exec" in *"$w"*) ok "ExecStart has '$w'" ;;
                    *) no "ExecStart= '$exec' lacks '$w'" ;; esac
done

score=$(cd "$tmp" && systemd-analyze security --offline=yes ./xenbench.service 2>/dev/null |
        sed -n 's/.*Overall exposure level for [^:]*: //p')
echo "# systemd-analyze security: exposure $score"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
