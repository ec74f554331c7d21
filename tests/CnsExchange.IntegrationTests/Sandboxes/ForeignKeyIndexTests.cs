using System.Text.Json;
using CnsExchange.IntegrationTests.Support;
using Npgsql;

namespace CnsExchange.IntegrationTests.Sandboxes;

/// <summary>
/// Deleting a row makes PostgreSQL check every foreign key that references its table with
/// <c>SELECT 1 FROM ONLY child x WHERE fk = $1 FOR KEY SHARE OF x</c>, once per deleted row. Without an index that this
/// query can search, each check reads the child table whole, every sandbox's rows included: deleting a sandbox of 50,000
/// validations then ran past the command timeout, batch after batch (stop 57; indexes led by <c>sandbox_id</c> cannot
/// serve it on PostgreSQL 15, which has no skip scan). So every foreign key of the schema must have an index that the
/// check's own query, planned as PostgreSQL plans it (a generic plan, sequential scans off), searches by the key.
/// </summary>
public sealed class ForeignKeyIndexTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Every_foreign_key_check_on_deleting_a_parent_row_searches_an_index_by_the_key()
    {
        await using var owner = new NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        var keys = new List<(string Name, string Child, string[] Columns, string[] Types)>();
        await using (var list = new NpgsqlCommand("""
            SELECT c.conname, c.conrelid::regclass::text,
                   array_agg(quote_ident(a.attname) ORDER BY k.ord), array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.ord)
            FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
            WHERE c.contype = 'f' AND c.connamespace = 'cns'::regnamespace
            GROUP BY c.oid, c.conname, c.conrelid
            ORDER BY 2, 1
            """, owner))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                keys.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<string[]>(3)));
        Assert.True(keys.Count > 50, $"{keys.Count} foreign keys read");

        await using (var settings = new NpgsqlCommand("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan", owner))
            await settings.ExecuteNonQueryAsync();
        var unsearched = new List<string>();
        foreach (var (name, child, columns, types) in keys)
        {
            var where = string.Join(" AND ", columns.Select((c, i) => $"x.{c} = ${i + 1}"));
            await using var explain = new NpgsqlCommand($"""
                PREPARE fk_check({string.Join(", ", types)}) AS SELECT 1 FROM ONLY {child} x WHERE {where} FOR KEY SHARE OF x;
                EXPLAIN (FORMAT JSON) EXECUTE fk_check({string.Join(", ", types.Select(_ => "NULL"))});
                DEALLOCATE fk_check;
                """, owner);
            var plan = (string)(await explain.ExecuteScalarAsync())!;
            // An index condition alone is not enough: PostgreSQL also applies one to a column after the first, by reading
            // the whole index. The index used must start with the key.
            var searched = false;
            foreach (var index in IndexesScanned(JsonDocument.Parse(plan).RootElement))
                searched |= await SandboxApi.ScalarAsync<string>(owner,
                    "SELECT quote_ident(attname) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indexrelid = ('cns.' || quote_ident($1))::regclass",
                    index) == columns[0];
            if (!searched) unsearched.Add($"{name} ({child}: {string.Join(", ", columns)}): {plan.ReplaceLineEndings(" ")}");
        }
        Assert.True(unsearched.Count == 0, string.Join("\n", unsearched));
    }

    /// <summary>The indexes the plan searches (index, index-only and bitmap index scans).</summary>
    private static IEnumerable<string> IndexesScanned(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.Array => node.EnumerateArray().SelectMany(IndexesScanned),
        JsonValueKind.Object => node.EnumerateObject().SelectMany(p =>
            p.Name == "Index Name" ? [p.Value.GetString()!] : IndexesScanned(p.Value)),
        _ => [],
    };
}
