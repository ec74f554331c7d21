using CnsExchange.Infrastructure;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.Application.Common;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CnsExchange.IntegrationTests.ScaleOut;

/// <summary>
/// Issue 22: processes started together on a database that does not exist yet (bench p8 starts five at once) all come
/// up: one creates the database and applies the migrations, the others go on with its work. Before, the losers of the
/// CREATE DATABASE race died with 42P04 at start.
/// </summary>
public sealed class StartUpRaceTests(ApiFactory api) : ApiTest(api)
{
    private NpgsqlConnection? _host;

    private async Task<NpgsqlConnection> HostConnectionAsync()
    {
        _host = new NpgsqlConnection(Api.ConnectionString);
        await _host.OpenAsync();
        return _host;
    }

    [Fact]
    public async Task Four_processes_starting_at_once_on_a_missing_database_all_initialise_it_and_the_migrations_apply_once()
    {
        var name = $"cnsx_race_{Guid.NewGuid():N}"[..30];
        var owner = new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Cns"] = owner, [DatabaseInitializer.SeedSandboxKey] = "true" }).Build();
        try
        {
            // Four "processes": each its own service provider (data sources, pools, initializer) on the missing database.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var services = new ServiceCollection();
                services.AddLogging();
                services.AddSingleton<IConfiguration>(configuration);
                services.AddInfrastructure(configuration, runBackgroundJobs: false);
                await using var process = services.BuildServiceProvider();
                await using var scope = process.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
            })));

            var migrations = Api.Services.CreateScope().ServiceProvider.GetRequiredService<AppDbContext>().Database.GetMigrations().Count();
            await using var conn = new NpgsqlConnection(owner);
            await conn.OpenAsync();
            Assert.Equal(migrations, await SandboxApi.CountAsync(conn, "SELECT count(*) FROM cns.\"__EFMigrationsHistory\""));
            Assert.Equal(1, await SandboxApi.CountAsync(conn, "SELECT count(*) FROM cns.sandboxes WHERE id = $1", SandboxIds.Default));
            // The default sandbox seeded once: its keys and insured as one start-up leaves them.
            Assert.Equal(await SandboxApi.CountAsync(await HostConnectionAsync(), "SELECT count(*) FROM cns.api_keys WHERE sandbox_id = $1", SandboxIds.Default),
                await SandboxApi.CountAsync(conn, "SELECT count(*) FROM cns.api_keys WHERE sandbox_id = $1", SandboxIds.Default));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (_host is not null) await _host.DisposeAsync();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
