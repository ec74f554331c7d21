using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The check that a bulk COPY inserts only lines of the session's sandbox (BillingLinesCopiedInTheirSandbox) reads the
    /// session's sandbox once per statement instead of once per line: evaluated in the scan's condition, the setting was
    /// looked up by name and its text parsed as a uuid for each of the statement's lines (issue 24, P2:
    /// `pg_stat_statements` gave that scan 235 ms for 400,000 lines, as much as the references check with its look-ups).
    /// Same check, same error.
    /// </summary>
    public partial class SessionSandboxReadOncePerStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION cns.fee_memoir_lines_in_session_sandbox() RETURNS trigger LANGUAGE plpgsql AS $f$
                DECLARE session_sandbox uuid;
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = current_user AND r.rolbypassrls AND NOT r.rolsuper) THEN
                    RETURN NULL; -- under row-level security, the policy has checked every row
                  END IF;
                  session_sandbox := NULLIF(pg_catalog.current_setting('cns.sandbox', true), '')::uuid;
                  IF EXISTS (SELECT 1 FROM new_lines l WHERE l.sandbox_id IS DISTINCT FROM session_sandbox) THEN
                    RAISE EXCEPTION 'new row violates row-level security policy for table "fee_memoir_lines"'
                      USING ERRCODE = 'insufficient_privilege';
                  END IF;
                  RETURN NULL;
                END $f$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION cns.fee_memoir_lines_in_session_sandbox() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = current_user AND r.rolbypassrls AND NOT r.rolsuper) THEN
                    RETURN NULL; -- under row-level security, the policy has checked every row
                  END IF;
                  IF EXISTS (SELECT 1 FROM new_lines l WHERE l.sandbox_id IS DISTINCT FROM NULLIF(pg_catalog.current_setting('cns.sandbox', true), '')::uuid) THEN
                    RAISE EXCEPTION 'new row violates row-level security policy for table "fee_memoir_lines"'
                      USING ERRCODE = 'insufficient_privilege';
                  END IF;
                  RETURN NULL;
                END $f$;
                """);
        }
    }
}
