#!/usr/bin/env bash
# Installs dependencies exactly as locked (and builds through `prepare`) unless already done.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.iopath-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
else
  npm run --silent build
fi
