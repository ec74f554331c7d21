#!/usr/bin/env bash
# bench/alloc/trace-p1.sh OUT.nettrace [SECONDS]: run next to `bench/run.sh p1`. Waits for the API process that
# bench/run.sh started from this tree (not its --migrate run), then for 20 s in a row of at least half a core of its CPU
# (the load phases: its start-up alone kept it that busy for 10 s, and a trace taken then held only idle Hangfire
# polling), and records SECONDS (25) of allocation ticks with dotnet-trace (installed when missing).
# Then: bench/alloc/summary.sh OUT.nettrace.
set -u
OUT=$1; SECONDS_TRACED=${2:-25}
TRACE=$HOME/.dotnet/tools/dotnet-trace
[ -x "$TRACE" ] || dotnet tool install -g dotnet-trace --version 10.0.750501 >/dev/null || exit 1
source "$(dirname "$0")/../api-pid.sh"
pid=$(bench_api_pid "$(cd "$(dirname "$0")/../.." && pwd)") || { echo "no API process" >&2; exit 1; }
busy=0; prev=0
while [ $busy -lt 20 ]; do
  ticks=$(awk '{print $14 + $15}' /proc/$pid/stat 2>/dev/null) || { echo "API $pid stopped" >&2; exit 1; }
  if [ $prev -gt 0 ] && [ $((ticks - prev)) -gt $(( $(getconf CLK_TCK) / 2 )) ]; then busy=$((busy + 1)); else busy=0; fi
  prev=$ticks; sleep 1
done
echo "tracing API $pid from $(date -u +%T) for $SECONDS_TRACED s" >&2
"$TRACE" collect -p "$pid" --profile gc-verbose --duration "00:00:00:$SECONDS_TRACED" -o "$OUT" >/dev/null
