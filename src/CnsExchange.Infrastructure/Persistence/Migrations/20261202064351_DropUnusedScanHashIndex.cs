using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DropUnusedScanHashIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_prescription_scans_sha256",
                schema: "cns",
                table: "prescription_scans");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_sha256",
                schema: "cns",
                table: "prescription_scans",
                columns: new[] { "sandbox_id", "sha256" });
        }
    }
}
