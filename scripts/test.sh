#!/usr/bin/env bash
# `npm test`: install, start the services, run every test, and print one `N passed, N failed` line last.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh || exit 1
bash scripts/services.sh || exit 1
bash scripts/browser.sh || exit 1
npm run --silent lint || exit 1
# A breaking change to the GraphQL schema or the OpenAPI document fails unless marked as intended.
npm run --silent contract || exit 1
report=$(mktemp)
npx vitest run --reporter=default --reporter=json --outputFile="$report"
status=$?
# The API rewrites both contract files at start: a change here means the committed ones were stale.
stale=0
if ! git diff --quiet -- apps/api/schema.gql apps/api/openapi.json 2>/dev/null; then
  echo "contract: apps/api/schema.gql or openapi.json differ from what the code generates; commit the regenerated files" >&2
  git --no-pager diff --stat -- apps/api/schema.gql apps/api/openapi.json >&2
  stale=1
  status=1
fi
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  // A suite that fails to load has no failed test of its own: count it as one failure.
  const broken = r.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")).length;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + broken + Number(process.argv[2])} failed`);
' "$report" "$stale" 2>/dev/null || echo "tests: 0 passed, 1 failed"
rm -f "$report"
exit $status
