using CnsExchange.Application.Common;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Rehabilitation;
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
/// services it locked. Cure and rehabilitation vouchers are checked against their authorisation (RULES.md §5–6: its
/// terms, and for maintenance the sessions already paid in the month, counted under the service lock); doctors' fees
/// for hospital care name a stay instead of a voucher (RULES.md §7) and are decided under a lock on the stay.
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

        var numbers = request.Lines.Select(l => l.VoucherNumber).OfType<string>().Distinct().ToList();
        var vouchers = (await db.Vouchers.AsNoTracking().Where(v => numbers.Contains(v.Number)).ToListAsync(ct))
            .ToDictionary(v => v.Number);
        var matricules = request.Lines.Select(l => l.Matricule).Distinct().ToList();
        var insured = (await db.Insured.AsNoTracking().AsSplitQuery().Where(i => matricules.Contains(i.Matricule)).ToListAsync(ct))
            .ToDictionary(i => i.Matricule);

        Voucher? Owned(FeeMemoirLineInput line) =>
            line.VoucherNumber is { } number && vouchers.GetValueOrDefault(number) is { } v && v.ProviderId == request.ProviderId && v.Matricule == line.Matricule
                ? v : null;

        // Services first (in id order), then the memoir row: every lock this transaction needs is taken before it
        // writes anything another memoir could wait on.
        await LockServicesAsync(request.Lines
            .Select(l => Owned(l)?.Services.FirstOrDefault(s => s.ActCode == l.ActCode)?.Id)
            .OfType<Guid>(), ct);
        var stays = await HospitalStaysAsync(request, ct);

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

        // Cures and rehabilitation: the authorisation behind each voucher (CUR-01, CUR-05, REH-02…REH-04).
        var authorisations = await AuthorisationsAsync(request.Lines.Select(Owned).OfType<Voucher>(), ct);
        // HOS-05: the fee invoice of each stay is what this memoir claims for it, without the single-room surcharge.
        var invoices = request.Lines.Where(l => l.HospitalStayId is not null).GroupBy(l => l.HospitalStayId!.Value)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.FeeClaimed));

        for (var i = 0; i < request.Lines.Count; i++)
        {
            var input = request.Lines[i];
            var voucher = input.VoucherNumber is null ? null : vouchers.GetValueOrDefault(input.VoucherNumber);
            var owned = Owned(input);
            var person = insured.GetValueOrDefault(input.Matricule);
            var service = owned?.Services.FirstOrDefault(s => s.ActCode == input.ActCode);
            var stay = input.HospitalStayId is { } stayId ? stays.GetValueOrDefault(stayId) : null;
            var insuredId = owned?.InsuredId ?? person?.Id;
            var state = owned is not null ? await ledger.ReadLineStateAsync(request.ProviderId, owned.Id, insuredId, input.SessionDate, input.ActCode, ct)
                : stay is not null ? await ledger.ReadHospitalLineStateAsync(request.ProviderId, stay.Id, input.SessionDate, input.ActCode, ct)
                : new LineState(null, false);
            var authorisation = owned is null ? null : authorisations.GetValueOrDefault(owned.Id);
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
                CureTerms = authorisation?.Cure,
                Rehabilitation = authorisation?.Rehabilitation,
                SessionsPaidInMonth = authorisation?.Cure?.MaxSessionsPerMonth is not null
                    ? await ledger.PaidSessionsInMonthAsync(owned!.Id, input.SessionDate, ct)
                    : 0,
                HospitalStay = stay,
                HospitalFeeInvoice = input.HospitalStayId is { } invoiced ? invoices[invoiced] : 0m,
            };

            FeeMemoirLine? stored = null;
            for (var attempt = 1; stored is null; attempt++)
            {
                var decision = LineAdjudication.Adjudicate(facts, catalog);
                var line = NewLine(memoir, i + 1, request.SourceLines?[i], input, owned, insuredId, decision);
                // Refused lines, and hospital fees (no session to consume; the stay lock keeps BIL-08), are stored as they are.
                if (!decision.Paid || input.HospitalStayId is not null)
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

    /// <summary>The authorisation terms a cure or rehabilitation voucher is billed against.</summary>
    private sealed record AuthorisationFacts(CureAuthorisationTerms? Cure, AuthorisedRehabilitation? Rehabilitation);

    /// <summary>The authorisations behind cure and rehabilitation vouchers, by voucher id (no query for physiotherapy alone).</summary>
    private async Task<Dictionary<Guid, AuthorisationFacts>> AuthorisationsAsync(IEnumerable<Voucher> owned, CancellationToken ct)
    {
        var result = new Dictionary<Guid, AuthorisationFacts>();
        var bySource = owned.Where(v => v.Kind != VoucherKind.Physiotherapy && v.SourceRequestId is not null)
            .DistinctBy(v => v.Id).ToDictionary(v => v.SourceRequestId!.Value, v => v);
        if (bySource.Count == 0) return result;
        var cureIds = bySource.Where(kv => kv.Value.Kind == VoucherKind.Cure).Select(kv => kv.Key).ToList();
        if (cureIds.Count > 0)
            foreach (var cure in await db.Set<CureAuthorisation>().AsNoTracking().Where(c => cureIds.Contains(c.Id))
                         .Select(c => new { c.Id, c.Terms }).ToListAsync(ct))
                if (cure.Terms is not null) result[bySource[cure.Id].Id] = new AuthorisationFacts(cure.Terms, null);
        var rehabIds = bySource.Where(kv => kv.Value.Kind == VoucherKind.Rehabilitation).Select(kv => kv.Key).ToList();
        if (rehabIds.Count > 0)
            foreach (var rehab in await db.Set<RehabilitationAuthorisation>().AsNoTracking().Where(r => rehabIds.Contains(r.Id))
                         .Select(r => new { r.Id, r.AuthorisedFrom, r.AuthorisedTo, r.Service, r.Setting }).ToListAsync(ct))
                if (rehab is { AuthorisedFrom: { } from, AuthorisedTo: { } to })
                    result[bySource[rehab.Id].Id] = new AuthorisationFacts(null,
                        new AuthorisedRehabilitation(from, to, AuthorisedRehabilitation.RuleOf(rehab.Service, rehab.Setting)));
        return result;
    }

    /// <summary>
    /// The hospital stays named by doctors' fee lines, locked (in id order) for the rest of the transaction so that two
    /// memoirs for one stay are decided one after the other (BIL-08). Only doctors bill fees for hospital care.
    /// </summary>
    private async Task<Dictionary<Guid, HospitalStay>> HospitalStaysAsync(MemoirToAdjudicate request, CancellationToken ct)
    {
        var ids = request.Lines.Select(l => l.HospitalStayId).OfType<Guid>().Distinct().ToList();
        if (ids.Count == 0) return [];
        var kind = await db.Providers.Where(p => p.Id == request.ProviderId).Select(p => p.Kind).SingleAsync(ct);
        if (kind != ProviderKind.Doctor)
            throw new ForbiddenException("Only doctors bill fees for hospital care (lines with hospitalStayId); other providers bill sessions under a voucher.");
        await ledger.LockHospitalStaysAsync(ids, ct);
        return await db.Set<HospitalStay>().AsNoTracking().IgnoreAutoIncludes().Include(s => s.Operations)
            .Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
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
        HospitalStayId = input.HospitalStayId,
        Matricule = input.Matricule,
        InsuredId = insuredId,
        SessionDate = input.SessionDate,
        ActCode = input.ActCode,
        Travel = input.Travel,
        ClaimedAmount = input.ClaimedAmount,
        SingleRoomSurcharge = input.HospitalStayId is null ? null : input.SingleRoomSurcharge,
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
