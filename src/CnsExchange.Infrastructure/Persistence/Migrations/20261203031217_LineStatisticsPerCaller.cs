using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Issue 24: two callers refresh the statistics of <c>cns.fee_memoir_lines</c> and need different ones.
    /// <list type="bullet">
    /// <item>A billing file on a table never analysed (P2) needs the whole table's statistics: its paid-lines facts filter
    /// on voucher, insured and session columns. <c>cns.analyze_fee_memoir_lines()</c> analyses the whole table again, as
    /// the sandboxes migration made it.</item>
    /// <item>A payment run after its claim (P3) needs only the run column it changed on up to every line:
    /// <c>cns.analyze_fee_memoir_lines_run_column()</c>, the column list LineStatisticsOfTheRunColumn had put into the
    /// shared function (which also cut the billing file's refresh to that one column).</item>
    /// </list>
    /// Both SECURITY DEFINER: the application role owns no table (EXECUTE granted to it by DatabaseInitializer).
    /// </summary>
    public partial class LineStatisticsPerCaller : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Function("analyze_fee_memoir_lines", "ANALYZE cns.fee_memoir_lines"));
            migrationBuilder.Sql(Function("analyze_fee_memoir_lines_run_column", "ANALYZE cns.fee_memoir_lines (payment_run_id)"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS cns.analyze_fee_memoir_lines_run_column()");
            migrationBuilder.Sql(Function("analyze_fee_memoir_lines", "ANALYZE cns.fee_memoir_lines (payment_run_id)"));
        }

        private static string Function(string name, string analyze) => $"""
            CREATE OR REPLACE FUNCTION cns.{name}() RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
              EXECUTE '{analyze}';
            END $fn$;
            REVOKE ALL ON FUNCTION cns.{name}() FROM PUBLIC;
            """;
    }
}
