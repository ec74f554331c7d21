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

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, object[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return cmd;
    }
}
