using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReturnFileMemoirVocabulary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "accepted_amount",
                schema: "cns",
                table: "return_files",
                newName: "cns_amount");

            migrationBuilder.AddColumn<int>(
                name: "line_count",
                schema: "cns",
                table: "return_files",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Files written before: paid_line_count counted the accepted lines (all paid), summarised beside the listed
            // ones; it now counts every line paid more than 0, as the lines of the file say.
            migrationBuilder.Sql("""
                UPDATE cns.return_files f SET
                    line_count = f.listed_line_count + f.paid_line_count,
                    paid_line_count = (SELECT count(*) FROM cns.fee_memoir_lines l
                                       WHERE l.return_file_id = f.id AND coalesce(l.paid_amount, 0) > 0);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "line_count",
                schema: "cns",
                table: "return_files");

            migrationBuilder.RenameColumn(
                name: "cns_amount",
                schema: "cns",
                table: "return_files",
                newName: "accepted_amount");
        }
    }
}
