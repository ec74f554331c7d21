using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OverturnedLinesHoldTheirSession : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "(outcome IN ('Accepted', 'Reduced') OR contestation_status = 'Overturned') AND released_at IS NULL AND hospital_stay_id IS NULL AND NOT travel_allowance");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "voucher_id", "session_date", "act_code" },
                unique: true,
                filter: "(outcome IN ('Accepted', 'Reduced') OR contestation_status = 'Overturned') AND released_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced') AND released_at IS NULL AND hospital_stay_id IS NULL AND NOT travel_allowance");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "voucher_id", "session_date", "act_code" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced') AND released_at IS NULL");
        }
    }
}
