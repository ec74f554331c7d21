#!/usr/bin/env bash
# sample-waits.sh WORKTREE OUT: finds the bench API started from WORKTREE, its PostgreSQL port, and samples the bench
# database's client backends (state, wait event, lock waited for, table of a row lock) every 50 ms until the API stops.
# Run next to `bench/run.sh p1` started in WORKTREE; summarise with bench/waits/lock-summary.py OUT.
set -u
WT=$1; OUT=$2
pid=""
for i in $(seq 1 600); do
  for p in $(pgrep -f 'CnsExchange.Api.dll'); do
    [ "$(readlink /proc/$p/cwd 2>/dev/null)" = "$WT/src/CnsExchange.Api" ] && pid=$p
  done
  [ -n "$pid" ] && break; sleep 1
done
[ -z "$pid" ] && { echo "no API"; exit 1; }
port=$(tr '\0' '\n' < /proc/$pid/environ | grep '^ConnectionStrings__Cns=' | sed 's/.*Port=\([0-9]*\).*/\1/')
echo "api $pid port $port" >&2
until psql -h 127.0.0.1 -p "$port" -U postgres -d cnsexchange_bench -Atc 'select 1' >/dev/null 2>&1; do sleep 1; kill -0 $pid || exit 0; done
SQL="SELECT to_char(clock_timestamp(),'HH24:MI:SS.MS'), (SELECT count(*) FROM cns.sandboxes WHERE deleting_at IS NULL), a.pid, a.state,
 coalesce(a.wait_event_type,'-'), coalesce(a.wait_event,'-'),
 coalesce((SELECT string_agg(l.locktype||':'||coalesce(l.relation::regclass::text, l.classid::text||'/'||l.objid::text||'/'||l.objsubid::text, ''), ',') FROM pg_locks l WHERE l.pid=a.pid AND NOT l.granted),''),
 coalesce((SELECT string_agg(DISTINCT l.relation::regclass::text, ',') FROM pg_locks l WHERE l.pid=a.pid AND l.granted AND l.locktype='tuple'),''),
 coalesce((SELECT left(regexp_replace(b.query,'\s+',' ','g'),50) FROM pg_stat_activity b WHERE b.pid=(pg_blocking_pids(a.pid))[1]),''),
 left(regexp_replace(a.query,'\s+',' ','g'),60)
FROM pg_stat_activity a WHERE a.datname='cnsexchange_bench' AND a.backend_type='client backend' AND a.state <> 'idle' AND a.pid<>pg_backend_pid()"
( for i in $(seq 1 20000); do printf '%s;\nSELECT pg_sleep(0.05);\n' "$SQL"; done | psql -h 127.0.0.1 -p "$port" -U postgres -d cnsexchange_bench -At -F'|' -q 2>/dev/null | grep --line-buffered -v '^$' > "$OUT" ) &
spid=$!
while kill -0 $pid 2>/dev/null; do sleep 1; done
kill $spid 2>/dev/null; pkill -P $spid 2>/dev/null
