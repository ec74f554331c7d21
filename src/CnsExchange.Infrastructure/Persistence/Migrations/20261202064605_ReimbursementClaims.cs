using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReimbursementClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "requested_by_insured",
                schema: "cns",
                table: "validation_requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<Guid>(
                name: "provider_id",
                schema: "cns",
                table: "attachments",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.CreateTable(
                name: "reimbursement_claims",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    submitted_by_key_id = table.Column<Guid>(type: "uuid", nullable: false),
                    matricule = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: true),
                    competent_fund = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    submitted_on = table.Column<DateOnly>(type: "date", nullable: false),
                    voucher_number = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: true),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: true),
                    provider_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: true),
                    invoice_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    invoice_date = table.Column<DateOnly>(type: "date", nullable: true),
                    invoice_issuer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    invoice_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    invoice_attachment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    statement_language = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    paid_total = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    reimbursed_total = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    reasons = table.Column<string>(type: "jsonb", nullable: false),
                    source_json = table.Column<string>(type: "jsonb", maxLength: 400, nullable: true),
                    payment_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    paid_on = table.Column<DateOnly>(type: "date", nullable: true),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reimbursement_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_reimbursement_claims_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_reimbursement_claims_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_reimbursement_claims_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_reimbursement_claims_vouchers_voucher_id",
                        column: x => x.voucher_id,
                        principalSchema: "cns",
                        principalTable: "vouchers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "reimbursement_claim_lines",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_number = table.Column<int>(type: "integer", nullable: false),
                    service_date = table.Column<DateOnly>(type: "date", nullable: false),
                    service_date_to = table.Column<DateOnly>(type: "date", nullable: true),
                    act_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: true),
                    voucher_service_id = table.Column<Guid>(type: "uuid", nullable: true),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    amount_paid = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    tariff_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    rate_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    reimbursed_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    outcome = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    reasons = table.Column<string>(type: "jsonb", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reimbursement_claim_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_reimbursement_claim_lines_reimbursement_claims_claim_id",
                        column: x => x.claim_id,
                        principalSchema: "cns",
                        principalTable: "reimbursement_claims",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_reimbursement_claim_lines_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_reimbursement_claim_lines_voucher_service_voucher_service_id",
                        column: x => x.voucher_service_id,
                        principalSchema: "cns",
                        principalTable: "voucher_services",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_reimbursement_claim_lines_vouchers_voucher_id",
                        column: x => x.voucher_id,
                        principalSchema: "cns",
                        principalTable: "vouchers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_claim_id_line_number",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "sandbox_id", "claim_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_voucher_service_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "voucher_service_id");

            migrationBuilder.CreateIndex(
                name: "ux_reimbursement_claim_lines_paid_session",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "sandbox_id", "voucher_id", "service_date" },
                unique: true,
                filter: "voucher_id IS NOT NULL AND outcome IN ('Accepted', 'Reduced')");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claims_insured_id",
                schema: "cns",
                table: "reimbursement_claims",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claims_provider_id",
                schema: "cns",
                table: "reimbursement_claims",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claims_submitted_by_key_id_submitted_at_id",
                schema: "cns",
                table: "reimbursement_claims",
                columns: new[] { "sandbox_id", "submitted_by_key_id", "submitted_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claims_unpaid",
                schema: "cns",
                table: "reimbursement_claims",
                columns: new[] { "sandbox_id", "competent_fund", "submitted_on" },
                filter: "payment_run_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claims_voucher_id",
                schema: "cns",
                table: "reimbursement_claims",
                column: "voucher_id");

            migrationBuilder.CreateIndex(
                name: "ux_reimbursement_claims_invoice",
                schema: "cns",
                table: "reimbursement_claims",
                columns: new[] { "sandbox_id", "invoice_issuer", "invoice_number" },
                unique: true,
                filter: "status <> 'Refused'");

            migrationBuilder.CreateIndex(
                name: "ux_reimbursement_claims_invoice_file",
                schema: "cns",
                table: "reimbursement_claims",
                columns: new[] { "sandbox_id", "matricule", "invoice_sha256" },
                unique: true,
                filter: "invoice_sha256 IS NOT NULL AND status <> 'Refused'");

            // Sandbox isolation (as every cns table), and INS-04: a session (voucher, date) is paid once across routes. Each
            // route's line table refuses, at the end of the inserting statement, a paid session the other route holds; both
            // routes take the voucher's service rows FOR UPDATE before they decide (physiotherapy vouchers have one service),
            // so the later transaction sees the earlier one's committed line and refuses it before this guard is reached.
            // Within the claim route, ux_reimbursement_claim_lines_paid_session does what the BIL-08 index does for memoirs.
            migrationBuilder.Sql("""
                ALTER TABLE cns.reimbursement_claims ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.reimbursement_claims FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.reimbursement_claims
                  USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
                  WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);
                ALTER TABLE cns.reimbursement_claim_lines ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.reimbursement_claim_lines FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.reimbursement_claim_lines
                  USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
                  WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);

                CREATE FUNCTION cns.claim_session_not_paid_to_provider() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE hit record;
                BEGIN
                  SELECT n.voucher_id, n.service_date INTO hit
                  FROM new_lines n JOIN cns.fee_memoir_lines l ON l.voucher_id = n.voucher_id AND l.session_date = n.service_date
                  WHERE n.voucher_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced')
                    AND l.outcome IN ('Accepted', 'Reduced') AND l.released_at IS NULL AND l.hospital_stay_id IS NULL AND NOT l.travel_allowance
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'SESSION_ALREADY_PAID: the session of % on voucher % is paid to the provider (INS-04)', hit.service_date, hit.voucher_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins04_session_paid_once';
                  END IF;
                  RETURN NULL;
                END $$;
                CREATE TRIGGER trg_reimbursement_claim_lines_ins04_insert AFTER INSERT ON cns.reimbursement_claim_lines
                  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION cns.claim_session_not_paid_to_provider();
                CREATE TRIGGER trg_reimbursement_claim_lines_ins04_update AFTER UPDATE ON cns.reimbursement_claim_lines
                  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION cns.claim_session_not_paid_to_provider();

                CREATE FUNCTION cns.memoir_session_not_reimbursed() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE hit record;
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM cns.reimbursement_claim_lines) THEN RETURN NULL; END IF;
                  SELECT n.voucher_id, n.session_date INTO hit
                  FROM new_lines n JOIN cns.reimbursement_claim_lines c ON c.voucher_id = n.voucher_id AND c.service_date = n.session_date
                  WHERE n.voucher_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced') AND n.released_at IS NULL
                    AND n.hospital_stay_id IS NULL AND NOT n.travel_allowance AND c.outcome IN ('Accepted', 'Reduced')
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'SESSION_ALREADY_PAID: the session of % on voucher % is reimbursed to the insured (INS-04)', hit.session_date, hit.voucher_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins04_session_paid_once';
                  END IF;
                  RETURN NULL;
                END $$;
                CREATE TRIGGER trg_fee_memoir_lines_ins04_insert AFTER INSERT ON cns.fee_memoir_lines
                  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION cns.memoir_session_not_reimbursed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS trg_fee_memoir_lines_ins04_insert ON cns.fee_memoir_lines;
                DROP FUNCTION IF EXISTS cns.memoir_session_not_reimbursed();
                DROP TRIGGER IF EXISTS trg_reimbursement_claim_lines_ins04_insert ON cns.reimbursement_claim_lines;
                DROP TRIGGER IF EXISTS trg_reimbursement_claim_lines_ins04_update ON cns.reimbursement_claim_lines;
                DROP FUNCTION IF EXISTS cns.claim_session_not_paid_to_provider();
                """);

            migrationBuilder.DropTable(
                name: "reimbursement_claim_lines",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "reimbursement_claims",
                schema: "cns");

            migrationBuilder.DropColumn(
                name: "requested_by_insured",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.AlterColumn<Guid>(
                name: "provider_id",
                schema: "cns",
                table: "attachments",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
