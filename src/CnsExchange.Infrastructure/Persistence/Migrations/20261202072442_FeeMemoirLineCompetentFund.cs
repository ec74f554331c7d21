using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FeeMemoirLineCompetentFund : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "competent_fund",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            // Lines not yet taken by a run get the fund their insured has now; lines already paid keep none, so the files
            // of their runs rebuild to the same bytes (PAY-06).
            migrationBuilder.Sql("""
                UPDATE cns.fee_memoir_lines l SET competent_fund = i.competent_fund
                  FROM cns.insured i WHERE i.id = l.insured_id AND l.payment_run_id IS NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "competent_fund",
                schema: "cns",
                table: "fee_memoir_lines");
        }
    }
}
