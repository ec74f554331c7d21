#!/usr/bin/env bash
# Scale-out (issue 22): PostgreSQL (as scripts/run.sh starts it), N API processes (default 3), each also a Hangfire
# server, and nginx in front of them on one port (round robin, passive health checks, retries of idempotent requests).
#
#   scripts/scale-out.sh [-n N]                   runs until Ctrl-C; the proxy listens on PROXY_PORT (default 8080)
#   scripts/scale-out.sh --chaos [-n N]           3 minutes of mixed load through the proxy while a random API process
#                                                 is killed with SIGKILL every 15 s and restarted; prints the figures and
#                                                 exits non-zero when a loss figure is not 0 (on a throwaway database)
#   scripts/scale-out.sh --chaos --inject-loss    the same, with one acknowledged request made to disappear before the
#                                                 count: must exit non-zero (shows the count would see a loss)
# CHAOS_SECONDS (180) and CHAOS_KILL_EVERY (15) change the chaos run's length and kill period; SCALE_NO_BUILD=1 uses the
# binaries as built.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/postgres.sh
source scripts/lib/nginx.sh
source scripts/lib/api.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

N=3; CHAOS=0; INJECT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --chaos) CHAOS=1 ;;
    --inject-loss) INJECT=lose ;;
    -n) N=$2; shift ;;
    *) echo "usage: scripts/scale-out.sh [--chaos [--inject-loss]] [-n N]" >&2; exit 2 ;;
  esac
  shift
done

pg_ensure_binaries && pg_ensure_user || exit 1
nginx_ensure || exit 1

API_PIDS=()
NGINX_DIR=$(mktemp -d /tmp/cnsexchange-nginx.XXXXXX)
STOP_DB=""
cleanup() {
  trap - INT TERM EXIT
  for pid in "${API_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${API_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  nginx_stop "$NGINX_DIR"; sleep 0.5; rm -rf "$NGINX_DIR"
  if [ -n "$STOP_DB" ]; then pg_stop "$STOP_DB"; fi
  if [ "$CHAOS" -eq 1 ] && [ -n "$STOP_DB" ]; then rm -rf "$STOP_DB"; fi
}
trap cleanup INT TERM EXIT

if [ "$CHAOS" -eq 1 ]; then
  # A throwaway cluster: the figures count every row of the run.
  DATA=$(mktemp -d /tmp/cnsexchange-chaos-pg.XXXXXX); chmod 755 "$DATA"; [ "$(id -u)" -eq 0 ] && chown postgres: "$DATA"
  FIRST_PORT=59432
  DB=cnsexchange_chaos
else
  DATA=$(pg_usable_dir "$ROOT/.pgdata-scale" "/var/tmp/cnsexchange-pgdata-scale-$(echo "$ROOT" | md5sum | cut -c1-8)")
  FIRST_PORT=${CNS_PG_PORT:-55532}
  DB=cnsexchange
fi
pg_start_free "$DATA" "$FIRST_PORT" || exit 1
PORT=$PG_PORT
STOP_DB="$DATA"
CS="$(pg_connection_string "$PORT" "$DB")"
echo "PostgreSQL running from $DATA on 127.0.0.1:$PORT"

[ -n "${SCALE_NO_BUILD:-}" ] || dotnet build CnsExchange.sln -c Release --nologo -v q -clp:ErrorsOnly || exit 1
API_DLL="$ROOT/src/CnsExchange.Api/bin/Release/net10.0/CnsExchange.Api.dll"

PORTS=(); next=18700
for _ in $(seq 1 "$N"); do p=$(pg_pick_port "$next"); PORTS+=("$p"); next=$((p + 1)); done
PROXY_PORT=$(pg_pick_port "${PROXY_PORT:-$([ "$CHAOS" -eq 1 ] && echo 18690 || echo 8080)}")
nginx_config "$NGINX_DIR" "$PROXY_PORT" "${PORTS[@]}"
nginx_start "$NGINX_DIR" || { cat "$NGINX_DIR/error.log" >&2; exit 1; }
echo "nginx on 127.0.0.1:$PROXY_PORT -> API processes on ${PORTS[*]}"

if [ "$CHAOS" -eq 1 ]; then
  # The chaos tool starts, kills and restarts the API processes itself (tests/CnsExchange.Reliability, scenario scale-chaos),
  # with the environment it is given.
  api_runtime_env
  SCALE_PROXY_URL="http://127.0.0.1:$PROXY_PORT" SCALE_API_PORTS=$(IFS=,; echo "${PORTS[*]}") SCALE_INJECT="$INJECT" \
  CHAOS_SECONDS=${CHAOS_SECONDS:-180} CHAOS_KILL_EVERY=${CHAOS_KILL_EVERY:-15} \
    dotnet tests/CnsExchange.Reliability/bin/Release/net10.0/CnsExchange.Reliability.dll \
    "$API_DLL" "$CS" "$PG_BIN" "$DATA" "$PORT" scale-chaos
  status=$?
  echo "proxy 502/503/504 answers logged by nginx: $(grep -cE '" (502|503|504) ' "$NGINX_DIR/access.log" 2>/dev/null || echo 0)"
  exit $status
fi

start_api() { # index port
  (cd src/CnsExchange.Api && api_runtime_env && ConnectionStrings__Cns="$CS" ASPNETCORE_URLS="http://127.0.0.1:$2" exec dotnet "$API_DLL") \
    > "/tmp/cnsexchange-scale-api-$1.log" 2>&1 &
  API_PIDS+=($!)
}
# Migrations in a process of their own first (Program.cs, --migrate); then the first process alone, the others once it is ready.
api_migrate "$CS" /tmp/cnsexchange-scale-migrate.log
start_api 1 "${PORTS[0]}"
api_wait_ready "${PORTS[0]}" "${API_PIDS[0]}" /tmp/cnsexchange-scale-api-1.log
for i in $(seq 2 "$N"); do start_api "$i" "${PORTS[$((i - 1))]}"; done
cat <<MSG

  CnsExchange: $N API processes (each a Hangfire server) behind nginx on http://127.0.0.1:$PROXY_PORT
  Swagger UI:     http://127.0.0.1:$PROXY_PORT/swagger      keys as in README (sandbox-physio-1, sandbox-admin, ...)
  Logs:           /tmp/cnsexchange-scale-api-<n>.log, nginx: $NGINX_DIR
  Ctrl-C stops everything.

MSG
wait "${API_PIDS[@]}"
