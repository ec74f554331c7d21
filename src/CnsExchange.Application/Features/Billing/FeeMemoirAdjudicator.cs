using CnsExchange.Application.Common;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.Application.Features.Billing;

/// <summary>A memoir to adjudicate, from the API, a billing file or a confirmed simulation.</summary>
public sealed record MemoirToAdjudicate(
    Guid ProviderId,
    string Reference,
    FeeMemoirSource Source,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<FeeMemoirLineInput> Lines)
{
    public IReadOnlyList<int>? SourceLines { get; init; }
    public Guid? BillingFileId { get; init; }
    public Guid? SimulationId { get; init; }
    public string? SourceJson { get; init; }
    public int? SourceLine { get; init; }
}

/// <summary>
/// Adjudicates fee memoirs line by line (RULES.md §3): gathers the facts of each line, lets the pure rules decide
/// (<see cref="LineAdjudication"/>), and has the database settle what concurrency could break — session consumption
/// (BIL-06) and uniqueness of paid lines (BIL-07, BIL-08) — through <see cref="IBillingLedger"/>. Must run inside a
/// transaction; one instance may adjudicate many memoirs of one transaction (a billing file), keeping the voucher
/// services it locked.
/// </summary>
public sealed class FeeMemoirAdjudicator(IAppDbContext db, IBillingLedger ledger, ReferenceCatalog catalog, TimeProvider clock)
{
    public const string ReferenceUsedCode = "memoir_reference_used";
    private const int MaxClaimAttempts = 3;

    private readonly Dictionary<Guid, int> _remaining = [];

    /// <summary>Locks voucher services up front (a billing file locks all of its services before its first memoir).</summary>
    public async Task LockServicesAsync(IEnumerable<Guid> serviceIds, CancellationToken ct)
    {
        var missing = serviceIds.Where(id => !_remaining.ContainsKey(id)).Distinct().ToList();
        if (missing.Count == 0) return;
        foreach (var (id, counter) in await ledger.LockServicesAsync(missing, ct)) _remaining[id] = counter.Remaining;
    }

    public async Task<FeeMemoir> AdjudicateAsync(MemoirToAdjudicate request, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Fee memoirs are adjudicated inside a transaction.");
        var receivedOn = LuxembourgCalendar.LocalDate(request.ReceivedAt);
        var dueDays = (int)catalog.Parameter("billing.payment_due_days", receivedOn);

        var numbers = request.Lines.Select(l => l.VoucherNumber).Distinct().ToList();
        var vouchers = (await db.Vouchers.AsNoTracking().Where(v => numbers.Contains(v.Number)).ToListAsync(ct))
            .ToDictionary(v => v.Number);
        var matricules = request.Lines.Select(l => l.Matricule).Distinct().ToList();
        var insured = (await db.Insured.AsNoTracking().AsSplitQuery().Where(i => matricules.Contains(i.Matricule)).ToListAsync(ct))
            .ToDictionary(i => i.Matricule);

        Voucher? Owned(FeeMemoirLineInput line) =>
            vouchers.GetValueOrDefault(line.VoucherNumber) is { } v && v.ProviderId == request.ProviderId && v.Matricule == line.Matricule ? v : null;

        // Services first (in id order), then the memoir row: every lock this transaction needs is taken before it
        // writes anything another memoir could wait on.
        await LockServicesAsync(request.Lines
            .Select(l => Owned(l)?.Services.FirstOrDefault(s => s.ActCode == l.ActCode)?.Id)
            .OfType<Guid>(), ct);

        var memoir = new FeeMemoir
        {
            Id = Guid.CreateVersion7(),
            ProviderId = request.ProviderId,
            Reference = request.Reference,
            Source = request.Source,
            BillingFileId = request.BillingFileId,
            SimulationId = request.SimulationId,
            Status = FeeMemoirStatus.Received,
            ReceivedAt = request.ReceivedAt,
            ReceivedOn = receivedOn,
            DueDate = receivedOn.AddDays(dueDays),
            SourceJson = request.SourceJson,
            SourceLine = request.SourceLine,
        };
        if (!await ledger.TryInsertMemoirAsync(memoir, ct))
            throw new ConflictException(ReferenceUsedCode, $"Memoir reference '{request.Reference}' was already used by this provider.");

        // BIL-03: the first session of each voucher's treatment.
        var firstSessions = new Dictionary<Guid, DateOnly?>();
        foreach (var group in request.Lines.Where(l => Owned(l) is not null).GroupBy(l => Owned(l)!))
        {
            var paid = await ledger.FirstPaidSessionAsync(group.Key.Id, ct);
            firstSessions[group.Key.Id] = TreatmentStartedInTime.FirstSession(group.Key, paid, group.Select(l => l.SessionDate), receivedOn);
        }

        for (var i = 0; i < request.Lines.Count; i++)
        {
            var input = request.Lines[i];
            var voucher = vouchers.GetValueOrDefault(input.VoucherNumber);
            var owned = Owned(input);
            var person = insured.GetValueOrDefault(input.Matricule);
            var service = owned?.Services.FirstOrDefault(s => s.ActCode == input.ActCode);
            var insuredId = owned?.InsuredId ?? person?.Id;
            var state = owned is null ? new LineState(null, false)
                : await ledger.ReadLineStateAsync(request.ProviderId, owned.Id, insuredId, input.SessionDate, input.ActCode, ct);
            var facts = new LineFacts
            {
                Line = input,
                ProviderId = request.ProviderId,
                Today = receivedOn,
                Voucher = voucher,
                Insured = person,
                FirstSessionDate = owned is null ? null : firstSessions.GetValueOrDefault(owned.Id),
                SessionsRemaining = service is null ? null : _remaining.GetValueOrDefault(service.Id),
                DuplicateOfMemoir = state.DuplicateOfMemoir,
                OtherActSameSession = state.OtherActSameSession,
            };

            FeeMemoirLine? stored = null;
            for (var attempt = 1; stored is null; attempt++)
            {
                var decision = LineAdjudication.Adjudicate(facts, catalog);
                var line = NewLine(memoir, i + 1, request.SourceLines?[i], input, owned, insuredId, decision);
                if (!decision.Paid)
                {
                    await ledger.InsertLineAsync(line, ct);
                    stored = line;
                    break;
                }
                if (attempt > MaxClaimAttempts)
                    throw new InvalidOperationException($"Line {i + 1} of memoir {memoir.Id} could not be settled after {MaxClaimAttempts} attempts.");
                switch (await ledger.ClaimAsync(line, ct))
                {
                    case ClaimResult.Claimed:
                        _remaining[line.VoucherServiceId!.Value]--;
                        stored = line;
                        break;
                    case ClaimResult.SessionsExhausted:
                        _remaining[line.VoucherServiceId!.Value] = 0;
                        facts = facts with { SessionsRemaining = 0 };
                        break;
                    default:
                        // Another memoir committed the same session first: its line is visible now.
                        var again = await ledger.ReadLineStateAsync(request.ProviderId, owned!.Id, insuredId, input.SessionDate, input.ActCode, ct);
                        facts = facts with { DuplicateOfMemoir = again.DuplicateOfMemoir, OtherActSameSession = again.OtherActSameSession };
                        break;
                }
            }
            memoir.Lines.Add(stored);
            memoir.AddToTotals(stored);
        }

        memoir.Status = FeeMemoirStatus.Adjudicated;
        memoir.AdjudicatedAt = clock.GetUtcNow();
        await ledger.CompleteMemoirAsync(memoir, ct);
        return memoir;
    }

    private static FeeMemoirLine NewLine(FeeMemoir memoir, int number, int? sourceLine, FeeMemoirLineInput input, Voucher? owned, Guid? insuredId, LineDecision decision) => new()
    {
        Id = Guid.CreateVersion7(),
        MemoirId = memoir.Id,
        ProviderId = memoir.ProviderId,
        LineNumber = number,
        SourceLine = sourceLine,
        VoucherNumber = input.VoucherNumber,
        VoucherId = owned?.Id,
        VoucherServiceId = decision.Service?.Id,
        Matricule = input.Matricule,
        InsuredId = insuredId,
        SessionDate = input.SessionDate,
        ActCode = input.ActCode,
        Travel = input.Travel,
        ClaimedAmount = input.ClaimedAmount,
        TariffAmount = decision.TariffAmount,
        RatePercent = decision.RatePercent,
        CnsAmount = decision.CnsAmount,
        InsuredShare = decision.InsuredShare,
        Outcome = decision.Outcome,
        Reasons = [.. decision.Reasons],
        PayableAmount = decision.CnsAmount,
        CreatedAt = memoir.ReceivedAt,
    };
}
