using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SandboxCreationIdempotencyKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                schema: "cns",
                table: "sandboxes",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "request_hash",
                schema: "cns",
                table: "sandboxes",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_sandboxes_idempotency_key",
                schema: "cns",
                table: "sandboxes",
                column: "idempotency_key",
                unique: true,
                filter: "idempotency_key IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sandboxes_idempotency_key",
                schema: "cns",
                table: "sandboxes");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                schema: "cns",
                table: "sandboxes");

            migrationBuilder.DropColumn(
                name: "request_hash",
                schema: "cns",
                table: "sandboxes");
        }
    }
}
