using System.Globalization;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Cures;

namespace CnsExchange.Application.Features.Cures;

/// <summary>
/// The rule set of cure authorisations (RULES.md §5): <see cref="CureAuthorisationPolicy"/> (CUR-01…CUR-08) over the
/// insured person's earlier cures from this system's own history, read under a per-insured lock so two requests for
/// one person cannot both pass a waiting period. An agreement is a voucher of kind Cure (C…) for the cure's act.
/// </summary>
public sealed class CureAuthorisationRuleSet(IAppDbContext db, ICareRequestLocks locks) : RequestRuleSet<CureAuthorisation>
{
    public const string DoctorUnknown = "DOCTOR_UNKNOWN";

    public override RequestKind Kind => RequestKind.CureAuthorisation;
    public override string Name => "Cure authorisation";
    protected override string Route => CureAuthorisationViews.Route;
    protected override string WorkingDaysParameter => "cure.decision.working_days";

    protected override async Task<AutomaticDecision> EvaluateAsync(CureAuthorisation request, RequestContext context, CancellationToken ct)
    {
        var doctorKnown = await db.Doctors.AsNoTracking().AnyAsync(d => d.Code == request.DoctorCode, ct);
        var reasons = new List<Reason>();
        if (context.Insured is not { } insured)
        {
            reasons.Add(Reason.Refusal("INSURED_UNKNOWN", CureValidity.Rule, "matricule"));
            if (!doctorKnown) reasons.Add(Reason.Refusal(DoctorUnknown, CureValidity.Rule, "doctorCode", request.DoctorCode));
            return AutomaticDecision.Refused(reasons);
        }

        await locks.LockInsuredHistoryAsync(insured.Id, ct);
        var history = await CureHistory.LoadAsync(db, insured.Id, request.ProviderId, context.Today, ct);
        var decision = CureAuthorisationPolicy.Decide(request.ToCureRequest(), insured, history, context.Catalog);
        reasons.AddRange(decision.Reasons);
        if (!doctorKnown) reasons.Add(Reason.Refusal(DoctorUnknown, CureValidity.Rule, "doctorCode", request.DoctorCode));
        var automatic = AutomaticDecision.From(reasons);
        request.Terms = automatic.Outcome == RequestOutcome.Refused ? null : decision.Terms;
        return automatic;
    }

    protected override async Task<VoucherIssue> IssueVoucherAsync(CureAuthorisation request, int? sessions, RequestContext context, CancellationToken ct)
    {
        var terms = request.Terms ?? throw new InvalidOperationException("An agreed cure request carries its terms.");
        var proposed = terms.Sessions ?? throw new InvalidOperationException($"Cure kind {terms.KindCode} grants no session count.");
        var granted = sessions ?? proposed;
        if (granted > proposed)
            throw new UnprocessableException("sessions_above_grant", $"At most {proposed} sessions can be granted for this cure.");

        // CUR-01: the cure starts within the year of validity; the voucher carries the act of the cure kind, its rate (CUR-06).
        var voucher = await CareVouchers.AddAsync(db, context.Catalog, request, new AuthorisationVoucherTerms(
            VoucherKind.Cure, terms.KindCode, EarliestBillable: terms.IssuedOn, IssuedOn: context.Today, TreatmentStartBy: terms.ValidUntil,
            ValidUntil: terms.ValidUntil, terms.ThirdPartyPayment, ActCode: terms.KindCode, granted, terms.RatePercent), context.Now, ct);
        if (granted == proposed) return VoucherIssue.Issued(voucher);
        request.Terms = terms with { Sessions = granted };
        return VoucherIssue.Issued(voucher,
            Reason.Reduction(RequestLifecycle.SessionsReducedByReviewer, RequestLifecycle.Rule, "sessions", granted.ToString(CultureInfo.InvariantCulture)));
    }

    protected override string Subject(CureAuthorisation request) =>
        $"{request.KindCode} from {request.RequestedStart:yyyy-MM-dd}{(request.Abroad ? $" in {request.CountryOfCare} (S2)" : "")}";
}

/// <summary>
/// The insured person's earlier cures as this system knows them: agreed cure authorisations, and the sessions billed on
/// their vouchers — the paid lines of fee memoirs (each consumed one of the voucher's sessions): how many, the first and
/// the last session date.
/// </summary>
public static class CureHistory
{
    public static async Task<IReadOnlyList<CureHistoryEntry>> LoadAsync(IAppDbContext db, Guid insuredId, Guid providerId, DateOnly today, CancellationToken ct)
    {
        var authorisations = await db.Set<CureAuthorisation>().AsNoTracking()
            .Where(c => c.InsuredId == insuredId && c.Status == RequestStatus.Agreed && c.VoucherId != null)
            .Select(c => new { VoucherId = c.VoucherId!.Value, c.KindCode, c.Terms, Own = c.ProviderId == providerId })
            .ToListAsync(ct);
        if (authorisations.Count == 0) return [];
        var voucherIds = authorisations.Select(a => a.VoucherId).ToList();
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => voucherIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        var sessions = await db.Set<FeeMemoirLine>().AsNoTracking()
            .Where(l => l.VoucherId != null && voucherIds.Contains(l.VoucherId.Value))
            .Where(PaidLines.Line)
            .GroupBy(l => l.VoucherId!.Value)
            .Select(g => new { VoucherId = g.Key, Count = g.Count(), First = g.Min(l => l.SessionDate), Last = g.Max(l => l.SessionDate) })
            .ToDictionaryAsync(s => s.VoucherId, ct);
        return authorisations.Select(a =>
        {
            var voucher = vouchers[a.VoucherId];
            var granted = voucher.Services.Single().SessionsGranted;
            var billed = sessions.GetValueOrDefault(a.VoucherId);
            return new CureCourse(a.KindCode, voucher.IssuedOn, voucher.ValidUntil, granted, billed?.Count ?? 0, billed?.First, billed?.Last,
                a.Terms?.AffectedSide, a.Terms?.SessionWindowMonths, a.Terms?.LastSessionBy, a.Terms?.InterruptionDays ?? 0).ToHistoryEntry(today) with { Own = a.Own };
        }).ToList();
    }
}
