using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The statement trigger that checks a fee memoir line's references (LineReferencesPerStatement) looks each memoir,
    /// voucher, voucher service and insured person up by primary key, once per distinct row its lines name, instead of
    /// joining the new lines with the whole table. PL/pgSQL keeps a statement's plan for the session: a billing file's
    /// import planned the join at its first batch, when fee_memoirs was (by its statistics) empty, as a nested loop over
    /// every memoir of the sandbox (an index scan on sandbox_id, the row-level security predicate), and ran that plan at
    /// every later batch over a table growing by 625 memoirs a batch: 0.3 s at the first batch of 5,000 lines, 15 s at
    /// the 38th (bench/results/2026-12-02-p2-write-phase.md). Now:
    /// - a look-up per distinct memoir (LATERAL ... LIMIT 1, which the planner cannot turn into a join of the table);
    /// - a look-up per distinct voucher, voucher service and insured person, locked FOR KEY SHARE as before;
    /// - the function runs as its owner (SECURITY DEFINER): the row-level security predicate (sandbox_id = the session's
    ///   sandbox, matched by every index led by sandbox_id) no longer offers the planner a scan of the whole sandbox, and
    ///   the sandbox is compared explicitly instead (the line's own sandbox is checked by the policy of fee_memoir_lines);
    /// - seqscan is off for its statements, so a plan made on a near-empty table is still a look-up when the table grows.
    /// Same checks, same errors (23503 under the dropped constraints' names).
    /// </summary>
    public partial class LineReferencesByKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION cns.fee_memoir_lines_references_exist() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS $f$
                DECLARE bad record; wanted bigint; seen bigint;
                BEGIN
                  -- In its memoir's sandbox and of its memoir's provider: one primary-key look-up per memoir.
                  SELECT n.memoir_id, n.sandbox_id INTO bad
                  FROM (SELECT DISTINCT l.memoir_id, l.provider_id, l.sandbox_id FROM new_lines l) n
                  LEFT JOIN LATERAL (SELECT m.provider_id, m.sandbox_id FROM cns.fee_memoirs m WHERE m.id = n.memoir_id LIMIT 1) m ON true
                  WHERE m.sandbox_id IS DISTINCT FROM n.sandbox_id OR m.provider_id IS DISTINCT FROM n.provider_id
                  LIMIT 1;
                  IF FOUND THEN
                    SELECT l.id, l.memoir_id INTO bad FROM new_lines l WHERE l.memoir_id = bad.memoir_id AND l.sandbox_id = bad.sandbox_id LIMIT 1;
                    RAISE EXCEPTION 'fee memoir line % is not in the sandbox or not of the provider of its memoir %', bad.id, bad.memoir_id
                      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_providers_provider_id';
                  END IF;
                  -- Its voucher, voucher service and insured exist in its sandbox, locked FOR KEY SHARE: one look-up per row named.
                  SELECT count(*), count(*) FILTER (WHERE p.sandbox_id = w.sandbox_id) INTO wanted, seen
                  FROM (SELECT DISTINCT l.voucher_id, l.sandbox_id FROM new_lines l WHERE l.voucher_id IS NOT NULL) w
                  LEFT JOIN LATERAL (SELECT p.sandbox_id FROM cns.vouchers p WHERE p.id = w.voucher_id FOR KEY SHARE OF p) p ON true;
                  IF seen <> wanted THEN
                    RAISE EXCEPTION 'a fee memoir line names a voucher that does not exist in its sandbox'
                      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_vouchers_voucher_id';
                  END IF;
                  SELECT count(*), count(*) FILTER (WHERE p.sandbox_id = w.sandbox_id) INTO wanted, seen
                  FROM (SELECT DISTINCT l.voucher_service_id, l.sandbox_id FROM new_lines l WHERE l.voucher_service_id IS NOT NULL) w
                  LEFT JOIN LATERAL (SELECT p.sandbox_id FROM cns.voucher_services p WHERE p.id = w.voucher_service_id FOR KEY SHARE OF p) p ON true;
                  IF seen <> wanted THEN
                    RAISE EXCEPTION 'a fee memoir line names a voucher service that does not exist in its sandbox'
                      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_voucher_service_voucher_service_id';
                  END IF;
                  SELECT count(*), count(*) FILTER (WHERE p.sandbox_id = w.sandbox_id) INTO wanted, seen
                  FROM (SELECT DISTINCT l.insured_id, l.sandbox_id FROM new_lines l WHERE l.insured_id IS NOT NULL) w
                  LEFT JOIN LATERAL (SELECT p.sandbox_id FROM cns.insured p WHERE p.id = w.insured_id FOR KEY SHARE OF p) p ON true;
                  IF seen <> wanted THEN
                    RAISE EXCEPTION 'a fee memoir line names an insured person who does not exist in its sandbox'
                      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_insured_insured_id';
                  END IF;
                  RETURN NULL;
                END $f$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER FUNCTION cns.fee_memoir_lines_references_exist() SECURITY INVOKER RESET ALL;
                CREATE OR REPLACE FUNCTION cns.fee_memoir_lines_references_exist() RETURNS trigger LANGUAGE plpgsql AS $f$
                DECLARE bad record; wanted bigint; seen bigint;
                BEGIN
                  -- In its memoir's sandbox and of its memoir's provider (a memoir the caller cannot see is no match).
                  SELECT n.id, n.memoir_id INTO bad FROM new_lines n LEFT JOIN cns.fee_memoirs m ON m.id = n.memoir_id
                  WHERE m.id IS NULL OR m.sandbox_id IS DISTINCT FROM n.sandbox_id OR m.provider_id <> n.provider_id LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'fee memoir line % is not in the sandbox or not of the provider of its memoir %', bad.id, bad.memoir_id
                      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_providers_provider_id';
                  END IF;
                  SELECT count(*) INTO wanted FROM (SELECT DISTINCT n.voucher_id, n.sandbox_id FROM new_lines n WHERE n.voucher_id IS NOT NULL) w;
                  IF wanted > 0 THEN
                    SELECT count(*) INTO seen FROM (SELECT 1 FROM cns.vouchers p
                      WHERE (p.id, p.sandbox_id) IN (SELECT n.voucher_id, n.sandbox_id FROM new_lines n) FOR KEY SHARE OF p) x;
                    IF seen <> wanted THEN
                      RAISE EXCEPTION 'a fee memoir line names a voucher that does not exist in its sandbox'
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_vouchers_voucher_id';
                    END IF;
                  END IF;
                  SELECT count(*) INTO wanted FROM (SELECT DISTINCT n.voucher_service_id, n.sandbox_id FROM new_lines n WHERE n.voucher_service_id IS NOT NULL) w;
                  IF wanted > 0 THEN
                    SELECT count(*) INTO seen FROM (SELECT 1 FROM cns.voucher_services p
                      WHERE (p.id, p.sandbox_id) IN (SELECT n.voucher_service_id, n.sandbox_id FROM new_lines n) FOR KEY SHARE OF p) x;
                    IF seen <> wanted THEN
                      RAISE EXCEPTION 'a fee memoir line names a voucher service that does not exist in its sandbox'
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_voucher_service_voucher_service_id';
                    END IF;
                  END IF;
                  SELECT count(*) INTO wanted FROM (SELECT DISTINCT n.insured_id, n.sandbox_id FROM new_lines n WHERE n.insured_id IS NOT NULL) w;
                  IF wanted > 0 THEN
                    SELECT count(*) INTO seen FROM (SELECT 1 FROM cns.insured p
                      WHERE (p.id, p.sandbox_id) IN (SELECT n.insured_id, n.sandbox_id FROM new_lines n) FOR KEY SHARE OF p) x;
                    IF seen <> wanted THEN
                      RAISE EXCEPTION 'a fee memoir line names an insured person who does not exist in its sandbox'
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_insured_insured_id';
                    END IF;
                  END IF;
                  RETURN NULL;
                END $f$;
                """);
        }
    }
}
