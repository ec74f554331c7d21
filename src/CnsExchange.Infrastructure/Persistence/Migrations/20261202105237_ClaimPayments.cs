using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ClaimPayments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "paid_amount",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "numeric(14,2)",
                precision: 14,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "paid_at",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "payment_run_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "claim_payment_files",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    fund = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    claim_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    format = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    language = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    media_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    length = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_claim_payment_files", x => x.id);
                    table.CheckConstraint("ck_claim_payment_files_kind", "(kind = 'Pain001' AND claim_id IS NULL AND language IS NULL AND format = 'xml') OR (kind = 'Statement' AND claim_id IS NOT NULL AND language IN ('fr', 'de', 'en') AND format IN ('json', 'html'))");
                    table.CheckConstraint("ck_claim_payment_files_length", "length = octet_length(content)");
                    table.ForeignKey(
                        name: "fk_claim_payment_files_payment_run_run_id",
                        column: x => x.run_id,
                        principalSchema: "cns",
                        principalTable: "payment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_claim_payment_files_reimbursement_claim_claim_id",
                        column: x => x.claim_id,
                        principalSchema: "cns",
                        principalTable: "reimbursement_claims",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_claim_payment_files_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "claim_payment_orders",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_id = table.Column<Guid>(type: "uuid", nullable: false),
                    fund = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: false),
                    creditor_name = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    iban = table.Column<string>(type: "character varying(34)", maxLength: 34, nullable: false),
                    bic = table.Column<string>(type: "character varying(11)", maxLength: 11, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    line_count = table.Column<int>(type: "integer", nullable: false),
                    end_to_end_id = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: false),
                    remittance_text = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_claim_payment_orders", x => x.id);
                    table.CheckConstraint("ck_claim_payment_orders_amount", "amount > 0");
                    table.ForeignKey(
                        name: "fk_claim_payment_orders_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_claim_payment_orders_payment_run_run_id",
                        column: x => x.run_id,
                        principalSchema: "cns",
                        principalTable: "payment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_claim_payment_orders_reimbursement_claim_claim_id",
                        column: x => x.claim_id,
                        principalSchema: "cns",
                        principalTable: "reimbursement_claims",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_claim_payment_orders_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claims_payment_run_id",
                schema: "cns",
                table: "reimbursement_claims",
                column: "payment_run_id");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_payment_run_id_claim_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "sandbox_id", "payment_run_id", "claim_id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_files_claim_id_kind_format_language",
                schema: "cns",
                table: "claim_payment_files",
                columns: new[] { "sandbox_id", "claim_id", "kind", "format", "language" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_files_run_id_fund_claim_id_kind_format_langua",
                schema: "cns",
                table: "claim_payment_files",
                columns: new[] { "sandbox_id", "run_id", "fund", "claim_id", "kind", "format", "language" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_claim_id",
                schema: "cns",
                table: "claim_payment_orders",
                columns: new[] { "sandbox_id", "claim_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_end_to_end_id",
                schema: "cns",
                table: "claim_payment_orders",
                columns: new[] { "sandbox_id", "end_to_end_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_insured_id",
                schema: "cns",
                table: "claim_payment_orders",
                columns: new[] { "sandbox_id", "insured_id" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_run_id_fund",
                schema: "cns",
                table: "claim_payment_orders",
                columns: new[] { "sandbox_id", "run_id", "fund" });

            migrationBuilder.AddForeignKey(
                name: "fk_reimbursement_claim_lines_payment_runs_payment_run_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "payment_run_id",
                principalSchema: "cns",
                principalTable: "payment_runs",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_reimbursement_claims_payment_runs_payment_run_id",
                schema: "cns",
                table: "reimbursement_claims",
                column: "payment_run_id",
                principalSchema: "cns",
                principalTable: "payment_runs",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // Sandbox isolation (as every cns table). INS-05 and PAY-06: a claim's transfer and the run's files of the insured's
            // route are written once; a claim line a run marked paid keeps its payment for good (it is paid once).
            migrationBuilder.Sql("""
                ALTER TABLE cns.claim_payment_orders ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.claim_payment_orders FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.claim_payment_orders
                  USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
                  WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);
                ALTER TABLE cns.claim_payment_files ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.claim_payment_files FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.claim_payment_files
                  USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
                  WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);
                CREATE TRIGGER trg_claim_payment_orders_final BEFORE UPDATE OR DELETE ON cns.claim_payment_orders
                  FOR EACH ROW EXECUTE FUNCTION cns.payment_record_is_final();
                CREATE TRIGGER trg_claim_payment_files_final BEFORE UPDATE OR DELETE ON cns.claim_payment_files
                  FOR EACH ROW EXECUTE FUNCTION cns.payment_record_is_final();

                CREATE FUNCTION cns.claim_line_payment_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF OLD.paid_amount IS NOT NULL AND (
                       NEW.payment_run_id IS DISTINCT FROM OLD.payment_run_id OR NEW.paid_amount IS DISTINCT FROM OLD.paid_amount
                    OR NEW.paid_at IS DISTINCT FROM OLD.paid_at OR NEW.reimbursed_amount IS DISTINCT FROM OLD.reimbursed_amount
                    OR NEW.outcome IS DISTINCT FROM OLD.outcome) THEN
                    RAISE EXCEPTION 'reimbursement claim line % was paid by a payment run; its payment cannot change (INS-05)', OLD.id
                      USING ERRCODE = 'restrict_violation';
                  END IF;
                  IF OLD.payment_run_id IS NOT NULL AND NEW.payment_run_id IS DISTINCT FROM OLD.payment_run_id THEN
                    RAISE EXCEPTION 'reimbursement claim line % is taken by payment run %; no other run takes it (INS-05)', OLD.id, OLD.payment_run_id
                      USING ERRCODE = 'restrict_violation';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER trg_reimbursement_claim_lines_payment_is_final BEFORE UPDATE ON cns.reimbursement_claim_lines
                  FOR EACH ROW EXECUTE FUNCTION cns.claim_line_payment_is_final();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS trg_reimbursement_claim_lines_payment_is_final ON cns.reimbursement_claim_lines;
                DROP FUNCTION IF EXISTS cns.claim_line_payment_is_final();
                DROP TRIGGER IF EXISTS trg_claim_payment_orders_final ON cns.claim_payment_orders;
                DROP TRIGGER IF EXISTS trg_claim_payment_files_final ON cns.claim_payment_files;
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_reimbursement_claim_lines_payment_runs_payment_run_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_reimbursement_claims_payment_runs_payment_run_id",
                schema: "cns",
                table: "reimbursement_claims");

            migrationBuilder.DropTable(
                name: "claim_payment_files",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "claim_payment_orders",
                schema: "cns");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claims_payment_run_id",
                schema: "cns",
                table: "reimbursement_claims");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_payment_run_id_claim_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "paid_amount",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "paid_at",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "payment_run_id",
                schema: "cns",
                table: "reimbursement_claim_lines");
        }
    }
}
