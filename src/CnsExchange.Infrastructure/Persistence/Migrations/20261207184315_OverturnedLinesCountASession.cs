using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// BIL-06 (audit s68, cross F1): an overturned refused line now takes a session of its voucher service, and gives it
    /// back when released. Lines overturned before took none: each voucher service counts them now, never above the
    /// sessions it grants (the check constraint), so that a later release gives back no session it never took.
    /// </summary>
    public partial class OverturnedLinesCountASession : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(Recount("LEAST(s.sessions_granted, s.sessions_billed + o.n)"));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(Recount("GREATEST(0, s.sessions_billed - o.n)"));

        /// <summary>
        /// Sets each voucher service's sessions billed to <paramref name="billed"/>, where <c>o.n</c> is its count of refused
        /// lines overturned and not released. The owner reads every sandbox's rows only while the policies are not forced on it.
        /// </summary>
        private static string Recount(string billed) => $"""
            ALTER TABLE cns.fee_memoir_lines NO FORCE ROW LEVEL SECURITY;
            ALTER TABLE cns.voucher_services NO FORCE ROW LEVEL SECURITY;
            UPDATE cns.voucher_services s SET sessions_billed = {billed}
            FROM (SELECT voucher_service_id AS id, count(*)::int AS n FROM cns.fee_memoir_lines
                  WHERE outcome = 'Refused' AND contestation_status = 'Overturned' AND released_at IS NULL AND voucher_service_id IS NOT NULL
                  GROUP BY voucher_service_id) o
            WHERE s.id = o.id;
            ALTER TABLE cns.voucher_services FORCE ROW LEVEL SECURITY;
            ALTER TABLE cns.fee_memoir_lines FORCE ROW LEVEL SECURITY;
            """;
    }
}
