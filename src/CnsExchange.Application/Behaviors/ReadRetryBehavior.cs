using System.Data.Common;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace CnsExchange.Application.Behaviors;

/// <summary>
/// Retries a query when the database connection failed transiently (e.g. PostgreSQL restarting). Only queries:
/// they read, so running them again is safe. Commands are never retried here — a retried write could pay twice.
/// </summary>
public sealed class ReadRetryBehavior<TMessage, TResponse>(ILogger<ReadRetryBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : notnull, IMessage
{
    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(300),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IBaseQuery) return await next(message, cancellationToken);
        var attempt = 0;
        return await Pipeline.ExecuteAsync(async ct =>
        {
            if (attempt++ > 0) logger.LogWarning("Retrying {Query} after a transient database error (attempt {Attempt})", typeof(TMessage).Name, attempt);
            return await next(message, ct);
        }, cancellationToken);
    }

    internal static bool IsTransient(Exception e) => e.AndInner().Any(x => x is DbException { IsTransient: true } or TimeoutException);
}
