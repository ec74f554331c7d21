using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// A scan is charged to its sandbox's storage quota by its own INSERT (trigger <c>prescription_scans_charge</c>, which
    /// calls <c>cns.charge_storage</c> as before, subtransaction and all), so the validation's save is one batch in one
    /// implicit transaction: the stripe's row is held from the scan's row to the end of that batch's commit, with no round
    /// trip of the client in between, and the physiotherapy path needs no BEGIN/COMMIT (issue 24). The quota comes from
    /// the session setting <c>cns.storage_quota</c>, which the application sets with <c>cns.sandbox</c> when it opens a
    /// connection (<c>none</c>: counted, not limited); a scan written without it is refused. Past the quota the INSERT
    /// fails with SQLSTATE CNSQ0 and the whole batch rolls back: nothing is stored.
    /// <para>
    /// <c>cns.any_webhook_endpoint()</c> (run as the owner: the application role sees no sandbox's rows without the sandbox
    /// setting): whether any process's webhook dispatcher has anything to wake for, so that event commits skip their
    /// after-commit NOTIFY when no endpoint exists.
    /// </para>
    /// </summary>
    public partial class QuotaChargedByTheScanInsert : Migration
    {
        private const string UpSql = """
            CREATE OR REPLACE FUNCTION cns.prescription_scans_charge() RETURNS trigger
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE q text := current_setting('cns.storage_quota', true);
            BEGIN
              IF q IS NULL OR q = '' THEN
                RAISE EXCEPTION 'cns.storage_quota is not set: the quota of the scan''s sandbox is unknown' USING ERRCODE = 'CNSQ2';
              END IF;
              IF NOT cns.charge_storage(NEW.sandbox_id, NEW.size_bytes, CASE WHEN q = 'none' THEN NULL ELSE q::bigint END) THEN
                RAISE EXCEPTION 'sandbox storage quota exceeded' USING ERRCODE = 'CNSQ0';
              END IF;
              RETURN NULL;
            END $fn$;
            CREATE TRIGGER prescription_scans_charge AFTER INSERT ON cns.prescription_scans
              FOR EACH ROW EXECUTE FUNCTION cns.prescription_scans_charge();

            CREATE OR REPLACE FUNCTION cns.any_webhook_endpoint() RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
              SELECT EXISTS (SELECT 1 FROM cns.webhook_endpoints w WHERE w.disabled_at IS NULL)
            $fn$;
            REVOKE ALL ON FUNCTION cns.any_webhook_endpoint() FROM PUBLIC;
            """;

        private const string DownSql = """
            DROP FUNCTION IF EXISTS cns.any_webhook_endpoint();
            DROP TRIGGER IF EXISTS prescription_scans_charge ON cns.prescription_scans;
            DROP FUNCTION IF EXISTS cns.prescription_scans_charge();
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(UpSql);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(DownSql);
    }
}
