using CnsExchange.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>
/// SQL run as the database's owner in one transaction that is always rolled back, for the tests of a plan: the rows and
/// statistics they make leave nothing behind. <see cref="AppRole"/> is the application's role, for <c>SET LOCAL ROLE</c>.
/// </summary>
public sealed class RolledBackSession : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private RolledBackSession(NpgsqlConnection connection, NpgsqlTransaction transaction, string appRole) =>
        (_connection, _transaction, AppRole) = (connection, transaction, appRole);

    public string AppRole { get; }

    public static async Task<RolledBackSession> OpenAsync(ApiFactory api)
    {
        var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        return new RolledBackSession(connection, transaction, DependencyInjection.AppRole(api.Services.GetRequiredService<IConfiguration>()).Name);
    }

    /// <summary>Runs <paramref name="sql"/>; the first column of each row it returns, as text ("" for NULL).</summary>
    public async Task<List<string>> RunAsync(string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, _connection, _transaction);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.IsDBNull(0) ? "" : reader.GetValue(0).ToString()!);
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
