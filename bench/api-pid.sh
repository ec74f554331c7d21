# Sourced by bench/cpu/sample-cpu.sh and bench/alloc/trace-p1.sh.
# bench_api_pid WORKTREE: waits (up to 15 min) for the API process that bench/run.sh starts from WORKTREE — not the
# --migrate run it starts first, nor an API of another tree — and prints its pid; returns 1 when none appears.
bench_api_pid() {
  local wt=$1 p
  for _ in $(seq 1 900); do
    for p in $(pgrep -f "CnsExchange.Api.dll$"); do
      [ "$(readlink /proc/$p/cwd 2>/dev/null)" = "$wt/src/CnsExchange.Api" ] && { echo "$p"; return 0; }
    done
    sleep 1
  done
  return 1
}
