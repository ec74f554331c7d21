using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReleasedHospitalStays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "release_debt_id",
                schema: "cns",
                table: "hospital_stays",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "released_at",
                schema: "cns",
                table: "hospital_stays",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_hospital_stays_release",
                schema: "cns",
                table: "hospital_stays",
                sql: "(status = 'Released') = (released_at IS NOT NULL) AND (status = 'Released') = (release_debt_id IS NOT NULL)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_hospital_stays_release",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropColumn(
                name: "release_debt_id",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropColumn(
                name: "released_at",
                schema: "cns",
                table: "hospital_stays");
        }
    }
}
