using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PaymentRunThroughput : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_payment_run_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_return_file_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.AlterTable(
                name: "fee_memoir_lines",
                schema: "cns")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "payment_run_id", "provider_id", "id" },
                filter: "payment_run_id IS NOT NULL");

            // The PAY-06 guard of a line's payment is called only for lines already reported: the lines a run takes and
            // marks (a million in a large run) no longer pay a PL/pgSQL call each. Same rule, checked in the WHEN clause.
            migrationBuilder.Sql("""
                DROP TRIGGER trg_fee_memoir_lines_payment_is_final ON cns.fee_memoir_lines;
                CREATE TRIGGER trg_fee_memoir_lines_payment_is_final BEFORE UPDATE ON cns.fee_memoir_lines
                  FOR EACH ROW WHEN (OLD.reported_at IS NOT NULL) EXECUTE FUNCTION cns.fee_memoir_line_payment_is_final();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_fee_memoir_lines_payment_is_final ON cns.fee_memoir_lines;
                CREATE TRIGGER trg_fee_memoir_lines_payment_is_final BEFORE UPDATE ON cns.fee_memoir_lines
                  FOR EACH ROW EXECUTE FUNCTION cns.fee_memoir_line_payment_is_final();
                """);

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.AlterTable(
                name: "fee_memoir_lines",
                schema: "cns")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_payment_run_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "payment_run_id",
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_return_file_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "return_file_id");
        }
    }
}
