# Waiting for an API process started in the background (sourced by scale-out.sh and bench/run.sh).

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

# The API process's settings that the runtime and the C library read from the environment only (no runtimeconfig.json
# name), in one place for every launcher: scripts/run.sh, scripts/scale-out.sh and bench/run.sh (API processes only,
# not PostgreSQL or the bench). The Dockerfile cannot source this file: its ENV lists the same values, keep both in step.
# A value already set in the environment wins. Measured in bench/results/2026-12-03-p4-memory.md and -p4-runtime.md.
#  - DOTNET_GCgen0size: the GC's gen0 budget, 8 MiB whatever the L3 size (the GC sizes it from the L3: ~130 MB on the
#    bench machine, which reports a 260 MiB L3; 16 MiB before -p4-runtime.md).
#  - MALLOC_MMAP_THRESHOLD_: glibc serves native blocks of 64 KiB and more (JIT work areas, runtime tables) with mmap
#    and gives them back on free; with the default (dynamic) threshold they stay in the per-thread malloc arenas.
api_runtime_env() {
  API_ENV=(
    "DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x800000}"
    "MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-65536}"
  )
}
