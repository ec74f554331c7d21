using CnsExchange.Domain.Common;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CnsExchange.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Until this migration the Verhoeff permutation table had a wrong row 4: identities with a birth day ending in 6, 7
    /// or 8 were stored with a Verhoeff digit the standard algorithm refuses (the sandbox AAA identity was 1994092874551
    /// instead of RULES.md's 1994092874550). Every stored matricule whose last digit is not the standard Verhoeff digit of
    /// its first 11 is rewritten, in the registry and wherever a matricule is stored for lookup (vouchers, requests,
    /// fee memoir lines, hospital stays, and pending simulations that are confirmed from their stored lines).
    /// Records kept as they were received or produced — a memoir's source JSON, billing file contents, idempotent
    /// replies, closed payment-run files (PAY-06: immutable) — keep the digits they were sent or written with.
    /// The SQL function is generated from <see cref="Matricule"/>'s tables (the one implementation), then dropped.
    /// </summary>
    [DbContext(typeof(AppDbContext))]
    [Migration("20261202010000_RepairMatriculeCheckDigits")]
    public partial class RepairMatriculeCheckDigits : Migration
    {
        private static readonly string[] MatriculeColumns = ["insured", "vouchers", "care_requests", "fee_memoir_lines", "hospital_stays"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            var d = Table(10, 10, Matricule.VerhoeffMultiply);
            var p = Table(8, 10, Matricule.VerhoeffPermute);
            var inv = string.Join(",", Enumerable.Range(0, 10).Select(Matricule.VerhoeffInverse));
            migrationBuilder.Sql($$"""
                CREATE FUNCTION cns.repair_verhoeff_digit(body text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
                DECLARE
                  d int[] := '{{{d}}}';
                  p int[] := '{{{p}}}';
                  inv int[] := '{{{inv}}}';
                  c int := 0;
                  n int := length(body);
                BEGIN
                  FOR i IN 0 .. n - 1 LOOP
                    c := d[c + 1][p[(i + 1) % 8 + 1][substr(body, n - i, 1)::int + 1] + 1];
                  END LOOP;
                  RETURN inv[c + 1]::text;
                END $$;

                CREATE TEMP TABLE matricule_repair ON COMMIT DROP AS
                SELECT DISTINCT m AS old, left(m, 12) || cns.repair_verhoeff_digit(left(m, 11)) AS new
                FROM ({{string.Join(" UNION ", MatriculeColumns.Select(t => $"SELECT matricule AS m FROM cns.{t}"))}}) s
                WHERE m ~ '^[0-9]{13}$' AND right(m, 1) <> cns.repair_verhoeff_digit(left(m, 11));

                -- An identity whose corrected matricule is already registered is left alone (cannot happen through the API).
                DELETE FROM matricule_repair r WHERE EXISTS (SELECT 1 FROM cns.insured i WHERE i.matricule = r.new);

                {{string.Join("\n", MatriculeColumns.Select(t => $"UPDATE cns.{t} x SET matricule = r.new FROM matricule_repair r WHERE x.matricule = r.old;"))}}
                DO $$
                DECLARE r record;
                BEGIN
                  FOR r IN SELECT old, new FROM matricule_repair LOOP
                    UPDATE cns.fee_memoir_simulations SET request_json = replace(request_json::text, r.old, r.new)::jsonb,
                      result_json = replace(result_json::text, r.old, r.new)::jsonb
                    WHERE request_json::text LIKE '%' || r.old || '%';
                  END LOOP;
                END $$;

                DROP FUNCTION cns.repair_verhoeff_digit(text);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The wrong digits are not restored.
        }

        private static string Table(int rows, int columns, Func<int, int, int> cell) =>
            string.Join(",", Enumerable.Range(0, rows).Select(r => "{" + string.Join(",", Enumerable.Range(0, columns).Select(c => cell(r, c))) + "}"));
    }
}
