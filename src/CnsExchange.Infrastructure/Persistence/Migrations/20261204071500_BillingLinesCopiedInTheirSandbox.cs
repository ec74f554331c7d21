using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// A billing file's lines are copied straight into <c>fee_memoir_lines</c> (issue 24, P2): PostgreSQL refuses COPY FROM
    /// into a table under row-level security, so the import switches, for the COPY only, to the application role's bulk
    /// role (<c>&lt;app role&gt;_bulk</c>, made by the start-up: no login, INSERT on this one table, BYPASSRLS). What the
    /// policy checked for each row is checked here for each statement instead:
    /// - <c>trg_fee_memoir_lines_in_session_sandbox</c>: a role that bypasses row-level security without being a superuser
    ///   (the bulk role) inserts only lines of the session's sandbox (<c>cns.sandbox</c>), the policy's WITH CHECK, with
    ///   the policy's error (42501);
    /// - the INS-04/INS-08 check of new lines (<c>memoir_session_not_reimbursed</c>) runs as its owner and compares the sandbox
    ///   itself, as the references check does: the bulk role reads no table.
    /// </summary>
    public partial class BillingLinesCopiedInTheirSandbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION cns.fee_memoir_lines_in_session_sandbox() RETURNS trigger LANGUAGE plpgsql AS $f$
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
                CREATE TRIGGER trg_fee_memoir_lines_in_session_sandbox AFTER INSERT ON cns.fee_memoir_lines
                  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_lines_in_session_sandbox();

                CREATE OR REPLACE FUNCTION cns.memoir_session_not_reimbursed() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
                DECLARE hit record;
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM cns.reimbursement_claim_lines) THEN RETURN NULL; END IF;
                  SELECT n.voucher_id, n.session_date INTO hit
                  FROM new_lines n JOIN cns.reimbursement_claim_lines c
                    ON c.voucher_id = n.voucher_id AND c.service_date = n.session_date AND c.sandbox_id = n.sandbox_id
                  WHERE n.voucher_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced') AND n.released_at IS NULL
                    AND n.hospital_stay_id IS NULL AND NOT n.travel_allowance AND c.outcome IN ('Accepted', 'Reduced')
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'SESSION_ALREADY_PAID: the session of % on voucher % is reimbursed to the insured (INS-04)', hit.session_date, hit.voucher_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins04_session_paid_once';
                  END IF;
                  SELECT n.hospital_stay_id, n.session_date, n.act_code INTO hit
                  FROM new_lines n JOIN cns.reimbursement_claim_lines c ON c.hospital_stay_id = n.hospital_stay_id AND c.provider_id = n.provider_id
                    AND c.service_date = n.session_date AND c.act_code = n.act_code AND c.sandbox_id = n.sandbox_id
                  WHERE n.hospital_stay_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced') AND n.released_at IS NULL
                    AND c.outcome IN ('Accepted', 'Reduced')
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'FEE_ALREADY_PAID: the fee % of % in hospital stay % is reimbursed to the insured (INS-08)', hit.act_code, hit.session_date, hit.hospital_stay_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins08_fee_paid_once';
                  END IF;
                  RETURN NULL;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS trg_fee_memoir_lines_in_session_sandbox ON cns.fee_memoir_lines;
                DROP FUNCTION IF EXISTS cns.fee_memoir_lines_in_session_sandbox();
                ALTER FUNCTION cns.memoir_session_not_reimbursed() SECURITY INVOKER RESET ALL;
                CREATE OR REPLACE FUNCTION cns.memoir_session_not_reimbursed() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE hit record;
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM cns.reimbursement_claim_lines) THEN RETURN NULL; END IF;
                  SELECT n.voucher_id, n.session_date INTO hit
                  FROM new_lines n JOIN cns.reimbursement_claim_lines c ON c.voucher_id = n.voucher_id AND c.service_date = n.session_date
                  WHERE n.voucher_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced') AND n.released_at IS NULL
                    AND n.hospital_stay_id IS NULL AND NOT n.travel_allowance AND c.outcome IN ('Accepted', 'Reduced')
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'SESSION_ALREADY_PAID: the session of % on voucher % is reimbursed to the insured (INS-04)', hit.session_date, hit.voucher_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins04_session_paid_once';
                  END IF;
                  SELECT n.hospital_stay_id, n.session_date, n.act_code INTO hit
                  FROM new_lines n JOIN cns.reimbursement_claim_lines c ON c.hospital_stay_id = n.hospital_stay_id AND c.provider_id = n.provider_id
                    AND c.service_date = n.session_date AND c.act_code = n.act_code
                  WHERE n.hospital_stay_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced') AND n.released_at IS NULL
                    AND c.outcome IN ('Accepted', 'Reduced')
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'FEE_ALREADY_PAID: the fee % of % in hospital stay % is reimbursed to the insured (INS-08)', hit.act_code, hit.session_date, hit.hospital_stay_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins08_fee_paid_once';
                  END IF;
                  RETURN NULL;
                END $$;
                """);
        }
    }
}
