using Npgsql;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>
/// What lets PostgreSQL write a row's new version as a heap-only tuple (no index entry written): the column updated is in
/// no index of the table — as a key, in an expression or in a predicate — and the table's pages keep half their room free
/// for new versions.
/// </summary>
public static class HeapOnlyUpdates
{
    public static async Task AssertPossibleAsync(ApiFactory api, string table, string column)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = @table::regclass
              AND ((SELECT attnum FROM pg_attribute WHERE attrelid = i.indrelid AND attname = @column) = ANY (i.indkey::int2[])
                   OR pg_get_expr(i.indexprs, i.indrelid) ~ ('\m' || @column || '\M') OR pg_get_expr(i.indpred, i.indrelid) ~ ('\m' || @column || '\M'))
            """, connection))
        {
            cmd.Parameters.AddWithValue("table", table);
            cmd.Parameters.AddWithValue("column", column);
            var indexes = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) indexes.Add(reader.GetString(0));
            Assert.True(indexes.Count == 0, $"{table}.{column} is in {string.Join(", ", indexes)}");
        }
        await using (var cmd = new NpgsqlCommand("SELECT reloptions FROM pg_class WHERE oid = @table::regclass", connection))
        {
            cmd.Parameters.AddWithValue("table", table);
            Assert.Contains("fillfactor=50", (await cmd.ExecuteScalarAsync()) as string[] ?? []);
        }
    }
}
