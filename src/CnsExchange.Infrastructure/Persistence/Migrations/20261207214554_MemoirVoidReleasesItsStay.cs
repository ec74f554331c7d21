using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MemoirVoidReleasesItsStay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_hospital_stays_release",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.AddCheckConstraint(
                name: "ck_hospital_stays_release",
                schema: "cns",
                table: "hospital_stays",
                sql: "(status = 'Released') = (released_at IS NOT NULL) AND (release_debt_id IS NULL OR status = 'Released')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_hospital_stays_release",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.AddCheckConstraint(
                name: "ck_hospital_stays_release",
                schema: "cns",
                table: "hospital_stays",
                sql: "(status = 'Released') = (released_at IS NOT NULL) AND (status = 'Released') = (release_debt_id IS NOT NULL)");
        }
    }
}
