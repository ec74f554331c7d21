using System.Text.Json;
using CnsExchange.Application.Common;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Payments;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>
/// The four steps of a payment run (PAY-03…PAY-07). Each is one transaction that locks the run row
/// (SELECT … FOR UPDATE) and checks its status first: a step already done does nothing, a step interrupted left
/// nothing behind and is done again. Nothing here reads the clock to decide what is paid: the run's as-of instant and
/// execution date do.
/// </summary>
public sealed class PaymentRunSteps(IAppDbContext db, PaymentRunFileBuilder files, IPaymentRunFaults faults, TimeProvider clock)
{
    /// <summary>Lines marked paid per statement in the marking step.</summary>
    public const int MarkBatchSize = 500;

    /// <summary>
    /// (a) Takes, in one UPDATE, every unsettled line of the memoirs received on or before the as-of instant: payable
    /// lines and refused lines alike (the refused ones are reported, PAY-07). A line whose contestation is pending is
    /// left for a later run while its memoir can still be paid on time by a later run; on the memoir's last chance
    /// (PAY-01) it is taken as adjudicated and its contestation lapses.
    /// </summary>
    public Task ClaimLinesAsync(Guid runId, CancellationToken ct) => StepAsync(runId, PaymentRunStatus.Created, async run =>
    {
        await Takeable(db, run.AsOf, run.ExecutionDate).ExecuteUpdateAsync(s => s.SetProperty(l => l.PaymentRunId, (Guid?)run.Id), ct);
        faults.At(PaymentRunFaultPoints.ClaimLinesTaken, run.Id);

        var lapsedReason = JsonSerializer.Serialize(new[] { Contestation.Lapsed(run.Number) }, JsonDefaults.Options);
        var decidedBy = "payment-run:" + run.Number;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH lapsed AS (
              UPDATE cns.line_contestations c
              SET status = 'Lapsed', decided_at = {run.AsOf}, decided_by = {decidedBy}, payable_after = l.payable_amount,
                  decision_note = 'Not decided before the memoir''s last payment run due on time; paid as adjudicated.'
              FROM cns.fee_memoir_lines l
              WHERE l.id = c.line_id AND l.payment_run_id = {run.Id} AND c.status = 'Pending'
              RETURNING c.line_id)
            UPDATE cns.fee_memoir_lines SET contestation_status = 'Lapsed', reasons = reasons || {lapsedReason}::jsonb
            WHERE id IN (SELECT line_id FROM lapsed)
            """, ct);
        faults.At(PaymentRunFaultPoints.ClaimContestationsLapsed, run.Id);

        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE cns.fee_memoirs SET status = 'InPaymentRun'
            WHERE status = 'Adjudicated' AND id IN (SELECT memoir_id FROM cns.fee_memoir_lines WHERE payment_run_id = {run.Id})
            """, ct);
        faults.At(PaymentRunFaultPoints.ClaimMemoirsMarked, run.Id);

        var counts = await db.Set<FeeMemoirLine>().Where(l => l.PaymentRunId == run.Id).GroupBy(_ => 1)
            .Select(g => new { Lines = g.Count(), Memoirs = g.Select(l => l.MemoirId).Distinct().Count(), Providers = g.Select(l => l.ProviderId).Distinct().Count() })
            .SingleOrDefaultAsync(ct);
        run.LineCount = counts?.Lines ?? 0;
        run.MemoirCount = counts?.Memoirs ?? 0;
        run.ProviderCount = counts?.Providers ?? 0;
        run.LinesClaimedAt = clock.GetUtcNow();
        return PaymentRunStatus.LinesClaimed;
    }, ct);

    /// <summary>
    /// (b) One payment order per provider whose taken lines sum to more than 0 (PAY-03), with the provider's name, IBAN
    /// and BIC as they are now. Providers with nothing to pay get no order, but still a return file.
    /// </summary>
    public Task BuildOrdersAsync(Guid runId, CancellationToken ct) => StepAsync(runId, PaymentRunStatus.LinesClaimed, async run =>
    {
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO cns.payment_orders (id, run_id, provider_id, provider_code, provider_name, iban, bic, amount, line_count,
                                            end_to_end_id, remittance_text, created_at)
            SELECT gen_random_uuid(), {run.Id}, p.id, p.code, p.name, p.iban, p.bic, s.amount, s.lines,
                   {run.Number} || '-' || p.code, 'CNS ' || {run.Number} || ' ' || p.code || ' memoires d''honoraires, tiers payant', {now}
            FROM (SELECT provider_id, sum(payable_amount) AS amount, (count(*) FILTER (WHERE payable_amount > 0))::int AS lines
                  FROM cns.fee_memoir_lines WHERE payment_run_id = {run.Id}
                  GROUP BY provider_id HAVING sum(payable_amount) > 0) s
            JOIN cns.providers p ON p.id = s.provider_id
            ON CONFLICT (run_id, provider_id) DO NOTHING
            """, ct);
        faults.At(PaymentRunFaultPoints.OrdersInserted, run.Id);
        var orders = db.Set<PaymentRunOrder>().Where(o => o.RunId == run.Id);
        run.OrderCount = await orders.CountAsync(ct);
        run.TotalAmount = await orders.SumAsync(o => o.Amount, ct);
        run.OrdersBuiltAt = now;
        return PaymentRunStatus.OrdersBuilt;
    }, ct);

    /// <summary>
    /// (c) The pain.001 of all the orders and, for every provider in the run, its return file in fr, de and en, each as
    /// JSON, XML and CSV: stored once with their SHA-256, never written again.
    /// </summary>
    public Task WriteFilesAsync(Guid runId, CancellationToken ct) => StepAsync(runId, PaymentRunStatus.OrdersBuilt, async run =>
    {
        var now = clock.GetUtcNow();
        var orders = await db.Set<PaymentRunOrder>().AsNoTracking().Where(o => o.RunId == run.Id).ToListAsync(ct);
        var fileCount = 0;
        if (files.Pain001(run, orders) is { } pain001)
        {
            db.Set<StoredPaymentFile>().Add(Stored(run, pain001, null, now));
            fileCount++;
            faults.At(PaymentRunFaultPoints.FileBuilt, run.Id);
        }

        var providerIds = await db.Set<FeeMemoirLine>().Where(l => l.PaymentRunId == run.Id).Select(l => l.ProviderId).Distinct().ToListAsync(ct);
        var providers = await db.Providers.AsNoTracking().Where(p => providerIds.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync(ct);
        foreach (var provider in providers)
        {
            var order = orders.SingleOrDefault(o => o.ProviderId == provider.Id);
            var subject = new ReturnFileSubject(provider.Id, provider.Code, order?.ProviderName ?? provider.Name, order?.EndToEndId);
            var built = await files.ReturnFileAsync(run, subject, ct);
            var returnFile = new ProviderReturnFile
            {
                Id = Guid.CreateVersion7(),
                RunId = run.Id,
                ProviderId = provider.Id,
                ProviderCode = subject.Code,
                ProviderName = subject.Name,
                PaymentOrderId = order?.Id,
                EndToEndId = order?.EndToEndId,
                ListedLineCount = built.ListedLineCount,
                PaidLineCount = built.PaidLineCount,
                ClaimedAmount = built.Totals.ClaimedAmount,
                AcceptedAmount = built.Totals.AcceptedAmount,
                PaidAmount = built.Totals.PaidAmount,
                CreatedAt = run.AsOf,
            };
            db.Set<ProviderReturnFile>().Add(returnFile);
            foreach (var file in built.Files)
            {
                db.Set<StoredPaymentFile>().Add(Stored(run, file, returnFile.Id, now));
                faults.At(PaymentRunFaultPoints.FileBuilt, run.Id);
            }
            fileCount += built.Files.Count;
            await db.SaveChangesAsync(ct);
            faults.At(PaymentRunFaultPoints.FilesOfProviderWritten, run.Id);
        }
        run.FileCount = fileCount;
        run.FilesWrittenAt = now;
        return PaymentRunStatus.FilesWritten;
    }, ct);

    /// <summary>
    /// (d) Marks the taken lines paid (paid_amount = what they were taken for, paid_at = the run's value date) and
    /// reported by their provider's return file — in batches, all in this step's transaction — then the memoirs whose
    /// every line is settled as paid, and closes the run.
    /// </summary>
    public Task MarkPaidAsync(Guid runId, CancellationToken ct) => StepAsync(runId, PaymentRunStatus.FilesWritten, async run =>
    {
        var paidAt = PaymentSchedule.PaidAt(run.AsOf, run.ExecutionDate).ToUniversalTime();
        var returnFiles = await db.Set<ProviderReturnFile>().AsNoTracking().Where(f => f.RunId == run.Id).OrderBy(f => f.ProviderCode)
            .Select(f => new { f.Id, f.ProviderId }).ToListAsync(ct);
        foreach (var returnFile in returnFiles)
        {
            int marked;
            do
            {
                marked = await db.Database.ExecuteSqlInterpolatedAsync($"""
                    UPDATE cns.fee_memoir_lines
                    SET paid_amount = payable_amount,
                        paid_at = CASE WHEN payable_amount > 0 THEN {paidAt} END,
                        return_file_id = {returnFile.Id},
                        reported_at = {run.AsOf}
                    WHERE id IN (SELECT id FROM cns.fee_memoir_lines
                                 WHERE payment_run_id = {run.Id} AND provider_id = {returnFile.ProviderId} AND reported_at IS NULL
                                 ORDER BY id LIMIT {MarkBatchSize})
                    """, ct);
                if (marked > 0) faults.At(PaymentRunFaultPoints.MarkPaidBatch, run.Id);
            } while (marked == MarkBatchSize);
        }
        faults.At(PaymentRunFaultPoints.MarkPaidLinesDone, run.Id);

        // A memoir is paid once every line is settled; one with a line still held (pending contestation) waits for a later run.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE cns.fee_memoirs m SET status = 'Paid'
            WHERE m.status = 'InPaymentRun'
              AND m.id IN (SELECT memoir_id FROM cns.fee_memoir_lines WHERE payment_run_id = {run.Id})
              AND NOT EXISTS (SELECT 1 FROM cns.fee_memoir_lines u WHERE u.memoir_id = m.id AND u.payment_run_id IS NULL)
            """, ct);
        faults.At(PaymentRunFaultPoints.MemoirsPaid, run.Id);

        var taken = db.Set<FeeMemoirLine>().Where(l => l.PaymentRunId == run.Id);
        var unmarked = await taken.CountAsync(l => l.PaidAmount == null || l.ReturnFileId == null, ct);
        if (unmarked > 0)
            throw new InvalidOperationException($"Payment run {run.Id}: {unmarked} taken line(s) have no return file; the run is not closed.");
        run.PaidLineCount = await taken.CountAsync(l => l.PaidAmount > 0m, ct);
        run.UnpaidLineCount = await taken.CountAsync(l => l.PaidAmount == 0m, ct);
        run.ClosedAt = clock.GetUtcNow();
        return PaymentRunStatus.Closed;
    }, ct);

    /// <summary>
    /// The lines a run as of <paramref name="asOf"/>, executed on <paramref name="executionDate"/>, takes: not taken yet,
    /// of an adjudicated memoir received by then; a line with a pending contestation only on its memoir's last chance.
    /// </summary>
    public static IQueryable<FeeMemoirLine> Takeable(IAppDbContext db, DateTimeOffset asOf, DateOnly executionDate)
    {
        var next = PaymentSchedule.NextOpportunity(executionDate);
        var until = asOf.ToUniversalTime();
        return db.Set<FeeMemoirLine>().Where(l => l.PaymentRunId == null
            && db.Set<FeeMemoir>().Any(m => m.Id == l.MemoirId
                && (m.Status == FeeMemoirStatus.Adjudicated || m.Status == FeeMemoirStatus.InPaymentRun)
                && m.ReceivedAt <= until
                && (l.ContestationStatus != ContestationStatus.Pending || m.DueDate < next)));
    }

    /// <summary>Earliest due date of the memoirs received by <paramref name="asOf"/> that still have lines no run took.</summary>
    public static Task<DateOnly?> EarliestUnpaidDueDateAsync(IAppDbContext db, DateTimeOffset asOf, CancellationToken ct)
    {
        var until = asOf.ToUniversalTime();
        return db.Set<FeeMemoir>()
            .Where(m => (m.Status == FeeMemoirStatus.Adjudicated || m.Status == FeeMemoirStatus.InPaymentRun) && m.ReceivedAt <= until
                        && db.Set<FeeMemoirLine>().Any(l => l.MemoirId == m.Id && l.PaymentRunId == null))
            .MinAsync(m => (DateOnly?)m.DueDate, ct);
    }

    /// <summary>Runs a step in its own transaction on the locked run, when the run is at <paramref name="expected"/>.</summary>
    private async Task StepAsync(Guid runId, PaymentRunStatus expected, Func<PaymentRun, Task<PaymentRunStatus>> step, CancellationToken ct)
    {
        db.ClearChangeTracker();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await db.Set<PaymentRun>()
            .FromSqlInterpolated($"SELECT * FROM cns.payment_runs WHERE id = {runId} FOR UPDATE")
            .SingleOrDefaultAsync(ct) ?? throw new NotFoundException("Payment run");
        if (run.Status != expected) return; // done meanwhile (another worker, or an earlier attempt that committed)
        run.Status = await step(run);
        await db.SaveChangesAsync(ct);
        faults.At(PaymentRunFaultPoints.StepBeforeCommit, run.Id);
        await tx.CommitAsync(ct);
        faults.At(PaymentRunFaultPoints.StepCommitted, run.Id);
    }

    private static StoredPaymentFile Stored(PaymentRun run, BuiltPaymentFile file, Guid? returnFileId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        RunId = run.Id,
        ProviderId = file.ProviderId,
        ReturnFileId = returnFileId,
        Kind = file.Kind,
        Format = file.FormatName,
        Language = file.Language,
        FileName = file.File.FileName,
        MediaType = file.File.MediaType,
        Content = file.File.Content,
        Sha256 = file.File.Sha256,
        Length = file.File.Length,
        CreatedAt = now,
    };
}
