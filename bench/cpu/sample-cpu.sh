#!/usr/bin/env bash
# sample-cpu.sh WORKTREE OUT: finds the bench API started from WORKTREE and its PostgreSQL, and every 2 s appends
#   epoch|api_ticks|pg_ticks|validation_requests|load1
# until the API stops. api_ticks = utime+stime of the API process; pg_ticks = utime+stime+cutime+cstime of the
# postmaster (exited backends are reaped into its cutime/cstime) + utime+stime of its live children. Ticks are
# 1/CLK_TCK s. Summarise with bench/cpu/cpu-summary.py OUT. Run next to `bench/run.sh p1` started in WORKTREE.
set -u
WT=$1; OUT=$2
source "$(dirname "$0")/../api-pid.sh"
pid=$(bench_api_pid "$WT") || { echo "no API"; exit 1; }
port=$(tr '\0' '\n' < /proc/$pid/environ | grep '^ConnectionStrings__Cns=' | sed 's/.*Port=\([0-9]*\).*/\1/')
pm=""
for p in $(pgrep -x postgres); do
  [ "$(ps -o ppid= -p "$p" | tr -d ' ')" = 1 ] || continue
  tr '\0' ' ' < /proc/$p/cmdline | grep -q -- "-p $port " && pm=$p
done
echo "api $pid port $port postmaster $pm clk $(getconf CLK_TCK)" >&2
until psql -h 127.0.0.1 -p "$port" -U postgres -d cnsexchange_bench -Atc 'select count(*) from cns.validation_requests' >/dev/null 2>&1; do sleep 1; kill -0 $pid || exit 0; done
# With a third argument "pss" (server started with BENCH_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements"),
# pg_stat_statements is also written to OUT.pss.<epoch> every 10 s (calls, rows, total ms, query).
PSS=${3:-}
[ "$PSS" = pss ] && psql -h 127.0.0.1 -p "$port" -U postgres -d cnsexchange_bench -qc 'create extension if not exists pg_stat_statements' >&2
k=0
while kill -0 $pid 2>/dev/null; do
  a=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null) || break
  p=$(awk '{print $14+$15+$16+$17}' /proc/$pm/stat)
  for c in $(pgrep -P "$pm"); do p=$((p + $(awk '{print $14+$15}' /proc/$c/stat 2>/dev/null || echo 0))); done
  n=$(psql -h 127.0.0.1 -p "$port" -U postgres -d cnsexchange_bench -Atc 'select count(*) from cns.validation_requests' 2>/dev/null || echo -1)
  echo "$(date +%s.%N)|$a|$p|$n|$(cut -d' ' -f1 /proc/loadavg)" >> "$OUT"
  k=$((k + 1))
  if [ "$PSS" = pss ] && [ $((k % 5)) = 0 ]; then
    psql -h 127.0.0.1 -p "$port" -U postgres -d cnsexchange_bench -At -F'|' -c "select calls, rows, round(total_exec_time::numeric,1), plans, left(regexp_replace(query,'\s+',' ','g'),160) from pg_stat_statements order by calls desc limit 80" > "$OUT.pss.$(date +%s)" 2>/dev/null
  fi
  sleep 2
done
