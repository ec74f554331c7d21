#!/usr/bin/env bash
# Starts CnsExchange with everything it needs: a local PostgreSQL cluster kept in .pgdata/ (created on first
# run, reused afterwards), migrations, sandbox data, Swagger UI and the Hangfire dashboard. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/postgres.sh
source scripts/lib/api.sh

export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://localhost:8080}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A local set-up calls webhook receivers on this machine (loopback); hosted deployments keep the default "hosted".
export CnsExchange__Webhooks__Network=${CnsExchange__Webhooks__Network:-local}

if [ -z "${ConnectionStrings__Cns:-}" ]; then
  pg_ensure_binaries
  pg_ensure_user
  DATA=$(pg_usable_dir "$ROOT/.pgdata" "/var/tmp/cnsexchange-pgdata-$(echo "$ROOT" | md5sum | cut -c1-8)")
  pg_start_free "$DATA" "${CNS_PG_PORT:-55432}" || exit 1
  PORT=$PG_PORT
  echo "PostgreSQL running from $DATA on 127.0.0.1:$PORT"
  export ConnectionStrings__Cns="$(pg_connection_string "$PORT" cnsexchange)"
  STOP_DB="$DATA"
fi

API_PID=""
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    kill -TERM "$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
  fi
  if [ -n "${STOP_DB:-}" ]; then pg_stop "$STOP_DB"; echo "PostgreSQL stopped."; fi
}
trap cleanup INT TERM EXIT

dotnet build src/CnsExchange.Api -c Release --nologo -v q -clp:ErrorsOnly
echo "Migrating the database and seeding the default sandbox..."
api_migrate "$ConnectionStrings__Cns"
BASE=${ASPNETCORE_URLS%%;*}
cat <<MSG

  CnsExchange is starting on $BASE
  Swagger UI:        $BASE/swagger
  Jobs dashboard:    $BASE/hangfire (sign in with the operator key: sandbox-operator)
  Readiness:         $BASE/health/ready

  Sandbox API keys (header X-Api-Key):
    providers  sandbox-physio-1  sandbox-physio-2  sandbox-hospital-1  sandbox-thermal-1  sandbox-rehab-1
    reviewer   sandbox-reviewer
    admin      sandbox-admin
    operator   sandbox-operator (sandboxes, jobs dashboard, /metrics)

MSG
(cd src/CnsExchange.Api && api_runtime_env && exec dotnet bin/Release/net10.0/CnsExchange.Api.dll) &
API_PID=$!
wait "$API_PID"
