using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// One function refuses deleting a row that a fee memoir line or a fee memoir still names, in place of two that differed
    /// only by the table and column they looked in (<c>fee_memoir_line_parent_not_named</c> of LineReferencesPerStatement,
    /// <c>fee_memoir_parent_not_named</c> of MemoirReferencesPerStatement). Each parent's trigger names the child table, its
    /// column and the constraint; the look-up is the same (by the deleted rows' sandbox, then their ids), and so are the
    /// errors (23503 under the dropped key's name, the same message). It runs as its owner, as the memoirs' one did: the
    /// rows it must see are those of the deleted rows' sandboxes, whatever the session's.
    /// </summary>
    public partial class ParentNotNamedOneFunction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                -- Arguments: the dropped key's name, the child table (schema cns), its column naming the parent, how the error names a child row.
                CREATE FUNCTION cns.parent_not_named() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
                DECLARE s uuid; ids uuid[]; child uuid;
                BEGIN
                  FOR s, ids IN SELECT g.sandbox_id, array_agg(g.id) FROM gone g GROUP BY g.sandbox_id LOOP
                    EXECUTE format('SELECT c.id FROM cns.%I c WHERE c.sandbox_id = $1 AND c.%I = ANY ($2) LIMIT 1', TG_ARGV[1], TG_ARGV[2])
                      INTO child USING s, ids;
                    IF child IS NOT NULL THEN
                      RAISE EXCEPTION 'a row of % is still named by % %', TG_TABLE_NAME, TG_ARGV[3], child
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0];
                    END IF;
                  END LOOP;
                  RETURN NULL;
                END $f$;

                DROP TRIGGER trg_vouchers_named_by_lines ON cns.vouchers;
                DROP TRIGGER trg_voucher_services_named_by_lines ON cns.voucher_services;
                DROP TRIGGER trg_insured_named_by_lines ON cns.insured;
                DROP TRIGGER trg_providers_named_by_memoirs ON cns.providers;
                DROP TRIGGER trg_billing_files_named_by_memoirs ON cns.billing_files;
                DROP FUNCTION cns.fee_memoir_line_parent_not_named();
                DROP FUNCTION cns.fee_memoir_parent_not_named();

                CREATE TRIGGER trg_vouchers_named_by_lines AFTER DELETE ON cns.vouchers REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
                  EXECUTE FUNCTION cns.parent_not_named('fk_fee_memoir_lines_vouchers_voucher_id', 'fee_memoir_lines', 'voucher_id', 'fee memoir line');
                CREATE TRIGGER trg_voucher_services_named_by_lines AFTER DELETE ON cns.voucher_services REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
                  EXECUTE FUNCTION cns.parent_not_named('fk_fee_memoir_lines_voucher_service_voucher_service_id', 'fee_memoir_lines', 'voucher_service_id', 'fee memoir line');
                CREATE TRIGGER trg_insured_named_by_lines AFTER DELETE ON cns.insured REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
                  EXECUTE FUNCTION cns.parent_not_named('fk_fee_memoir_lines_insured_insured_id', 'fee_memoir_lines', 'insured_id', 'fee memoir line');
                CREATE TRIGGER trg_providers_named_by_memoirs AFTER DELETE ON cns.providers REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
                  EXECUTE FUNCTION cns.parent_not_named('fk_fee_memoirs_providers_provider_id', 'fee_memoirs', 'provider_id', 'fee memoir');
                CREATE TRIGGER trg_billing_files_named_by_memoirs AFTER DELETE ON cns.billing_files REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
                  EXECUTE FUNCTION cns.parent_not_named('fk_fee_memoirs_billing_files_billing_file_id', 'fee_memoirs', 'billing_file_id', 'fee memoir');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_vouchers_named_by_lines ON cns.vouchers;
                DROP TRIGGER trg_voucher_services_named_by_lines ON cns.voucher_services;
                DROP TRIGGER trg_insured_named_by_lines ON cns.insured;
                DROP TRIGGER trg_providers_named_by_memoirs ON cns.providers;
                DROP TRIGGER trg_billing_files_named_by_memoirs ON cns.billing_files;
                DROP FUNCTION cns.parent_not_named();

                CREATE FUNCTION cns.fee_memoir_line_parent_not_named() RETURNS trigger LANGUAGE plpgsql AS $f$
                DECLARE s uuid; ids uuid[]; line uuid;
                BEGIN
                  FOR s, ids IN SELECT g.sandbox_id, array_agg(g.id) FROM gone g GROUP BY g.sandbox_id LOOP
                    IF TG_TABLE_NAME = 'vouchers' THEN
                      SELECT l.id INTO line FROM cns.fee_memoir_lines l WHERE l.sandbox_id = s AND l.voucher_id = ANY (ids) LIMIT 1;
                    ELSIF TG_TABLE_NAME = 'voucher_services' THEN
                      SELECT l.id INTO line FROM cns.fee_memoir_lines l WHERE l.sandbox_id = s AND l.voucher_service_id = ANY (ids) LIMIT 1;
                    ELSE
                      SELECT l.id INTO line FROM cns.fee_memoir_lines l WHERE l.sandbox_id = s AND l.insured_id = ANY (ids) LIMIT 1;
                    END IF;
                    IF line IS NOT NULL THEN
                      RAISE EXCEPTION 'a row of % is still named by fee memoir line %', TG_TABLE_NAME, line
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0];
                    END IF;
                  END LOOP;
                  RETURN NULL;
                END $f$;
                CREATE FUNCTION cns.fee_memoir_parent_not_named() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
                DECLARE s uuid; ids uuid[]; memoir uuid;
                BEGIN
                  FOR s, ids IN SELECT g.sandbox_id, array_agg(g.id) FROM gone g GROUP BY g.sandbox_id LOOP
                    IF TG_TABLE_NAME = 'providers' THEN
                      SELECT m.id INTO memoir FROM cns.fee_memoirs m WHERE m.sandbox_id = s AND m.provider_id = ANY (ids) LIMIT 1;
                    ELSE
                      SELECT m.id INTO memoir FROM cns.fee_memoirs m WHERE m.sandbox_id = s AND m.billing_file_id = ANY (ids) LIMIT 1;
                    END IF;
                    IF memoir IS NOT NULL THEN
                      RAISE EXCEPTION 'a row of % is still named by fee memoir %', TG_TABLE_NAME, memoir
                        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0];
                    END IF;
                  END LOOP;
                  RETURN NULL;
                END $f$;

                CREATE TRIGGER trg_vouchers_named_by_lines AFTER DELETE ON cns.vouchers REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_line_parent_not_named('fk_fee_memoir_lines_vouchers_voucher_id');
                CREATE TRIGGER trg_voucher_services_named_by_lines AFTER DELETE ON cns.voucher_services REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_line_parent_not_named('fk_fee_memoir_lines_voucher_service_voucher_service_id');
                CREATE TRIGGER trg_insured_named_by_lines AFTER DELETE ON cns.insured REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_line_parent_not_named('fk_fee_memoir_lines_insured_insured_id');
                CREATE TRIGGER trg_providers_named_by_memoirs AFTER DELETE ON cns.providers REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_parent_not_named('fk_fee_memoirs_providers_provider_id');
                CREATE TRIGGER trg_billing_files_named_by_memoirs AFTER DELETE ON cns.billing_files REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_parent_not_named('fk_fee_memoirs_billing_files_billing_file_id');
                """);
        }
    }
}
