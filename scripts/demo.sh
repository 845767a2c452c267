#!/usr/bin/env bash
# `npm run demo`: install, start the services, and run the lecture's reference experiments —
# Redis GET and persistent SET on Linux and on Arrakis — printing the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/services.sh
node dist/scripts/demo.js "$@"
