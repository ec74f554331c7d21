using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ClaimKindsStaysAndFees : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "cure_authorisation_id",
                schema: "cns",
                table: "reimbursement_claims",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claims",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "invoice_issued_to",
                schema: "cns",
                table: "reimbursement_claims",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "amount_if_agreed",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "numeric(14,2)",
                precision: 14,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "decided_at",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "decided_by",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "insured_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "night_holder",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "provider_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claims_hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claims",
                column: "hospital_stay_id");

            migrationBuilder.CreateIndex(
                name: "ix_reimbursement_claim_lines_provider_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "ux_reimbursement_claim_lines_night",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "sandbox_id", "insured_id", "night_holder", "service_date" },
                unique: true,
                filter: "night_holder IS NOT NULL AND outcome IN ('Accepted', 'Reduced', 'Pending')");

            migrationBuilder.CreateIndex(
                name: "ux_reimbursement_claim_lines_paid_fee",
                schema: "cns",
                table: "reimbursement_claim_lines",
                columns: new[] { "sandbox_id", "hospital_stay_id", "provider_id", "service_date", "act_code" },
                unique: true,
                filter: "hospital_stay_id IS NOT NULL AND outcome IN ('Accepted', 'Reduced')");

            migrationBuilder.AddForeignKey(
                name: "fk_reimbursement_claim_lines_hospital_stays_hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "hospital_stay_id",
                principalSchema: "cns",
                principalTable: "hospital_stays",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_reimbursement_claim_lines_insured_insured_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "insured_id",
                principalSchema: "cns",
                principalTable: "insured",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_reimbursement_claim_lines_providers_provider_id",
                schema: "cns",
                table: "reimbursement_claim_lines",
                column: "provider_id",
                principalSchema: "cns",
                principalTable: "providers",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_reimbursement_claims_hospital_stays_hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claims",
                column: "hospital_stay_id",
                principalSchema: "cns",
                principalTable: "hospital_stays",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // INS-08: a doctor's fee is paid once across routes, like a session (INS-04): the cross-route triggers of
            // 20261202064605_ReimbursementClaims also compare a fee (stay, doctor, date, act) with the other route's paid fees.
            // Both routes lock the hospital stay before they decide, so this guard is only reached by a bug. The new columns
            // belong to tables under row-level security (sandbox_isolation).
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION cns.claim_session_not_paid_to_provider() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE hit record;
                BEGIN
                  SELECT n.voucher_id, n.service_date INTO hit
                  FROM new_lines n JOIN cns.fee_memoir_lines l ON l.voucher_id = n.voucher_id AND l.session_date = n.service_date
                  WHERE n.voucher_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced')
                    AND l.outcome IN ('Accepted', 'Reduced') AND l.released_at IS NULL AND l.hospital_stay_id IS NULL AND NOT l.travel_allowance
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'SESSION_ALREADY_PAID: the session of % on voucher % is paid to the provider (INS-04)', hit.service_date, hit.voucher_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins04_session_paid_once';
                  END IF;
                  -- INS-08: a doctor's fee (stay, doctor, date, act) reimbursed to the insured may not be paid to the doctor.
                  SELECT n.hospital_stay_id, n.service_date, n.act_code INTO hit
                  FROM new_lines n JOIN cns.fee_memoir_lines l ON l.hospital_stay_id = n.hospital_stay_id AND l.provider_id = n.provider_id
                    AND l.session_date = n.service_date AND l.act_code = n.act_code
                  WHERE n.hospital_stay_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced')
                    AND l.outcome IN ('Accepted', 'Reduced') AND l.released_at IS NULL
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'FEE_ALREADY_PAID: the fee % of % in hospital stay % is paid to the doctor (INS-08)', hit.act_code, hit.service_date, hit.hospital_stay_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins08_fee_paid_once';
                  END IF;
                  RETURN NULL;
                END $$;

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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION cns.claim_session_not_paid_to_provider() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE hit record;
                BEGIN
                  SELECT n.voucher_id, n.service_date INTO hit
                  FROM new_lines n JOIN cns.fee_memoir_lines l ON l.voucher_id = n.voucher_id AND l.session_date = n.service_date
                  WHERE n.voucher_id IS NOT NULL AND n.outcome IN ('Accepted', 'Reduced')
                    AND l.outcome IN ('Accepted', 'Reduced') AND l.released_at IS NULL AND l.hospital_stay_id IS NULL AND NOT l.travel_allowance
                  LIMIT 1;
                  IF FOUND THEN
                    RAISE EXCEPTION 'SESSION_ALREADY_PAID: the session of % on voucher % is paid to the provider (INS-04)', hit.service_date, hit.voucher_id
                      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ins04_session_paid_once';
                  END IF;
                  RETURN NULL;
                END $$;

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
                  RETURN NULL;
                END $$;
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_reimbursement_claim_lines_hospital_stays_hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_reimbursement_claim_lines_insured_insured_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_reimbursement_claim_lines_providers_provider_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_reimbursement_claims_hospital_stays_hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claims");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claims_hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claims");

            migrationBuilder.DropIndex(
                name: "ix_reimbursement_claim_lines_provider_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ux_reimbursement_claim_lines_night",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropIndex(
                name: "ux_reimbursement_claim_lines_paid_fee",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "cure_authorisation_id",
                schema: "cns",
                table: "reimbursement_claims");

            migrationBuilder.DropColumn(
                name: "hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claims");

            migrationBuilder.DropColumn(
                name: "invoice_issued_to",
                schema: "cns",
                table: "reimbursement_claims");

            migrationBuilder.DropColumn(
                name: "amount_if_agreed",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "decided_at",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "decided_by",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "hospital_stay_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "insured_id",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "night_holder",
                schema: "cns",
                table: "reimbursement_claim_lines");

            migrationBuilder.DropColumn(
                name: "provider_id",
                schema: "cns",
                table: "reimbursement_claim_lines");
        }
    }
}
