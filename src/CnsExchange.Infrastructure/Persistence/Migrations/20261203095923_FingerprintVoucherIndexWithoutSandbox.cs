using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// ix_prescription_fingerprints_voucher_id on (voucher_id) instead of (sandbox_id, voucher_id): the cascade from a
    /// voucher needs no sandbox prefix (voucher ids are unique everywhere), and with it the VAL-14 lookup, planned in a
    /// sandbox the statistics did not know, read every fingerprint of the sandbox through this index
    /// (SandboxModel.NotLedBySandbox; bench/results/2026-12-03-p1-new-sandboxes.md).
    /// </summary>
    public partial class FingerprintVoucherIndexWithoutSandbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.CreateIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints",
                column: "voucher_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.CreateIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints",
                columns: new[] { "sandbox_id", "voucher_id" });
        }
    }
}
