using CnsExchange.Application.Common;
using CnsExchange.Infrastructure.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>Start-up work, in order: migrations, sandbox identities, sandbox clock. Hangfire is touched only after this.</summary>
public sealed class DatabaseInitializer(AppDbContext db, SandboxSeeder seeder, ISandboxClock clock, IConfiguration configuration, ILogger<DatabaseInitializer> logger)
{
    public const string SeedSandboxKey = "CnsExchange:SeedSandbox";

    public async Task InitializeAsync(CancellationToken ct)
    {
        // Created first, through the creator's check that expects the database may be missing: otherwise the first start
        // logs "An error occurred using the connection" (fail) twice before migrations create it.
        var creator = db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct)) await creator.CreateAsync(ct);
        // Likewise the history table, which the pending-migrations check reads before migrations would create it.
        await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0) logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(ct);
        // A production-like run starts without the sandbox's providers, keys and insured (CnsExchange:SeedSandbox=false).
        if (configuration.GetValue(SeedSandboxKey, true)) await seeder.SeedAsync(ct);
        await clock.RefreshAsync(ct);
    }
}
