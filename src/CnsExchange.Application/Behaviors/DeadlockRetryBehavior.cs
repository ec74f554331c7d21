using Microsoft.Extensions.Logging;

namespace CnsExchange.Application.Behaviors;

/// <summary>A command whose transaction may be run again from scratch when PostgreSQL aborts it as a deadlock victim.</summary>
public interface IRetryableOnDeadlock;

/// <summary>
/// Memoirs lock the voucher services they bill in a fixed order, but two memoirs can still wait on each other's paid
/// lines (same insured and day on two vouchers); PostgreSQL then aborts one, which stored nothing. A command marked
/// <see cref="IRetryableOnDeadlock"/> is then sent again from scratch, a few times, after a short random pause.
/// </summary>
public sealed class DeadlockRetryBehavior<TMessage, TResponse>(IAppDbContext db, ILogger<DeadlockRetryBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : notnull, IMessage
{
    private const int MaxAttempts = 3;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IRetryableOnDeadlock) return await next(message, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await next(message, cancellationToken);
            }
            catch (Exception e) when (attempt < MaxAttempts && e.IsDeadlockOrSerializationFailure())
            {
                db.ClearChangeTracker();
                logger.LogInformation("{Command} was aborted by a deadlock (attempt {Attempt}); sending it again", typeof(TMessage).Name, attempt);
                await Task.Delay(Random.Shared.Next(20, 100) * attempt, cancellationToken);
            }
        }
    }
}
