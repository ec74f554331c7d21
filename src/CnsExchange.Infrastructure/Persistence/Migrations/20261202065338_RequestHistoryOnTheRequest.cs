using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RequestHistoryOnTheRequest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "history",
                schema: "cns",
                table: "care_requests",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            // Each request's entries, in order, as the application serialises RequestEvent (camelCase, statuses snake_case).
            migrationBuilder.Sql("""
                UPDATE cns.care_requests q SET history = h.entries
                FROM (SELECT e.request_id, jsonb_agg(jsonb_build_object(
                        'sequence', e.sequence, 'at', e.at, 'actor', e.actor, 'action', e.action,
                        'status', lower(regexp_replace(e.status, '([a-z])([A-Z])', '\1_\2', 'g')),
                        'note', e.note, 'reasons', e.reasons) ORDER BY e.sequence) AS entries
                      FROM cns.request_events e GROUP BY e.request_id) h
                WHERE h.request_id = q.id;
                ALTER TABLE cns.care_requests ALTER COLUMN history DROP DEFAULT;
                """);

            migrationBuilder.DropTable(
                name: "request_events",
                schema: "cns");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "request_events",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    reasons = table.Column<string>(type: "jsonb", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid"),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_request_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_request_events_care_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "cns",
                        principalTable: "care_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_request_events_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_request_events_request_id_sequence",
                schema: "cns",
                table: "request_events",
                columns: new[] { "sandbox_id", "request_id", "sequence" },
                unique: true);

            migrationBuilder.Sql("""
                ALTER TABLE cns.request_events ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.request_events FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.request_events
                  USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
                  WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);
                INSERT INTO cns.request_events (id, sandbox_id, request_id, sequence, at, actor, action, status, note, reasons)
                SELECT gen_random_uuid(), q.sandbox_id, q.id, (e->>'sequence')::int, (e->>'at')::timestamptz, e->>'actor', e->>'action',
                       replace(initcap(replace(e->>'status', '_', ' ')), ' ', ''), e->>'note', coalesce(e->'reasons', '[]'::jsonb)
                FROM cns.care_requests q, jsonb_array_elements(q.history) e;
                """);

            migrationBuilder.DropColumn(
                name: "history",
                schema: "cns",
                table: "care_requests");
        }
    }
}
