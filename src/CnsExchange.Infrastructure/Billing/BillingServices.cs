using CnsExchange.Application.Features.Billing;
using Hangfire;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Billing;

public static class BillingServices
{
    public static IServiceCollection AddBilling(this IServiceCollection services, string connectionString, bool runBackgroundJobs,
        BillingRetentionOptions? retention = null)
    {
        services.AddSingleton(retention ?? new BillingRetentionOptions());
        services.AddScoped<BillingFileRetentionJob>();
        services.AddSingleton(_ => new BillingDataSource(NpgsqlDataSource.Create(connectionString)));
        services.AddScoped<IBillingLedger, BillingLedger>();
        services.AddScoped<IBillingFileStaging, BillingFileStaging>();
        services.AddScoped<IBillingFileStore, BillingFileStore>();
        services.AddSingleton<IBillingFileParser, BillingFileParser>();
        services.AddSingleton<IBillingFileQueue, HangfireBillingFileQueue>();
        services.AddScoped<BillingFileJob>();
        if (runBackgroundJobs)
        {
            services.AddHostedService<BillingFileRecovery>();
            services.AddHostedService<BillingFileRetentionSchedule>();
        }
        return services;
    }
}

/// <summary>How long the contents of rejected billing files are kept (configuration section CnsExchange:BillingFiles).</summary>
public sealed class BillingRetentionOptions
{
    /// <summary>Days after a file was rejected; its status, counts and errors stay, its content goes.</summary>
    public int RejectedContentRetentionDays { get; set; } = 30;
}

/// <summary>
/// Deletes the contents (chunks) of billing files rejected more than the retention period ago (issue 15): a rejected
/// file is never imported, so its health data has no reason to stay. Idempotent; any process may run it.
/// </summary>
public sealed class BillingFileRetentionJob(AppDbContext db, TimeProvider clock, BillingRetentionOptions options, ILogger<BillingFileRetentionJob> logger)
{
    public const string JobId = "billing-files:purge-rejected-contents";

    [AutomaticRetry(Attempts = 3, DelaysInSeconds = new[] { 60, 600, 3600 })] // nobody waits on it: it runs again within the day
    [JobDisplayName("Delete contents of rejected billing files past retention")]
    public async Task<int> PurgeRejectedContentsAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().AddDays(-options.RejectedContentRetentionDays).ToUniversalTime();
        var deleted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            DELETE FROM cns.billing_file_chunks k
            USING cns.billing_files f
            WHERE k.content_id = f.content_id AND f.status = {BillingFileStatus.Rejected.ToString()} AND f.completed_at < {cutoff}
            """, ct);
        if (deleted > 0) logger.LogInformation("Deleted {Count} chunk(s) of rejected billing files past {Days} days", deleted, options.RejectedContentRetentionDays);
        return deleted;
    }
}

/// <summary>Registers the daily retention job once the database is migrated.</summary>
internal sealed class BillingFileRetentionSchedule(IRecurringJobManager jobs, ILogger<BillingFileRetentionSchedule> logger) : RecurringJobSchedule(jobs, logger)
{
    protected override string JobId => BillingFileRetentionJob.JobId;

    protected override void Register(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<BillingFileRetentionJob>(JobId, j => j.PurgeRejectedContentsAsync(CancellationToken.None), Cron.Daily(3),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}

/// <summary>The Hangfire job of a billing file. Thin: it sends one command; Hangfire retries it after a failure (the command is idempotent).</summary>
public sealed class BillingFileJob(IMediator mediator, ISandboxUnits sandboxes)
{
    /// <summary>
    /// Runs in the sandbox the file was sent in (its first argument), with that sandbox's clock. Retried soon at first:
    /// a run fails mostly by colliding with concurrent memoirs more often than it tries again itself, and Hangfire's own
    /// delays ((attempt − 1)⁴ + 15 + random(30) × attempt seconds: 15 to 44 s, then 16 to 74 s) would leave a valid file
    /// waiting for up to two minutes.
    /// </summary>
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = new[] { 1, 5, 30, 60, 300 })]
    [JobDisplayName("Process billing file {1} (sandbox {0})")]
    public async Task ProcessAsync(Guid sandboxId, Guid billingFileId, CancellationToken ct)
    {
        if (await sandboxes.ClockAsync(sandboxId, ct) is not { } clock) return; // the sandbox was deleted: nothing left to process
        using var sandbox = SandboxScope.Enter(sandboxId, clock);
        await mediator.Send(new ProcessBillingFile(billingFileId), ct);
    }
}

internal sealed class HangfireBillingFileQueue(IBackgroundJobClient jobs) : IBillingFileQueue
{
    public void Enqueue(Guid billingFileId)
    {
        var sandboxId = SandboxScope.RequireId();
        jobs.Enqueue<BillingFileJob>(j => j.ProcessAsync(sandboxId, billingFileId, CancellationToken.None));
    }
}

/// <summary>
/// At start-up: queues again the billing files a crash left unqueued or unfinished (the job is idempotent), and drops
/// uploaded contents that never became a billing file.
/// </summary>
internal sealed class BillingFileRecovery(IServiceScopeFactory scopes, IBillingFileQueue queue, ISandboxUnits sandboxes, TimeProvider clock,
    ILogger<BillingFileRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var sandboxId in await sandboxes.ActiveAsync(stoppingToken))
            {
                if (await sandboxes.ClockAsync(sandboxId, stoppingToken) is not { } clock) continue;
                using var sandbox = SandboxScope.Enter(sandboxId, clock);
                await RecoverAsync(stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Billing file recovery failed; unfinished files will be processed when sent again");
        }
    }

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var unfinished = await db.Set<BillingFile>().AsNoTracking()
                .Where(UnfinishedFiles.File)
                .Select(f => f.Id).ToListAsync(stoppingToken);
            foreach (var id in unfinished) queue.Enqueue(id);
            if (unfinished.Count > 0) logger.LogInformation("Queued {Count} unfinished billing file(s) again", unfinished.Count);

            var cutoff = clock.GetUtcNow().AddHours(-1).ToUniversalTime();
            var dropped = await db.Database.ExecuteSqlInterpolatedAsync($"""
                DELETE FROM cns.billing_file_contents c
                WHERE c.created_at < {cutoff} AND NOT EXISTS (SELECT 1 FROM cns.billing_files f WHERE f.content_id = c.id)
                """, stoppingToken);
            if (dropped > 0) logger.LogInformation("Dropped {Count} orphan billing file content(s)", dropped);
        }
    }
}
