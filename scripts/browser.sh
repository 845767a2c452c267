#!/usr/bin/env bash
# The report tests open pages in Debian's Chromium (driven by playwright-core): install it where
# it is missing, as on a fresh machine. CHROMIUM_PATH points the tests at another build.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null; then exit 0; fi
echo "installing chromium (Debian) for the report tests..."
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
