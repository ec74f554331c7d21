using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "cns");

            migrationBuilder.CreateSequence(
                name: "voucher_number_seq",
                schema: "cns",
                startValue: 1000L);

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
                name: "doctors",
                schema: "cns",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    specialty = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_doctors", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_records",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    scope = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    response_json = table.Column<string>(type: "jsonb", maxLength: 400, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "insured",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    matricule = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    first_name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    last_name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: false),
                    sex = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    competent_fund = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    residence_country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    municipality = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    cross_border_worker = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_insured", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "providers",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    iban = table.Column<string>(type: "character varying(34)", maxLength: 34, nullable: false),
                    bic = table.Column<string>(type: "character varying(11)", maxLength: 11, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_providers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sandbox_clock",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    offset_ticks = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_clock", x => x.id);
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
                name: "accident_cases",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reference = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    opened_on = table.Column<DateOnly>(type: "date", nullable: false),
                    closed_on = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accident_cases", x => x.id);
                    table.ForeignKey(
                        name: "fk_accident_cases_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "affiliation_periods",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from = table.Column<DateOnly>(type: "date", nullable: false),
                    to = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_affiliation_periods", x => x.id);
                    table.ForeignKey(
                        name: "fk_affiliation_periods_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "care_plans",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from = table.Column<DateOnly>(type: "date", nullable: false),
                    to = table.Column<DateOnly>(type: "date", nullable: true),
                    includes_physiotherapy = table.Column<bool>(type: "boolean", nullable: false),
                    physio_delivered_on = table.Column<List<DateOnly>>(type: "date[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_care_plans", x => x.id);
                    table.ForeignKey(
                        name: "fk_care_plans_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                name: "api_keys",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_keys_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
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
                name: "vouchers",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: false),
                    matricule = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    source_request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    category = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    prescription_date = table.Column<DateOnly>(type: "date", nullable: false),
                    issued_on = table.Column<DateOnly>(type: "date", nullable: false),
                    treatment_start_by = table.Column<DateOnly>(type: "date", nullable: false),
                    valid_until = table.Column<DateOnly>(type: "date", nullable: false),
                    third_party_payment = table.Column<bool>(type: "boolean", nullable: false),
                    accident_case = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vouchers", x => x.id);
                    table.ForeignKey(
                        name: "fk_vouchers_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_vouchers_providers_provider_id",
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
                name: "care_requests",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    insured_id = table.Column<Guid>(type: "uuid", nullable: true),
                    matricule = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_on = table.Column<DateOnly>(type: "date", nullable: false),
                    decision_due_by = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reasons = table.Column<string>(type: "jsonb", nullable: false),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: true),
                    voucher_number = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: true),
                    information_question = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    information_answer = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_care_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_care_requests_insured_insured_id",
                        column: x => x.insured_id,
                        principalSchema: "cns",
                        principalTable: "insured",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_care_requests_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_care_requests_vouchers_voucher_id",
                        column: x => x.voucher_id,
                        principalSchema: "cns",
                        principalTable: "vouchers",
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
                name: "voucher_services",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: false),
                    act_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    sessions_granted = table.Column<int>(type: "integer", nullable: false),
                    sessions_billed = table.Column<int>(type: "integer", nullable: false),
                    rate_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    tariff_on_issue = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    travel_allowance_granted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_voucher_services", x => x.id);
                    table.CheckConstraint("ck_voucher_services_billed_within_granted", "sessions_billed >= 0 AND sessions_billed <= sessions_granted");
                    table.ForeignKey(
                        name: "fk_voucher_services_vouchers_voucher_id",
                        column: x => x.voucher_id,
                        principalSchema: "cns",
                        principalTable: "vouchers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
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
                name: "cure_authorisations",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    doctor_code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    kind_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    requested_start = table.Column<DateOnly>(type: "date", nullable: false),
                    country_of_care = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    care_not_available_in_luxembourg = table.Column<bool>(type: "boolean", nullable: false),
                    maintenance_sessions_per_month = table.Column<int>(type: "integer", nullable: true),
                    clinical = table.Column<string>(type: "jsonb", nullable: false),
                    terms = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cure_authorisations", x => x.id);
                    table.ForeignKey(
                        name: "fk_cure_authorisations_care_requests_id",
                        column: x => x.id,
                        principalSchema: "cns",
                        principalTable: "care_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "rehabilitation_authorisations",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    service = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    setting = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    doctor_code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    start = table.Column<DateOnly>(type: "date", nullable: false),
                    end = table.Column<DateOnly>(type: "date", nullable: true),
                    days = table.Column<int>(type: "integer", nullable: true),
                    different_pathology = table.Column<bool>(type: "boolean", nullable: false),
                    stable_clinical_state = table.Column<bool>(type: "boolean", nullable: false),
                    functional_limitations_attested = table.Column<bool>(type: "boolean", nullable: false),
                    acute_therapy_end = table.Column<DateOnly>(type: "date", nullable: true),
                    declared_stays = table.Column<string>(type: "jsonb", nullable: false),
                    authorised_from = table.Column<DateOnly>(type: "date", nullable: true),
                    authorised_to = table.Column<DateOnly>(type: "date", nullable: true),
                    rate_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    third_party_payment = table.Column<bool>(type: "boolean", nullable: false),
                    extensions_granted = table.Column<int>(type: "integer", nullable: false),
                    extensions_left = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rehabilitation_authorisations", x => x.id);
                    table.ForeignKey(
                        name: "fk_rehabilitation_authorisations_care_requests_id",
                        column: x => x.id,
                        principalSchema: "cns",
                        principalTable: "care_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "request_events",
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
                    table.PrimaryKey("pk_request_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_request_events_care_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "cns",
                        principalTable: "care_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "validation_requests",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
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
                    grant_category = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    grant_act_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    grant_sessions = table.Column<int>(type: "integer", nullable: true),
                    grant_rate_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    grant_travel_allowance = table.Column<bool>(type: "boolean", nullable: false),
                    grant_third_party_payment = table.Column<bool>(type: "boolean", nullable: false),
                    grant_accident_case = table.Column<bool>(type: "boolean", nullable: false),
                    scan_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    prescription_fingerprint = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_validation_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_validation_requests_care_requests_id",
                        column: x => x.id,
                        principalSchema: "cns",
                        principalTable: "care_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
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
                        principalTable: "voucher_services",
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
                name: "rehabilitation_extensions",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    authorisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requested_on = table.Column<DateOnly>(type: "date", nullable: false),
                    requested_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    days = table.Column<int>(type: "integer", nullable: false),
                    granted = table.Column<bool>(type: "boolean", nullable: false),
                    previous_to = table.Column<DateOnly>(type: "date", nullable: false),
                    new_to = table.Column<DateOnly>(type: "date", nullable: false),
                    reasons = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rehabilitation_extensions", x => x.id);
                    table.ForeignKey(
                        name: "fk_rehabilitation_extensions_rehabilitation_authorisations_aut",
                        column: x => x.authorisation_id,
                        principalSchema: "cns",
                        principalTable: "rehabilitation_authorisations",
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
                name: "ix_accident_cases_insured_id",
                schema: "cns",
                table: "accident_cases",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_affiliation_periods_insured_id",
                schema: "cns",
                table: "affiliation_periods",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_key_hash",
                schema: "cns",
                table: "api_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_provider_id",
                schema: "cns",
                table: "api_keys",
                column: "provider_id");

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
                name: "ix_care_plans_insured_id",
                schema: "cns",
                table: "care_plans",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_decision_due_by",
                schema: "cns",
                table: "care_requests",
                column: "decision_due_by",
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_insured_id_kind",
                schema: "cns",
                table: "care_requests",
                columns: new[] { "insured_id", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_provider_id_kind_received_at_id",
                schema: "cns",
                table: "care_requests",
                columns: new[] { "provider_id", "kind", "received_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_voucher_id",
                schema: "cns",
                table: "care_requests",
                column: "voucher_id");

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
                name: "ix_idempotency_records_scope_key",
                schema: "cns",
                table: "idempotency_records",
                columns: new[] { "scope", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_insured_matricule",
                schema: "cns",
                table: "insured",
                column: "matricule",
                unique: true);

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
                name: "ix_providers_code",
                schema: "cns",
                table: "providers",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions",
                columns: new[] { "authorisation_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_request_events_request_id_sequence",
                schema: "cns",
                table: "request_events",
                columns: new[] { "request_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_voucher_services_voucher_id_act_code",
                schema: "cns",
                table: "voucher_services",
                columns: new[] { "voucher_id", "act_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_insured_id",
                schema: "cns",
                table: "vouchers",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_number",
                schema: "cns",
                table: "vouchers",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_provider_id_created_at",
                schema: "cns",
                table: "vouchers",
                columns: new[] { "provider_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "accident_cases",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "affiliation_periods",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "api_keys",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "billing_file_chunks",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "care_plans",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "cure_authorisations",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "doctors",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "fee_memoir_simulations",
                schema: "cns");

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
                name: "idempotency_records",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "line_contestations",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "prescription_fingerprints",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "prescription_scans",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "rehabilitation_extensions",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "request_events",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "sandbox_clock",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "hospital_stays",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "fee_memoir_lines",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "validation_requests",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "rehabilitation_authorisations",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "fee_memoirs",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "voucher_services",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "care_requests",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "billing_files",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "vouchers",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "billing_file_contents",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "insured",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "providers",
                schema: "cns");

            migrationBuilder.DropSequence(
                name: "voucher_number_seq",
                schema: "cns");
        }
    }
}
