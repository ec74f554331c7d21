using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Every change to what authentication answers (a key revoked, changed or removed; a sandbox's clock moved; a sandbox
    /// being deleted or gone) sends <c>NOTIFY cns_directory</c> in its own transaction, so that the processes that keep
    /// keys and clocks in memory (<see cref="Sandbox.DirectoryChanges"/>) drop them at the commit. Payload: <c>k:</c> and
    /// the key's hash, <c>s:</c> and the sandbox's id, or <c>*</c> (a table emptied). These changes are rare: the
    /// notification lock they take at commit costs the hot paths nothing.
    /// </summary>
    public partial class DirectoryChangeNotifications : Migration
    {
        private const string UpSql = """
            CREATE OR REPLACE FUNCTION cns.directory_changed() RETURNS trigger
            LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
              IF TG_OP = 'TRUNCATE' THEN
                PERFORM pg_notify('cns_directory', '*');
              ELSIF TG_TABLE_NAME = 'sandboxes' THEN
                PERFORM pg_notify('cns_directory', 's:' || OLD.id::text);
              ELSE
                PERFORM pg_notify('cns_directory', 'k:' || OLD.key_hash);
                IF TG_OP = 'UPDATE' AND NEW.key_hash IS DISTINCT FROM OLD.key_hash THEN
                  PERFORM pg_notify('cns_directory', 'k:' || NEW.key_hash);
                END IF;
              END IF;
              RETURN NULL;
            END $fn$;

            CREATE TRIGGER directory_changed AFTER UPDATE OF clock_mode, clock_frozen_at, clock_offset, deleting_at OR DELETE ON cns.sandboxes
              FOR EACH ROW EXECUTE FUNCTION cns.directory_changed();
            CREATE TRIGGER directory_emptied AFTER TRUNCATE ON cns.sandboxes FOR EACH STATEMENT EXECUTE FUNCTION cns.directory_changed();
            CREATE TRIGGER directory_changed AFTER UPDATE OR DELETE ON cns.api_keys FOR EACH ROW EXECUTE FUNCTION cns.directory_changed();
            CREATE TRIGGER directory_emptied AFTER TRUNCATE ON cns.api_keys FOR EACH STATEMENT EXECUTE FUNCTION cns.directory_changed();
            CREATE TRIGGER directory_changed AFTER UPDATE OR DELETE ON cns.operator_keys FOR EACH ROW EXECUTE FUNCTION cns.directory_changed();
            CREATE TRIGGER directory_emptied AFTER TRUNCATE ON cns.operator_keys FOR EACH STATEMENT EXECUTE FUNCTION cns.directory_changed();
            """;

        private const string DownSql = """
            DROP TRIGGER IF EXISTS directory_changed ON cns.sandboxes;
            DROP TRIGGER IF EXISTS directory_emptied ON cns.sandboxes;
            DROP TRIGGER IF EXISTS directory_changed ON cns.api_keys;
            DROP TRIGGER IF EXISTS directory_emptied ON cns.api_keys;
            DROP TRIGGER IF EXISTS directory_changed ON cns.operator_keys;
            DROP TRIGGER IF EXISTS directory_emptied ON cns.operator_keys;
            DROP FUNCTION IF EXISTS cns.directory_changed();
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(UpSql);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(DownSql);
    }
}
