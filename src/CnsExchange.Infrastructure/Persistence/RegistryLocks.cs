using CnsExchange.Application.Features.Admin;

namespace CnsExchange.Infrastructure.Persistence;

internal sealed class RegistryLocks(AppDbContext db) : IRegistryLocks
{
    public Task LockAsync(string kind, IEnumerable<string> keys, CancellationToken ct)
    {
        var names = keys.Distinct(StringComparer.Ordinal).Select(k => kind + ":" + k).ToArray();
        // Taken in the subquery's order; the sandbox in the key, so that sandboxes never wait for each other.
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            SELECT count(pg_advisory_xact_lock(hashtextextended(coalesce(current_setting('cns.sandbox', true), '') || ':' || k, 0)))
            FROM (SELECT k FROM unnest({names}) AS k ORDER BY k COLLATE "C") AS ordered
            """, ct);
    }
}
