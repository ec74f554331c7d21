#!/usr/bin/env bash
# usage: run.sh DB VARIANT_SQL K   (K: hex digit 1..f, new keys for this run)
set -euo pipefail
DB=$1; VAR=$2; K=$3; P=$(cat /tmp/pg24n.port)
MC="id, provider_id, reference, source, billing_file_id, simulation_id, hospital_stay_id, status, received_at, received_on, due_date, adjudicated_at, line_count, accepted_count, reduced_count, refused_count, claimed_total, tariff_total, cns_total, insured_share_total, source_json, source_line, voided_at, replaces_memoir_id, replaced_by_memoir_id"
LC="id, memoir_id, provider_id, line_number, source_line, voucher_number, voucher_id, voucher_service_id, hospital_stay_id, matricule, insured_id, session_date, act_code, travel, claimed_amount, single_room_surcharge, tariff_amount, rate_percent, cns_amount, insured_share, outcome, reasons, payable_amount, contestation_status, created_at, payment_run_id, paid_amount, travel_allowance, released_at, competent_fund"
MSEL=$(echo "$MC" | sed "s/^id,/overlay(id::text placing '$K' from 1 for 2)::uuid AS id,/; s/ reference,/ reference || '-$K' AS reference,/")
LSEL=$(echo "$LC" | sed "s/^id, memoir_id,/overlay(id::text placing '$K' from 1 for 2)::uuid AS id, overlay(memoir_id::text placing '$K' from 1 for 2)::uuid AS memoir_id,/; s/ session_date,/ session_date + $((16#$K)) * 1000 AS session_date,/")
MOVE=${MOVE:-"INSERT INTO cns.fee_memoir_lines ($LC) SELECT $LC FROM pg_temp.staged_fee_memoir_lines"}
MOVEM=${MOVEM:-"INSERT INTO cns.fee_memoirs ($MC) SELECT $MC FROM pg_temp.staged_fee_memoirs"}
OFF=$(stat -c %s /tmp/pg24n/server.log)
APP="rp-$(basename $VAR .sql)${TAG:-}-$K-$$"
psql -h 127.0.0.1 -p $P -U postgres -d $DB -v ON_ERROR_STOP=1 -q <<SQL
SET application_name = '$APP';
BEGIN;
\i $VAR
SET ROLE cns_app;
SET cns.sandbox = '00000000-0000-0000-0000-000000000001';
${STAGEM:-CREATE TEMP TABLE IF NOT EXISTS staged_fee_memoirs (LIKE cns.fee_memoirs INCLUDING DEFAULTS) ON COMMIT DELETE ROWS;}
${STAGEL:-CREATE TEMP TABLE IF NOT EXISTS staged_fee_memoir_lines (LIKE cns.fee_memoir_lines INCLUDING DEFAULTS) ON COMMIT DELETE ROWS;}
CREATE TEMP TABLE km AS SELECT $MSEL, batch FROM rp.m;
CREATE TEMP TABLE kl AS SELECT $LSEL, batch FROM rp.l;
CREATE INDEX ON km (batch); CREATE INDEX ON kl (batch); ANALYZE km; ANALYZE kl;
RESET ROLE;
SET log_statement_stats = on;
SET ROLE cns_app;
DO \$do\$ DECLARE b int; BEGIN
  FOR b IN 0..39 LOOP
    INSERT INTO pg_temp.staged_fee_memoirs ($MC) SELECT $MC FROM pg_temp.km WHERE batch = b;
    $MOVEM; TRUNCATE pg_temp.staged_fee_memoirs;
    INSERT INTO pg_temp.staged_fee_memoir_lines ($LC) SELECT $LC FROM pg_temp.kl WHERE batch = b;
    $MOVE; TRUNCATE pg_temp.staged_fee_memoir_lines;
  END LOOP; END \$do\$;
RESET ROLE;
SET log_statement_stats = off;
ROLLBACK;
SQL
sleep 0.5
# last QUERY STATISTICS block with the biggest user time since this run: parse the server log tail
python3 - "$APP" "$OFF" <<'PY'
import re,sys
f=open('/tmp/pg24n/server.log'); f.seek(int(sys.argv[2])); log=f.read().splitlines()
stats=[tuple(map(float,m.groups())) for m in (re.search(r'!\s+([\d.]+) s user, ([\d.]+) s system, ([\d.]+) s elapsed', l) for l in log) if m]
u,s,e=max(stats,key=lambda t:t[2])
print(f"{sys.argv[1]}: cpu {u+s:.2f} s (user {u:.2f}, sys {s:.2f}), elapsed {e:.2f} s")
PY
