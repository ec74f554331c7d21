using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LinePaymentOncePerRun : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Issue 24: a line is written once by a payment run, when the run takes it: the run and the amount it pays for
            // it. Paid at, reported at and the return file are the run's (closed; its as-of instant and execution date) and
            // its return file for the line's provider. Lines taken by a run not closed yet get their amount now; the
            // trigger then guards a line's payment from the moment a run takes it (it watched reported_at, dropped here).
            migrationBuilder.Sql("""
                DROP TRIGGER trg_fee_memoir_lines_payment_is_final ON cns.fee_memoir_lines;
                UPDATE cns.fee_memoir_lines SET paid_amount = payable_amount WHERE payment_run_id IS NOT NULL AND paid_amount IS NULL;
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_provider_return_file_return_file_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropColumn(
                name: "paid_at",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropColumn(
                name: "reported_at",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropColumn(
                name: "return_file_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION cns.fee_memoir_line_payment_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.payment_run_id IS DISTINCT FROM OLD.payment_run_id OR NEW.paid_amount IS DISTINCT FROM OLD.paid_amount
                    OR NEW.payable_amount IS DISTINCT FROM OLD.payable_amount THEN
                    RAISE EXCEPTION 'fee memoir line % was taken by payment run %; its payment cannot change (PAY-06)', OLD.id, OLD.payment_run_id
                      USING ERRCODE = 'restrict_violation';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER trg_fee_memoir_lines_payment_is_final BEFORE UPDATE ON cns.fee_memoir_lines
                  FOR EACH ROW WHEN (OLD.payment_run_id IS NOT NULL) EXECUTE FUNCTION cns.fee_memoir_line_payment_is_final();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER trg_fee_memoir_lines_payment_is_final ON cns.fee_memoir_lines;");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "paid_at",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reported_at",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "return_file_id",
                schema: "cns",
                table: "fee_memoir_lines",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_provider_return_file_return_file_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "return_file_id",
                principalSchema: "cns",
                principalTable: "return_files",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // Back to two writes: the lines of closed runs get their payment columns from the run and return file; the
            // lines of runs still open have no amount until their run marks them.
            migrationBuilder.Sql("""
                UPDATE cns.fee_memoir_lines l
                SET paid_at = CASE WHEN l.paid_amount > 0 THEN greatest(r.as_of, (r.execution_date::timestamp AT TIME ZONE 'Europe/Luxembourg')) END,
                    reported_at = r.as_of, return_file_id = f.id
                FROM cns.payment_runs r JOIN cns.return_files f ON f.run_id = r.id
                WHERE r.id = l.payment_run_id AND f.provider_id = l.provider_id AND r.status = 'Closed';
                UPDATE cns.fee_memoir_lines l SET paid_amount = NULL
                FROM cns.payment_runs r WHERE r.id = l.payment_run_id AND r.status <> 'Closed';
                CREATE OR REPLACE FUNCTION cns.fee_memoir_line_payment_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF OLD.reported_at IS NOT NULL AND (
                       NEW.payment_run_id IS DISTINCT FROM OLD.payment_run_id OR NEW.paid_amount IS DISTINCT FROM OLD.paid_amount
                    OR NEW.paid_at IS DISTINCT FROM OLD.paid_at OR NEW.return_file_id IS DISTINCT FROM OLD.return_file_id
                    OR NEW.reported_at IS DISTINCT FROM OLD.reported_at OR NEW.payable_amount IS DISTINCT FROM OLD.payable_amount) THEN
                    RAISE EXCEPTION 'fee memoir line % was paid and reported by a payment run; its payment cannot change (PAY-06)', OLD.id
                      USING ERRCODE = 'restrict_violation';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER trg_fee_memoir_lines_payment_is_final BEFORE UPDATE ON cns.fee_memoir_lines
                  FOR EACH ROW WHEN (OLD.reported_at IS NOT NULL) EXECUTE FUNCTION cns.fee_memoir_line_payment_is_final();
                """);
        }
    }
}
