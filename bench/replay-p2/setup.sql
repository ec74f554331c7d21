-- source copies of the CSV file's memoirs and lines (as postgres, no RLS), kept in a plain schema
DROP SCHEMA IF EXISTS rp CASCADE; CREATE SCHEMA rp;
CREATE TABLE rp.m AS SELECT m.*, (row_number() OVER (ORDER BY m.id) - 1) / 625 AS batch
  FROM cns.fee_memoirs m WHERE billing_file_id = '01a23a17-8655-7ca9-a049-b8a9695ef850';
CREATE TABLE rp.l AS SELECT l.*, m.batch FROM cns.fee_memoir_lines l JOIN rp.m m ON m.id = l.memoir_id;
GRANT USAGE ON SCHEMA rp TO cns_app; GRANT SELECT ON ALL TABLES IN SCHEMA rp TO cns_app;
ANALYZE rp.m; ANALYZE rp.l;
SELECT count(*), max(batch) FROM rp.l;
