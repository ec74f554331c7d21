using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PaymentRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "payment_run_number_seq",
                schema: "cns");

            migrationBuilder.CreateTable(
                name: "payment_runs",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(31)", maxLength: 31, nullable: false),
                    slot_key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    trigger = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    as_of = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    execution_date = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    started_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lines_claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    orders_built_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    files_written_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    memoir_count = table.Column<int>(type: "integer", nullable: false),
                    line_count = table.Column<int>(type: "integer", nullable: false),
                    paid_line_count = table.Column<int>(type: "integer", nullable: false),
                    unpaid_line_count = table.Column<int>(type: "integer", nullable: false),
                    provider_count = table.Column<int>(type: "integer", nullable: false),
                    order_count = table.Column<int>(type: "integer", nullable: false),
                    total_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    file_count = table.Column<int>(type: "integer", nullable: false),
                    failed_attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    last_error_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_runs", x => x.id);
                    table.CheckConstraint("ck_payment_runs_counts", "line_count >= 0 AND order_count >= 0 AND total_amount >= 0 AND file_count >= 0");
                    table.CheckConstraint("ck_payment_runs_execution_date", "execution_date >= (as_of AT TIME ZONE 'Europe/Luxembourg')::date");
                });

            migrationBuilder.CreateTable(
                name: "payment_scheduler_state",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    evaluated_through = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_scheduler_state", x => x.id);
                    table.CheckConstraint("ck_payment_scheduler_state_single_row", "id = 1");
                });

            migrationBuilder.CreateTable(
                name: "payment_orders",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider_name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    iban = table.Column<string>(type: "character varying(34)", maxLength: 34, nullable: false),
                    bic = table.Column<string>(type: "character varying(11)", maxLength: 11, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    line_count = table.Column<int>(type: "integer", nullable: false),
                    end_to_end_id = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: false),
                    remittance_text = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_orders", x => x.id);
                    table.CheckConstraint("ck_payment_orders_amount", "amount > 0");
                    table.ForeignKey(
                        name: "fk_payment_orders_payment_runs_run_id",
                        column: x => x.run_id,
                        principalSchema: "cns",
                        principalTable: "payment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_payment_orders_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "return_files",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider_name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    payment_order_id = table.Column<Guid>(type: "uuid", nullable: true),
                    end_to_end_id = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: true),
                    listed_line_count = table.Column<int>(type: "integer", nullable: false),
                    paid_line_count = table.Column<int>(type: "integer", nullable: false),
                    claimed_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    accepted_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    paid_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_return_files", x => x.id);
                    table.ForeignKey(
                        name: "fk_return_files_payment_orders_payment_order_id",
                        column: x => x.payment_order_id,
                        principalSchema: "cns",
                        principalTable: "payment_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_return_files_payment_runs_run_id",
                        column: x => x.run_id,
                        principalSchema: "cns",
                        principalTable: "payment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_return_files_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "payment_files",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: true),
                    return_file_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    format = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    language = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    media_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    length = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_files", x => x.id);
                    table.CheckConstraint("ck_payment_files_kind", "(kind = 'Pain001' AND provider_id IS NULL AND language IS NULL) OR (kind = 'ReturnFile' AND provider_id IS NOT NULL AND return_file_id IS NOT NULL AND language IN ('fr', 'de', 'en'))");
                    table.CheckConstraint("ck_payment_files_length", "length = octet_length(content)");
                    table.ForeignKey(
                        name: "fk_payment_files_payment_runs_run_id",
                        column: x => x.run_id,
                        principalSchema: "cns",
                        principalTable: "payment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_payment_files_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_payment_files_return_files_return_file_id",
                        column: x => x.return_file_id,
                        principalSchema: "cns",
                        principalTable: "return_files",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_fee_memoir_lines_return_file_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "return_file_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_files_provider_id",
                schema: "cns",
                table: "payment_files",
                column: "provider_id");

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
                name: "ix_return_files_created_at_id",
                schema: "cns",
                table: "return_files",
                columns: new[] { "created_at", "id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_return_files_payment_order_id",
                schema: "cns",
                table: "return_files",
                column: "payment_order_id");

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

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_payment_run_payment_run_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "payment_run_id",
                principalSchema: "cns",
                principalTable: "payment_runs",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_fee_memoir_lines_provider_return_file_return_file_id",
                schema: "cns",
                table: "fee_memoir_lines",
                column: "return_file_id",
                principalSchema: "cns",
                principalTable: "return_files",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // PAY-06: a closed run, its orders, return files and stored files never change, and a line a return file
            // reported keeps its payment for good. The database refuses it, whatever the code does.
            migrationBuilder.Sql("""
                CREATE FUNCTION cns.payment_run_closed_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'DELETE' THEN
                    RAISE EXCEPTION 'payment run % cannot be deleted (PAY-06)', OLD.number USING ERRCODE = 'restrict_violation';
                  END IF;
                  IF OLD.status = 'Closed' THEN
                    RAISE EXCEPTION 'payment run % is closed and cannot change (PAY-06)', OLD.number USING ERRCODE = 'restrict_violation';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER trg_payment_runs_closed_is_final BEFORE UPDATE OR DELETE ON cns.payment_runs
                  FOR EACH ROW EXECUTE FUNCTION cns.payment_run_closed_is_final();

                CREATE FUNCTION cns.payment_record_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'rows of % are written once and never change (PAY-06)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
                END $$;
                CREATE TRIGGER trg_payment_orders_final BEFORE UPDATE OR DELETE ON cns.payment_orders
                  FOR EACH ROW EXECUTE FUNCTION cns.payment_record_is_final();
                CREATE TRIGGER trg_return_files_final BEFORE UPDATE OR DELETE ON cns.return_files
                  FOR EACH ROW EXECUTE FUNCTION cns.payment_record_is_final();
                CREATE TRIGGER trg_payment_files_final BEFORE UPDATE OR DELETE ON cns.payment_files
                  FOR EACH ROW EXECUTE FUNCTION cns.payment_record_is_final();

                CREATE FUNCTION cns.fee_memoir_line_payment_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
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
                  FOR EACH ROW EXECUTE FUNCTION cns.fee_memoir_line_payment_is_final();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_fee_memoir_lines_payment_is_final ON cns.fee_memoir_lines;
                DROP FUNCTION cns.fee_memoir_line_payment_is_final();
                DROP TRIGGER trg_payment_files_final ON cns.payment_files;
                DROP TRIGGER trg_return_files_final ON cns.return_files;
                DROP TRIGGER trg_payment_orders_final ON cns.payment_orders;
                DROP FUNCTION cns.payment_record_is_final();
                DROP TRIGGER trg_payment_runs_closed_is_final ON cns.payment_runs;
                DROP FUNCTION cns.payment_run_closed_is_final();
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_payment_run_payment_run_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropForeignKey(
                name: "fk_fee_memoir_lines_provider_return_file_return_file_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropTable(
                name: "payment_files",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "payment_scheduler_state",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "return_files",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "payment_orders",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "payment_runs",
                schema: "cns");

            migrationBuilder.DropIndex(
                name: "ix_fee_memoir_lines_return_file_id",
                schema: "cns",
                table: "fee_memoir_lines");

            migrationBuilder.DropSequence(
                name: "payment_run_number_seq",
                schema: "cns");
        }
    }
}
