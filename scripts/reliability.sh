#!/usr/bin/env bash
# The reliability and security suite (issue 10): the slow parts (kill -9 loops, PostgreSQL restart under load,
# payment-run crash points, 10,000 hostile cases) plus the fast reliability tests that also run in scripts/test.sh.
# Prints one figure per line as `name: value`; exits non-zero when a figure is out of bounds.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/postgres.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

pg_ensure_binaries && pg_ensure_user || exit 1
DATA=$(mktemp -d /tmp/cnsexchange-rel-pg.XXXXXX)
chmod 755 "$DATA"; [ "$(id -u)" -eq 0 ] && chown postgres: "$DATA"
cleanup() { pg_stop "$DATA"; rm -rf "$DATA"; }
trap cleanup EXIT INT TERM
pg_start_free "$DATA" 57432 || exit 1
PORT=$PG_PORT

dotnet build CnsExchange.sln -c Release --nologo -v q -clp:ErrorsOnly || exit 1
# dotnet-dump (tool manifest): db-restart prints what a hung request waits on.
dotnet tool restore >/dev/null || echo "dotnet tool restore failed: a hang will be reported without the API's async stacks" >&2

FIGURES=$(mktemp)
status=0

echo "== process scenarios (kill -9 loop, PostgreSQL restart under load, payment-run crash points)"
CS="$(pg_connection_string "$PORT" cnsexchange_reliability)"
dotnet tests/CnsExchange.Reliability/bin/Release/net10.0/CnsExchange.Reliability.dll \
  "$ROOT/src/CnsExchange.Api/bin/Release/net10.0/CnsExchange.Api.dll" "$CS" "$PG_BIN" "$DATA" "$PORT" "$@" | tee -a "$FIGURES"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# Scenarios named on the command line (kill9, db-restart, payment-crash, oversized-bodies, webhooks-kill9) run alone, without the test part.
if [ $# -eq 0 ]; then
  echo "== reliability tests (10,000 hostile cases, access matrix, races)"
  export CNSEXCHANGE_TEST_DB="$(pg_connection_string "$PORT" postgres)"
  export FUZZ_CASES=${FUZZ_CASES:-10000}
  export RELIABILITY_FIGURES="$FIGURES"
  dotnet test tests/CnsExchange.IntegrationTests -c Release --no-build --nologo --filter "Category=Reliability" >/tmp/cnsexchange-reliability-tests.log 2>&1 || { status=1; tail -40 /tmp/cnsexchange-reliability-tests.log; }
  grep -E "^(Passed|Failed)!" /tmp/cnsexchange-reliability-tests.log
fi

echo "== figures"
cat "$FIGURES"
rm -f "$FIGURES"
exit $status
