using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The memoir of a fee memoir line is no longer a foreign key of the database's own: PostgreSQL checked it row by row
    /// (a look-up and a FOR KEY SHARE lock of the memoir per line, ~15 % of writing a billing file's batch:
    /// bench/results/2026-12-02-p2-write-phase.md), while the lines' statement trigger already looked each memoir up once.
    /// The model keeps the relationship (FeeMemoirConfiguration); what the constraint did is kept by triggers:
    /// - the lines' statement trigger (LineReferencesPerStatement, LineReferencesByKey) locks each memoir FOR KEY SHARE, as
    ///   the constraint's check did, and refuses a line whose memoir does not exist under the constraint's name (23503);
    /// - ON DELETE CASCADE: deleting memoirs deletes their lines (a statement trigger, by the index on sandbox and memoir);
    /// - a memoir's id never changes (a line's memoir_id already never changes: trg_fee_memoir_lines_references_fixed).
    /// No model change (the Designer's model is the previous migration's).
    /// </summary>
    public partial class LineMemoirByStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE cns.fee_memoir_lines DROP CONSTRAINT fk_fee_memoir_lines_fee_memoirs_memoir_id;

                CREATE OR REPLACE FUNCTION cns.fee_memoir_lines_references_exist() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS $f$
                DECLARE bad record; wanted bigint; seen bigint;
                BEGIN
                  -- Its memoir exists (locked FOR KEY SHARE, as the foreign key's check locked it), in the line's sandbox and of the
                  -- line's provider: one primary-key look-up per memoir.
                  SELECT n.memoir_id, n.sandbox_id, m.id IS NULL AS missing INTO bad
                  FROM (SELECT DISTINCT l.memoir_id, l.provider_id, l.sandbox_id FROM new_lines l) n
                  LEFT JOIN LATERAL (SELECT m.id, m.provider_id, m.sandbox_id FROM cns.fee_memoirs m WHERE m.id = n.memoir_id LIMIT 1 FOR KEY SHARE OF m) m ON true
                  WHERE m.id IS NULL OR m.sandbox_id IS DISTINCT FROM n.sandbox_id OR m.provider_id IS DISTINCT FROM n.provider_id
                  LIMIT 1;
                  IF FOUND THEN
                    IF bad.missing THEN
                      RAISE EXCEPTION 'insert or update on table "fee_memoir_lines" violates foreign key constraint "fk_fee_memoir_lines_fee_memoirs_memoir_id"'
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoir_lines_fee_memoirs_memoir_id',
                          DETAIL = format('Key (memoir_id)=(%s) is not present in table "fee_memoirs".', bad.memoir_id);
                    END IF;
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

                -- ON DELETE CASCADE: a deleted memoir's lines go with it (lines are in their memoir's sandbox, checked above).
                CREATE FUNCTION cns.fee_memoir_lines_go_with_memoir() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS $f$
                BEGIN
                  DELETE FROM cns.fee_memoir_lines l USING gone g WHERE l.sandbox_id = g.sandbox_id AND l.memoir_id = g.id;
                  RETURN NULL;
                END $f$;
                CREATE TRIGGER trg_fee_memoirs_lines_cascade AFTER DELETE ON cns.fee_memoirs REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_lines_go_with_memoir();

                -- A memoir's id never changes (the key its lines name; a line's memoir_id is fixed by trg_fee_memoir_lines_references_fixed).
                CREATE TRIGGER trg_fee_memoirs_id_fixed BEFORE UPDATE OF id ON cns.fee_memoirs
                  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
                  EXECUTE FUNCTION cns.references_are_fixed('fk_fee_memoir_lines_fee_memoirs_memoir_id');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_fee_memoirs_id_fixed ON cns.fee_memoirs;
                DROP TRIGGER trg_fee_memoirs_lines_cascade ON cns.fee_memoirs;
                DROP FUNCTION cns.fee_memoir_lines_go_with_memoir();
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
