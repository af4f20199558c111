#!/bin/sh
# run.sh SRCDIR WORKDIR XENBENCH LOAD EXAMPLE_RUN OUTDIR: install
# playwright-core from the npm registry into WORKDIR (npm ci against the
# committed package-lock.json; once, then reused) and run dashboard.mjs in
# Debian's Chromium (/usr/bin/chromium, scripts/deps.sh).  No browser is
# downloaded: playwright-core is only the driver.  With XB_SCREENSHOT=FILE
# in the environment, the dashboard's screenshot is copied there too (the
# README's docs/images/dashboard.png).
set -eu
src=$1 work=$2
shift 2
command -v node >/dev/null || { echo "run.sh: node not found (scripts/deps.sh)"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "run.sh: /usr/bin/chromium not found (scripts/deps.sh)"; exit 1; }
mkdir -p "$work"
if ! cmp -s "$src/package-lock.json" "$work/package-lock.json" ||
   [ ! -d "$work/node_modules/playwright-core" ]; then
    cp "$src/package.json" "$src/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
fi
cp "$src/dashboard.mjs" "$work/"
cd "$work"
exec node dashboard.mjs "$@" ${XB_SCREENSHOT:+"$XB_SCREENSHOT"}
