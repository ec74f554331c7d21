using Npgsql;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>One statement on a connection of the test's own, its arguments as positional parameters ($1, $2…).</summary>
public static class Sql
{
    public static async Task ExecuteAsync(NpgsqlConnection conn, string sql, params object[] args)
    {
        await using var cmd = Command(conn, sql, args);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql, params object[] args)
    {
        await using var cmd = Command(conn, sql, args);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until a statement of this database whose text is LIKE <paramref name="queryLike"/> waits for a lock (another
    /// transaction holds what it needs), while <paramref name="run"/>, the work that sends it, has not ended; a failure of
    /// that work surfaces here. Fails with <paramref name="because"/> when the work ends without the statement ever waiting.
    /// </summary>
    public static async Task WaitUntilWaitingOnLockAsync(string connectionString, string queryLike, Task run, string because)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var waiting = await Eventually.PollAsync(async () =>
        {
            if (run.IsCompleted) await run;
            return await ScalarAsync<long>(conn, """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1
                """, queryLike);
        }, n => n > 0 || run.IsCompleted, intervalMs: 10);
        Assert.True(waiting > 0, because);
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, object[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return cmd;
    }
}
