using System.Linq.Expressions;
using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>
/// BIL-07/08 are settled by partial unique indexes built from the Domain's definition (<see cref="PaidLines"/> and the
/// rules' keys): the database must still hold that predicate. Only the predicate and the rule's key columns are compared,
/// so that columns put in front of the key (a sandbox) do not break the check.
/// </summary>
public sealed class PaidLineIndexTests(ApiFactory api) : ApiTest(api)
{
    [Theory]
    [InlineData("ux_fee_memoir_lines_paid_voucher_date_act", DuplicateLine.Rule)]
    [InlineData("ux_fee_memoir_lines_paid_insured_session", OneActPerSession.Rule)]
    public async Task Bil07_bil08_the_paid_line_indexes_use_the_domain_predicate_and_keys(string index, string rule)
    {
        var (filter, columns) = await Api.WithScopeAsync(sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var entity = db.Model.FindEntityType(typeof(FeeMemoirLine))!;
            var modelIndex = entity.GetIndexes().Single(i => i.GetDatabaseName() == index);
            Assert.True(modelIndex.IsUnique);
            var key = rule == DuplicateLine.Rule ? DuplicateLine.Key : OneActPerSession.Key;
            // Led by the sandbox (the same line may be paid in two sandboxes), then the rule's key.
            Assert.Equal(Members(key).Prepend("SandboxId"), modelIndex.Properties.Select(p => p.Name));
            return Task.FromResult((modelIndex.GetFilter()!, modelIndex.Properties.Select(p => p.GetColumnName()).ToList()));
        });

        // The EF filter is the Domain's predicate: every paid outcome and no other, or an overturned contestation (BIL-15),
        // not released (BIL-07 adds the session conditions).
        var outcomes = string.Join(", ", PaidLines.Outcomes.Select(o => $"'{o}'"));
        Assert.StartsWith($"(outcome IN ({outcomes}) OR contestation_status = '{ContestationStatus.Overturned}') AND released_at IS NULL", filter);

        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        var stored = await IndexAsync(conn, index);
        Assert.NotNull(stored);
        Assert.Equal(columns, stored.Value.Columns.TakeLast(columns.Count));

        // The stored predicate, evaluated by PostgreSQL on every kind of line, says "paid" exactly where the Domain does.
        Func<FeeMemoirLine, bool> domain = rule == DuplicateLine.Rule ? PaidLines.Holds : PaidLines.IsSession;
        foreach (var (line, paid) in await EvaluateAsync(conn, stored.Value.Predicate))
            Assert.True(domain(line) == paid, $"{index}: {line.Outcome}, contestation {line.ContestationStatus}, hospital fee {line.HospitalStayId is not null}, travel allowance {line.TravelAllowance}, " +
                                              $"released {line.ReleasedAt is not null}: stored predicate says {paid}");
    }

    /// <summary>Every outcome × contestation (none or each status) × hospital fee or not × travel allowance line or not × released or not (LIF-02/04), through the stored predicate.</summary>
    private static async Task<List<(FeeMemoirLine Line, bool Paid)>> EvaluateAsync(NpgsqlConnection conn, string predicate)
    {
        var contestations = Enum.GetValues<ContestationStatus>().Select(s => $"'{s}'::varchar").Prepend("NULL::varchar").ToList();
        var rows = from outcome in Enum.GetValues<LineOutcome>()
                   from contestation in contestations
                   from stay in new[] { false, true }
                   from travel in new[] { false, true }
                   from released in new[] { false, true }
                   select $"('{outcome}'::varchar, {contestation}, {(stay ? "gen_random_uuid()" : "NULL::uuid")}, {(travel ? "true" : "false")}, {(released ? "now()" : "NULL::timestamptz")})";
        await using var cmd = new NpgsqlCommand($"""
            SELECT outcome, hospital_stay_id IS NOT NULL, travel_allowance, released_at IS NOT NULL, COALESCE(({predicate}), false), contestation_status
            FROM (VALUES {string.Join(", ", rows)}) AS v(outcome, contestation_status, hospital_stay_id, travel_allowance, released_at)
            """, conn);
        var result = new List<(FeeMemoirLine, bool)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            result.Add((new FeeMemoirLine
            {
                Matricule = "", ActCode = "", Outcome = Enum.Parse<LineOutcome>(reader.GetString(0)),
                HospitalStayId = reader.GetBoolean(1) ? Guid.Empty : null, TravelAllowance = reader.GetBoolean(2),
                ReleasedAt = reader.GetBoolean(3) ? DateTimeOffset.UnixEpoch : null,
                ContestationStatus = reader.IsDBNull(5) ? null : Enum.Parse<ContestationStatus>(reader.GetString(5)),
            }, reader.GetBoolean(4)));
        Assert.Equal(Enum.GetValues<LineOutcome>().Length * contestations.Count * 8, result.Count);
        return result;
    }

    private static List<string> Members(Expression<Func<FeeMemoirLine, object?>> key) =>
        ((NewExpression)key.Body).Members!.Select(m => m.Name).ToList();

    private static async Task<(string Predicate, List<string> Columns)?> IndexAsync(NpgsqlConnection conn, string index)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT pg_get_expr(i.indpred, i.indrelid),
                   ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE s.nspname = @schema AND c.relname = @index
            """, conn);
        cmd.Parameters.AddWithValue("schema", AppDbContext.Schema);
        cmd.Parameters.AddWithValue("index", index);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return (reader.GetString(0), reader.GetFieldValue<string[]>(1).ToList());
    }
}
