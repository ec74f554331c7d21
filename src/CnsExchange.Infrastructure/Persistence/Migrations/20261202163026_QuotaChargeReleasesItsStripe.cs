using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// cns.charge_storage: a fast path that fails gives its stripe back before the slow path. In READ COMMITTED, an UPDATE
    /// that waited for a stripe another charge held locks the row's new version before re-checking its WHERE; when the
    /// re-check fails (the other charge shared the quota out again) the row stays locked, and the session then waited for
    /// the slow path's advisory lock while the holder of that lock waited for its stripe (server log: "waits for
    /// ExclusiveLock on advisory lock … blocked by … waits for ShareLock on transaction"). The fast path now runs in a
    /// block whose failure rolls back, which releases that lock.
    /// </summary>
    public partial class QuotaChargeReleasesItsStripe : Migration
    {
        private const string Head = """
            CREATE OR REPLACE FUNCTION cns.charge_storage(p_sandbox uuid, p_bytes bigint, p_quota bigint) RETURNS boolean
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
              k integer := pg_backend_pid() % 8;
              used bigint;
              free bigint;
            BEGIN
            """;

        private const string FastPath = """
              UPDATE cns.sandbox_storage s SET bytes_used = s.bytes_used + p_bytes
                WHERE s.sandbox_id = p_sandbox AND s.stripe = k
                  AND (p_quota IS NULL OR (s.quota = p_quota AND s.bytes_used + p_bytes <= s.capacity));
              IF FOUND THEN RETURN true; END IF;
            """;

        // A failed fast path may hold its stripe (see the summary): the subtransaction's rollback gives it back.
        private const string FastPathReleasingItsStripe = """
              BEGIN
                UPDATE cns.sandbox_storage s SET bytes_used = s.bytes_used + p_bytes
                  WHERE s.sandbox_id = p_sandbox AND s.stripe = k
                    AND (p_quota IS NULL OR (s.quota = p_quota AND s.bytes_used + p_bytes <= s.capacity));
                IF FOUND THEN RETURN true; END IF;
                RAISE SQLSTATE 'CNSQ1';
              EXCEPTION WHEN SQLSTATE 'CNSQ1' THEN NULL;
              END;
            """;

        private const string SlowPath = """
              -- One slow path of a sandbox at a time: it locks every stripe in stripe order, holding none before.
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
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(Head + "\n" + FastPathReleasingItsStripe + "\n" + SlowPath);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(Head + "\n" + FastPath + "\n" + SlowPath);
    }
}
