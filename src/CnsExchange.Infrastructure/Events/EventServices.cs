using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.Webhooks;
using Hangfire;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Events;

public static class EventServices
{
    public const string HousekeepingJobId = "event-housekeeping";

    public static IServiceCollection AddEvents(this IServiceCollection services, IConfiguration configuration, bool runBackgroundJobs)
    {
        var section = configuration.GetSection("CnsExchange:Webhooks");
        var options = section.Get<WebhookOptions>() ?? new WebhookOptions();
        services.AddSingleton(options);
        services.AddSingleton(WebhookNetworkPolicy.FromSettings(section["Network"], section["AllowedNetworks"]));
        // Deliveries run on real time (the inner clock): a receiver checks the signature's timestamp against its own clock,
        // and retries wait in real time whatever a sandbox's clock says.
        services.AddSingleton<IWebhookSender>(sp => new WebhookSender(sp.GetRequiredService<WebhookNetworkPolicy>(), options, RealTime(sp)));
        services.AddScoped<IClockAdvanceListener, EventHousekeepingClockListener>();
        services.AddScoped<EventJobs>();
        // Every process that writes events wakes the dispatchers (of any process) after its commits.
        services.AddHostedService<EventCommitNotifier>();
        if (runBackgroundJobs)
        {
            services.AddHostedService(sp => new WebhookDispatcher(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), sp.GetRequiredService<IWebhookSender>(),
                options, RealTime(sp), sp.GetRequiredService<ILogger<WebhookDispatcher>>()));
            services.AddHostedService<EventHousekeepingSchedule>();
        }
        return services;
    }

    private static TimeProvider RealTime(IServiceProvider sp) => sp.GetKeyedService<TimeProvider>(DependencyInjection.InnerClockKey) ?? TimeProvider.System;
}

/// <summary>The Hangfire job of events: voucher.expiring and retention, per sandbox on its own clock.</summary>
public sealed class EventJobs(ISandboxUnits sandboxes, IServiceScopeFactory scopes, ILogger<EventJobs> logger)
{
    /// <summary>Every minute, in each sandbox whose clock runs (a frozen one does its due work when advanced).</summary>
    [AutomaticRetry(Attempts = 0)] // the next minute's tick is the retry
    [JobDisplayName("Event housekeeping tick")]
    public Task TickAsync(CancellationToken ct) =>
        Sandbox.SandboxTicks.InRunningSandboxesAsync(sandboxes, scopes, logger, "Event housekeeping tick",
            async (mediator, token) => await mediator.Send(new RunEventHousekeeping(), token), ct);
}

internal sealed class EventHousekeepingSchedule(IRecurringJobManager jobs, ILogger<EventHousekeepingSchedule> logger) : RecurringJobSchedule(jobs, logger)
{
    protected override string JobId => EventServices.HousekeepingJobId;

    protected override void Register(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<EventJobs>(JobId, j => j.TickAsync(CancellationToken.None), Cron.Minutely(), new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}
