using System.Reflection;
using CnsExchange.Infrastructure.Billing;
using CnsExchange.Infrastructure.Payments;
using Hangfire;

namespace CnsExchange.Infrastructure.Tests;

/// <summary>
/// Hangfire's own retry delay (1.8, AutomaticRetryAttribute) is (attempt − 1)⁴ + 15 + random(30) × attempt seconds: 15 to
/// 44 s before the first retry, 16 to 74 s before the second. A billing file that collided with concurrent memoirs once too
/// often waited that long (a test timed out at 60 s).
/// </summary>
public sealed class JobRetryTests
{
    private static IEnumerable<MethodInfo> Jobs() => typeof(BillingFileJob).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Where(m => m.GetCustomAttribute<JobDisplayNameAttribute>() is not null);

    [Fact]
    public void Every_job_says_how_often_and_when_it_is_retried()
    {
        var jobs = Jobs().ToList();
        Assert.Equal(7, jobs.Count);
        Assert.All(jobs, job =>
        {
            var retry = job.GetCustomAttribute<AutomaticRetryAttribute>();
            Assert.True(retry is not null, $"{job.DeclaringType!.Name}.{job.Name} leaves its retries to Hangfire's global filter.");
            if (retry.Attempts > 0)
                Assert.True(retry.DelaysInSeconds is { Length: > 0 }, $"{job.DeclaringType!.Name}.{job.Name} is retried after Hangfire's default delays.");
        });
    }

    [Theory]
    [InlineData(typeof(BillingFileJob), nameof(BillingFileJob.ProcessAsync))]
    [InlineData(typeof(PaymentRunJobs), nameof(PaymentRunJobs.ExecuteAsync))]
    public void A_job_someone_waits_on_is_retried_within_seconds_at_first(Type type, string method)
    {
        var retry = type.GetMethod(method)!.GetCustomAttribute<AutomaticRetryAttribute>()!;
        Assert.True(retry.Attempts >= 3);
        Assert.NotNull(retry.DelaysInSeconds);
        Assert.InRange(retry.DelaysInSeconds[0], 1, 5);
    }
}
