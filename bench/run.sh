#!/usr/bin/env bash
# Runs the benchmarks (not part of the test suite) and writes bench/results/<date>.md.
# Every figure is compared with a baseline measured in the same run on the same PostgreSQL.
# Usage: bench/run.sh [p1 p2 p3 p4 p5 p6 p7]   (BENCH_SECONDS=20 per load phase of p1; BENCH_BILLING_LINES=1000000 for p2/p5;
#        BENCH_P3_LINES=1000000 and BENCH_P3_PROVIDERS=40 for p3; p6: 50 standard sandboxes created; p7: webhook latency at 200 events/s and P1 with/without an endpoint)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/postgres.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

pg_ensure_binaries && pg_ensure_user
DATA=$(mktemp -d /tmp/cnsexchange-bench-pg.XXXXXX)
chmod 755 "$DATA"; [ "$(id -u)" -eq 0 ] && chown postgres: "$DATA"
PORT=$(pg_pick_port 58432)
API_PID=""
cleanup() {
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  pg_stop "$DATA"; rm -rf "$DATA"
}
trap cleanup EXIT INT TERM
pg_start "$DATA" "$PORT" "-c shared_buffers=512MB -c max_wal_size=4GB"

dotnet build CnsExchange.sln -c Release --nologo -v q -clp:ErrorsOnly
CS="$(pg_connection_string "$PORT" cnsexchange_bench)"
API_PORT=$(pg_pick_port 18500)
API_LOG=/tmp/cnsexchange-bench-api.log
(cd src/CnsExchange.Api && ConnectionStrings__Cns="$CS" ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" \
   Logging__LogLevel__Default=Warning CnsExchange__Webhooks__Network=local CnsExchange__RateLimit__TokenLimit=1000000 CnsExchange__RateLimit__TokensPerSecond=1000000 \
   exec env Logging__LogLevel__CnsExchange.Application.Features.Billing=Information Logging__LogLevel__CnsExchange.Application.Features.PaymentRuns=Information dotnet bin/Release/net10.0/CnsExchange.Api.dll) > "$API_LOG" 2>&1 &
API_PID=$!

mkdir -p bench/results
REPORT="bench/results/$(date -u +%Y-%m-%d-%H%M).md"
BENCH_API_LOG="$API_LOG" dotnet bench/CnsExchange.Bench/bin/Release/net10.0/CnsExchange.Bench.dll "http://127.0.0.1:$API_PORT" "$API_PID" "$CS" "$REPORT" "$@"
echo "Report: $REPORT"
