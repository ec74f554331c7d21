# Starting and waiting for API processes (sourced by run.sh, scale-out.sh and bench/run.sh).

# api_runtime_env: exports the memory settings of the API processes, for what this (sub)shell starts next: the GC's gen0
# budget at 16 MiB whatever the CPU's cache size, at most 2 glibc malloc arenas instead of 8 per core, and blocks of 64 KiB
# or more mapped on their own, so that freeing them gives the memory back. The runtime and glibc read them from the
# environment only; why: src/CnsExchange.Api/CnsExchange.Api.csproj. The launchers call it in the subshell that starts an
# API process (PostgreSQL, builds and the bench's own process keep the defaults); the Dockerfile's ENV repeats the values.
# A caller's own values win.
api_runtime_env() {
  export DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x1000000} \
    MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-65536}
}

# api_wait_ready PORT PID LOG [SECONDS]: returns once http://127.0.0.1:PORT/health/ready answers; exits the script,
# naming the process and showing the end of its log, when the process stops first or (with SECONDS) the time runs out.
api_wait_ready() {
  local port=$1 pid=$2 log=$3 limit=${4:-0} deadline=$((SECONDS + ${4:-0}))
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || { [ "$limit" -gt 0 ] && [ $SECONDS -ge $deadline ]; }; then
      echo "The API process on port $port did not become ready; see $log" >&2
      tail -20 "$log" >&2; exit 1
    fi
    sleep 0.5
  done
}

# api_migrate CONNECTION_STRING [LOG]: runs the start-up work alone (`CnsExchange.Api.dll --migrate`: migrations, the
# application role, the default sandbox) before the API processes start, so that they find nothing to migrate (see
# Program.cs). Output to LOG when given (shown, and the script exits, when it fails), else to the terminal.
api_migrate() {
  local cs=$1 log=${2:-}
  if [ -z "$log" ]; then
    (cd src/CnsExchange.Api && ConnectionStrings__Cns="$cs" exec dotnet bin/Release/net10.0/CnsExchange.Api.dll --migrate)
  else
    (cd src/CnsExchange.Api && ConnectionStrings__Cns="$cs" exec dotnet bin/Release/net10.0/CnsExchange.Api.dll --migrate) > "$log" 2>&1 \
      || { cat "$log" >&2; exit 1; }
  fi
}
