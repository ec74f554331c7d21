using System;
using System.Linq;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EligibilityAndAttachments : Migration
    {
        private const string Current = "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid";

        private static readonly string[] Tables = ["attachments", "audit_keys", "eligibility_checks"];

        /// <summary>Row-level security as every sandbox table has it (see the Sandboxes migration).</summary>
        private static string RowLevelSecurity => string.Concat(Tables.Select(t => $"""
            ALTER TABLE cns.{t} ENABLE ROW LEVEL SECURITY;
            ALTER TABLE cns.{t} FORCE ROW LEVEL SECURITY;
            CREATE POLICY sandbox_isolation ON cns.{t} USING (sandbox_id = {Current}) WITH CHECK (sandbox_id = {Current});

            """));
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "attachments",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    content_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_attachments", x => x.id);
                    table.ForeignKey(
                        name: "fk_attachments_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_attachments_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "audit_keys",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<byte[]>(type: "bytea", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_audit_keys_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "eligibility_checks",
                schema: "cns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    matricule_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    asked_date = table.Column<DateOnly>(type: "date", nullable: false),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    known = table.Column<bool>(type: "boolean", nullable: false),
                    affiliated = table.Column<bool>(type: "boolean", nullable: false),
                    open_vouchers = table.Column<int>(type: "integer", nullable: false),
                    sandbox_id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_eligibility_checks", x => x.id);
                    table.ForeignKey(
                        name: "fk_eligibility_checks_providers_provider_id",
                        column: x => x.provider_id,
                        principalSchema: "cns",
                        principalTable: "providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_eligibility_checks_sandboxes_sandbox_id",
                        column: x => x.sandbox_id,
                        principalSchema: "cns",
                        principalTable: "sandboxes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_attachments_owner_kind_owner_id_uploaded_at",
                schema: "cns",
                table: "attachments",
                columns: new[] { "sandbox_id", "owner_kind", "owner_id", "uploaded_at" });

            migrationBuilder.CreateIndex(
                name: "ix_attachments_provider_id",
                schema: "cns",
                table: "attachments",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_keys_sandbox_id",
                schema: "cns",
                table: "audit_keys",
                column: "sandbox_id");

            migrationBuilder.CreateIndex(
                name: "ix_eligibility_checks_matricule_hash_checked_at",
                schema: "cns",
                table: "eligibility_checks",
                columns: new[] { "sandbox_id", "matricule_hash", "checked_at" });

            migrationBuilder.CreateIndex(
                name: "ix_eligibility_checks_provider_id_checked_at",
                schema: "cns",
                table: "eligibility_checks",
                columns: new[] { "sandbox_id", "provider_id", "checked_at" });

            migrationBuilder.Sql(RowLevelSecurity);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(string.Concat(Tables.Select(t => $"DROP POLICY IF EXISTS sandbox_isolation ON cns.{t};\n")));
            migrationBuilder.DropTable(
                name: "attachments",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "audit_keys",
                schema: "cns");

            migrationBuilder.DropTable(
                name: "eligibility_checks",
                schema: "cns");
        }
    }
}
