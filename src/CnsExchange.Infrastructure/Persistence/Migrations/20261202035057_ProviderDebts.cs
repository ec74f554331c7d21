using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ProviderDebts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payment_run_nettings",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    brought_forward = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    debts = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    accepted = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    order_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    carried_forward = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_run_nettings", x => x.id);
                    table.CheckConstraint("ck_payment_run_nettings_never_negative", "brought_forward >= 0 AND debts >= 0 AND accepted >= 0 AND order_amount >= 0 AND carried_forward >= 0 AND accepted - order_amount = brought_forward + debts - carried_forward");
                    table.ForeignKey(
                        name: "fk_payment_run_nettings_payment_runs_run_id",
                        column: x => x.run_id,
                        principalSchema: "cns",
                        principalTable: "payment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_payment_run_nettings_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_payment_run_nettings_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "provider_debts",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_id = table.Column<Guid>(type: "uuid", nullable: false),
                    memoir_id = table.Column<Guid>(type: "uuid", nullable: false),
                    memoir_reference = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    line_number = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    original_run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    payment_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_provider_debts", x => x.id);
                    table.CheckConstraint("ck_provider_debts_amount", "amount > 0");
                    table.ForeignKey(
                        name: "fk_provider_debts_fee_memoir_lines_line_id",
                        column: x => x.line_id,
                        principalSchema: "cns",
                        principalTable: "fee_memoir_lines",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_provider_debts_fee_memoirs_memoir_id",
                        column: x => x.memoir_id,
                        principalSchema: "cns",
                        principalTable: "fee_memoirs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_provider_debts_payment_runs_original_run_id",
                        column: x => x.original_run_id,
                        principalSchema: "cns",
                        principalTable: "payment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_provider_debts_payment_runs_payment_run_id",
                        column: x => x.payment_run_id,
                        principalSchema: "cns",
                        principalTable: "payment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_provider_debts_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_provider_debts_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                name: "ix_provider_debts_line_id",
                schema: "cns",
                table: "provider_debts",
                columns: new[] { "sandbox_id", "line_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_memoir_id",
                schema: "cns",
                table: "provider_debts",
                column: "memoir_id");

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_open",
                schema: "cns",
                table: "provider_debts",
                columns: new[] { "sandbox_id", "provider_id", "created_at" },
                filter: "payment_run_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_original_run_id",
                schema: "cns",
                table: "provider_debts",
                column: "original_run_id");

            migrationBuilder.CreateIndex(
                name: "ix_provider_debts_payment_run_id_provider_id",
                schema: "cns",
                table: "provider_debts",
                columns: new[] { "sandbox_id", "payment_run_id", "provider_id" },
                filter: "payment_run_id IS NOT NULL");

            // Sandbox isolation as every table of the schema (20261202020213_Sandboxes); a netting is written once (PAY-06).
            migrationBuilder.Sql("""
                ALTER TABLE cns.provider_debts ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.provider_debts FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.provider_debts
                  USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
                  WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);
                ALTER TABLE cns.payment_run_nettings ENABLE ROW LEVEL SECURITY;
                ALTER TABLE cns.payment_run_nettings FORCE ROW LEVEL SECURITY;
                CREATE POLICY sandbox_isolation ON cns.payment_run_nettings
                  USING (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid)
                  WITH CHECK (sandbox_id = (NULLIF(current_setting('cns.sandbox', true), ''))::uuid);
                CREATE TRIGGER trg_payment_run_nettings_final BEFORE UPDATE OR DELETE ON cns.payment_run_nettings
                  FOR EACH ROW EXECUTE FUNCTION cns.payment_record_is_final();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_payment_run_nettings_final ON cns.payment_run_nettings;");

            migrationBuilder.DropTable(
                name: "payment_run_nettings",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "provider_debts",
                schema: "cns");
        }
    }
}
