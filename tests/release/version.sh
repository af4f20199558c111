#!/bin/sh
# version.sh: one version.  meson.build's project version is the number
# debian/changelog, the man page's .TH line and the newest numbered section
# of NEWS.md carry too; `xenbench --version` prints it, with "(git
# DESCRIBE)" of the checkout when built from one; scripts/git-describe.sh
# prints nothing outside a checkout (so a tarball gets the plain number:
# run in the package build, from a tree without .git, it checks that); NEWS.md
# keeps an "Unreleased" section for changes not yet released.
# Usage: version.sh TOP_OF_CHECKOUT BUILD/xenbench
set -u
top=$1 xb=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }
same() {  # same NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1: $2"; else no "$1: '$2', meson.build says '$3'"; fi
}

ver=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$top/meson.build" | head -n 1)
[ -n "$ver" ] && ok "meson.build: version $ver" || no "meson.build: no project version"
same "debian/changelog" "$(sed -n '1s/^xenbench (\([^)]*\)).*/\1/p' "$top/debian/changelog")" "$ver"
same "man/xenbench.1 .TH" "$(sed -n 's/^\.TH .*"xenbench \([^"]*\)".*/\1/p' "$top/man/xenbench.1")" "$ver"
same "NEWS.md newest release" "$(sed -n 's/^## \([0-9][0-9.]*\)\( .*\)\{0,1\}$/\1/p' "$top/NEWS.md" | head -n 1)" "$ver"
grep -q '^## Unreleased$' "$top/NEWS.md" && ok "NEWS.md has an Unreleased section" \
    || no "NEWS.md: no '## Unreleased' section for changes not yet released"

want="xenbench $ver"
d=$("$top/scripts/git-describe.sh" "$top")
[ -n "$d" ] && want="$want (git $d)"
got=$("$xb" --version)
if [ "$got" = "$want" ]; then ok "xenbench --version: $got"
else no "xenbench --version: '$got', wanted '$want'"; fi

empty=$(mktemp -d)
d=$("$top/scripts/git-describe.sh" "$empty"); rc=$?
if [ "$rc" = 0 ] && [ -z "$d" ]; then
    ok "git-describe.sh prints nothing outside a checkout (a tarball gets the plain number)"
else no "git-describe.sh outside a checkout: status $rc, '$d' (a tarball would claim a git version)"; fi
rmdir "$empty"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
