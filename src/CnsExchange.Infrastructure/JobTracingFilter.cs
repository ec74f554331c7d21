using System.Diagnostics;
using Hangfire.Server;

namespace CnsExchange.Infrastructure;

/// <summary>Each Hangfire job runs in a span of its own (a root span: the request that enqueued it has long ended).</summary>
public sealed class JobTracingFilter : IServerFilter
{
    private const string Key = "cnsexchange.activity";

    // Hangfire's filter list is process-wide: registered once, however many hosts the process starts (the tests).
    private static int _registered;

    public static void RegisterOnce()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0) Hangfire.GlobalJobFilters.Filters.Add(new JobTracingFilter());
    }

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        var activity = Telemetry.Source.StartActivity($"job {job.Type.Name}.{job.Method.Name}");
        if (activity is null) return;
        activity.SetTag("cnsexchange.job.id", context.BackgroundJob.Id);
        activity.SetTag("code.function.name", $"{job.Type.FullName}.{job.Method.Name}");
        context.Items[Key] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.TryGetValue(Key, out var item) || item is not Activity activity) return;
        if (context.Exception is { } e && !context.ExceptionHandled) activity.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        activity.Dispose();
    }
}
