using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// BIL-15 with LIF-02/03: a void or replacement of a memoir now withdraws the contestations still pending on its lines.
    /// Those a void left pending before (their line released) are withdrawn as the void would have done, at the instant
    /// the line was released. Down puts them back to pending, as the code before this migration left them.
    /// </summary>
    public partial class ContestationsWithdrawnWithTheirMemoir : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(WithRowLevelSecurityLifted("""
            WITH withdrawn AS (
              UPDATE cns.line_contestations c
              SET status = 'Withdrawn', decided_at = l.released_at, payable_after = 0,
                  decided_by = CASE WHEN m.replaced_by_memoir_id IS NULL THEN 'memoir-void' ELSE 'memoir-replacement' END,
                  decision_note = CASE WHEN m.replaced_by_memoir_id IS NULL
                    THEN 'The provider voided the memoir before a reviewer decided (LIF-02): the line is released and nothing is paid for it.'
                    ELSE 'The provider replaced the memoir before a reviewer decided (LIF-03): the line is released and nothing is paid for it.' END
              FROM cns.fee_memoir_lines l JOIN cns.fee_memoirs m ON m.id = l.memoir_id
              WHERE l.id = c.line_id AND c.status = 'Pending' AND l.released_at IS NOT NULL
              RETURNING c.line_id)
            UPDATE cns.fee_memoir_lines SET contestation_status = 'Withdrawn',
              reasons = reasons || '[{"code":"CONTESTATION_WITHDRAWN","severity":"information","rule":"BIL-15","field":null,"detail":null}]'::jsonb
            WHERE id IN (SELECT line_id FROM withdrawn);
            """));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(WithRowLevelSecurityLifted("""
            UPDATE cns.line_contestations SET status = 'Pending', decided_at = NULL, decided_by = NULL, decision_note = NULL, payable_after = NULL
            WHERE status = 'Withdrawn';
            UPDATE cns.fee_memoir_lines SET contestation_status = 'Pending',
              reasons = (SELECT coalesce(jsonb_agg(r), '[]'::jsonb) FROM jsonb_array_elements(reasons) r WHERE r->>'code' <> 'CONTESTATION_WITHDRAWN')
            WHERE contestation_status = 'Withdrawn';
            """));

        /// <summary>The owner reads every sandbox's rows only while the policies are not forced on it.</summary>
        private static string WithRowLevelSecurityLifted(string sql) => $"""
            ALTER TABLE cns.fee_memoirs NO FORCE ROW LEVEL SECURITY;
            ALTER TABLE cns.fee_memoir_lines NO FORCE ROW LEVEL SECURITY;
            ALTER TABLE cns.line_contestations NO FORCE ROW LEVEL SECURITY;
            {sql}
            ALTER TABLE cns.line_contestations FORCE ROW LEVEL SECURITY;
            ALTER TABLE cns.fee_memoir_lines FORCE ROW LEVEL SECURITY;
            ALTER TABLE cns.fee_memoirs FORCE ROW LEVEL SECURITY;
            """;
    }
}
