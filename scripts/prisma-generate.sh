#!/usr/bin/env bash
# Generates the Prisma client into libs/persistence/src/generated. `prisma generate` does not use
# the schema engine, but the CLI looks for one at start and its download fails on machines without
# internet: pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file gets past that check.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$(command -v node)}"
export CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
npx --no-install prisma generate >/dev/null
