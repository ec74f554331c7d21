using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TravelAllowanceLines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropCheckConstraint(
                name: "ck_fee_memoir_lines_paid_has_service",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.AddColumn<bool>(
                name: "travel_allowance",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced') AND hospital_stay_id IS NULL AND NOT travel_allowance");

            migrationBuilder.AddCheckConstraint(
                name: "ck_fee_memoir_lines_paid_has_service",
                schema: "cns",
                table: "fee_memoir_lines",
                sql: "outcome = 'Refused' OR ((voucher_service_id IS NOT NULL OR hospital_stay_id IS NOT NULL OR (travel_allowance AND voucher_id IS NOT NULL)) AND insured_id IS NOT NULL)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropCheckConstraint(
                name: "ck_fee_memoir_lines_paid_has_service",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropColumn(
                name: "travel_allowance",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced') AND hospital_stay_id IS NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_fee_memoir_lines_paid_has_service",
                schema: "cns",
                table: "fee_memoir_lines",
                sql: "outcome = 'Refused' OR ((voucher_service_id IS NOT NULL OR hospital_stay_id IS NOT NULL) AND insured_id IS NOT NULL)");
        }
    }
}
