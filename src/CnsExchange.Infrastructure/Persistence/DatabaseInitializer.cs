using CnsExchange.Application.Common;
using CnsExchange.Infrastructure.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>Start-up work, in order: migrations, sandbox identities, sandbox clock. Hangfire is touched only after this.</summary>
public sealed class DatabaseInitializer(AppDbContext db, SandboxSeeder seeder, ISandboxClock clock, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0) logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(ct);
        await seeder.SeedAsync(ct);
        await clock.RefreshAsync(ct);
    }
}
