using System.Diagnostics;
using System.Reflection;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>
/// `CnsExchange.Api.dll --migrate` (run by scripts/run.sh, scripts/scale-out.sh, bench/run.sh and docker compose before the
/// API): the start-up work alone — every migration, the application role, the default sandbox — then exit 0 without serving;
/// like the API, it first logs the garbage collector's settings as the runtime took them.
/// </summary>
public sealed class MigrateOnlyTests
{
    [Fact]
    public async Task Migrate_applies_every_migration_seeds_the_default_sandbox_and_exits_without_serving()
    {
        var connectionString = await TestDatabase.CreateAsync("cnsx_migrate");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CnsExchange.Api.dll"), "--migrate"])
        {
            WorkingDirectory = AppContext.BaseDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Cns"] = connectionString;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4)))
        {
            try { await process.WaitForExitAsync(limit.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"--migrate did not exit within 4 minutes (it serves?): {await output}{await errors}");
            }
        }
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await output}{await errors}");
        Assert.DoesNotContain("Now listening", await output, StringComparison.Ordinal);
        // The API's build asks the GC to conserve memory (runtimeconfig.json); the process says how the runtime took it.
        Assert.Contains("conserve memory 5", await output, StringComparison.Ordinal);

        var migrations = typeof(AppDbContext).Assembly.GetTypes().Count(t => t.GetCustomAttribute<MigrationAttribute>() is not null);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var applied = new NpgsqlCommand($"SELECT count(*) FROM {AppDbContext.Schema}.\"__EFMigrationsHistory\"", connection))
            Assert.Equal(migrations, Convert.ToInt32(await applied.ExecuteScalarAsync()));
        await using (var keys = new NpgsqlCommand($"SELECT count(*) FROM {AppDbContext.Schema}.api_keys", connection))
            Assert.True(Convert.ToInt32(await keys.ExecuteScalarAsync()) > 0, "the default sandbox's keys are seeded");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
