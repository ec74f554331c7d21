using System.Data.Common;

namespace CnsExchange.Application.Common;

public static class PersistenceExtensions
{
    /// <summary>True when the database refused a row because a unique constraint already holds it (SQLSTATE 23505).</summary>
    public static bool IsUniqueViolation(this Exception e, string? constraint = null) =>
        e.AndInner().OfType<DbException>().FirstOrDefault(db => db.SqlState == "23505") is { } db
        && (constraint is null || db.Message.Contains(constraint, StringComparison.Ordinal));

    /// <summary>
    /// True when PostgreSQL aborted the transaction as a deadlock victim or for a serialization failure (SQLSTATE 40P01,
    /// 40001): nothing was stored and running the whole transaction again succeeds.
    /// </summary>
    public static bool IsDeadlockOrSerializationFailure(this Exception e) =>
        e.AndInner().Any(x => x is DbException { SqlState: "40P01" or "40001" });

    /// <summary>Runs <paramref name="work"/> in a transaction, joining the current one if there is one.</summary>
    public static async Task<T> InTransactionAsync<T>(this IAppDbContext db, Func<Task<T>> work, CancellationToken ct,
        System.Data.IsolationLevel isolation = System.Data.IsolationLevel.ReadCommitted)
    {
        if (db.Database.CurrentTransaction is not null) return await work();
        await using var tx = await db.Database.BeginTransactionAsync(isolation, ct);
        var result = await work();
        await tx.CommitAsync(ct);
        return result;
    }
}
