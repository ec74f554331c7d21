using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InsuredChannelEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "channel_key_id",
                schema: "cns",
                table: "webhook_endpoints",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "channel_key_id",
                schema: "cns",
                table: "events",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_events_channel_key_id_position",
                schema: "cns",
                table: "events",
                columns: new[] { "sandbox_id", "channel_key_id", "position" },
                filter: "channel_key_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_events_channel_key_id_position",
                schema: "cns",
                table: "events");

            migrationBuilder.DropColumn(
                name: "channel_key_id",
                schema: "cns",
                table: "webhook_endpoints");

            migrationBuilder.DropColumn(
                name: "channel_key_id",
                schema: "cns",
                table: "events");
        }
    }
}
