#!/usr/bin/env bash
# Runs the benchmarks (not part of the test suite) and writes bench/results/<date>.md.
# Every figure is compared with a baseline measured in the same run on the same PostgreSQL.
# Usage: bench/run.sh [p1 p2 p3 p4 p5 p6 p7 p8]   (BENCH_SECONDS=20 per load phase of p1 and p8; BENCH_BILLING_LINES=1000000
#        for p2/p5; BENCH_P3_LINES=1000000 and BENCH_P3_PROVIDERS=40 for p3; p6: 50 standard sandboxes created; p7: webhook latency
#        at 200 events/s and P1 with/without an endpoint; p8: P1 through nginx with 1, 2, 3 API processes and the shared rate
#        limiter's cost, in a report of its own: <date>-p8-scale-out.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/postgres.sh
source scripts/lib/nginx.sh
source scripts/lib/api.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

pg_ensure_binaries && pg_ensure_user
DATA=$(mktemp -d /tmp/cnsexchange-bench-pg.XXXXXX)
chmod 755 "$DATA"; [ "$(id -u)" -eq 0 ] && chown postgres: "$DATA"
API_PID=""
EXTRA_PIDS=()
NGINX_DIR=""
cleanup() {
  for pid in $API_PID "${EXTRA_PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  # p8 runs one nginx per upstream group, each in a folder of its own below NGINX_DIR.
  if [ -n "$NGINX_DIR" ]; then for d in "$NGINX_DIR"/*/; do nginx_stop "${d%/}"; done; fi
  pg_stop "$DATA"; rm -rf "$DATA"
}
trap cleanup EXIT INT TERM
# BENCH_PG_OPTIONS: extra server options for an analysis run (e.g. "-c shared_preload_libraries=pg_stat_statements").
# Every autovacuum run is logged with its end time and CPU (bench/CnsExchange.Bench/AutovacuumLog.cs reads them per phase).
pg_start_free "$DATA" 58432 "-c shared_buffers=512MB -c max_wal_size=4GB -c log_autovacuum_min_duration=0 -c log_timezone=UTC -c log_line_prefix='%m [%p] ' ${BENCH_PG_OPTIONS:-}" || exit 1
PORT=$PG_PORT
export BENCH_PG_LOG="$DATA/server.log"

dotnet build CnsExchange.sln -c Release --nologo -v q -clp:ErrorsOnly
CS="$(pg_connection_string "$PORT" cnsexchange_bench)"
# A port and a log of this run's own: several runs on one machine (other checkouts) must not share either.
API_PORT=$(pg_pick_port $((18500 + RANDOM % 1000)))
API_LOG=$(mktemp /tmp/cnsexchange-bench-api.XXXXXX.log)
# The API processes get the memory settings of every launcher (api_runtime_env); the bench process, its baseline host and
# PostgreSQL keep the defaults.
# Migrations in a process of their own, as scripts/run.sh does: the measured API starts on a migrated database.
api_migrate "$CS" "$API_LOG"
(cd src/CnsExchange.Api && api_runtime_env && ConnectionStrings__Cns="$CS" ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" \
   Logging__LogLevel__Default=Warning CnsExchange__Webhooks__Network=local CnsExchange__RateLimit__TokenLimit=1000000 CnsExchange__RateLimit__TokensPerSecond=1000000 \
   exec env Logging__LogLevel__CnsExchange.Application.Features.Billing=Information Logging__LogLevel__CnsExchange.Application.Features.PaymentRuns=Information dotnet bin/Release/net10.0/CnsExchange.Api.dll) >> "$API_LOG" 2>&1 &
API_PID=$!

mkdir -p bench/results
STAMP=$(date -u +%Y-%m-%d-%H%M)
REPORT="bench/results/$STAMP.md"
SCENARIOS=("$@"); [ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(p1 p2 p3 p4 p5 p6 p7 p8)
MAIN=(); P8=0
for s in "${SCENARIOS[@]}"; do if [ "$s" = p8 ]; then P8=1; else MAIN+=("$s"); fi; done
if [ ${#MAIN[@]} -gt 0 ]; then
  BENCH_API_LOG="$API_LOG" dotnet bench/CnsExchange.Bench/bin/Release/net10.0/CnsExchange.Bench.dll "http://127.0.0.1:$API_PORT" "$API_PID" "$CS" "$REPORT" "${MAIN[@]}"
  echo "Report: $REPORT"
fi

# p8 after the others, with processes of its own (extra Hangfire servers would take the other scenarios' jobs): three API
# processes with the default rate limits behind nginx (upstream groups of 1, 2 and 3 of them), and a fourth with the
# limiter off, for the limiter's cost.
if [ "$P8" -eq 1 ]; then
  nginx_ensure
  P8_PORTS=(); next=$((API_PORT + 1))
  for i in 1 2 3 4; do p=$(pg_pick_port "$next"); P8_PORTS+=("$p"); next=$((p + 1)); done
  for i in 0 1 2 3; do
    limiter=true; [ "$i" -eq 3 ] && limiter=false
    (cd src/CnsExchange.Api && api_runtime_env && ConnectionStrings__Cns="$CS" ASPNETCORE_URLS="http://127.0.0.1:${P8_PORTS[$i]}" Logging__LogLevel__Default=Warning \
       CnsExchange__RateLimit__Enabled=$limiter exec dotnet bin/Release/net10.0/CnsExchange.Api.dll) > "/tmp/cnsexchange-bench-p8-api-$i.log" 2>&1 &
    EXTRA_PIDS+=($!)
  done
  NGINX_DIR=$(mktemp -d /tmp/cnsexchange-bench-nginx.XXXXXX); chmod 755 "$NGINX_DIR" # nginx workers (unprivileged) reach the temp folders below
  PROXY_URLS=""
  for n in 1 2 3; do
    mkdir -p "$NGINX_DIR/$n"; pp=$(pg_pick_port $((19700 + n * 10)))
    nginx_config "$NGINX_DIR/$n" "$pp" "${P8_PORTS[@]:0:$n}"; nginx_start "$NGINX_DIR/$n"
    PROXY_URLS+="${PROXY_URLS:+,}http://127.0.0.1:$pp"
  done
  # Each process ready within 180 s, or the phase stops naming it (a process that died at start would leave it waiting forever).
  for i in 0 1 2 3; do api_wait_ready "${P8_PORTS[$i]}" "${EXTRA_PIDS[$i]}" "/tmp/cnsexchange-bench-p8-api-$i.log" 180; done
  REPORT_P8="bench/results/$STAMP-p8-scale-out.md"
  BENCH_PROXY_URLS="$PROXY_URLS" BENCH_LIMITER_ON_URL="http://127.0.0.1:${P8_PORTS[0]}" BENCH_LIMITER_OFF_URL="http://127.0.0.1:${P8_PORTS[3]}" \
    dotnet bench/CnsExchange.Bench/bin/Release/net10.0/CnsExchange.Bench.dll "http://127.0.0.1:${P8_PORTS[0]}" "${EXTRA_PIDS[0]}" "$CS" "$REPORT_P8" p8
  for n in 1 2 3; do nginx_stop "$NGINX_DIR/$n"; done; NGINX_DIR=""
  echo "Report: $REPORT_P8"
fi
