using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Payments;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>
/// Issue 24: a line keeps only the run that took it and the amount that run pays for it (both written once, when the run
/// takes it). That the line is paid and reported, when it was paid and by which return file, are read from the run
/// (closed; its as-of instant and execution date) and the return file of the run and the line's provider.
/// </summary>
public static class PaymentRunState
{
    /// <summary>A run took the line and is closed: it paid and reported the line (false for a line no run took).</summary>
    public static async Task<bool> TakenByClosedRunAsync(IAppDbContext db, FeeMemoirLine line, CancellationToken ct) =>
        line.PaymentRunId is { } runId && await db.Set<PaymentRun>().AnyAsync(r => r.Id == runId && r.Status == PaymentRunStatus.Closed, ct);

    /// <summary>
    /// The payment of each of <paramref name="lines"/> a run took (by line id): the run only while it is open; once
    /// closed, the amount paid, when (null for a line paid nothing, PAY-07) and the return file that reported it.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, LinePaymentDto>> PaymentsAsync(IAppDbContext db, IEnumerable<FeeMemoirLine> lines, CancellationToken ct)
    {
        var taken = lines.Where(l => l.PaymentRunId is not null).ToList();
        if (taken.Count == 0) return new Dictionary<Guid, LinePaymentDto>();
        var runIds = taken.Select(l => l.PaymentRunId!.Value).Distinct().ToList();
        var providerIds = taken.Select(l => l.ProviderId).Distinct().ToList();
        var closed = await db.Set<PaymentRun>().AsNoTracking().Where(r => runIds.Contains(r.Id) && r.Status == PaymentRunStatus.Closed)
            .Select(r => new { r.Id, r.AsOf, r.ExecutionDate }).ToDictionaryAsync(r => r.Id, ct);
        var closedIds = closed.Keys.ToList();
        var returnFiles = closedIds.Count == 0 ? [] : await db.Set<ProviderReturnFile>().AsNoTracking()
            .Where(f => closedIds.Contains(f.RunId) && providerIds.Contains(f.ProviderId))
            .Select(f => new { f.RunId, f.ProviderId, f.Id }).ToListAsync(ct);
        var fileOf = returnFiles.ToDictionary(f => (f.RunId, f.ProviderId), f => f.Id);
        return taken.ToDictionary(l => l.Id, l => closed.TryGetValue(l.PaymentRunId!.Value, out var run)
            ? new LinePaymentDto(run.Id, l.PaidAmount,
                l.PaidAmount > 0m ? PaymentSchedule.PaidAt(run.AsOf, run.ExecutionDate).ToUniversalTime() : null,
                fileOf.TryGetValue((run.Id, l.ProviderId), out var file) ? file : null)
            : new LinePaymentDto(l.PaymentRunId!.Value, null, null, null));
    }
}
