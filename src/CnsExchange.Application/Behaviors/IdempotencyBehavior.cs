namespace CnsExchange.Application.Behaviors;

/// <summary>A command that may carry an Idempotency-Key (API.md conventions).</summary>
public interface IIdempotentCommand
{
    string? IdempotencyKey { get; }
    /// <summary>Who the key belongs to and for which operation, e.g. "provider-guid:validation-requests".</summary>
    string IdempotencyScope { get; }
    /// <summary>SHA-256 of the request body (and parts), to tell a replay from a reuse with another body.</summary>
    string RequestFingerprint { get; }
}

/// <summary>
/// An idempotent create whose answer carries a secret shown once (an API key, a webhook's signing secret). That answer
/// is not kept, since the secret is stored hashed or nowhere else: the same key and body again create nothing and are
/// answered 409 <c>idempotent_replay_without_secret</c> with the URL of what the first request created; another body is
/// 422 as for every key.
/// </summary>
public interface IAnswersASecretOnce<in TResponse>
{
    /// <summary>The URL of what <paramref name="response"/> created, kept instead of the answer.</summary>
    string ResourceOf(TResponse response);
}

/// <summary>
/// What an Idempotency-Key is, wherever it is kept: 1 to 200 characters, bound to its first request for
/// <see cref="Lifetime"/> after its first use. The mediator's behavior keeps keys in a sandbox; a sandbox's own creation
/// keeps its key on the sandbox's row (the operator belongs to no sandbox).
/// </summary>
public static class IdempotencyKeys
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public const string LengthMessage = "The Idempotency-Key header must have 1 to 200 characters.";

    public static bool HasValidLength(string key) => key.Length is >= 1 and <= 200;

    /// <summary>A key first used at <paramref name="firstUse"/> is free again at <paramref name="now"/>, for a new request.</summary>
    public static bool HasExpired(DateTimeOffset firstUse, DateTimeOffset now) => firstUse <= now - Lifetime;
}

/// <summary>Tells the endpoint that the answer was replayed from an earlier request.</summary>
public sealed class IdempotencyContext
{
    public bool Replayed { get; set; }
}

/// <summary>
/// Same key + same body replays the first answer; same key + other body is 422. A key expires <see cref="IdempotencyKeys.Lifetime"/>
/// after its first use (by the sandbox clock): it is then free for a new request, as at Stripe. The key row is inserted in the
/// same transaction as the command's own writes, so two concurrent requests with one key create one resource:
/// the second waits on the unique index, then replays what the first committed.
/// </summary>
public sealed class IdempotencyBehavior<TMessage, TResponse>(IAppDbContext db, TimeProvider clock, IdempotencyContext context)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IIdempotentCommand { IdempotencyKey: { } key } command) return await next(message, cancellationToken);
        if (!IdempotencyKeys.HasValidLength(key)) throw new BadInputException("Idempotency-Key", IdempotencyKeys.LengthMessage);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await HandleOnceAsync(message, command, key, next, cancellationToken);
            }
            catch (KeyExpired) when (attempt < LostRaceException.MaxAttempts)
            {
                db.ClearChangeTracker();
            }
            catch (LostRaceException) when (attempt < LostRaceException.MaxAttempts)
            {
                // The command lost a race at its save (VAL-14): everything, key row included, was rolled back; decide again.
                db.ClearChangeTracker();
            }
        }
    }

    private async ValueTask<TResponse> HandleOnceAsync(TMessage message, IIdempotentCommand command, string key,
        MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var record = new IdempotencyRecord
        {
            Id = Guid.CreateVersion7(),
            Scope = command.IdempotencyScope,
            Key = key,
            RequestHash = command.RequestFingerprint,
            CreatedAt = clock.GetUtcNow(),
        };
        db.IdempotencyRecords.Add(record);
        try
        {
            await SaveWithoutSavepointAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            await tx.RollbackAsync(cancellationToken);
            db.ClearChangeTracker();
            return await ReplayAsync(command, key, cancellationToken);
        }

        var response = await next(message, cancellationToken);
        record.ResponseJson = message is IAnswersASecretOnce<TResponse> secret
            ? JsonSerializer.Serialize(new KeptResource(secret.ResourceOf(response)), JsonDefaults.Options)
            : JsonSerializer.Serialize(response, JsonDefaults.Options);
        await SaveWithoutSavepointAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return response;
    }

    /// <summary>The key row and the stored answer need no savepoint: when either save fails, the whole transaction is undone.</summary>
    private async Task SaveWithoutSavepointAsync(CancellationToken ct)
    {
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
        }
    }

    private async Task<TResponse> ReplayAsync(IIdempotentCommand command, string key, CancellationToken ct)
    {
        var existing = await db.IdempotencyRecords.AsNoTracking()
            .SingleAsync(r => r.Scope == command.IdempotencyScope && r.Key == key, ct);
        if (IdempotencyKeys.HasExpired(existing.CreatedAt, clock.GetUtcNow()))
        {
            // Expired: forget it (only that row, should another request have renewed the key meanwhile) and start afresh.
            await db.IdempotencyRecords.Where(r => r.Id == existing.Id).ExecuteDeleteAsync(ct);
            throw new KeyExpired();
        }
        if (existing.RequestHash != command.RequestFingerprint) throw new IdempotencyKeyReusedException();
        if (existing.ResponseJson is null)
            throw new ConflictException("idempotency_in_progress", "A request with this Idempotency-Key is still being processed.");
        if (command is IAnswersASecretOnce<TResponse>)
        {
            throw IdempotentReplay.WithoutSecret(JsonSerializer.Deserialize<KeptResource>(existing.ResponseJson, JsonDefaults.Options)!.Resource);
        }
        context.Replayed = true;
        return JsonSerializer.Deserialize<TResponse>(existing.ResponseJson, JsonDefaults.Options)!;
    }

    private sealed record KeptResource(string Resource);

    private sealed class KeyExpired : Exception;
}
