using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EventsSequenceSessionSearchPath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The commit trigger no longer pins search_path (its body names every relation with its schema, and its
            // functions are pg_catalog's, searched first whatever the path). The pinned path made the foreign-key check
            // that its UPDATE of the event fires (the row was inserted by the same transaction) run under another
            // search_path than the same constraint's check at the event's INSERT; PostgreSQL keeps one cached plan per
            // constraint and plans it again whenever the path differs, so every validation planned that check twice
            // (pg_stat_statements, issue 24). It also saves the GUC save/restore of a SET clause on every call.
            migrationBuilder.Sql("ALTER FUNCTION cns.events_sequence() RESET search_path;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER FUNCTION cns.events_sequence() SET search_path = pg_catalog, pg_temp;");
        }
    }
}
