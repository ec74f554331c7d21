using CnsExchange.Infrastructure.RateLimits;
using Microsoft.Extensions.Caching.Memory;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Token buckets, one per API key known to be valid; requests without a key, with an invalid key or with a key not yet
/// verified share one bucket per client address, with a much smaller budget (issue 15): a stream of wrong keys is
/// limited before each costs a key lookup. 429 problem with Retry-After. The buckets live in PostgreSQL (issue 22), so
/// a key's budget holds across every API process; each process takes tokens in small leases (<see cref="SharedTokenBuckets"/>).
/// </summary>
public static class RateLimiting
{
    /// <summary>Bucket sizes and refills, read on every lease (a change applies at once, in this process).</summary>
    public sealed class Options
    {
        /// <summary>Off only to measure what the limiter costs (bench/run.sh p7); a public deployment keeps it on.</summary>
        public bool Enabled { get; set; } = true;
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
        services.AddSingleton(sp => new SharedTokenBuckets(CnsExchange.Infrastructure.DependencyInjection.ConnectionString(configuration),
            sp.GetRequiredService<ILogger<SharedTokenBuckets>>()));
        return services;
    }

    public static IApplicationBuilder UseCnsRateLimiting(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/health") || !context.RequestServices.GetRequiredService<Options>().Enabled)
        {
            await next(context);
            return;
        }
        var services = context.RequestServices;
        var options = services.GetRequiredService<Options>();
        var partition = Partition(context, services.GetRequiredService<IMemoryCache>());
        var verified = partition.StartsWith("key:", StringComparison.Ordinal);
        var (limit, perSecond) = verified ? (options.TokenLimit, options.TokensPerSecond) : (options.UnverifiedTokenLimit, options.UnverifiedTokensPerSecond);
        var taken = await services.GetRequiredService<SharedTokenBuckets>().TryTakeAsync(partition, limit, perSecond, context.RequestAborted);
        if (taken.Allowed)
        {
            await next(context);
            return;
        }
        var retryAfter = Math.Max(1, (int)Math.Ceiling(taken.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, 429, "rate_limited", "Too many requests", verified
            ? $"This API key sent more than {perSecond} requests per second (burst {limit}); retry after {retryAfter} s."
            : $"Requests from this address with no API key, an invalid one, or one this server has not verified yet (its first use here) are limited "
              + $"to {perSecond} per second (burst {limit}); retry after {retryAfter} s.");
    });
}
