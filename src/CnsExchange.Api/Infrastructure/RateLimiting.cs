using System.Threading.RateLimiting;
using CnsExchange.Application.Common;
using Microsoft.AspNetCore.RateLimiting;

namespace CnsExchange.Api.Infrastructure;

/// <summary>Per-API-key token buckets (anonymous callers share one bucket per IP); 429 problem with Retry-After.</summary>
public static class RateLimiting
{
    /// <summary>Bucket size and refill per key. Read when a key's bucket is first created, so a change applies to new keys.</summary>
    public sealed class Options
    {
        public int TokenLimit { get; set; } = 2000;
        public int TokensPerSecond { get; set; } = 1000;
    }

    public static IServiceCollection AddCnsRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("CnsExchange:RateLimit").Get<Options>() ?? new Options());
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var key = context.Request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString();
                var partition = string.IsNullOrEmpty(key)
                    ? "ip:" + context.Connection.RemoteIpAddress
                    : "key:" + ApiKeys.Hash(key);
                if (context.Request.Path.StartsWithSegments("/health")) return RateLimitPartition.GetNoLimiter("health");
                var options = context.RequestServices.GetRequiredService<Options>();
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.TokenLimit,
                    TokensPerPeriod = options.TokensPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (ctx, ct) =>
            {
                var options = ctx.HttpContext.RequestServices.GetRequiredService<Options>();
                var retryAfter = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                ctx.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.WriteAsync(ctx.HttpContext, 429, "rate_limited", "Too many requests",
                    $"This API key sent more than {options.TokensPerSecond} requests per second (burst {options.TokenLimit}); retry after {retryAfter} s.");
            };
        });
        return services;
    }
}
