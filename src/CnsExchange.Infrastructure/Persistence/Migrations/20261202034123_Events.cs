using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Events : Migration
    {
        private const string Current = "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid";

        private static readonly string[] Tables = ["events", "event_positions", "webhook_endpoints", "webhook_deliveries"];

        /// <summary>
        /// Row-level security as every sandbox table; the commit-order trigger; and the owner's look-up of endpoints with
        /// work across sandboxes for the dispatcher (like cns.authenticate_key, before any sandbox is known).
        /// The trigger is a deferred constraint trigger: it runs at COMMIT, takes the sandbox's counter row lock and gives
        /// the event the next position; the lock is held until the commit is visible, so positions follow commit order and
        /// the committed positions always form a prefix (no reader ever sees position n+1 without n).
        /// </summary>
        private static string Sql =>
            string.Concat(Tables.Select(t => $"""
                ALTER TABLE cns.{t} ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.{t} FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.{t} USING (sandbox_id = {Current}) WITH CHECK (sandbox_id = {Current});

                """)) + """
            CREATE OR REPLACE FUNCTION cns.events_sequence() RETURNS trigger
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE p bigint;
            BEGIN
              INSERT INTO cns.event_positions AS c (sandbox_id, last_position) VALUES (NEW.sandbox_id, 1)
                ON CONFLICT (sandbox_id) DO UPDATE SET last_position = c.last_position + 1
                RETURNING c.last_position INTO p;
              UPDATE cns.events SET position = p WHERE sandbox_id = NEW.sandbox_id AND id = NEW.id;
              PERFORM pg_notify('cns_events', NEW.sandbox_id::text);
              RETURN NULL;
            END $fn$;
            CREATE CONSTRAINT TRIGGER events_sequence AFTER INSERT ON cns.events
              DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cns.events_sequence();

            CREATE OR REPLACE FUNCTION cns.webhook_due_endpoints(p_now timestamptz, p_limit integer)
            RETURNS TABLE (sandbox_id uuid, endpoint_id uuid)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
              SELECT w.sandbox_id, w.id FROM cns.webhook_endpoints w
              WHERE w.disabled_at IS NULL AND (w.next_attempt_at IS NULL OR w.next_attempt_at <= p_now)
                AND EXISTS (SELECT 1 FROM cns.events e WHERE e.sandbox_id = w.sandbox_id AND e.position > w.delivered_through)
              ORDER BY w.next_attempt_at NULLS FIRST, w.id
              LIMIT p_limit
            $fn$;
            """;

        private const string DropSql = """
            DROP FUNCTION IF EXISTS cns.webhook_due_endpoints(timestamptz, integer);
            DROP TRIGGER IF EXISTS events_sequence ON cns.events;
            DROP FUNCTION IF EXISTS cns.events_sequence();
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "event_positions",
                schema: "cns",
                columns: table => new
                {
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid"),
                    last_position = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_event_positions", x => x.sandbox_id);
                    table.ForeignKey(
                        name: "fk_event_positions_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "events",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<long>(type: "bigint", nullable: true),
                    type = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_url = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: true),
                    data = table.Column<string>(type: "jsonb", maxLength: 400, nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_events_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhook_endpoints",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: true),
                    url = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    types = table.Column<List<string>>(type: "text[]", nullable: false),
                    secret = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    delivered_through = table.Column<long>(type: "bigint", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    head_failed_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failing_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    disabled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    disabled_reason = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_endpoints", x => x.id);
                    table.ForeignKey(
                        name: "fk_webhook_endpoints_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_webhook_endpoints_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    endpoint_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: true),
                    event_type = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    trigger = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    response_code = table.Column<int>(type: "integer", nullable: true),
                    response_body = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    error = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    duration_ms = table.Column<int>(type: "integer", nullable: false),
                    attempted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_retry_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_webhook_deliveries_events_event_id",
                        column: x => x.event_id,
                        principalSchema: "cns",
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_webhook_deliveries_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_webhook_deliveries_webhook_endpoint_endpoint_id",
                        column: x => x.endpoint_id,
                        principalSchema: "cns",
                        principalTable: "webhook_endpoints",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_valid_until",
                schema: "cns",
                table: "vouchers",
                columns: new[] { "sandbox_id", "valid_until" });

            migrationBuilder.CreateIndex(
                name: "ix_events_occurred_at",
                schema: "cns",
                table: "events",
                columns: new[] { "sandbox_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ux_events_position",
                schema: "cns",
                table: "events",
                columns: new[] { "sandbox_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_events_voucher_expiring",
                schema: "cns",
                table: "events",
                columns: new[] { "sandbox_id", "resource_id" },
                unique: true,
                filter: "type = 'voucher.expiring'");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_endpoint_id_attempted_at",
                schema: "cns",
                table: "webhook_deliveries",
                columns: new[] { "sandbox_id", "endpoint_id", "attempted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_event_id",
                schema: "cns",
                table: "webhook_deliveries",
                column: "event_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_endpoints_provider_id_created_at",
                schema: "cns",
                table: "webhook_endpoints",
                columns: new[] { "sandbox_id", "provider_id", "created_at" });

            migrationBuilder.Sql(Sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DropSql);

            migrationBuilder.DropTable(
                name: "event_positions",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "webhook_deliveries",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "events",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "webhook_endpoints",
                schema: "cns");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_valid_until",
                schema: "cns",
                table: "vouchers");
        }
    }
}
