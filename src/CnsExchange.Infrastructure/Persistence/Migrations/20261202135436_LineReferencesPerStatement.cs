using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The references of a fee memoir line other than its memoir are checked once per statement instead of row by row.
    /// PostgreSQL checks each foreign key of each inserted row on its own (a lookup and a FOR KEY SHARE lock of the
    /// parent row): for a billing file's lines, the five keys to the sandbox, provider, voucher, voucher service and
    /// insured cost about as much as writing the line and its indexes (measured: 200,000 lines, backend CPU 10.7–11.6 s
    /// with them, 5.5–6.0 s with this trigger instead). The foreign keys and the two indexes that served only two of
    /// them (insured_id, voucher_service_id: no query reads lines by them) are dropped; the triggers keep what they
    /// guaranteed:
    /// - after an INSERT, over all its lines (transition table): each line is in its memoir's sandbox and of its memoir's
    ///   provider (the memoir's own foreign keys vouch for both, and the memoir's cascade deletes the line with the
    ///   sandbox); its voucher, voucher service and insured exist in the line's sandbox, locked FOR KEY SHARE like a
    ///   foreign key's check so that no concurrent transaction deletes them before this one commits;
    /// - deleting an insured person, a voucher or a voucher service that a line names is refused (after the DELETE
    ///   statement, over its deleted rows, looked up by sandbox);
    /// - these columns of a line, and a memoir's provider and sandbox, never change.
    /// The errors are foreign-key violations (23503) under the dropped constraints' names.
    /// </summary>
    public partial class LineReferencesPerStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_insured_insured_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_providers_provider_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_sandboxes_sandbox_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_voucher_service_voucher_service_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_vouchers_voucher_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_insured_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_voucher_service_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.Sql("""
                CREATE FUNCTION cns.fee_memoir_lines_references_exist() RETURNS trigger LANGUAGE plpgsql AS $f$
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

                CREATE TRIGGER trg_fee_memoir_lines_references AFTER INSERT ON cns.fee_memoir_lines
                  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_lines_references_exist();

                -- The parent side: rows a line names stay. Lines name parents of their own sandbox (above), so looking in
                -- the deleted rows' sandboxes is enough, and it finds the rows under row-level security too.
                CREATE FUNCTION cns.fee_memoir_line_parent_not_named() RETURNS trigger LANGUAGE plpgsql AS $f$
                DECLARE s uuid; ids uuid[]; line uuid;
                BEGIN
                  FOR s, ids IN SELECT g.sandbox_id, array_agg(g.id) FROM gone g GROUP BY g.sandbox_id LOOP
                    IF TG_TABLE_NAME = 'vouchers' THEN
                      SELECT l.id INTO line FROM cns.fee_memoir_lines l WHERE l.sandbox_id = s AND l.voucher_id = ANY (ids) LIMIT 1;
                    ELSIF TG_TABLE_NAME = 'voucher_services' THEN
                      SELECT l.id INTO line FROM cns.fee_memoir_lines l WHERE l.sandbox_id = s AND l.voucher_service_id = ANY (ids) LIMIT 1;
                    ELSE
                      SELECT l.id INTO line FROM cns.fee_memoir_lines l WHERE l.sandbox_id = s AND l.insured_id = ANY (ids) LIMIT 1;
                    END IF;
                    IF line IS NOT NULL THEN
                      RAISE EXCEPTION 'a row of % is still named by fee memoir line %', TG_TABLE_NAME, line
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0];
                    END IF;
                  END LOOP;
                  RETURN NULL;
                END $f$;

                CREATE TRIGGER trg_vouchers_named_by_lines AFTER DELETE ON cns.vouchers REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_line_parent_not_named('fk_fee_memoir_lines_vouchers_voucher_id');
                CREATE TRIGGER trg_voucher_services_named_by_lines AFTER DELETE ON cns.voucher_services REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_line_parent_not_named('fk_fee_memoir_lines_voucher_service_voucher_service_id');
                CREATE TRIGGER trg_insured_named_by_lines AFTER DELETE ON cns.insured REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_line_parent_not_named('fk_fee_memoir_lines_insured_insured_id');

                -- What the checks above rest on never changes: a line's references, a memoir's provider and sandbox.
                CREATE FUNCTION cns.references_are_fixed() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN
                  RAISE EXCEPTION 'the references of a row of % never change (row %)', TG_TABLE_NAME, OLD.id
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0];
                END $f$;

                CREATE TRIGGER trg_fee_memoir_lines_references_fixed
                  BEFORE UPDATE OF memoir_id, provider_id, sandbox_id, voucher_id, voucher_service_id, insured_id ON cns.fee_memoir_lines
                  FOR EACH ROW WHEN (NEW.memoir_id IS DISTINCT FROM OLD.memoir_id OR NEW.provider_id IS DISTINCT FROM OLD.provider_id
                    OR NEW.sandbox_id IS DISTINCT FROM OLD.sandbox_id OR NEW.voucher_id IS DISTINCT FROM OLD.voucher_id
                    OR NEW.voucher_service_id IS DISTINCT FROM OLD.voucher_service_id OR NEW.insured_id IS DISTINCT FROM OLD.insured_id)
                  EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_line_references_fixed');
                CREATE TRIGGER trg_fee_memoirs_provider_fixed
                  BEFORE UPDATE OF provider_id, sandbox_id ON cns.fee_memoirs
                  FOR EACH ROW WHEN (NEW.provider_id IS DISTINCT FROM OLD.provider_id OR NEW.sandbox_id IS DISTINCT FROM OLD.sandbox_id)
                  EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_line_references_fixed');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_fee_memoirs_provider_fixed ON cns.fee_memoirs;
                DROP TRIGGER trg_fee_memoir_lines_references_fixed ON cns.fee_memoir_lines;
                DROP FUNCTION cns.references_are_fixed();
                DROP TRIGGER trg_insured_named_by_lines ON cns.insured;
                DROP TRIGGER trg_voucher_services_named_by_lines ON cns.voucher_services;
                DROP TRIGGER trg_vouchers_named_by_lines ON cns.vouchers;
                DROP FUNCTION cns.fee_memoir_line_parent_not_named();
                DROP TRIGGER trg_fee_memoir_lines_references ON cns.fee_memoir_lines;
                DROP FUNCTION cns.fee_memoir_lines_references_exist();
                """);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_insured_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_voucher_service_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "voucher_service_id");

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_insured_insured_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "insured_id",
                principalSchema: "cns",
                principalTable: "insured",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_providers_provider_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "provider_id",
                principalSchema: "cns",
                principalTable: "providers",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_sandboxes_sandbox_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_voucher_service_voucher_service_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "voucher_service_id",
                principalSchema: "cns",
                principalTable: "voucher_services",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_vouchers_voucher_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "voucher_id",
                principalSchema: "cns",
                principalTable: "vouchers",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
