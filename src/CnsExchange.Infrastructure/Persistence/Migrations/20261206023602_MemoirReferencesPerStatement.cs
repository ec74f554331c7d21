using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// A fee memoir's sandbox, provider and billing file are checked once per statement, like its lines' references
    /// (LineReferencesPerStatement, LineMemoirPerStatement), instead of by three foreign keys that PostgreSQL checks row by
    /// row (issue 24, P2: for a 1M-line billing file, 125,000 memoirs and 375,000 look-ups with a FOR KEY SHARE lock each;
    /// measured with the keys dropped, the memoirs' INSERT took half the time: 1,487 → 726 ms at 200,000 lines).
    /// What the keys did is kept by triggers, with the keys' errors (23503 under the dropped constraints' names):
    /// - after an INSERT, over its memoirs (transition table): each sandbox, provider and billing file named exists, the
    ///   provider and the file in the memoir's sandbox, each locked FOR KEY SHARE once per statement as the keys' checks
    ///   did, so that no concurrent transaction deletes them before this one commits;
    /// - deleting a provider or a billing file that a memoir names is refused (the keys' ON DELETE RESTRICT; after the
    ///   DELETE statement, over its deleted rows, looked up by sandbox);
    /// - deleting a sandbox deletes its memoirs first (the key's ON DELETE CASCADE; the lines go with their memoirs);
    /// - the ids of sandboxes, providers and billing files never change (the keys' ON UPDATE NO ACTION), nor a memoir's
    ///   billing file (as its id, provider and sandbox never did).
    /// The EF model keeps the relationships (the order of inserts and of a sandbox's deletion); only the database
    /// constraints are gone (FeeMemoirConfiguration says so, LineReferenceTests show each guarantee).
    /// </summary>
    public partial class MemoirReferencesPerStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE cns.fee_memoirs
                  DROP CONSTRAINT fk_fee_memoirs_sandboxes_sandbox_id,
                  DROP CONSTRAINT fk_fee_memoirs_providers_provider_id,
                  DROP CONSTRAINT fk_fee_memoirs_billing_files_billing_file_id;

                CREATE FUNCTION cns.fee_memoirs_references_exist() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS $f$
                DECLARE wanted bigint; seen bigint;
                BEGIN
                  -- Its sandbox exists: one primary-key look-up per sandbox named, locked FOR KEY SHARE as the key's check did.
                  SELECT count(*), count(p.id) INTO wanted, seen
                  FROM (SELECT DISTINCT m.sandbox_id FROM new_memoirs m) w
                  LEFT JOIN LATERAL (SELECT p.id FROM cns.sandboxes p WHERE p.id = w.sandbox_id FOR KEY SHARE OF p) p ON true;
                  IF seen <> wanted THEN
                    RAISE EXCEPTION 'a fee memoir names a sandbox that does not exist'
                      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoirs_sandboxes_sandbox_id';
                  END IF;
                  -- Its provider and its billing file exist in its sandbox: one look-up per row named.
                  SELECT count(*), count(*) FILTER (WHERE p.sandbox_id = w.sandbox_id) INTO wanted, seen
                  FROM (SELECT DISTINCT m.provider_id, m.sandbox_id FROM new_memoirs m) w
                  LEFT JOIN LATERAL (SELECT p.sandbox_id FROM cns.providers p WHERE p.id = w.provider_id FOR KEY SHARE OF p) p ON true;
                  IF seen <> wanted THEN
                    RAISE EXCEPTION 'a fee memoir names a provider that does not exist in its sandbox'
                      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoirs_providers_provider_id';
                  END IF;
                  SELECT count(*), count(*) FILTER (WHERE p.sandbox_id = w.sandbox_id) INTO wanted, seen
                  FROM (SELECT DISTINCT m.billing_file_id, m.sandbox_id FROM new_memoirs m WHERE m.billing_file_id IS NOT NULL) w
                  LEFT JOIN LATERAL (SELECT p.sandbox_id FROM cns.billing_files p WHERE p.id = w.billing_file_id FOR KEY SHARE OF p) p ON true;
                  IF seen <> wanted THEN
                    RAISE EXCEPTION 'a fee memoir names a billing file that does not exist in its sandbox'
                      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_fee_memoirs_billing_files_billing_file_id';
                  END IF;
                  RETURN NULL;
                END $f$;
                CREATE TRIGGER trg_fee_memoirs_references AFTER INSERT ON cns.fee_memoirs
                  REFERENCING NEW TABLE AS new_memoirs FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoirs_references_exist();

                -- The parent side: a provider or a billing file a memoir names stays. A memoir names them in its own sandbox
                -- (above), so looking in the deleted rows' sandboxes is enough (the memoirs' indexes begin with the sandbox).
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
                CREATE TRIGGER trg_providers_named_by_memoirs AFTER DELETE ON cns.providers REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_parent_not_named('fk_fee_memoirs_providers_provider_id');
                CREATE TRIGGER trg_billing_files_named_by_memoirs AFTER DELETE ON cns.billing_files REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION cns.fee_memoir_parent_not_named('fk_fee_memoirs_billing_files_billing_file_id');

                -- The sandbox key's ON DELETE CASCADE: a sandbox's memoirs are deleted before it (its providers, which the
                -- sandbox's other keys delete with it, are then named by none). Sandboxes are deleted one by one.
                CREATE FUNCTION cns.fee_memoirs_go_with_their_sandbox() RETURNS trigger LANGUAGE plpgsql
                  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
                BEGIN
                  DELETE FROM cns.fee_memoirs m WHERE m.sandbox_id = OLD.id;
                  RETURN OLD;
                END $f$;
                CREATE TRIGGER trg_sandboxes_memoirs_cascade BEFORE DELETE ON cns.sandboxes
                  FOR EACH ROW EXECUTE FUNCTION cns.fee_memoirs_go_with_their_sandbox();

                -- What the checks rest on never changes: the parents' ids, and a memoir's billing file (with its id, provider
                -- and sandbox, which never changed already).
                CREATE TRIGGER trg_sandboxes_id_fixed BEFORE UPDATE OF id ON cns.sandboxes
                  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_references_fixed');
                CREATE TRIGGER trg_providers_id_fixed BEFORE UPDATE OF id ON cns.providers
                  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_references_fixed');
                CREATE TRIGGER trg_billing_files_id_fixed BEFORE UPDATE OF id ON cns.billing_files
                  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_references_fixed');
                DROP TRIGGER trg_fee_memoirs_provider_fixed ON cns.fee_memoirs;
                CREATE TRIGGER trg_fee_memoirs_provider_fixed
                  BEFORE UPDATE OF id, provider_id, sandbox_id, billing_file_id ON cns.fee_memoirs
                  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.provider_id IS DISTINCT FROM OLD.provider_id
                    OR NEW.sandbox_id IS DISTINCT FROM OLD.sandbox_id OR NEW.billing_file_id IS DISTINCT FROM OLD.billing_file_id)
                  EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_line_references_fixed');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_fee_memoirs_provider_fixed ON cns.fee_memoirs;
                CREATE TRIGGER trg_fee_memoirs_provider_fixed
                  BEFORE UPDATE OF id, provider_id, sandbox_id ON cns.fee_memoirs
                  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.provider_id IS DISTINCT FROM OLD.provider_id OR NEW.sandbox_id IS DISTINCT FROM OLD.sandbox_id)
                  EXECUTE FUNCTION cns.references_are_fixed('fee_memoir_line_references_fixed');
                DROP TRIGGER trg_billing_files_id_fixed ON cns.billing_files;
                DROP TRIGGER trg_providers_id_fixed ON cns.providers;
                DROP TRIGGER trg_sandboxes_id_fixed ON cns.sandboxes;
                DROP TRIGGER trg_sandboxes_memoirs_cascade ON cns.sandboxes;
                DROP FUNCTION cns.fee_memoirs_go_with_their_sandbox();
                DROP TRIGGER trg_billing_files_named_by_memoirs ON cns.billing_files;
                DROP TRIGGER trg_providers_named_by_memoirs ON cns.providers;
                DROP FUNCTION cns.fee_memoir_parent_not_named();
                DROP TRIGGER trg_fee_memoirs_references ON cns.fee_memoirs;
                DROP FUNCTION cns.fee_memoirs_references_exist();

                ALTER TABLE cns.fee_memoirs
                  ADD CONSTRAINT fk_fee_memoirs_sandboxes_sandbox_id FOREIGN KEY (sandbox_id) REFERENCES cns.sandboxes (id) ON DELETE CASCADE,
                  ADD CONSTRAINT fk_fee_memoirs_providers_provider_id FOREIGN KEY (provider_id) REFERENCES cns.providers (id) ON DELETE RESTRICT,
                  ADD CONSTRAINT fk_fee_memoirs_billing_files_billing_file_id FOREIGN KEY (billing_file_id) REFERENCES cns.billing_files (id) ON DELETE RESTRICT;
                """);
        }
    }
}
