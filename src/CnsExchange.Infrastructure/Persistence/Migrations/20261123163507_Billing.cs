using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Billing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "billing_file_contents",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_billing_file_contents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "billing_file_chunks",
                schema: "cns",
                columns: table => new
                {
                    content_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<int>(type: "integer", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_billing_file_chunks", x => new { x.content_id, x.seq });
                    table.ForeignKey(
                        name: "fk_billing_file_chunks_billing_file_content_content_id",
                        column: x => x.content_id,
                        principalSchema: "cns",
                        principalTable: "billing_file_contents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "billing_files",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    format = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    content_id = table.Column<Guid>(type: "uuid", nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    processing_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    memoir_count = table.Column<int>(type: "integer", nullable: false),
                    line_count = table.Column<int>(type: "integer", nullable: false),
                    accepted_count = table.Column<int>(type: "integer", nullable: false),
                    reduced_count = table.Column<int>(type: "integer", nullable: false),
                    refused_count = table.Column<int>(type: "integer", nullable: false),
                    cns_total = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    errors = table.Column<string>(type: "jsonb", nullable: false),
                    error_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_billing_files", x => x.id);
                    table.ForeignKey(
                        name: "fk_billing_files_billing_file_content_content_id",
                        column: x => x.content_id,
                        principalSchema: "cns",
                        principalTable: "billing_file_contents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_billing_files_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "fee_memoirs",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reference = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    source = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    billing_file_id = table.Column<Guid>(type: "uuid", nullable: true),
                    simulation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_on = table.Column<DateOnly>(type: "date", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    adjudicated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    line_count = table.Column<int>(type: "integer", nullable: false),
                    accepted_count = table.Column<int>(type: "integer", nullable: false),
                    reduced_count = table.Column<int>(type: "integer", nullable: false),
                    refused_count = table.Column<int>(type: "integer", nullable: false),
                    claimed_total = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    tariff_total = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    cns_total = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    insured_share_total = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    source_json = table.Column<string>(type: "jsonb", maxLength: 400, nullable: true),
                    source_line = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fee_memoirs", x => x.id);
                    table.ForeignKey(
                        name: "fk_fee_memoirs_billing_files_billing_file_id",
                        column: x => x.billing_file_id,
                        principalSchema: "cns",
                        principalTable: "billing_files",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_fee_memoirs_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "fee_memoir_lines",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    memoir_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_number = table.Column<int>(type: "integer", nullable: false),
                    source_line = table.Column<int>(type: "integer", nullable: true),
                    voucher_number = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: true),
                    voucher_service_id = table.Column<Guid>(type: "uuid", nullable: true),
                    matricule = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: true),
                    session_date = table.Column<DateOnly>(type: "date", nullable: false),
                    act_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    travel = table.Column<bool>(type: "boolean", nullable: false),
                    claimed_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    tariff_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    rate_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    cns_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    insured_share = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    outcome = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    reasons = table.Column<string>(type: "jsonb", nullable: false),
                    payable_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    contestation_status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    payment_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    paid_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    paid_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    return_file_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fee_memoir_lines", x => x.id);
                    table.CheckConstraint("ck_fee_memoir_lines_amounts", "claimed_amount > 0 AND cns_amount >= 0 AND insured_share >= 0 AND payable_amount >= 0");
                    table.CheckConstraint("ck_fee_memoir_lines_paid_has_service", "outcome = 'Refused' OR (voucher_service_id IS NOT NULL AND insured_id IS NOT NULL)");
                    table.ForeignKey(
                        name: "fk_fee_memoir_lines_fee_memoirs_memoir_id",
                        column: x => x.memoir_id,
                        principalSchema: "cns",
                        principalTable: "fee_memoirs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_fee_memoir_lines_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_fee_memoir_lines_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_fee_memoir_lines_voucher_service_voucher_service_id",
                        column: x => x.voucher_service_id,
                        principalSchema: "cns",
                        principalTable: "voucher_service",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_fee_memoir_lines_vouchers_voucher_id",
                        column: x => x.voucher_id,
                        principalSchema: "cns",
                        principalTable: "vouchers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "fee_memoir_simulations",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    memoir_reference = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    request_json = table.Column<string>(type: "jsonb", maxLength: 400, nullable: false),
                    result_json = table.Column<string>(type: "jsonb", maxLength: 400, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    confirmed_memoir_id = table.Column<Guid>(type: "uuid", nullable: true),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fee_memoir_simulations", x => x.id);
                    table.ForeignKey(
                        name: "fk_fee_memoir_simulations_fee_memoirs_confirmed_memoir_id",
                        column: x => x.confirmed_memoir_id,
                        principalSchema: "cns",
                        principalTable: "fee_memoirs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_fee_memoir_simulations_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "line_contestations",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_id = table.Column<Guid>(type: "uuid", nullable: false),
                    memoir_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    decision_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    payable_before = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    payable_after = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_line_contestations", x => x.id);
                    table.ForeignKey(
                        name: "fk_line_contestations_fee_memoir_lines_line_id",
                        column: x => x.line_id,
                        principalSchema: "cns",
                        principalTable: "fee_memoir_lines",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_line_contestations_fee_memoirs_memoir_id",
                        column: x => x.memoir_id,
                        principalSchema: "cns",
                        principalTable: "fee_memoirs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_line_contestations_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_content_id",
                schema: "cns",
                table: "billing_files",
                column: "content_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_provider_id_received_at_id",
                schema: "cns",
                table: "billing_files",
                columns: new[] { "provider_id", "received_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_status",
                schema: "cns",
                table: "billing_files",
                column: "status",
                filter: "status IN ('Received', 'Processing')");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_insured_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_memoir_id_line_number",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "memoir_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_payment_run_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "payment_run_id",
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_unsettled",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "provider_id", "memoir_id" },
                filter: "payment_run_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_voucher_service_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "voucher_service_id");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced')");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "voucher_id", "session_date", "act_code" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced')");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_simulations_confirmed_memoir_id",
                schema: "cns",
                table: "fee_memoir_simulations",
                column: "confirmed_memoir_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_simulations_provider_id_created_at",
                schema: "cns",
                table: "fee_memoir_simulations",
                columns: new[] { "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_billing_file_id_source_line",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "billing_file_id", "source_line" });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_provider_id_received_at_id",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "provider_id", "received_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "provider_id", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_status_due_date",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "status", "due_date" });

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_line_id",
                schema: "cns",
                table: "line_contestations",
                column: "line_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_memoir_id",
                schema: "cns",
                table: "line_contestations",
                column: "memoir_id");

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_provider_id",
                schema: "cns",
                table: "line_contestations",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_status_submitted_at_id",
                schema: "cns",
                table: "line_contestations",
                columns: new[] { "status", "submitted_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "billing_file_chunks",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "fee_memoir_simulations",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "line_contestations",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "fee_memoir_lines",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "fee_memoirs",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "billing_files",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "billing_file_contents",
                schema: "cns");
        }
    }
}
