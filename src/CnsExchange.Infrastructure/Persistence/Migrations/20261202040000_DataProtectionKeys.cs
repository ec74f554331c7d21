using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DataProtectionKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The Data Protection key ring (DataProtectionKeyRing): read and written on the owner's connection, like
            // Hangfire's schema; outside schema cns because the keys belong to no sandbox.
            migrationBuilder.Sql("""
                CREATE SCHEMA IF NOT EXISTS dataprotection;
                CREATE TABLE dataprotection.keys (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    friendly_name text,
                    xml text NOT NULL);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP SCHEMA IF EXISTS dataprotection CASCADE;");
        }
    }
}
