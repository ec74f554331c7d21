using Npgsql;
using Testcontainers.PostgreSql;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>
/// A real PostgreSQL for the tests: the server in CNSEXCHANGE_TEST_DB (scripts/test.sh starts one), else a
/// Testcontainers container when Docker is reachable. Each test run gets a fresh database of its own.
/// </summary>
public static class TestDatabase
{
    public const string Variable = "CNSEXCHANGE_TEST_DB";
    private static PostgreSqlContainer? _container;

    public static async Task<string> CreateAsync(string prefix)
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server)) server = await StartContainerAsync();

        var name = $"{prefix}_{Guid.NewGuid():N}"[..40];
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using (var conn = new NpgsqlConnection(admin.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 60, Timeout = 15 }.ConnectionString;
    }

    private static async Task<string> StartContainerAsync()
    {
        if (_container is not null) return _container.GetConnectionString();
        try
        {
            _container = new PostgreSqlBuilder("postgres:17-alpine").Build();
            await _container.StartAsync();
            return _container.GetConnectionString();
        }
        catch (Exception e) when (e.GetType().Name.Contains("DockerUnavailable", StringComparison.Ordinal) || e is InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL for the integration tests: set {Variable} to a server connection string (scripts/test.sh starts a local one) or make Docker reachable for Testcontainers.", e);
        }
    }
}
