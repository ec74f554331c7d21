using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SandboxThroughParentScansServicesFingerprints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_prescription_fingerprints_sandboxes_sandbox_id",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.DropForeignKey(
                name: "fk_prescription_scans_sandboxes_sandbox_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropForeignKey(
                name: "fk_voucher_services_sandboxes_sandbox_id",
                schema: "cns",
                table: "voucher_services");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "fk_prescription_fingerprints_sandboxes_sandbox_id",
                schema: "cns",
                table: "prescription_fingerprints",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_prescription_scans_sandboxes_sandbox_id",
                schema: "cns",
                table: "prescription_scans",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_voucher_services_sandboxes_sandbox_id",
                schema: "cns",
                table: "voucher_services",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
