using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ValidationAndHospitalStays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hospital_participation_counters",
                schema: "cns",
                columns: table => new
                {
                    insured_id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    days_charged = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hospital_participation_counters", x => new { x.insured_id, x.year });
                    table.CheckConstraint("ck_hospital_participation_counters_days", "days_charged >= 0");
                    table.ForeignKey(
                        name: "fk_hospital_participation_counters_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "hospital_stays",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: true),
                    matricule = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    admission_date = table.Column<DateOnly>(type: "date", nullable: false),
                    discharge_date = table.Column<DateOnly>(type: "date", nullable: false),
                    childbirth = table.Column<bool>(type: "boolean", nullable: false),
                    room = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    single_room_medically_needed = table.Column<bool>(type: "boolean", nullable: false),
                    accompanying_parent_bed = table.Column<bool>(type: "boolean", nullable: false),
                    country_of_care = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    days = table.Column<int>(type: "integer", nullable: false),
                    tariff_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    cns_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    insured_participation = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    participation_days = table.Column<int>(type: "integer", nullable: false),
                    not_covered_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    doctor_fee_rate_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    single_room_surcharge = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    single_room_surcharge_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    doctors_may_bill_directly = table.Column<bool>(type: "boolean", nullable: true),
                    direct_billing_invoice_above = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    reasons = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hospital_stays", x => x.id);
                    table.CheckConstraint("ck_hospital_stays_amounts", "tariff_amount = cns_amount + insured_participation + not_covered_amount");
                    table.CheckConstraint("ck_hospital_stays_discharge_after_admission", "discharge_date >= admission_date");
                    table.ForeignKey(
                        name: "fk_hospital_stays_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_hospital_stays_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

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
                name: "hospital_stay_lines",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    stay_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_number = table.Column<int>(type: "integer", nullable: false),
                    type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    main = table.Column<bool>(type: "boolean", nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    unit_tariff = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    tariff_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    cns_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    insured_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    covered = table.Column<bool>(type: "boolean", nullable: false),
                    reasons = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hospital_stay_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_hospital_stay_lines_hospital_stays_stay_id",
                        column: x => x.stay_id,
                        principalSchema: "cns",
                        principalTable: "hospital_stays",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "hospital_stay_operations",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    stay_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    act_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    main = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hospital_stay_operations", x => x.id);
                    table.ForeignKey(
                        name: "fk_hospital_stay_operations_hospital_stays_stay_id",
                        column: x => x.stay_id,
                        principalSchema: "cns",
                        principalTable: "hospital_stays",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "hospital_stay_participation_years",
                schema: "cns",
                columns: table => new
                {
                    stay_id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    stay_days = table.Column<int>(type: "integer", nullable: false),
                    exempt_days = table.Column<int>(type: "integer", nullable: false),
                    charged_before = table.Column<int>(type: "integer", nullable: false),
                    charged_days = table.Column<int>(type: "integer", nullable: false),
                    ceiling = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hospital_stay_participation_years", x => new { x.stay_id, x.year });
                    table.ForeignKey(
                        name: "fk_hospital_stay_participation_years_hospital_stays_stay_id",
                        column: x => x.stay_id,
                        principalSchema: "cns",
                        principalTable: "hospital_stays",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
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
                name: "ix_hospital_stay_lines_stay_id_line_number",
                schema: "cns",
                table: "hospital_stay_lines",
                columns: new[] { "stay_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_operations_stay_id_position",
                schema: "cns",
                table: "hospital_stay_operations",
                columns: new[] { "stay_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stays_insured_id_admission_date",
                schema: "cns",
                table: "hospital_stays",
                columns: new[] { "insured_id", "admission_date" });

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stays_provider_id_created_at",
                schema: "cns",
                table: "hospital_stays",
                columns: new[] { "provider_id", "created_at" });

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
                name: "hospital_participation_counters",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "hospital_stay_lines",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "hospital_stay_operations",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "hospital_stay_participation_years",
                schema: "cns");

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
                name: "hospital_stays",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "validation_requests",
                schema: "cns");
        }
    }
}
