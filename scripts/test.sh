#!/usr/bin/env bash
# Builds and runs every test against a throwaway PostgreSQL that it starts and removes.
# Uses CNSEXCHANGE_TEST_DB when set; otherwise a local cluster; otherwise Testcontainers (Docker).
# Extra arguments go to 'dotnet test' (e.g. --filter Category=Domain).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/postgres.sh
source scripts/lib/node.sh
source scripts/lib/chromium.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The rule-coverage test reads the shared spec (shared/spec/RULES.md): beside this checkout (CI, worktrees) or, in a
# clone of a local checkout, beside the checkout it was cloned from.
if [ -z "${CNSEXCHANGE_SPEC_DIR:-}" ]; then
  origin=$(git config --get remote.origin.url 2>/dev/null || true)
  for dir in "$ROOT/../shared/spec" ${origin:+"$origin/../shared/spec"}; do
    if [ -f "$dir/RULES.md" ]; then export CNSEXCHANGE_SPEC_DIR=$(cd "$dir" && pwd); break; fi
  done
fi

TMP_DATA=""
cleanup() {
  if [ -n "$TMP_DATA" ]; then pg_stop "$TMP_DATA"; rm -rf "$TMP_DATA"; fi
}
trap cleanup EXIT INT TERM

if [ -z "${CNSEXCHANGE_TEST_DB:-}" ]; then
  if pg_ensure_binaries && pg_ensure_user; then
    TMP_DATA=$(mktemp -d /tmp/cnsexchange-test-pg.XXXXXX)
    chmod 755 "$TMP_DATA"; [ "$(id -u)" -eq 0 ] && chown postgres: "$TMP_DATA"
    pg_start_free "$TMP_DATA" 56432 "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" || exit 1
    PORT=$PG_PORT
    export CNSEXCHANGE_TEST_DB="$(pg_connection_string "$PORT" postgres)"
    echo "Throwaway PostgreSQL on 127.0.0.1:$PORT"
  elif docker info >/dev/null 2>&1; then
    echo "No local PostgreSQL: the tests will use Testcontainers (Docker)."
  else
    echo "Cannot run the integration tests: no PostgreSQL binaries (and apt-get failed), no CNSEXCHANGE_TEST_DB and no Docker daemon." >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

# The OpenAPI lint test runs npx; without it that test fails and says why.
node_ensure || echo "Node.js/npm could not be installed: OpenApiLintTests will fail." >&2
# The Swagger UI test drives Debian's chromium with Playwright (CNSEXCHANGE_CHROMIUM); no Playwright browser download.
chromium_ensure || echo "Chromium could not be installed: SwaggerUiTests will fail." >&2

dotnet build CnsExchange.sln -c Release --nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

LOG=$(mktemp)
dotnet test CnsExchange.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}

passed=$(grep -Eo 'Passed: +[0-9]+' "$LOG" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$LOG" | awk '{s+=$2} END {print s+0}')
rm -f "$LOG"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
