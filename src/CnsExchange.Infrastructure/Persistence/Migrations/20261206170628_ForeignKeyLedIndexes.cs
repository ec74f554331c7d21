using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ForeignKeyLedIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_webhook_endpoints_provider_id_created_at",
                schema: "cns",
                table: "webhook_endpoints");

            migrationBuilder.DropIndex(
                name: "ix_webhook_deliveries_endpoint_id_attempted_at",
                schema: "cns",
                table: "webhook_deliveries");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_insured_id",
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
                name: "ix_return_files_provider_id_created_at_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_return_files_run_id_provider_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_claim_id_line_number",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_payment_run_id_claim_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions");

            migrationBuilder.DropIndex(
                name: "ix_provider_debts_line_id",
                schema: "cns",
                table: "provider_debts");

            migrationBuilder.DropIndex(
                name: "ix_provider_debts_payment_run_id_provider_id",
                schema: "cns",
                table: "provider_debts");

            migrationBuilder.DropIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropIndex(
                name: "ix_payment_run_nettings_provider_id_created_at",
                schema: "cns",
                table: "payment_run_nettings");

            migrationBuilder.DropIndex(
                name: "ix_payment_run_nettings_run_id_provider_id",
                schema: "cns",
                table: "payment_run_nettings");

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
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_replaces_memoir_id",
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
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_eligibility_checks_provider_id_checked_at",
                schema: "cns",
                table: "eligibility_checks");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_orders_claim_id",
                schema: "cns",
                table: "claim_payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_orders_insured_id",
                schema: "cns",
                table: "claim_payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_orders_run_id_fund",
                schema: "cns",
                table: "claim_payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_files_claim_id_kind_format_language",
                schema: "cns",
                table: "claim_payment_files");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_files_run_id_fund_claim_id_kind_format_langua",
                schema: "cns",
                table: "claim_payment_files");

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

            migrationBuilder.DropPrimaryKey(
                name: "pk_billing_file_chunks",
                schema: "cns",
                table: "billing_file_chunks");

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
                name: "pk_billing_file_chunks",
                schema: "cns",
                table: "billing_file_chunks",
                columns: new[] { "content_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_endpoints_provider_id_created_at",
                schema: "cns",
                table: "webhook_endpoints",
                columns: new[] { "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_endpoints_sandbox_id",
                schema: "cns",
                table: "webhook_endpoints",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_endpoint_id_attempted_at",
                schema: "cns",
                table: "webhook_deliveries",
                columns: new[] { "endpoint_id", "attempted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_sandbox_id",
                schema: "cns",
                table: "webhook_deliveries",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_insured_id",
                schema: "cns",
                table: "vouchers",
                column: "insured_id");

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
                name: "ix_reimbursement_claim_lines_claim_id_line_number",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "claim_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "hospital_stay_id",
                filter: "hospital_stay_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_insured_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_payment_run_id_claim_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "payment_run_id", "claim_id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_sandbox_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_voucher_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "voucher_id",
                filter: "voucher_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions",
                columns: new[] { "authorisation_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rehabilitation_extensions_sandbox_id",
                schema: "cns",
                table: "rehabilitation_extensions",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_line_id",
                schema: "cns",
                table: "provider_debts",
                column: "line_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_payment_run_id_provider_id",
                schema: "cns",
                table: "provider_debts",
                columns: new[] { "payment_run_id", "provider_id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_provider_id",
                schema: "cns",
                table: "provider_debts",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_sandbox_id",
                schema: "cns",
                table: "provider_debts",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans",
                column: "request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_run_nettings_provider_id_created_at",
                schema: "cns",
                table: "payment_run_nettings",
                columns: new[] { "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_run_nettings_run_id_provider_id",
                schema: "cns",
                table: "payment_run_nettings",
                columns: new[] { "run_id", "provider_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_run_nettings_sandbox_id",
                schema: "cns",
                table: "payment_run_nettings",
                column: "sandbox_id");

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
                name: "ix_payment_files_sandbox_id",
                schema: "cns",
                table: "payment_files",
                column: "sandbox_id");

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
                name: "ix_hospital_stays_sandbox_id",
                schema: "cns",
                table: "hospital_stays",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_participation_years_sandbox_id",
                schema: "cns",
                table: "hospital_stay_participation_years",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_operations_sandbox_id",
                schema: "cns",
                table: "hospital_stay_operations",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_operations_stay_id_position",
                schema: "cns",
                table: "hospital_stay_operations",
                columns: new[] { "stay_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_lines_sandbox_id",
                schema: "cns",
                table: "hospital_stay_lines",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_hospital_stay_lines_stay_id_line_number",
                schema: "cns",
                table: "hospital_stay_lines",
                columns: new[] { "stay_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hospital_participation_counters_sandbox_id",
                schema: "cns",
                table: "hospital_participation_counters",
                column: "sandbox_id");

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
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "provider_id", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_replaces_memoir_id",
                schema: "cns",
                table: "fee_memoirs",
                column: "replaces_memoir_id",
                unique: true,
                filter: "replaces_memoir_id IS NOT NULL");

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
                name: "ix_fee_memoir_simulations_sandbox_id",
                schema: "cns",
                table: "fee_memoir_simulations",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "payment_run_id", "provider_id", "id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_eligibility_checks_provider_id_checked_at",
                schema: "cns",
                table: "eligibility_checks",
                columns: new[] { "provider_id", "checked_at" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_claim_id",
                schema: "cns",
                table: "claim_payment_orders",
                column: "claim_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_insured_id",
                schema: "cns",
                table: "claim_payment_orders",
                column: "insured_id");

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_run_id_fund",
                schema: "cns",
                table: "claim_payment_orders",
                columns: new[] { "run_id", "fund" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_files_claim_id_kind_format_language",
                schema: "cns",
                table: "claim_payment_files",
                columns: new[] { "claim_id", "kind", "format", "language" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_files_run_id_fund_claim_id_kind_format_langua",
                schema: "cns",
                table: "claim_payment_files",
                columns: new[] { "run_id", "fund", "claim_id", "kind", "format", "language" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_files_sandbox_id",
                schema: "cns",
                table: "claim_payment_files",
                column: "sandbox_id");

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
                name: "ix_care_requests_sandbox_id",
                schema: "cns",
                table: "care_requests",
                column: "sandbox_id");

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
                name: "ix_billing_files_sandbox_id",
                schema: "cns",
                table: "billing_files",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_billing_file_chunks_sandbox_id",
                schema: "cns",
                table: "billing_file_chunks",
                column: "sandbox_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_webhook_endpoints_provider_id_created_at",
                schema: "cns",
                table: "webhook_endpoints");

            migrationBuilder.DropIndex(
                name: "ix_webhook_endpoints_sandbox_id",
                schema: "cns",
                table: "webhook_endpoints");

            migrationBuilder.DropIndex(
                name: "ix_webhook_deliveries_endpoint_id_attempted_at",
                schema: "cns",
                table: "webhook_deliveries");

            migrationBuilder.DropIndex(
                name: "ix_webhook_deliveries_sandbox_id",
                schema: "cns",
                table: "webhook_deliveries");

            migrationBuilder.DropIndex(
                name: "ix_vouchers_insured_id",
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
                name: "ix_return_files_provider_id_created_at_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_return_files_run_id_provider_id",
                schema: "cns",
                table: "return_files");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_claim_id_line_number",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_insured_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_payment_run_id_claim_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_sandbox_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_voucher_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions");

            migrationBuilder.DropIndex(
                name: "ix_rehabilitation_extensions_sandbox_id",
                schema: "cns",
                table: "rehabilitation_extensions");

            migrationBuilder.DropIndex(
                name: "ix_provider_debts_line_id",
                schema: "cns",
                table: "provider_debts");

            migrationBuilder.DropIndex(
                name: "ix_provider_debts_payment_run_id_provider_id",
                schema: "cns",
                table: "provider_debts");

            migrationBuilder.DropIndex(
                name: "ix_provider_debts_provider_id",
                schema: "cns",
                table: "provider_debts");

            migrationBuilder.DropIndex(
                name: "ix_provider_debts_sandbox_id",
                schema: "cns",
                table: "provider_debts");

            migrationBuilder.DropIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans");

            migrationBuilder.DropIndex(
                name: "ix_payment_run_nettings_provider_id_created_at",
                schema: "cns",
                table: "payment_run_nettings");

            migrationBuilder.DropIndex(
                name: "ix_payment_run_nettings_run_id_provider_id",
                schema: "cns",
                table: "payment_run_nettings");

            migrationBuilder.DropIndex(
                name: "ix_payment_run_nettings_sandbox_id",
                schema: "cns",
                table: "payment_run_nettings");

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
                name: "ix_payment_files_sandbox_id",
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
                name: "ix_hospital_stays_insured_id_admission_date",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stays_provider_id_created_at",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stays_sandbox_id",
                schema: "cns",
                table: "hospital_stays");

            migrationBuilder.DropPrimaryKey(
                name: "pk_hospital_stay_participation_years",
                schema: "cns",
                table: "hospital_stay_participation_years");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_participation_years_sandbox_id",
                schema: "cns",
                table: "hospital_stay_participation_years");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_operations_sandbox_id",
                schema: "cns",
                table: "hospital_stay_operations");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_operations_stay_id_position",
                schema: "cns",
                table: "hospital_stay_operations");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_lines_sandbox_id",
                schema: "cns",
                table: "hospital_stay_lines");

            migrationBuilder.DropIndex(
                name: "ix_hospital_stay_lines_stay_id_line_number",
                schema: "cns",
                table: "hospital_stay_lines");

            migrationBuilder.DropPrimaryKey(
                name: "pk_hospital_participation_counters",
                schema: "cns",
                table: "hospital_participation_counters");

            migrationBuilder.DropIndex(
                name: "ix_hospital_participation_counters_sandbox_id",
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
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoirs_replaces_memoir_id",
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
                name: "ix_fee_memoir_simulations_sandbox_id",
                schema: "cns",
                table: "fee_memoir_simulations");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropIndex(
                name: "ix_eligibility_checks_provider_id_checked_at",
                schema: "cns",
                table: "eligibility_checks");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_orders_claim_id",
                schema: "cns",
                table: "claim_payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_orders_insured_id",
                schema: "cns",
                table: "claim_payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_orders_run_id_fund",
                schema: "cns",
                table: "claim_payment_orders");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_files_claim_id_kind_format_language",
                schema: "cns",
                table: "claim_payment_files");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_files_run_id_fund_claim_id_kind_format_langua",
                schema: "cns",
                table: "claim_payment_files");

            migrationBuilder.DropIndex(
                name: "ix_claim_payment_files_sandbox_id",
                schema: "cns",
                table: "claim_payment_files");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_insured_id_kind",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_provider_id_kind_received_at_id",
                schema: "cns",
                table: "care_requests");

            migrationBuilder.DropIndex(
                name: "ix_care_requests_sandbox_id",
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
                name: "ix_billing_files_sandbox_id",
                schema: "cns",
                table: "billing_files");

            migrationBuilder.DropPrimaryKey(
                name: "pk_billing_file_chunks",
                schema: "cns",
                table: "billing_file_chunks");

            migrationBuilder.DropIndex(
                name: "ix_billing_file_chunks_sandbox_id",
                schema: "cns",
                table: "billing_file_chunks");

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
                name: "pk_billing_file_chunks",
                schema: "cns",
                table: "billing_file_chunks",
                columns: new[] { "sandbox_id", "content_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_endpoints_provider_id_created_at",
                schema: "cns",
                table: "webhook_endpoints",
                columns: new[] { "sandbox_id", "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_endpoint_id_attempted_at",
                schema: "cns",
                table: "webhook_deliveries",
                columns: new[] { "sandbox_id", "endpoint_id", "attempted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_insured_id",
                schema: "cns",
                table: "vouchers",
                columns: new[] { "sandbox_id", "insured_id" });

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
                name: "ix_reimbursement_claim_lines_claim_id_line_number",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "sandbox_id", "claim_id", "line_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_payment_run_id_claim_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "sandbox_id", "payment_run_id", "claim_id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_rehabilitation_extensions_authorisation_id_sequence",
                schema: "cns",
                table: "rehabilitation_extensions",
                columns: new[] { "sandbox_id", "authorisation_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_line_id",
                schema: "cns",
                table: "provider_debts",
                columns: new[] { "sandbox_id", "line_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_payment_run_id_provider_id",
                schema: "cns",
                table: "provider_debts",
                columns: new[] { "sandbox_id", "payment_run_id", "provider_id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_prescription_scans_request_id",
                schema: "cns",
                table: "prescription_scans",
                columns: new[] { "sandbox_id", "request_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_run_nettings_provider_id_created_at",
                schema: "cns",
                table: "payment_run_nettings",
                columns: new[] { "sandbox_id", "provider_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_run_nettings_run_id_provider_id",
                schema: "cns",
                table: "payment_run_nettings",
                columns: new[] { "sandbox_id", "run_id", "provider_id" },
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
                name: "ix_fee_memoirs_provider_id_reference",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "provider_id", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoirs_replaces_memoir_id",
                schema: "cns",
                table: "fee_memoirs",
                columns: new[] { "sandbox_id", "replaces_memoir_id" },
                unique: true,
                filter: "replaces_memoir_id IS NOT NULL");

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
                name: "ix_fee_memoir_lines_payment_run_provider",
                schema: "cns",
                table: "fee_memoir_lines",
                columns: new[] { "sandbox_id", "payment_run_id", "provider_id", "id" },
                filter: "payment_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_eligibility_checks_provider_id_checked_at",
                schema: "cns",
                table: "eligibility_checks",
                columns: new[] { "sandbox_id", "provider_id", "checked_at" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_claim_id",
                schema: "cns",
                table: "claim_payment_orders",
                columns: new[] { "sandbox_id", "claim_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_insured_id",
                schema: "cns",
                table: "claim_payment_orders",
                columns: new[] { "sandbox_id", "insured_id" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_orders_run_id_fund",
                schema: "cns",
                table: "claim_payment_orders",
                columns: new[] { "sandbox_id", "run_id", "fund" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_files_claim_id_kind_format_language",
                schema: "cns",
                table: "claim_payment_files",
                columns: new[] { "sandbox_id", "claim_id", "kind", "format", "language" });

            migrationBuilder.CreateIndex(
                name: "ix_claim_payment_files_run_id_fund_claim_id_kind_format_langua",
                schema: "cns",
                table: "claim_payment_files",
                columns: new[] { "sandbox_id", "run_id", "fund", "claim_id", "kind", "format", "language" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

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
        }
    }
}
