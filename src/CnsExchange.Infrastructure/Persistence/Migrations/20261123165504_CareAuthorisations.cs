using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CareAuthorisations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One request pipeline for every kind: the lifecycle of physiotherapy validation requests moves to care_requests.
            // Nothing has been released, so earlier validation requests are dropped rather than carried over.
            migrationBuilder.Sql("DELETE FROM cns.validation_requests;");

            migrationBuilder.DropForeignKey(
                name: "fk_prescription_scans_validation_request_request_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropForeignKey(
                name: "fk_validation_requests_insured_insured_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_validation_requests_providers_provider_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_validation_requests_vouchers_voucher_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropTable(
                name: "validation_request_events",
                schema: "cns");

            migrationBuilder.DropPrimaryKey(
                name: "pk_validation_requests",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropIndex(
                name: "ix_validation_requests_decision_due_by",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropIndex(
                name: "ix_validation_requests_insured_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropIndex(
                name: "ix_validation_requests_provider_id_received_at_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropIndex(
                name: "ix_validation_requests_voucher_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "decided_at",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "decided_by",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "decision_due_by",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "information_answer",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "information_question",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "insured_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "matricule",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "provider_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "reasons",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "received_at",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "received_on",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "status",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "voucher_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropColumn(
                name: "voucher_number",
                schema: "cns",
                table: "validation_requests");

            // xmin is PostgreSQL's system column (the row version): it is neither dropped nor added.

            migrationBuilder.AddPrimaryKey(
                name: "PK_validation_requests",
                schema: "cns",
                table: "validation_requests",
                column: "id");

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

            migrationBuilder.AddForeignKey(
                name: "fk_validation_requests_care_requests_id",
                schema: "cns",
                table: "validation_requests",
                column: "id",
                principalSchema: "cns",
                principalTable: "care_requests",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_prescription_scans_validation_request_request_id",
                schema: "cns",
                table: "prescription_scans",
                column: "request_id",
                principalSchema: "cns",
                principalTable: "validation_requests",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_prescription_scans_validation_request_request_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropForeignKey(
                name: "fk_validation_requests_care_requests_id",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.DropTable(
                name: "cure_authorisations",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "rehabilitation_extensions",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "request_events",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "rehabilitation_authorisations",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "care_requests",
                schema: "cns");

            migrationBuilder.DropPrimaryKey(
                name: "PK_validation_requests",
                schema: "cns",
                table: "validation_requests");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "decided_at",
                schema: "cns",
                table: "validation_requests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "decided_by",
                schema: "cns",
                table: "validation_requests",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "decision_due_by",
                schema: "cns",
                table: "validation_requests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "information_answer",
                schema: "cns",
                table: "validation_requests",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "information_question",
                schema: "cns",
                table: "validation_requests",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "insured_id",
                schema: "cns",
                table: "validation_requests",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "matricule",
                schema: "cns",
                table: "validation_requests",
                type: "character varying(13)",
                maxLength: 13,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "provider_id",
                schema: "cns",
                table: "validation_requests",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "reasons",
                schema: "cns",
                table: "validation_requests",
                type: "jsonb",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "received_at",
                schema: "cns",
                table: "validation_requests",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateOnly>(
                name: "received_on",
                schema: "cns",
                table: "validation_requests",
                type: "date",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            migrationBuilder.AddColumn<string>(
                name: "status",
                schema: "cns",
                table: "validation_requests",
                type: "character varying(30)",
                maxLength: 30,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "voucher_id",
                schema: "cns",
                table: "validation_requests",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "voucher_number",
                schema: "cns",
                table: "validation_requests",
                type: "character varying(13)",
                maxLength: 13,
                nullable: true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_validation_requests",
                schema: "cns",
                table: "validation_requests",
                column: "id");

            migrationBuilder.CreateTable(
                name: "validation_request_events",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    reasons = table.Column<string>(type: "jsonb", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "ix_validation_request_events_request_id_sequence",
                schema: "cns",
                table: "validation_request_events",
                columns: new[] { "request_id", "sequence" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_validation_requests_insured_insured_id",
                schema: "cns",
                table: "validation_requests",
                column: "insured_id",
                principalSchema: "cns",
                principalTable: "insured",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_validation_requests_providers_provider_id",
                schema: "cns",
                table: "validation_requests",
                column: "provider_id",
                principalSchema: "cns",
                principalTable: "providers",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_validation_requests_vouchers_voucher_id",
                schema: "cns",
                table: "validation_requests",
                column: "voucher_id",
                principalSchema: "cns",
                principalTable: "vouchers",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_prescription_scans_validation_request_request_id",
                schema: "cns",
                table: "prescription_scans",
                column: "request_id",
                principalSchema: "cns",
                principalTable: "validation_requests",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
