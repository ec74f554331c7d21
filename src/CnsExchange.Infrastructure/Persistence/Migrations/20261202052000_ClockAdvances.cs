using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The status of a clock advance's due work (GET /admin/clock/advances/{id}): in PostgreSQL so any process answers
    /// the poll. Written through raw SQL only (no entity); deleted with its sandbox by the foreign key's cascade.
    /// </summary>
    [DbContext(typeof(AppDbContext))]
    [Migration("20261202052000_ClockAdvances")]
    public partial class ClockAdvances : Migration
    {
        private const string Current = "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid";

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                CREATE TABLE cns.clock_advances (
                  sandbox_id uuid NOT NULL DEFAULT {Current} REFERENCES cns.sandboxes (id) ON DELETE CASCADE,
                  id uuid NOT NULL,
                  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
                  from_instant timestamptz NOT NULL,
                  to_instant timestamptz NOT NULL,
                  started_at timestamptz NOT NULL,
                  finished_at timestamptz NULL,
                  error text NULL,
                  PRIMARY KEY (sandbox_id, id));
                ALTER TABLE cns.clock_advances ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.clock_advances FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.clock_advances USING (sandbox_id = {Current}) WITH CHECK (sandbox_id = {Current});
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE cns.clock_advances;");
        }
    }
}
