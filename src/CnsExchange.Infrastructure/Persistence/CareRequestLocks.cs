using CnsExchange.Application.Features.Requests;

namespace CnsExchange.Infrastructure.Persistence;

internal sealed class CareRequestLocks(AppDbContext db) : ICareRequestLocks
{
    public Task LockRequestAsync(Guid requestId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM cns.care_requests WHERE id = {requestId} FOR UPDATE", ct);

    public Task LockInsuredHistoryAsync(Guid insuredId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"care-history:" + insuredId.ToString("N")}, 0))", ct);
}
