using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Issue 24: nothing an agreed validation writes holds a row of its sandbox locked through its commit any more.
    /// Event positions come from one sequence at COMMIT under a shared advisory lock, read up to cns.event_horizon (the
    /// per-sandbox counter row, locked by every event-writing commit through its WAL flush, and the NOTIFY inside the
    /// commit go); stored bytes are counted in 8 stripes per sandbox (cns.sandbox_storage, cns.charge_storage) instead of
    /// the sandbox's row. See bench/results/2026-12-02-p1-serialisation.md.
    /// </summary>
    public partial class CommitsWithoutSandboxRowLocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "event_position_seq",
                schema: "cns");

            migrationBuilder.CreateTable(
                name: "sandbox_storage",
                schema: "cns",
                columns: table => new
                {
                    stripe = table.Column<int>(type: "integer", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid"),
                    bytes_used = table.Column<long>(type: "bigint", nullable: false),
                    capacity = table.Column<long>(type: "bigint", nullable: false),
                    quota = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_storage", x => new { x.sandbox_id, x.stripe });
                    table.CheckConstraint("ck_sandbox_storage_stripe", "stripe >= 0 AND stripe < 8");
                    table.ForeignKey(
                        name: "fk_sandbox_storage_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("""
            ALTER TABLE cns.sandbox_storage ENABLE ROW LEVEL SECURITY;
            ALTER TABLE cns.sandbox_storage FORCE ROW LEVEL SECURITY;
            CREATE POLICY sandbox_isolation ON cns.sandbox_storage USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
              WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);

            -- What was counted so far goes to stripe 0, not shared out (the first limited charge shares the quota out).
            INSERT INTO cns.sandbox_storage (sandbox_id, stripe, bytes_used, capacity, quota)
              SELECT id, 0, bytes_used, 0, NULL FROM cns.sandboxes WHERE bytes_used > 0;

            -- p_quota NULL: counted, not limited. The stripe is the session's (pg_backend_pid() % 8): sessions of a pool
            -- spread over the stripes, and a charge locks its stripe's row until its transaction ends. Limited: within the
            -- stripe's capacity (shared out under this quota) it is within the quota, since the capacities add up to it;
            -- otherwise every stripe is locked in stripe order, the sum checked against the quota exactly, and the free
            -- bytes shared out again (an eighth each, the charged stripe taking the remainder).
            CREATE OR REPLACE FUNCTION cns.charge_storage(p_sandbox uuid, p_bytes bigint, p_quota bigint) RETURNS boolean
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
              k integer := pg_backend_pid() % 8;
              used bigint;
              free bigint;
            BEGIN
              UPDATE cns.sandbox_storage s SET bytes_used = s.bytes_used + p_bytes
                WHERE s.sandbox_id = p_sandbox AND s.stripe = k
                  AND (p_quota IS NULL OR (s.quota = p_quota AND s.bytes_used + p_bytes <= s.capacity));
              IF FOUND THEN RETURN true; END IF;

              -- One slow path of a sandbox at a time (full suite: two of them at once deadlocked about one run in three).
              PERFORM pg_advisory_xact_lock(1129206598, hashtext(p_sandbox::text));
              INSERT INTO cns.sandbox_storage (sandbox_id, stripe, bytes_used, capacity, quota)
                SELECT p_sandbox, g, 0, 0, NULL FROM generate_series(0, 7) g
                ON CONFLICT DO NOTHING;
              PERFORM 1 FROM cns.sandbox_storage s WHERE s.sandbox_id = p_sandbox ORDER BY s.stripe FOR UPDATE;
              SELECT sum(s.bytes_used) INTO used FROM cns.sandbox_storage s WHERE s.sandbox_id = p_sandbox;
              IF p_quota IS NOT NULL AND used + p_bytes > p_quota THEN RETURN false; END IF;
              free := CASE WHEN p_quota IS NULL THEN 0 ELSE p_quota - used - p_bytes END;
              UPDATE cns.sandbox_storage s SET
                  bytes_used = s.bytes_used + CASE WHEN s.stripe = k THEN p_bytes ELSE 0 END,
                  quota = p_quota,
                  capacity = CASE WHEN p_quota IS NULL THEN 0
                                  ELSE s.bytes_used + CASE WHEN s.stripe = k THEN p_bytes + free % 8 ELSE 0 END + free / 8 END
                WHERE s.sandbox_id = p_sandbox;
              RETURN true;
            END $fn$;

            -- Bytes stored per sandbox, for the operator (who reads sandboxes without being in one): run as the owner.
            CREATE OR REPLACE FUNCTION cns.sandbox_bytes_used(p_sandboxes uuid[]) RETURNS TABLE (sandbox_id uuid, bytes_used bigint)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
              SELECT s.sandbox_id, sum(s.bytes_used)::bigint FROM cns.sandbox_storage s WHERE s.sandbox_id = ANY(p_sandboxes) GROUP BY s.sandbox_id
            $fn$;
            REVOKE ALL ON FUNCTION cns.sandbox_bytes_used(uuid[]) FROM PUBLIC;
            """);

            migrationBuilder.DropColumn(
                name: "bytes_used",
                schema: "cns",
                table: "sandboxes");

            migrationBuilder.Sql("""
            -- Positions come from one sequence, taken at COMMIT by the deferred trigger under a SHARED advisory lock of the
            -- sandbox (committers do not wait for each other); a reader takes that lock EXCLUSIVELY for an instant
            -- (cns.event_horizon) and reads up to the last position given by then: every transaction that took one has
            -- finished, so nothing can later commit below it. No NOTIFY here: it would take PostgreSQL's one notification
            -- lock for the rest of the commit, WAL flush included, queueing every event-writing commit of the database
            -- (the application notifies after its commits, in a transaction of its own).
            SELECT setval('cns.event_position_seq', COALESCE((SELECT max(position) FROM cns.events), 0) + 1, false);
            CREATE OR REPLACE FUNCTION cns.events_sequence() RETURNS trigger
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
              PERFORM pg_advisory_xact_lock_shared(1129206597, hashtext(NEW.sandbox_id::text));
              UPDATE cns.events SET position = nextval('cns.event_position_seq') WHERE sandbox_id = NEW.sandbox_id AND id = NEW.id;
              RETURN NULL;
            END $fn$;
            CREATE OR REPLACE FUNCTION cns.event_horizon(p_sandbox uuid) RETURNS bigint
            LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE h bigint;
            BEGIN
              PERFORM pg_advisory_lock(1129206597, hashtext(p_sandbox::text));
              SELECT CASE WHEN s.is_called THEN s.last_value ELSE s.last_value - 1 END INTO h FROM cns.event_position_seq s;
              PERFORM pg_advisory_unlock(1129206597, hashtext(p_sandbox::text));
              RETURN h;
            END $fn$;
            """);

            migrationBuilder.DropTable(
                name: "event_positions",
                schema: "cns");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
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

            migrationBuilder.Sql("""
            ALTER TABLE cns.event_positions ENABLE ROW LEVEL SECURITY;
            ALTER TABLE cns.event_positions FORCE ROW LEVEL SECURITY;
            CREATE POLICY sandbox_isolation ON cns.event_positions USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
              WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);
            INSERT INTO cns.event_positions (sandbox_id, last_position)
              SELECT sandbox_id, max(position) FROM cns.events WHERE position IS NOT NULL GROUP BY sandbox_id;
            DROP FUNCTION IF EXISTS cns.event_horizon(uuid);
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
            """);

            migrationBuilder.AddColumn<long>(
                name: "bytes_used",
                schema: "cns",
                table: "sandboxes",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.Sql("""
            UPDATE cns.sandboxes s SET bytes_used = t.used
              FROM (SELECT sandbox_id, sum(bytes_used)::bigint AS used FROM cns.sandbox_storage GROUP BY sandbox_id) t WHERE s.id = t.sandbox_id;
            DROP FUNCTION IF EXISTS cns.charge_storage(uuid, bigint, bigint);
            DROP FUNCTION IF EXISTS cns.sandbox_bytes_used(uuid[]);
            """);

            migrationBuilder.DropTable(
                name: "sandbox_storage",
                schema: "cns");

            migrationBuilder.DropSequence(
                name: "event_position_seq",
                schema: "cns");
        }
    }
}
