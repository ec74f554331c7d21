using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// <c>voucher_services</c> keeps half of each page free (fillfactor 50), as <c>fee_memoirs</c> and <c>fee_memoir_lines</c>
    /// do: a billing file adds the sessions of all its services to their counters in one UPDATE when it commits, and with
    /// full pages every new version went to another page with an entry in both indexes (11 buffers a service; 0.27 s for
    /// the 25,000 services of a 200,000-line file, 0.08–0.13 s with room on the page: bench/results/2026-12-05-p2-lock-phase.md).
    /// Pages written before this migration keep their fill until they are rewritten.
    /// </summary>
    public partial class VoucherServicesHalfPages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "voucher_services",
                schema: "cns")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "voucher_services",
                schema: "cns")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);
        }
    }
}
