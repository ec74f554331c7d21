using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// A sandbox's last use is noted on the operator's clock (the application's TimeProvider, passed in), as its
    /// creation and the idle-sandbox job read it, instead of PostgreSQL's now(): one clock decides when a sandbox is idle.
    /// </summary>
    [DbContext(typeof(AppDbContext))]
    [Migration("20261202040000_IdleOnOperatorClock")]
    public partial class IdleOnOperatorClock : Migration
    {
        private const string Body = """
            RETURNS TABLE (key_id uuid, role text, sandbox_id uuid, provider_id uuid, provider_kind text, provider_code text,
                           clock_mode text, clock_frozen_at timestamptz, clock_offset interval)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            #variable_conflict use_column
            BEGIN
              RETURN QUERY SELECT o.id, 'Operator'::text, NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::interval
                FROM cns.operator_keys o WHERE o.key_hash = p_hash AND o.revoked_at IS NULL;
              IF FOUND THEN RETURN; END IF;
              RETURN QUERY SELECT k.id, k.role::text, k.sandbox_id, k.provider_id, p.kind::text, p.code::text,
                                  s.clock_mode::text, s.clock_frozen_at, s.clock_offset
                FROM cns.api_keys k JOIN cns.sandboxes s ON s.id = k.sandbox_id LEFT JOIN cns.providers p ON p.id = k.provider_id
                WHERE k.key_hash = p_hash AND k.revoked_at IS NULL AND s.deleting_at IS NULL;
              IF FOUND THEN
                -- Idle tracking on NOW_EXPR, written at most once a minute per sandbox.
                UPDATE cns.sandboxes s SET last_used_at = NOW_EXPR, deletes_after = CASE WHEN s.deletes_after IS NULL THEN NULL ELSE NOW_EXPR + p_idle END
                FROM cns.api_keys k WHERE k.key_hash = p_hash AND s.id = k.sandbox_id
                  AND (s.last_used_at < NOW_EXPR - interval '1 minute' OR s.last_used_at > NOW_EXPR);
              END IF;
            END $fn$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS cns.authenticate_key(text, interval);\n"
                + "CREATE OR REPLACE FUNCTION cns.authenticate_key(p_hash text, p_idle interval, p_now timestamptz)\n" + Body.Replace("NOW_EXPR", "p_now")
                + "\nREVOKE ALL ON FUNCTION cns.authenticate_key(text, interval, timestamptz) FROM PUBLIC;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS cns.authenticate_key(text, interval, timestamptz);\n"
                + "CREATE OR REPLACE FUNCTION cns.authenticate_key(p_hash text, p_idle interval)\n" + Body.Replace("NOW_EXPR", "now()")
                + "\nREVOKE ALL ON FUNCTION cns.authenticate_key(text, interval) FROM PUBLIC;");
        }
    }
}
