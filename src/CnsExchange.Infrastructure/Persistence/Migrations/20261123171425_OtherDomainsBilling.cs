using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OtherDomainsBilling : Migration
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

            migrationBuilder.AlterColumn<string>(
                name: "source",
                schema: "cns",
                table: "fee_memoirs",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(10)",
                oldMaxLength: 10);

            migrationBuilder.AddColumn<Guid>(
                name: "hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "voucher_number",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "character varying(13)",
                maxLength: 13,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(13)",
                oldMaxLength: 13);

            migrationBuilder.AlterColumn<string>(
                name: "act_code",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(10)",
                oldMaxLength: 10);

            migrationBuilder.AddColumn<Guid>(
                name: "hospital_stay_id",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "single_room_surcharge",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "numeric(14,2)",
                precision: 14,
                scale: 2,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs",
                column: "hospital_stay_id",
                unique: true,
                filter: "hospital_stay_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_hospital_stay",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "hospital_stay_id", "provider_id", "session_date", "act_code" },
                filter: "hospital_stay_id IS NOT NULL");

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

            migrationBuilder.AddCheckConstraint(
                name: "ck_fee_memoir_lines_surcharge",
                schema: "cns",
                table: "fee_memoir_lines",
                sql: "single_room_surcharge IS NULL OR (single_room_surcharge >= 0 AND single_room_surcharge < claimed_amount)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_fee_memoir_lines_voucher_or_stay",
                schema: "cns",
                table: "fee_memoir_lines",
                sql: "voucher_number IS NOT NULL OR hospital_stay_id IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoirs_hospital_stay_hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs",
                column: "hospital_stay_id",
                principalSchema: "cns",
                principalTable: "hospital_stays",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoirs_hospital_stay_hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_hospital_stay",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropCheckConstraint(
                name: "ck_fee_memoir_lines_paid_has_service",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropCheckConstraint(
                name: "ck_fee_memoir_lines_surcharge",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropCheckConstraint(
                name: "ck_fee_memoir_lines_voucher_or_stay",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropColumn(
                name: "hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropColumn(
                name: "hospital_stay_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropColumn(
                name: "single_room_surcharge",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.AlterColumn<string>(
                name: "source",
                schema: "cns",
                table: "fee_memoirs",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(20)",
                oldMaxLength: 20);

            migrationBuilder.AlterColumn<string>(
                name: "voucher_number",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "character varying(13)",
                maxLength: 13,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(13)",
                oldMaxLength: 13,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "act_code",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_fee_memoir_lines_paid_has_service",
                schema: "cns",
                table: "fee_memoir_lines",
                sql: "outcome = 'Refused' OR (voucher_service_id IS NOT NULL AND insured_id IS NOT NULL)");
        }
    }
}
