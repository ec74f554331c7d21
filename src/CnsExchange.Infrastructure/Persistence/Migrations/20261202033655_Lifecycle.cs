using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Lifecycle : Migration
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

            migrationBuilder.AddColumn<string>(
                name: "cancellation_reason",
                schema: "cns",
                table: "vouchers",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancelled_at",
                schema: "cns",
                table: "vouchers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "cancelled_by",
                schema: "cns",
                table: "vouchers",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "replaced_by_memoir_id",
                schema: "cns",
                table: "fee_memoirs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "replaces_memoir_id",
                schema: "cns",
                table: "fee_memoirs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "voided_at",
                schema: "cns",
                table: "fee_memoirs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "released_at",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_replaces_memoir_id",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "replaces_memoir_id" },
                unique: true,
                filter: "replaces_memoir_id IS NOT NULL");

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

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoirs_fee_memoirs_replaces_memoir_id",
                schema: "cns",
                table: "fee_memoirs",
                column: "replaces_memoir_id",
                principalSchema: "cns",
                principalTable: "fee_memoirs",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoirs_fee_memoirs_replaces_memoir_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_replaces_memoir_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropColumn(
                name: "cancellation_reason",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropColumn(
                name: "cancelled_at",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropColumn(
                name: "cancelled_by",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropColumn(
                name: "replaced_by_memoir_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropColumn(
                name: "replaces_memoir_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropColumn(
                name: "voided_at",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropColumn(
                name: "released_at",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced') AND hospital_stay_id IS NULL AND NOT travel_allowance");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "voucher_id", "session_date", "act_code" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced')");
        }
    }
}
