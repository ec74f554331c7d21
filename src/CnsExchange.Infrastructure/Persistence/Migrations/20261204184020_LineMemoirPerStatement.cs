using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// A fee memoir line's memoir is checked once per statement, like its other references (LineReferencesPerStatement),
    /// instead of by a foreign key that PostgreSQL checks row by row (a look-up and a FOR KEY SHARE lock per line: for a
    /// billing file, 1M look-ups of 125,000 memoirs). The statement trigger already looked each distinct memoir up to
    /// compare its sandbox and provider; it now also reports a missing memoir under the dropped key's name (23503) and
    /// locks each memoir FOR KEY SHARE, as the key's check did, so no concurrent transaction deletes it before this one
    /// commits. What the key did besides is kept by triggers: deleting memoirs deletes their lines (its ON DELETE CASCADE)
    /// and a memoir's id never changes (a line's memoir_id never did: trg_fee_memoir_lines_references_fixed).
    /// The EF model keeps the relationship (the lines' navigation, the order of inserts and of a sandbox's deletion);
    /// only the database constraint is gone (FeeMemoirConfiguration says so, LineReferenceTests show each guarantee).
    /// </summary>
    public partial class LineMemoirPerStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE cns.fee_memoir_lines DROP CONSTRAINT fk_fee_memoir_lines_fee_memoirs_memoir_id;

                CREATE OR REPLACE FUNCTION cns.fee_memoir_lines_references_exist() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS $f$
                DECLARE bad record; wanted bigint; existing bigint; seen bigint;
                BEGIN
                  -- Its memoir exists (the dropped foreign key), in the line's sandbox and of the line's provider: one primary-key
                  -- look-up per memoir, locked FOR KEY SHARE as the foreign key's check did (once per memoir, not once per line).
                  SELECT count(*), count(p.id), count(*) FILTER (WHERE p.sandbox_id = w.sandbox_id AND p.provider_id = w.provider_id)
                    INTO wanted, existing, seen
                  FROM (SELECT DISTINCT l.memoir_id, l.provider_id, l.sandbox_id FROM new_lines l) w
                  LEFT JOIN LATERAL (SELECT p.id, p.provider_id, p.sandbox_id FROM cns.fee_memoirs p WHERE p.id = w.memoir_id FOR KEY SHARE OF p) p ON true;
                  IF existing <> wanted OR seen <> wanted THEN
                    SELECT l.id, l.memoir_id, p.id IS NULL AS missing INTO bad
                    FROM new_lines l LEFT JOIN cns.fee_memoirs p ON p.id = l.memoir_id
                    WHERE p.id IS NULL OR p.sandbox_id IS DISTINCT FROM l.sandbox_id OR p.provider_id IS DISTINCT FROM l.provider_id
                    ORDER BY p.id IS NULL DESC LIMIT 1;
                    IF bad.missing THEN
                      RAISE EXCEPTION 'fee memoir line % names memoir %, which does not exist', bad.id, bad.memoir_id
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_fee_memoirs_memoir_id';
                    END IF;
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

                -- The dropped key's ON DELETE CASCADE: deleting memoirs deletes their lines (after the statement, over its deleted rows).
                CREATE FUNCTION cns.fee_memoir_lines_go_with_their_memoir() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
                BEGIN
                  DELETE FROM cns.fee_memoir_lines l USING gone g WHERE l.memoir_id = g.id AND l.sandbox_id = g.sandbox_id;
                  RETURN NULL;
                END $f$;
                CREATE TRIGGER trg_fee_memoirs_lines_cascade AFTER DELETE ON cns.fee_memoirs REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_lines_go_with_their_memoir();

                -- A memoir's id never changes (the key's ON UPDATE NO ACTION), as its provider and sandbox never do.
                DROP TRIGGER trg_fee_memoirs_provider_fixed ON cns.fee_memoirs;
                CREATE TRIGGER trg_fee_memoirs_provider_fixed
                  BEFORE UPDATE OF id, provider_id, sandbox_id ON cns.fee_memoirs
                  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.provider_id IS DISTINCT FROM OLD.provider_id OR NEW.sandbox_id IS DISTINCT FROM OLD.sandbox_id)
                  EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_line_references_fixed');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_fee_memoirs_provider_fixed ON cns.fee_memoirs;
                CREATE TRIGGER trg_fee_memoirs_provider_fixed
                  BEFORE UPDATE OF provider_id, sandbox_id ON cns.fee_memoirs
                  FOR EACH ROW WHEN (NEW.provider_id IS DISTINCT FROM OLD.provider_id OR NEW.sandbox_id IS DISTINCT FROM OLD.sandbox_id)
                  EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_line_references_fixed');
                DROP TRIGGER trg_fee_memoirs_lines_cascade ON cns.fee_memoirs;
                DROP FUNCTION cns.fee_memoir_lines_go_with_their_memoir();

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

                ALTER TABLE cns.fee_memoir_lines ADD CONSTRAINT fk_fee_memoir_lines_fee_memoirs_memoir_id
                  FOREIGN KEY (memoir_id) REFERENCES cns.fee_memoirs (id) ON DELETE CASCADE;
                """);
        }
    }
}
