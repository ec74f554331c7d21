using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Validation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "prescription_fingerprints",
                schema: "cns",
                columns: table => new
                {
                    fingerprint = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: false),
                    voucher_number = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prescription_fingerprints", x => x.fingerprint);
                    table.ForeignKey(
                        name: "fk_prescription_fingerprints_vouchers_voucher_id",
                        column: x => x.voucher_id,
                        principalSchema: "cns",
                        principalTable: "vouchers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "validation_requests",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: true),
                    matricule = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    doctor_code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    doctor_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    doctor_country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    prescription_date = table.Column<DateOnly>(type: "date", nullable: false),
                    prescription_language = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    category = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    annex_g_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    surgery_date = table.Column<DateOnly>(type: "date", nullable: true),
                    act_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    sessions_prescribed = table.Column<int>(type: "integer", nullable: false),
                    frequency = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    diagnosis = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    home_visit_medically_necessary = table.Column<bool>(type: "boolean", nullable: false),
                    travel_allowance_requested = table.Column<bool>(type: "boolean", nullable: false),
                    care_country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    accident_reference = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    foreign_prescription = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_on = table.Column<DateOnly>(type: "date", nullable: false),
                    decision_due_by = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    reasons = table.Column<string>(type: "jsonb", nullable: false),
                    grant_category = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    grant_act_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    grant_sessions = table.Column<int>(type: "integer", nullable: true),
                    grant_rate_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    grant_travel_allowance = table.Column<bool>(type: "boolean", nullable: false),
                    grant_third_party_payment = table.Column<bool>(type: "boolean", nullable: false),
                    grant_accident_case = table.Column<bool>(type: "boolean", nullable: false),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: true),
                    voucher_number = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: true),
                    information_question = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    information_answer = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    scan_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    prescription_fingerprint = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_validation_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_validation_requests_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_validation_requests_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_validation_requests_vouchers_voucher_id",
                        column: x => x.voucher_id,
                        principalSchema: "cns",
                        principalTable: "vouchers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "prescription_scans",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    content_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prescription_scans", x => x.id);
                    table.ForeignKey(
                        name: "fk_prescription_scans_validation_request_request_id",
                        column: x => x.request_id,
                        principalSchema: "cns",
                        principalTable: "validation_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "validation_request_events",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    reasons = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_validation_request_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_validation_request_events_validation_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "cns",
                        principalTable: "validation_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints",
                column: "voucher_id");

            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans",
                column: "request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_sha256",
                schema: "cns",
                table: "prescription_scans",
                column: "sha256");

            migrationBuilder.CreateIndex(
                name: "ix_validation_request_events_request_id_sequence",
                schema: "cns",
                table: "validation_request_events",
                columns: new[] { "request_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_validation_requests_decision_due_by",
                schema: "cns",
                table: "validation_requests",
                column: "decision_due_by",
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_validation_requests_insured_id",
                schema: "cns",
                table: "validation_requests",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_validation_requests_provider_id_received_at_id",
                schema: "cns",
                table: "validation_requests",
                columns: new[] { "provider_id", "received_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_validation_requests_voucher_id",
                schema: "cns",
                table: "validation_requests",
                column: "voucher_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "prescription_fingerprints",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "prescription_scans",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "validation_request_events",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "validation_requests",
                schema: "cns");
        }
    }
}
