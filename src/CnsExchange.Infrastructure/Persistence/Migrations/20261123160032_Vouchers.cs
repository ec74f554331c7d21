using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Vouchers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "voucher_number_seq",
                schema: "cns",
                startValue: 1000L);

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
                name: "voucher_service",
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
                    table.PrimaryKey("pk_voucher_service", x => x.id);
                    table.CheckConstraint("ck_voucher_services_billed_within_granted", "sessions_billed >= 0 AND sessions_billed <= sessions_granted");
                    table.ForeignKey(
                        name: "fk_voucher_service_vouchers_voucher_id",
                        column: x => x.voucher_id,
                        principalSchema: "cns",
                        principalTable: "vouchers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_voucher_service_voucher_id_act_code",
                schema: "cns",
                table: "voucher_service",
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
                name: "voucher_service",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "vouchers",
                schema: "cns");

            migrationBuilder.DropSequence(
                name: "voucher_number_seq",
                schema: "cns");
        }
    }
}
