using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The tables of the care-request subtypes (table per type: validation_requests, cure_authorisations,
    /// rehabilitation_authorisations) get a <c>sandbox_id</c> of their own, and their row-level-security policy compares it
    /// with the session's sandbox like every other table's, instead of looking for the row's <c>care_requests</c> row
    /// (issue 24). That look-up is a subquery under care_requests' own policy, planned once per prepared statement with the
    /// estimate for the sandbox current then: planned in a sandbox the statistics do not know yet, it read every
    /// care request of the sandbox through <c>ix_care_requests_voucher_id</c> (id as a filter) for each row checked, so each
    /// validation's INSERT read more the more its sandbox held (P1 over 10 new sandboxes: 536 buffers per INSERT against 11;
    /// bench/results/2026-12-05-p1-subtype-policy.md). A plain comparison has no plan to go wrong.
    /// <para>
    /// The column is the database's alone (EF Core maps a table-per-type entity's base properties to the base table only):
    /// its default is the session's sandbox, which the policy's WITH CHECK requires, and a subtype row is written in the same
    /// save as its care_requests row (the same setting), whose foreign key it keeps: the rule the scans, voucher services
    /// and fingerprints follow (<c>SandboxModel.SandboxThroughParent</c>). Existing rows take their care request's sandbox.
    /// </para>
    /// </summary>
    public partial class RequestSubtypesCarryTheirSandbox : Migration
    {
        private static readonly string[] Subtypes = ["cure_authorisations", "rehabilitation_authorisations", "validation_requests"];

        private const string Current = "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The owner reads every sandbox's rows for the backfill only while the policies are not forced on it.
            migrationBuilder.Sql("ALTER TABLE cns.care_requests NO FORCE ROW LEVEL SECURITY;");
            foreach (var t in Subtypes)
                migrationBuilder.Sql($"""
                    ALTER TABLE cns.{t} NO FORCE ROW LEVEL SECURITY;
                    ALTER TABLE cns.{t} ADD COLUMN sandbox_id uuid;
                    UPDATE cns.{t} x SET sandbox_id = r.sandbox_id FROM cns.care_requests r WHERE r.id = x.id;
                    ALTER TABLE cns.{t} ALTER COLUMN sandbox_id SET DEFAULT {Current}, ALTER COLUMN sandbox_id SET NOT NULL;
                    DROP POLICY sandbox_isolation ON cns.{t};
                    CREATE POLICY sandbox_isolation ON cns.{t} USING (sandbox_id = {Current}) WITH CHECK (sandbox_id = {Current});
                    ALTER TABLE cns.{t} FORCE ROW LEVEL SECURITY;
                    """);
            migrationBuilder.Sql("ALTER TABLE cns.care_requests FORCE ROW LEVEL SECURITY;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var t in Subtypes)
                migrationBuilder.Sql($"""
                    DROP POLICY sandbox_isolation ON cns.{t};
                    CREATE POLICY sandbox_isolation ON cns.{t}
                      USING (EXISTS (SELECT 1 FROM cns.care_requests r WHERE r.id = {t}.id))
                      WITH CHECK (EXISTS (SELECT 1 FROM cns.care_requests r WHERE r.id = {t}.id));
                    ALTER TABLE cns.{t} DROP COLUMN sandbox_id;
                    """);
        }
    }
}
