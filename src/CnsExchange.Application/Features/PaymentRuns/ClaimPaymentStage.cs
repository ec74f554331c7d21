using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Application.Features.Reimbursement;
using CnsExchange.Domain.Reimbursement;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>A file of the insured's route of a run as it is (re)built from the database: a fund's pain.001 or a claim's statement.</summary>
public sealed record BuiltClaimFile(ClaimPaymentFileKind Kind, string Fund, Guid? ClaimId, string Format, string? Language, GeneratedFile File);

/// <summary>
/// INS-05, the insured's route of a payment run, beside the memoir stage: each of the run's four steps calls it in its own
/// transaction. (a) takes every decided line of the claims a run may pay (every line decided, something reimbursed, the insured's
/// account known, received by the as-of instant) — a conditional update, so a line is taken once; (b) one transfer per claim
/// (unique per claim); (c) one pain.001 per competent fund with the fund as debtor, and each claim's statement in fr, de and en
/// as JSON and HTML, stored with their SHA-256; (d) the lines marked paid, the claims paid. Any claim kind is paid the same way:
/// a line pays its reimbursed amount.
/// </summary>
public sealed class ClaimPaymentStage(
    IAppDbContext db, IClaimPaymentStore store, ClaimStatementBuilder statements, IPain001Writer pain001Writer, IReferenceData reference, IPaymentRunFaults faults,
    ILogger<ClaimPaymentStage> logger, IEvents events)
{
    /// <summary>The claims a run as of <paramref name="asOf"/> may pay (INS-05, <see cref="ClaimPayment.Payable"/>).</summary>
    public static IQueryable<ReimbursementClaim> Payable(IAppDbContext db, DateTimeOffset asOf)
    {
        var until = asOf.ToUniversalTime();
        return db.Set<ReimbursementClaim>().Where(c => c.PaymentRunId == null && c.Status == ClaimStatus.Adjudicated && c.SubmittedAt <= until
            && c.CompetentFund != null && c.ReimbursedTotal > 0m
            && db.Insured.Any(i => i.Id == c.InsuredId && i.Iban != null && i.Bic != null)
            && db.Set<ReimbursementClaimLine>().Any(l => l.ClaimId == c.Id && l.PaymentRunId == null
                && (l.Outcome == ClaimLineOutcome.Accepted || l.Outcome == ClaimLineOutcome.Reduced) && l.ReimbursedAmount > 0m));
    }

    /// <summary>PAY-02 for claims: something a run at <paramref name="asOf"/> would pay.</summary>
    public Task<bool> AnythingToPayAsync(DateTimeOffset asOf, CancellationToken ct) => Payable(db, asOf).AnyAsync(ct);

    /// <summary>PAY-01 for claims: the earliest due date of the claims a run at <paramref name="asOf"/> would pay (a claim waiting for an account is not due).</summary>
    public async Task<DateOnly?> EarliestDueDateAsync(DateTimeOffset asOf, CancellationToken ct)
    {
        var days = await Payable(db, asOf).Select(c => c.SubmittedOn).Distinct().ToListAsync(ct);
        return days.Count == 0 ? null : days.Min(d => ClaimPayment.DueDate(d, reference.Catalog));
    }

    /// <summary>(a) Takes the decided lines of the payable claims, then the claims; returns the number of claims taken.</summary>
    public async Task<int> TakeAsync(PaymentRun run, CancellationToken ct)
    {
        var payable = Payable(db, run.AsOf);
        // A conditional update: a line another run took is not taken again (the statement re-checks a row it waited for).
        var lines = await db.Set<ReimbursementClaimLine>()
            .Where(l => l.PaymentRunId == null && l.Outcome != ClaimLineOutcome.Pending && payable.Any(c => c.Id == l.ClaimId))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.PaymentRunId, (Guid?)run.Id), ct);
        faults.At(ClaimPaymentFaultPoints.LinesTaken, run.Id);
        var claims = await db.Set<ReimbursementClaim>()
            .Where(c => c.PaymentRunId == null && db.Set<ReimbursementClaimLine>().Any(l => l.ClaimId == c.Id && l.PaymentRunId == run.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.PaymentRunId, (Guid?)run.Id), ct);
        faults.At(ClaimPaymentFaultPoints.ClaimsTaken, run.Id);
        if (claims > 0) logger.LogInformation("Payment run {RunNumber} took {Lines} line(s) of {Claims} reimbursement claim(s)", run.Number, lines, claims);
        return claims;
    }

    /// <summary>(b) One transfer per claim the run took.</summary>
    public async Task BuildOrdersAsync(PaymentRun run, DateTimeOffset now, CancellationToken ct)
    {
        await store.InsertOrdersAsync(run, now, ct);
        faults.At(ClaimPaymentFaultPoints.OrdersInserted, run.Id);
    }

    /// <summary>(c) Per fund: its pain.001, then its claims' statements; stored once with their hashes. Returns the number of files.</summary>
    public async Task<int> WriteFilesAsync(PaymentRun run, DateTimeOffset now, CancellationToken ct)
    {
        var orders = await db.Set<ClaimPaymentOrder>().AsNoTracking().Where(o => o.RunId == run.Id).ToListAsync(ct);
        var count = 0;
        foreach (var fund in orders.GroupBy(o => o.Fund).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var files = new List<ClaimPaymentFile>();
            void Add(BuiltClaimFile built)
            {
                var stored = Stored(run, built, now);
                db.Set<ClaimPaymentFile>().Add(stored);
                files.Add(stored);
                faults.At(ClaimPaymentFaultPoints.FileBuilt, run.Id);
            }
            Add(Pain001(run, fund.Key, fund.ToList()));
            foreach (var order in fund.OrderBy(o => o.ClaimId))
                foreach (var statement in await StatementFilesAsync(fund.Key, order.ClaimId, ct)) Add(statement);
            await db.SaveChangesAsync(ct);
            foreach (var file in files) db.Set<ClaimPaymentFile>().Entry(file).State = EntityState.Detached;
            count += files.Count;
            faults.At(ClaimPaymentFaultPoints.FundWritten, run.Id);
        }
        if (count > 0) logger.LogInformation("Payment run {RunNumber} wrote {Files} file(s) of the insured's route", run.Number, count);
        return count;
    }

    /// <summary>(d) The taken lines paid what they reimburse (0 for a refused line), the claims paid on the execution date.</summary>
    public async Task MarkPaidAsync(PaymentRun run, DateTimeOffset paidAt, CancellationToken ct)
    {
        await db.Set<ReimbursementClaimLine>().Where(l => l.PaymentRunId == run.Id && l.PaidAmount == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.PaidAmount, l => (l.Outcome == ClaimLineOutcome.Accepted || l.Outcome == ClaimLineOutcome.Reduced) && l.ReimbursedAmount > 0m ? l.ReimbursedAmount : 0m)
                .SetProperty(l => l.PaidAt, l => (l.Outcome == ClaimLineOutcome.Accepted || l.Outcome == ClaimLineOutcome.Reduced) && l.ReimbursedAmount > 0m ? paidAt : (DateTimeOffset?)null), ct);
        faults.At(ClaimPaymentFaultPoints.LinesPaid, run.Id);
        await db.Set<ReimbursementClaim>().Where(c => c.PaymentRunId == run.Id && c.Status == ClaimStatus.Adjudicated)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ClaimStatus.Paid).SetProperty(c => c.PaidOn, (DateOnly?)run.ExecutionDate), ct);
        faults.At(ClaimPaymentFaultPoints.ClaimsPaid, run.Id);

        // Every claim the run took has its transfer, and pays what its lines pay: a run does not close otherwise.
        var claims = await db.Set<ReimbursementClaim>().Where(c => c.PaymentRunId == run.Id).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.SubmittedByKeyId }).ToListAsync(ct);
        var orders = await db.Set<ClaimPaymentOrder>().AsNoTracking().Where(o => o.RunId == run.Id).ToDictionaryAsync(o => o.ClaimId, ct);
        var paid = await db.Set<ReimbursementClaimLine>().Where(l => l.PaymentRunId == run.Id).GroupBy(l => l.ClaimId)
            .Select(g => new { Claim = g.Key, Amount = g.Sum(l => l.PaidAmount ?? 0m) }).ToDictionaryAsync(x => x.Claim, x => x.Amount, ct);
        var wrong = claims.Where(c => !orders.TryGetValue(c.Id, out var order) || paid.GetValueOrDefault(c.Id) != order.Amount).ToList();
        if (wrong.Count > 0)
            throw new InvalidOperationException($"Payment run {run.Id}: {wrong.Count} reimbursement claim(s) taken without a transfer of what their lines pay; the run is not closed.");

        // reimbursement_claim.paid, one per claim (each has its transfer, checked above), committed with the step that marks it paid.
        foreach (var claim in claims)
            events.Record(EventTypes.ReimbursementClaimPaid, ClaimEvents.Resource(claim.Id),
                new ReimbursementClaimPaidData(run.Number, run.ExecutionDate, orders[claim.Id].Fund, orders[claim.Id].Amount),
                providerId: null, channelKeyId: claim.SubmittedByKeyId);
    }

    /// <summary>Every file of the insured's route of a closed or written run, rebuilt from the database (PAY-06 verification).</summary>
    public async Task<IReadOnlyList<BuiltClaimFile>> RebuildFilesAsync(PaymentRun run, CancellationToken ct)
    {
        var orders = await db.Set<ClaimPaymentOrder>().AsNoTracking().Where(o => o.RunId == run.Id).ToListAsync(ct);
        var files = new List<BuiltClaimFile>();
        foreach (var fund in orders.GroupBy(o => o.Fund).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            files.Add(Pain001(run, fund.Key, fund.ToList()));
            foreach (var order in fund.OrderBy(o => o.ClaimId)) files.AddRange(await StatementFilesAsync(fund.Key, order.ClaimId, ct));
        }
        return files;
    }

    /// <summary>The pain.001 of one fund: the fund's account as debtor (funds.json, on the execution date), one credit transfer per claim.</summary>
    public BuiltClaimFile Pain001(PaymentRun run, string fund, IReadOnlyList<ClaimPaymentOrder> orders)
    {
        var account = reference.Catalog.FundOn(fund, run.ExecutionDate);
        var model = new PaymentRunFile(run.Id, $"{run.Number}-{fund}", run.ExecutionDate, run.AsOf, new PaymentDebtor(account.Name, account.Iban, account.Bic),
            orders.Select(o => new PaymentOrder(o.EndToEndId, o.CreditorName, o.Iban, o.Bic, o.Amount, o.EndToEndId, o.RemittanceText)).ToList());
        return new BuiltClaimFile(ClaimPaymentFileKind.Pain001, fund, null, "xml", null, pain001Writer.Write(model));
    }

    /// <summary>A claim's statement in fr, de and en, each as JSON and HTML.</summary>
    public async Task<IReadOnlyList<BuiltClaimFile>> StatementFilesAsync(string fund, Guid claimId, CancellationToken ct)
    {
        var files = new List<BuiltClaimFile>();
        foreach (var language in ReturnFile.Languages)
        {
            var statement = await statements.ReadAsync(claimId, language, ct) ?? throw new InvalidOperationException($"Reimbursement claim {claimId} is gone.");
            foreach (var format in ClaimStatementFormats.All)
                files.Add(new BuiltClaimFile(ClaimPaymentFileKind.Statement, fund, claimId, format.Extension(), language, ClaimStatementBuilder.Write(statement, format)));
        }
        return files;
    }

    private static ClaimPaymentFile Stored(PaymentRun run, BuiltClaimFile built, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        RunId = run.Id,
        Fund = built.Fund,
        ClaimId = built.ClaimId,
        Kind = built.Kind,
        Format = built.Format,
        Language = built.Language,
        FileName = built.File.FileName,
        MediaType = built.File.MediaType,
        Content = built.File.Content,
        Sha256 = built.File.Sha256,
        Length = built.File.Length,
        CreatedAt = now,
    };
}
