using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Rate-limit token buckets shared by every API process (issue 22). Not sandbox data: a bucket belongs to an API key
    /// (by hash) or a client address, before any sandbox is known; the table lives outside schema cns, unlogged (a bucket
    /// lost in a crash comes back full, which is what an idle bucket is), and the application role reaches it only
    /// through the SECURITY DEFINER function. Time is the database's clock, the one all processes share.
    /// </summary>
    public partial class SharedRateLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE SCHEMA IF NOT EXISTS cns_limits;
                REVOKE ALL ON SCHEMA cns_limits FROM PUBLIC;
                CREATE UNLOGGED TABLE cns_limits.token_buckets (
                    partition text PRIMARY KEY,
                    tokens double precision NOT NULL,
                    refilled_at timestamptz NOT NULL);

                -- Refills the bucket for the time since its last refill, then grants up to p_want whole tokens. Answers the
                -- tokens granted and, when none, the seconds until p_want tokens are there again.
                CREATE OR REPLACE FUNCTION cns.take_rate_tokens(p_partition text, p_want integer, p_capacity integer, p_per_second double precision)
                RETURNS TABLE (granted integer, retry_after_seconds double precision)
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                DECLARE
                  v_now timestamptz := clock_timestamp();
                  v_tokens double precision;
                  v_granted integer;
                BEGIN
                  INSERT INTO cns_limits.token_buckets AS b (partition, tokens, refilled_at) VALUES (p_partition, p_capacity, v_now)
                  ON CONFLICT (partition) DO UPDATE
                    SET tokens = LEAST(p_capacity::double precision,
                                       b.tokens + GREATEST(0, extract(epoch FROM v_now - b.refilled_at)) * p_per_second),
                        refilled_at = GREATEST(b.refilled_at, v_now)
                  RETURNING b.tokens INTO v_tokens;
                  v_granted := GREATEST(0, LEAST(p_want, floor(v_tokens)))::integer;
                  IF v_granted > 0 THEN
                    UPDATE cns_limits.token_buckets SET tokens = tokens - v_granted WHERE partition = p_partition;
                  END IF;
                  -- Buckets idle for a day are full anyway: dropped now and then, so client addresses do not pile up.
                  IF random() < 0.0005 THEN
                    DELETE FROM cns_limits.token_buckets WHERE refilled_at < v_now - interval '1 day';
                  END IF;
                  granted := v_granted;
                  retry_after_seconds := CASE WHEN v_granted > 0 THEN 0 ELSE (p_want - v_tokens) / p_per_second END;
                  RETURN NEXT;
                END $fn$;
                REVOKE ALL ON FUNCTION cns.take_rate_tokens(text, integer, integer, double precision) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS cns.take_rate_tokens(text, integer, integer, double precision);
                DROP SCHEMA IF EXISTS cns_limits CASCADE;
                """);
        }
    }
}
