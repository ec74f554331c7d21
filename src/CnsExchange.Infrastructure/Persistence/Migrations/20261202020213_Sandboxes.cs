using System;
using System.Linq;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Sandboxes : Migration
    {
        private const string DefaultSandbox = "00000000-0000-0000-0000-000000000001";

        private const string Current = "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid";

        /// <summary>The tables of a sandbox's data at this migration (each has sandbox_id).</summary>
        private static readonly string[] SandboxTables = ["accident_cases", "affiliation_periods", "api_keys", "billing_file_chunks", "billing_file_contents", "billing_files", "care_plans", "care_requests", "doctors", "fee_memoir_lines", "fee_memoir_simulations", "fee_memoirs", "hospital_participation_counters", "hospital_stay_lines", "hospital_stay_operations", "hospital_stay_participation_years", "hospital_stays", "idempotency_records", "insured", "line_contestations", "payment_files", "payment_orders", "payment_runs", "payment_scheduler_state", "prescription_fingerprints", "prescription_scans", "providers", "rehabilitation_extensions", "request_events", "return_files", "voucher_services", "vouchers"];

        /// <summary>Tables of the subtypes of care_requests (TPT): a row is visible when its care_requests row is.</summary>
        private static readonly string[] RequestSubtypeTables = ["cure_authorisations", "rehabilitation_authorisations", "validation_requests"];

        /// <summary>
        /// Row-level security, forced on the owner too: a unit of work sees and writes only rows of the sandbox in its
        /// setting cns.sandbox (unset: none). Superusers bypass it; the application connects as a role that is not one.
        /// </summary>
        private static string RowLevelSecurity =>
            string.Concat(SandboxTables.Select(t => $"""
                ALTER TABLE cns.{t} ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.{t} FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.{t} USING (sandbox_id = {Current}) WITH CHECK (sandbox_id = {Current});

                """))
            + string.Concat(RequestSubtypeTables.Select(t => $"""
                ALTER TABLE cns.{t} ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.{t} FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.{t}
                  USING (EXISTS (SELECT 1 FROM cns.care_requests r WHERE r.id = {t}.id))
                  WITH CHECK (EXISTS (SELECT 1 FROM cns.care_requests r WHERE r.id = {t}.id));

                """));

        /// <summary>
        /// Work the application role may not do itself, done by the owner for it: finding an API key (and its sandbox's
        /// clock) before any sandbox is known, and analysing the billing lines table after a payment run's claim.
        /// </summary>
        private const string Functions = """
            CREATE OR REPLACE FUNCTION cns.authenticate_key(p_hash text, p_idle interval)
            RETURNS TABLE (key_id uuid, role text, sandbox_id uuid, provider_id uuid, provider_kind text, provider_code text,
                           clock_mode text, clock_frozen_at timestamptz, clock_offset interval)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            #variable_conflict use_column
            BEGIN
              RETURN QUERY SELECT o.id, 'Operator'::text, NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::interval
                FROM cns.operator_keys o WHERE o.key_hash = p_hash AND o.revoked_at IS NULL;
              IF FOUND THEN RETURN; END IF;
              RETURN QUERY SELECT k.id, k.role::text, k.sandbox_id, k.provider_id, p.kind::text, p.code::text,
                                  s.clock_mode::text, s.clock_frozen_at, s.clock_offset
                FROM cns.api_keys k JOIN cns.sandboxes s ON s.id = k.sandbox_id LEFT JOIN cns.providers p ON p.id = k.provider_id
                WHERE k.key_hash = p_hash AND k.revoked_at IS NULL AND s.deleting_at IS NULL;
              IF FOUND THEN
                -- Idle tracking in real time, written at most once a minute per sandbox.
                UPDATE cns.sandboxes s SET last_used_at = now(), deletes_after = CASE WHEN s.deletes_after IS NULL THEN NULL ELSE now() + p_idle END
                FROM cns.api_keys k WHERE k.key_hash = p_hash AND s.id = k.sandbox_id AND s.last_used_at < now() - interval '1 minute';
              END IF;
            END $fn$;
            REVOKE ALL ON FUNCTION cns.authenticate_key(text, interval) FROM PUBLIC;

            CREATE OR REPLACE FUNCTION cns.analyze_fee_memoir_lines() RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
              EXECUTE 'ANALYZE cns.fee_memoir_lines';
            END $fn$;
            REVOKE ALL ON FUNCTION cns.analyze_fee_memoir_lines() FROM PUBLIC;

            -- PAY-06 holds for a sandbox's whole life; deleting the sandbox (deleting_at set first) removes its records too.
            CREATE OR REPLACE FUNCTION cns.payment_run_closed_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                IF EXISTS (SELECT 1 FROM cns.sandboxes s WHERE s.id = OLD.sandbox_id AND s.deleting_at IS NOT NULL) THEN RETURN OLD; END IF;
                RAISE EXCEPTION 'payment run % cannot be deleted (PAY-06)', OLD.number USING ERRCODE = 'restrict_violation';
              END IF;
              IF OLD.status = 'Closed' THEN
                RAISE EXCEPTION 'payment run % is closed and cannot change (PAY-06)', OLD.number USING ERRCODE = 'restrict_violation';
              END IF;
              RETURN NEW;
            END $$;
            CREATE OR REPLACE FUNCTION cns.payment_record_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM cns.sandboxes s WHERE s.id = OLD.sandbox_id AND s.deleting_at IS NOT NULL) THEN
                RETURN OLD;
              END IF;
              RAISE EXCEPTION 'rows of % are written once and never change (PAY-06)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
            END $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing rows, and the new column's default while it is added, belong to the default sandbox.
            migrationBuilder.Sql($"SELECT set_config('cns.sandbox', '{DefaultSandbox}', false);");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_insured_id",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_number",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_provider_id_created_at",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropIndex(
                name: "ix_voucher_services_voucher_id_act_code",
                schema: "cns",
                table: "voucher_services");

            migrationBuilder.DropIndex(
                name: "ix_return_files_created_at_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_return_files_provider_id_created_at_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_return_files_run_id_provider_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_request_events_request_id_sequence",
                schema: "cns",
                table: "request_events");

            migrationBuilder.DropIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions");

            migrationBuilder.DropIndex(
                name: "ix_providers_code",
                schema: "cns",
                table: "providers");

            migrationBuilder.DropIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropIndex(
                name: "ix_prescription_scans_sha256",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropPrimaryKey(
                name: "pk_prescription_fingerprints",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.DropIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.DropPrimaryKey(
                name: "pk_payment_scheduler_state",
                schema: "cns",
                table: "payment_scheduler_state");

            migrationBuilder.DropIndex(
                name: "ix_payment_runs_as_of_id",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropIndex(
                name: "ix_payment_runs_number",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropIndex(
                name: "ix_payment_runs_slot_key",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropIndex(
                name: "ix_payment_runs_status",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropIndex(
                name: "ix_payment_orders_end_to_end_id",
                schema: "cns",
                table: "payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_payment_orders_provider_id",
                schema: "cns",
                table: "payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_payment_orders_run_id_provider_id",
                schema: "cns",
                table: "payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_payment_files_return_file_id",
                schema: "cns",
                table: "payment_files");

            migrationBuilder.DropIndex(
                name: "ix_payment_files_run_id_provider_id_kind_format_language",
                schema: "cns",
                table: "payment_files");

            migrationBuilder.DropIndex(
                name: "ix_line_contestations_line_id",
                schema: "cns",
                table: "line_contestations");

            migrationBuilder.DropIndex(
                name: "ix_line_contestations_memoir_id",
                schema: "cns",
                table: "line_contestations");

            migrationBuilder.DropIndex(
                name: "ix_line_contestations_status_submitted_at_id",
                schema: "cns",
                table: "line_contestations");

            migrationBuilder.DropIndex(
                name: "ix_insured_matricule",
                schema: "cns",
                table: "insured");

            migrationBuilder.DropIndex(
                name: "ix_idempotency_records_scope_key",
                schema: "cns",
                table: "idempotency_records");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stays_insured_id_admission_date",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stays_provider_id_created_at",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropPrimaryKey(
                name: "pk_hospital_stay_participation_years",
                schema: "cns",
                table: "hospital_stay_participation_years");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_operations_stay_id_position",
                schema: "cns",
                table: "hospital_stay_operations");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_lines_stay_id_line_number",
                schema: "cns",
                table: "hospital_stay_lines");

            migrationBuilder.DropPrimaryKey(
                name: "pk_hospital_participation_counters",
                schema: "cns",
                table: "hospital_participation_counters");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_billing_file_id_source_line",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_provider_id_received_at_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_status_due_date",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_simulations_confirmed_memoir_id",
                schema: "cns",
                table: "fee_memoir_simulations");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_simulations_provider_id_created_at",
                schema: "cns",
                table: "fee_memoir_simulations");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_hospital_stay",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_memoir_id_line_number",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_unsettled",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropPrimaryKey(
                name: "pk_doctors",
                schema: "cns",
                table: "doctors");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_decision_due_by",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_insured_id_kind",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_provider_id_kind_received_at_id",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_voucher_id",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_billing_files_content_id",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropIndex(
                name: "ix_billing_files_provider_id_received_at_id",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropIndex(
                name: "ix_billing_files_status",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropPrimaryKey(
                name: "pk_billing_file_chunks",
                schema: "cns",
                table: "billing_file_chunks");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "vouchers",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "voucher_services",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "return_files",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "request_events",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "rehabilitation_extensions",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "providers",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "prescription_scans",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "prescription_fingerprints",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "payment_scheduler_state",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "payment_runs",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "payment_orders",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "payment_files",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "line_contestations",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "insured",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "idempotency_records",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_stays",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_stay_participation_years",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_stay_operations",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_stay_lines",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_participation_counters",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "fee_memoirs",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "fee_memoir_simulations",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "doctors",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "care_requests",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "care_plans",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "billing_files",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "billing_file_contents",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "billing_file_chunks",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "api_keys",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "affiliation_periods",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "sandbox_id",
                schema: "cns",
                table: "accident_cases",
                type: "uuid",
                nullable: false,
                defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid");

            migrationBuilder.AddPrimaryKey(
                name: "pk_prescription_fingerprints",
                schema: "cns",
                table: "prescription_fingerprints",
                columns: new[] { "sandbox_id", "fingerprint" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_payment_scheduler_state",
                schema: "cns",
                table: "payment_scheduler_state",
                columns: new[] { "sandbox_id", "id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_hospital_stay_participation_years",
                schema: "cns",
                table: "hospital_stay_participation_years",
                columns: new[] { "sandbox_id", "stay_id", "year" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_hospital_participation_counters",
                schema: "cns",
                table: "hospital_participation_counters",
                columns: new[] { "sandbox_id", "insured_id", "year" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_doctors",
                schema: "cns",
                table: "doctors",
                columns: new[] { "sandbox_id", "code" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_billing_file_chunks",
                schema: "cns",
                table: "billing_file_chunks",
                columns: new[] { "sandbox_id", "content_id", "seq" });

            migrationBuilder.CreateTable(
                name: "operator_keys",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operator_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sandboxes",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    clock_mode = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    clock_frozen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    clock_offset = table.Column<TimeSpan>(type: "interval", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deletes_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    bytes_used = table.Column<long>(type: "bigint", nullable: false),
                    deleting_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandboxes", x => x.id);
                    table.CheckConstraint("ck_sandboxes_frozen_instant", "clock_mode <> 'frozen' OR clock_frozen_at IS NOT NULL");
                });

            // The default sandbox keeps the clock offset of the single-world clock it replaces.
            migrationBuilder.Sql($"""
                INSERT INTO cns.sandboxes (id, name, clock_mode, clock_frozen_at, clock_offset, created_at, last_used_at, deletes_after, bytes_used)
                SELECT '{DefaultSandbox}', 'default', 'running', NULL,
                       COALESCE((SELECT make_interval(secs => offset_ticks / 10000000.0) FROM cns.sandbox_clock WHERE id = 1), interval '0'),
                       now(), now(), NULL, 0;
                """);

            migrationBuilder.DropTable(
                name: "sandbox_clock",
                schema: "cns");

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_insured_id",
                schema: "cns",
                table: "vouchers",
                columns: new[] { "sandbox_id", "insured_id" });

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_number",
                schema: "cns",
                table: "vouchers",
                columns: new[] { "sandbox_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_provider_id_created_at",
                schema: "cns",
                table: "vouchers",
                columns: new[] { "sandbox_id", "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_voucher_services_voucher_id_act_code",
                schema: "cns",
                table: "voucher_services",
                columns: new[] { "sandbox_id", "voucher_id", "act_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_return_files_created_at_id",
                schema: "cns",
                table: "return_files",
                columns: new[] { "sandbox_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_return_files_provider_id_created_at_id",
                schema: "cns",
                table: "return_files",
                columns: new[] { "sandbox_id", "provider_id", "created_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_return_files_run_id_provider_id",
                schema: "cns",
                table: "return_files",
                columns: new[] { "sandbox_id", "run_id", "provider_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_request_events_request_id_sequence",
                schema: "cns",
                table: "request_events",
                columns: new[] { "sandbox_id", "request_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions",
                columns: new[] { "sandbox_id", "authorisation_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_providers_code",
                schema: "cns",
                table: "providers",
                columns: new[] { "sandbox_id", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans",
                columns: new[] { "sandbox_id", "request_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_sha256",
                schema: "cns",
                table: "prescription_scans",
                columns: new[] { "sandbox_id", "sha256" });

            migrationBuilder.CreateIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints",
                columns: new[] { "sandbox_id", "voucher_id" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_runs_as_of_id",
                schema: "cns",
                table: "payment_runs",
                columns: new[] { "sandbox_id", "as_of", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_payment_runs_number",
                schema: "cns",
                table: "payment_runs",
                columns: new[] { "sandbox_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_runs_slot_key",
                schema: "cns",
                table: "payment_runs",
                columns: new[] { "sandbox_id", "slot_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_runs_status",
                schema: "cns",
                table: "payment_runs",
                columns: new[] { "sandbox_id", "status" },
                filter: "status <> 'Closed'");

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_end_to_end_id",
                schema: "cns",
                table: "payment_orders",
                columns: new[] { "sandbox_id", "end_to_end_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_provider_id",
                schema: "cns",
                table: "payment_orders",
                columns: new[] { "sandbox_id", "provider_id" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_run_id_provider_id",
                schema: "cns",
                table: "payment_orders",
                columns: new[] { "sandbox_id", "run_id", "provider_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_files_return_file_id",
                schema: "cns",
                table: "payment_files",
                columns: new[] { "sandbox_id", "return_file_id" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_files_run_id_provider_id_kind_format_language",
                schema: "cns",
                table: "payment_files",
                columns: new[] { "sandbox_id", "run_id", "provider_id", "kind", "format", "language" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_line_id",
                schema: "cns",
                table: "line_contestations",
                columns: new[] { "sandbox_id", "line_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_memoir_id",
                schema: "cns",
                table: "line_contestations",
                columns: new[] { "sandbox_id", "memoir_id" });

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_status_submitted_at_id",
                schema: "cns",
                table: "line_contestations",
                columns: new[] { "sandbox_id", "status", "submitted_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_insured_matricule",
                schema: "cns",
                table: "insured",
                columns: new[] { "sandbox_id", "matricule" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_records_scope_key",
                schema: "cns",
                table: "idempotency_records",
                columns: new[] { "sandbox_id", "scope", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stays_insured_id_admission_date",
                schema: "cns",
                table: "hospital_stays",
                columns: new[] { "sandbox_id", "insured_id", "admission_date" });

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stays_provider_id_created_at",
                schema: "cns",
                table: "hospital_stays",
                columns: new[] { "sandbox_id", "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_operations_stay_id_position",
                schema: "cns",
                table: "hospital_stay_operations",
                columns: new[] { "sandbox_id", "stay_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_lines_stay_id_line_number",
                schema: "cns",
                table: "hospital_stay_lines",
                columns: new[] { "sandbox_id", "stay_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_billing_file_id_source_line",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "billing_file_id", "source_line" });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "hospital_stay_id" },
                unique: true,
                filter: "hospital_stay_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_provider_id_received_at_id",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "provider_id", "received_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "provider_id", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_status_due_date",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "status", "due_date" });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_simulations_confirmed_memoir_id",
                schema: "cns",
                table: "fee_memoir_simulations",
                columns: new[] { "sandbox_id", "confirmed_memoir_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_simulations_provider_id_created_at",
                schema: "cns",
                table: "fee_memoir_simulations",
                columns: new[] { "sandbox_id", "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_hospital_stay",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "hospital_stay_id", "provider_id", "session_date", "act_code" },
                filter: "hospital_stay_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_memoir_id_line_number",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "memoir_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "payment_run_id", "provider_id", "id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_unsettled",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "provider_id", "memoir_id" },
                filter: "payment_run_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced') AND hospital_stay_id IS NULL AND NOT travel_allowance");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "voucher_id", "session_date", "act_code" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced')");

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_decision_due_by",
                schema: "cns",
                table: "care_requests",
                columns: new[] { "sandbox_id", "decision_due_by" },
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_insured_id_kind",
                schema: "cns",
                table: "care_requests",
                columns: new[] { "sandbox_id", "insured_id", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_provider_id_kind_received_at_id",
                schema: "cns",
                table: "care_requests",
                columns: new[] { "sandbox_id", "provider_id", "kind", "received_at", "id" },
                descending: new[] { false, false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_voucher_id",
                schema: "cns",
                table: "care_requests",
                columns: new[] { "sandbox_id", "voucher_id" });

            migrationBuilder.CreateIndex(
                name: "ix_care_plans_sandbox_id",
                schema: "cns",
                table: "care_plans",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_content_id",
                schema: "cns",
                table: "billing_files",
                columns: new[] { "sandbox_id", "content_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_provider_id_received_at_id",
                schema: "cns",
                table: "billing_files",
                columns: new[] { "sandbox_id", "provider_id", "received_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_status",
                schema: "cns",
                table: "billing_files",
                columns: new[] { "sandbox_id", "status" },
                filter: "status IN ('Received', 'Processing')");

            migrationBuilder.CreateIndex(
                name: "ix_billing_file_contents_sandbox_id",
                schema: "cns",
                table: "billing_file_contents",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_sandbox_id",
                schema: "cns",
                table: "api_keys",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_affiliation_periods_sandbox_id",
                schema: "cns",
                table: "affiliation_periods",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_accident_cases_sandbox_id",
                schema: "cns",
                table: "accident_cases",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_operator_keys_key_hash",
                schema: "cns",
                table: "operator_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sandboxes_deletes_after",
                schema: "cns",
                table: "sandboxes",
                column: "deletes_after",
                filter: "deletes_after IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_accident_cases_sandboxes_sandbox_id",
                schema: "cns",
                table: "accident_cases",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_affiliation_periods_sandboxes_sandbox_id",
                schema: "cns",
                table: "affiliation_periods",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_api_keys_sandboxes_sandbox_id",
                schema: "cns",
                table: "api_keys",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_billing_file_chunks_sandboxes_sandbox_id",
                schema: "cns",
                table: "billing_file_chunks",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_billing_file_contents_sandboxes_sandbox_id",
                schema: "cns",
                table: "billing_file_contents",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_billing_files_sandboxes_sandbox_id",
                schema: "cns",
                table: "billing_files",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_care_plans_sandboxes_sandbox_id",
                schema: "cns",
                table: "care_plans",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_care_requests_sandboxes_sandbox_id",
                schema: "cns",
                table: "care_requests",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_doctors_sandboxes_sandbox_id",
                schema: "cns",
                table: "doctors",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_sandboxes_sandbox_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_simulations_sandboxes_sandbox_id",
                schema: "cns",
                table: "fee_memoir_simulations",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoirs_sandboxes_sandbox_id",
                schema: "cns",
                table: "fee_memoirs",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_hospital_participation_counters_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_participation_counters",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_hospital_stay_lines_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_stay_lines",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_hospital_stay_operations_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_stay_operations",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_hospital_stay_participation_years_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_stay_participation_years",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_hospital_stays_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_stays",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_idempotency_records_sandboxes_sandbox_id",
                schema: "cns",
                table: "idempotency_records",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_insured_sandboxes_sandbox_id",
                schema: "cns",
                table: "insured",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_line_contestations_sandboxes_sandbox_id",
                schema: "cns",
                table: "line_contestations",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_payment_files_sandboxes_sandbox_id",
                schema: "cns",
                table: "payment_files",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_payment_orders_sandboxes_sandbox_id",
                schema: "cns",
                table: "payment_orders",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_payment_runs_sandboxes_sandbox_id",
                schema: "cns",
                table: "payment_runs",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_payment_scheduler_state_sandboxes_sandbox_id",
                schema: "cns",
                table: "payment_scheduler_state",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_prescription_fingerprints_sandboxes_sandbox_id",
                schema: "cns",
                table: "prescription_fingerprints",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_prescription_scans_sandboxes_sandbox_id",
                schema: "cns",
                table: "prescription_scans",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_providers_sandboxes_sandbox_id",
                schema: "cns",
                table: "providers",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_rehabilitation_extensions_sandboxes_sandbox_id",
                schema: "cns",
                table: "rehabilitation_extensions",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_request_events_sandboxes_sandbox_id",
                schema: "cns",
                table: "request_events",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_return_files_sandboxes_sandbox_id",
                schema: "cns",
                table: "return_files",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_voucher_services_sandboxes_sandbox_id",
                schema: "cns",
                table: "voucher_services",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_vouchers_sandboxes_sandbox_id",
                schema: "cns",
                table: "vouchers",
                column: "sandbox_id",
                principalSchema: "cns",
                principalTable: "sandboxes",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.Sql(RowLevelSecurity);
            migrationBuilder.Sql(Functions);
            migrationBuilder.Sql("RESET cns.sandbox;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS cns.authenticate_key(text, interval); DROP FUNCTION IF EXISTS cns.analyze_fee_memoir_lines();");
            migrationBuilder.Sql(string.Concat(SandboxTables.Concat(RequestSubtypeTables).Select(t =>
                $"DROP POLICY IF EXISTS sandbox_isolation ON cns.{t}; ALTER TABLE cns.{t} NO FORCE ROW LEVEL SECURITY; ALTER TABLE cns.{t} DISABLE ROW LEVEL SECURITY;\n")));

            migrationBuilder.DropForeignKey(
                name: "fk_accident_cases_sandboxes_sandbox_id",
                schema: "cns",
                table: "accident_cases");

            migrationBuilder.DropForeignKey(
                name: "fk_affiliation_periods_sandboxes_sandbox_id",
                schema: "cns",
                table: "affiliation_periods");

            migrationBuilder.DropForeignKey(
                name: "fk_api_keys_sandboxes_sandbox_id",
                schema: "cns",
                table: "api_keys");

            migrationBuilder.DropForeignKey(
                name: "fk_billing_file_chunks_sandboxes_sandbox_id",
                schema: "cns",
                table: "billing_file_chunks");

            migrationBuilder.DropForeignKey(
                name: "fk_billing_file_contents_sandboxes_sandbox_id",
                schema: "cns",
                table: "billing_file_contents");

            migrationBuilder.DropForeignKey(
                name: "fk_billing_files_sandboxes_sandbox_id",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropForeignKey(
                name: "fk_care_plans_sandboxes_sandbox_id",
                schema: "cns",
                table: "care_plans");

            migrationBuilder.DropForeignKey(
                name: "fk_care_requests_sandboxes_sandbox_id",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_doctors_sandboxes_sandbox_id",
                schema: "cns",
                table: "doctors");

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_sandboxes_sandbox_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_simulations_sandboxes_sandbox_id",
                schema: "cns",
                table: "fee_memoir_simulations");

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoirs_sandboxes_sandbox_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropForeignKey(
                name: "fk_hospital_participation_counters_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_participation_counters");

            migrationBuilder.DropForeignKey(
                name: "fk_hospital_stay_lines_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_stay_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_hospital_stay_operations_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_stay_operations");

            migrationBuilder.DropForeignKey(
                name: "fk_hospital_stay_participation_years_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_stay_participation_years");

            migrationBuilder.DropForeignKey(
                name: "fk_hospital_stays_sandboxes_sandbox_id",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropForeignKey(
                name: "fk_idempotency_records_sandboxes_sandbox_id",
                schema: "cns",
                table: "idempotency_records");

            migrationBuilder.DropForeignKey(
                name: "fk_insured_sandboxes_sandbox_id",
                schema: "cns",
                table: "insured");

            migrationBuilder.DropForeignKey(
                name: "fk_line_contestations_sandboxes_sandbox_id",
                schema: "cns",
                table: "line_contestations");

            migrationBuilder.DropForeignKey(
                name: "fk_payment_files_sandboxes_sandbox_id",
                schema: "cns",
                table: "payment_files");

            migrationBuilder.DropForeignKey(
                name: "fk_payment_orders_sandboxes_sandbox_id",
                schema: "cns",
                table: "payment_orders");

            migrationBuilder.DropForeignKey(
                name: "fk_payment_runs_sandboxes_sandbox_id",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropForeignKey(
                name: "fk_payment_scheduler_state_sandboxes_sandbox_id",
                schema: "cns",
                table: "payment_scheduler_state");

            migrationBuilder.DropForeignKey(
                name: "fk_prescription_fingerprints_sandboxes_sandbox_id",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.DropForeignKey(
                name: "fk_prescription_scans_sandboxes_sandbox_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropForeignKey(
                name: "fk_providers_sandboxes_sandbox_id",
                schema: "cns",
                table: "providers");

            migrationBuilder.DropForeignKey(
                name: "fk_rehabilitation_extensions_sandboxes_sandbox_id",
                schema: "cns",
                table: "rehabilitation_extensions");

            migrationBuilder.DropForeignKey(
                name: "fk_request_events_sandboxes_sandbox_id",
                schema: "cns",
                table: "request_events");

            migrationBuilder.DropForeignKey(
                name: "fk_return_files_sandboxes_sandbox_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropForeignKey(
                name: "fk_voucher_services_sandboxes_sandbox_id",
                schema: "cns",
                table: "voucher_services");

            migrationBuilder.DropForeignKey(
                name: "fk_vouchers_sandboxes_sandbox_id",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropTable(
                name: "operator_keys",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "sandboxes",
                schema: "cns");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_insured_id",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_number",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_provider_id_created_at",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropIndex(
                name: "ix_voucher_services_voucher_id_act_code",
                schema: "cns",
                table: "voucher_services");

            migrationBuilder.DropIndex(
                name: "ix_return_files_created_at_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_return_files_provider_id_created_at_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_return_files_run_id_provider_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_request_events_request_id_sequence",
                schema: "cns",
                table: "request_events");

            migrationBuilder.DropIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions");

            migrationBuilder.DropIndex(
                name: "ix_providers_code",
                schema: "cns",
                table: "providers");

            migrationBuilder.DropIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropIndex(
                name: "ix_prescription_scans_sha256",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropPrimaryKey(
                name: "pk_prescription_fingerprints",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.DropIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.DropPrimaryKey(
                name: "pk_payment_scheduler_state",
                schema: "cns",
                table: "payment_scheduler_state");

            migrationBuilder.DropIndex(
                name: "ix_payment_runs_as_of_id",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropIndex(
                name: "ix_payment_runs_number",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropIndex(
                name: "ix_payment_runs_slot_key",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropIndex(
                name: "ix_payment_runs_status",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropIndex(
                name: "ix_payment_orders_end_to_end_id",
                schema: "cns",
                table: "payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_payment_orders_provider_id",
                schema: "cns",
                table: "payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_payment_orders_run_id_provider_id",
                schema: "cns",
                table: "payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_payment_files_return_file_id",
                schema: "cns",
                table: "payment_files");

            migrationBuilder.DropIndex(
                name: "ix_payment_files_run_id_provider_id_kind_format_language",
                schema: "cns",
                table: "payment_files");

            migrationBuilder.DropIndex(
                name: "ix_line_contestations_line_id",
                schema: "cns",
                table: "line_contestations");

            migrationBuilder.DropIndex(
                name: "ix_line_contestations_memoir_id",
                schema: "cns",
                table: "line_contestations");

            migrationBuilder.DropIndex(
                name: "ix_line_contestations_status_submitted_at_id",
                schema: "cns",
                table: "line_contestations");

            migrationBuilder.DropIndex(
                name: "ix_insured_matricule",
                schema: "cns",
                table: "insured");

            migrationBuilder.DropIndex(
                name: "ix_idempotency_records_scope_key",
                schema: "cns",
                table: "idempotency_records");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stays_insured_id_admission_date",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stays_provider_id_created_at",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropPrimaryKey(
                name: "pk_hospital_stay_participation_years",
                schema: "cns",
                table: "hospital_stay_participation_years");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_operations_stay_id_position",
                schema: "cns",
                table: "hospital_stay_operations");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_lines_stay_id_line_number",
                schema: "cns",
                table: "hospital_stay_lines");

            migrationBuilder.DropPrimaryKey(
                name: "pk_hospital_participation_counters",
                schema: "cns",
                table: "hospital_participation_counters");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_billing_file_id_source_line",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_provider_id_received_at_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_status_due_date",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_simulations_confirmed_memoir_id",
                schema: "cns",
                table: "fee_memoir_simulations");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_simulations_provider_id_created_at",
                schema: "cns",
                table: "fee_memoir_simulations");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_hospital_stay",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_memoir_id_line_number",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_unsettled",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropPrimaryKey(
                name: "pk_doctors",
                schema: "cns",
                table: "doctors");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_decision_due_by",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_insured_id_kind",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_provider_id_kind_received_at_id",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_voucher_id",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_plans_sandbox_id",
                schema: "cns",
                table: "care_plans");

            migrationBuilder.DropIndex(
                name: "ix_billing_files_content_id",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropIndex(
                name: "ix_billing_files_provider_id_received_at_id",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropIndex(
                name: "ix_billing_files_status",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropIndex(
                name: "ix_billing_file_contents_sandbox_id",
                schema: "cns",
                table: "billing_file_contents");

            migrationBuilder.DropPrimaryKey(
                name: "pk_billing_file_chunks",
                schema: "cns",
                table: "billing_file_chunks");

            migrationBuilder.DropIndex(
                name: "ix_api_keys_sandbox_id",
                schema: "cns",
                table: "api_keys");

            migrationBuilder.DropIndex(
                name: "ix_affiliation_periods_sandbox_id",
                schema: "cns",
                table: "affiliation_periods");

            migrationBuilder.DropIndex(
                name: "ix_accident_cases_sandbox_id",
                schema: "cns",
                table: "accident_cases");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "vouchers");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "voucher_services");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "request_events");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "rehabilitation_extensions");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "providers");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "prescription_fingerprints");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "payment_scheduler_state");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "payment_runs");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "payment_orders");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "payment_files");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "line_contestations");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "insured");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "idempotency_records");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_stay_participation_years");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_stay_operations");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_stay_lines");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "hospital_participation_counters");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "fee_memoir_simulations");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "doctors");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "care_plans");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "billing_file_contents");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "billing_file_chunks");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "affiliation_periods");

            migrationBuilder.DropColumn(
                name: "sandbox_id",
                schema: "cns",
                table: "accident_cases");

            migrationBuilder.AddPrimaryKey(
                name: "pk_prescription_fingerprints",
                schema: "cns",
                table: "prescription_fingerprints",
                column: "fingerprint");

            migrationBuilder.AddPrimaryKey(
                name: "pk_payment_scheduler_state",
                schema: "cns",
                table: "payment_scheduler_state",
                column: "id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_hospital_stay_participation_years",
                schema: "cns",
                table: "hospital_stay_participation_years",
                columns: new[] { "stay_id", "year" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_hospital_participation_counters",
                schema: "cns",
                table: "hospital_participation_counters",
                columns: new[] { "insured_id", "year" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_doctors",
                schema: "cns",
                table: "doctors",
                column: "code");

            migrationBuilder.AddPrimaryKey(
                name: "pk_billing_file_chunks",
                schema: "cns",
                table: "billing_file_chunks",
                columns: new[] { "content_id", "seq" });

            migrationBuilder.CreateTable(
                name: "sandbox_clock",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    offset_ticks = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_clock", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_insured_id",
                schema: "cns",
                table: "vouchers",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_number",
                schema: "cns",
                table: "vouchers",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_provider_id_created_at",
                schema: "cns",
                table: "vouchers",
                columns: new[] { "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_voucher_services_voucher_id_act_code",
                schema: "cns",
                table: "voucher_services",
                columns: new[] { "voucher_id", "act_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_return_files_created_at_id",
                schema: "cns",
                table: "return_files",
                columns: new[] { "created_at", "id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_return_files_provider_id_created_at_id",
                schema: "cns",
                table: "return_files",
                columns: new[] { "provider_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_return_files_run_id_provider_id",
                schema: "cns",
                table: "return_files",
                columns: new[] { "run_id", "provider_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_request_events_request_id_sequence",
                schema: "cns",
                table: "request_events",
                columns: new[] { "request_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions",
                columns: new[] { "authorisation_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_providers_code",
                schema: "cns",
                table: "providers",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans",
                column: "request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_sha256",
                schema: "cns",
                table: "prescription_scans",
                column: "sha256");

            migrationBuilder.CreateIndex(
                name: "ix_prescription_fingerprints_voucher_id",
                schema: "cns",
                table: "prescription_fingerprints",
                column: "voucher_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_runs_as_of_id",
                schema: "cns",
                table: "payment_runs",
                columns: new[] { "as_of", "id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_payment_runs_number",
                schema: "cns",
                table: "payment_runs",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_runs_slot_key",
                schema: "cns",
                table: "payment_runs",
                column: "slot_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_runs_status",
                schema: "cns",
                table: "payment_runs",
                column: "status",
                filter: "status <> 'Closed'");

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_end_to_end_id",
                schema: "cns",
                table: "payment_orders",
                column: "end_to_end_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_provider_id",
                schema: "cns",
                table: "payment_orders",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_run_id_provider_id",
                schema: "cns",
                table: "payment_orders",
                columns: new[] { "run_id", "provider_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_files_return_file_id",
                schema: "cns",
                table: "payment_files",
                column: "return_file_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_files_run_id_provider_id_kind_format_language",
                schema: "cns",
                table: "payment_files",
                columns: new[] { "run_id", "provider_id", "kind", "format", "language" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_line_id",
                schema: "cns",
                table: "line_contestations",
                column: "line_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_memoir_id",
                schema: "cns",
                table: "line_contestations",
                column: "memoir_id");

            migrationBuilder.CreateIndex(
                name: "ix_line_contestations_status_submitted_at_id",
                schema: "cns",
                table: "line_contestations",
                columns: new[] { "status", "submitted_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_insured_matricule",
                schema: "cns",
                table: "insured",
                column: "matricule",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_records_scope_key",
                schema: "cns",
                table: "idempotency_records",
                columns: new[] { "scope", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stays_insured_id_admission_date",
                schema: "cns",
                table: "hospital_stays",
                columns: new[] { "insured_id", "admission_date" });

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stays_provider_id_created_at",
                schema: "cns",
                table: "hospital_stays",
                columns: new[] { "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_operations_stay_id_position",
                schema: "cns",
                table: "hospital_stay_operations",
                columns: new[] { "stay_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_lines_stay_id_line_number",
                schema: "cns",
                table: "hospital_stay_lines",
                columns: new[] { "stay_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_billing_file_id_source_line",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "billing_file_id", "source_line" });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_hospital_stay_id",
                schema: "cns",
                table: "fee_memoirs",
                column: "hospital_stay_id",
                unique: true,
                filter: "hospital_stay_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_provider_id_received_at_id",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "provider_id", "received_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "provider_id", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_status_due_date",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "status", "due_date" });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_simulations_confirmed_memoir_id",
                schema: "cns",
                table: "fee_memoir_simulations",
                column: "confirmed_memoir_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_simulations_provider_id_created_at",
                schema: "cns",
                table: "fee_memoir_simulations",
                columns: new[] { "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_hospital_stay",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "hospital_stay_id", "provider_id", "session_date", "act_code" },
                filter: "hospital_stay_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_memoir_id_line_number",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "memoir_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "payment_run_id", "provider_id", "id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_unsettled",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "provider_id", "memoir_id" },
                filter: "payment_run_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_insured_session",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "provider_id", "insured_id", "session_date" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced') AND hospital_stay_id IS NULL AND NOT travel_allowance");

            migrationBuilder.CreateIndex(
                name: "ux_fee_memoir_lines_paid_voucher_date_act",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "voucher_id", "session_date", "act_code" },
                unique: true,
                filter: "outcome IN ('Accepted', 'Reduced')");

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_decision_due_by",
                schema: "cns",
                table: "care_requests",
                column: "decision_due_by",
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_insured_id_kind",
                schema: "cns",
                table: "care_requests",
                columns: new[] { "insured_id", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_provider_id_kind_received_at_id",
                schema: "cns",
                table: "care_requests",
                columns: new[] { "provider_id", "kind", "received_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_care_requests_voucher_id",
                schema: "cns",
                table: "care_requests",
                column: "voucher_id");

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_content_id",
                schema: "cns",
                table: "billing_files",
                column: "content_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_provider_id_received_at_id",
                schema: "cns",
                table: "billing_files",
                columns: new[] { "provider_id", "received_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_billing_files_status",
                schema: "cns",
                table: "billing_files",
                column: "status",
                filter: "status IN ('Received', 'Processing')");
        }
    }
}
