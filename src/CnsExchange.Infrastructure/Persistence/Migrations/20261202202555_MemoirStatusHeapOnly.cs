using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Issue 24 (P3): a payment run writes a memoir's status twice (in_payment_run, paid). The index on (status, due_date)
    /// made both writes full updates (a new entry in every index of the memoir); without it no index names the status,
    /// and with half of every page free (for memoirs stored from now on) both are heap-only. The scheduler's earliest
    /// due date of the unpaid memoirs is found from the index of unsettled lines instead.
    /// </summary>
    public partial class MemoirStatusHeapOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_status_due_date",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.AlterTable(
                name: "fee_memoirs",
                schema: "cns")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "fee_memoirs",
                schema: "cns")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_status_due_date",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "status", "due_date" });
        }
    }
}
