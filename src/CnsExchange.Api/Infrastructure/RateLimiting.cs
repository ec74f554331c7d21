using System.Threading.RateLimiting;
using CnsExchange.Application.Common;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Caching.Memory;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Token buckets, one per API key known to be valid; requests without a key, with an invalid key or with a key not yet
/// verified share one bucket per client address, with a much smaller budget (issue 15): a stream of wrong keys is
/// limited before each costs a database lookup. 429 problem with Retry-After. The buckets live in this process; the
/// partitioning (<see cref="Partition"/>) is the part to keep when they move to the database (issue 22).
/// </summary>
public static class RateLimiting
{
    /// <summary>Bucket sizes and refills. Read when a bucket is first created, so a change applies to new buckets.</summary>
    public sealed class Options
    {
        public int TokenLimit { get; set; } = 2000;
        public int TokensPerSecond { get; set; } = 1000;
        /// <summary>Per client address, for requests without a verified key.</summary>
        public int UnverifiedTokenLimit { get; set; } = 100;
        public int UnverifiedTokensPerSecond { get; set; } = 20;
    }

    /// <summary>"key:" + hash for a key the authentication cache knows as valid; "client:" + address otherwise.</summary>
    public static string Partition(HttpContext context, IMemoryCache cache)
    {
        var key = context.Request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString();
        if (key.Length is > 0 and <= ApiKeyAuthenticationHandler.MaxKeyLength)
        {
            var hash = ApiKeys.Hash(key);
            if (ApiKeyAuthenticationHandler.IsKnownValid(cache, hash)) return "key:" + hash;
        }
        return "client:" + context.Connection.RemoteIpAddress;
    }

    public static IServiceCollection AddCnsRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("CnsExchange:RateLimit").Get<Options>() ?? new Options());
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.Request.Path.StartsWithSegments("/health")) return RateLimitPartition.GetNoLimiter("health");
                var partition = Partition(context, context.RequestServices.GetRequiredService<IMemoryCache>());
                var options = context.RequestServices.GetRequiredService<Options>();
                var verified = partition.StartsWith("key:", StringComparison.Ordinal);
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = verified ? options.TokenLimit : options.UnverifiedTokenLimit,
                    TokensPerPeriod = verified ? options.TokensPerSecond : options.UnverifiedTokensPerSecond,
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
                var verified = Partition(ctx.HttpContext, ctx.HttpContext.RequestServices.GetRequiredService<IMemoryCache>()).StartsWith("key:", StringComparison.Ordinal);
                await Problems.WriteAsync(ctx.HttpContext, 429, "rate_limited", "Too many requests", verified
                    ? $"This API key sent more than {options.TokensPerSecond} requests per second (burst {options.TokenLimit}); retry after {retryAfter} s."
                    : $"Requests without a valid API key from this address are limited to {options.UnverifiedTokensPerSecond} per second (burst {options.UnverifiedTokenLimit}); retry after {retryAfter} s.");
            };
        });
        return services;
    }
}
