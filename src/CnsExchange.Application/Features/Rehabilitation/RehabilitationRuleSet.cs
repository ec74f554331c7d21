using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.Rehabilitation;

/// <summary>
/// The rule set of rehabilitation requests (RULES.md §6): REH-01 CNRFR (no authorisation, affiliation check: not
/// required), REH-02 geriatric ambulatory (prerequisite stay from the hospital stays this system recorded, or declared
/// with evidence: then pending for a reviewer), REH-03 geriatric stationary, REH-04 Colpach (earlier Colpach days
/// read under a per-insured lock). An agreement is a voucher of kind Rehabilitation (R…) for the authorised days.
/// </summary>
public sealed class RehabilitationRuleSet(IAppDbContext db, ICareRequestLocks locks) : RequestRuleSet<RehabilitationAuthorisation>
{
    public override RequestKind Kind => RequestKind.RehabilitationAuthorisation;
    public override string Name => "Rehabilitation authorisation";
    protected override string Route => RehabilitationViews.Route;
    protected override string WorkingDaysParameter => "rehab.decision.working_days";

    /// <summary>The rule a kind's own checks (known insured, known doctor) belong to.</summary>
    public static string RuleOf(RehabilitationAuthorisation r) => r.Service switch
    {
        RehabService.Cnrfr => CnrfrAdmission.Rule,
        RehabService.Cardiac => CardiacRehab.Rule,
        _ when r.IsColpachAmbulatory => ColpachAmbulatoryProgramme.Rule,
        RehabService.Geriatric when r.Setting == CareSetting.Ambulatory => GeriatricAmbulatoryRehab.Rule,
        RehabService.Geriatric => GeriatricStationaryRehab.Rule,
        _ => ColpachRehab.Rule,
    };

    protected override async Task<AutomaticDecision> EvaluateAsync(RehabilitationAuthorisation request, RequestContext context, CancellationToken ct)
    {
        var rule = RuleOf(request);
        var reasons = new List<Reason>();
        var doctorUnknown = request.DoctorCode is { } code && !await db.Doctors.AsNoTracking().AnyAsync(d => d.Code == code, ct)
            ? Reason.Refusal("DOCTOR_UNKNOWN", rule, "doctorCode", code)
            : null;
        if (context.Insured is not { } insured)
        {
            reasons.Add(Reason.Refusal("INSURED_UNKNOWN", rule, "matricule"));
            if (doctorUnknown is not null) reasons.Add(doctorUnknown);
            return AutomaticDecision.Refused(reasons);
        }

        var decision = await DecideAsync(request, insured, context, ct);
        reasons.AddRange(decision.Reasons);
        if (doctorUnknown is not null) reasons.Add(doctorUnknown);
        var refused = reasons.Any(r => r.Severity == ReasonSeverity.Refusal);
        request.Terms = refused ? null : decision.Terms;
        return new AutomaticDecision(
            refused ? RequestOutcome.Refused : decision.Outcome switch
            {
                RehabOutcome.NotRequired => RequestOutcome.NotRequired,
                RehabOutcome.Pending => RequestOutcome.Pending,
                _ => RequestOutcome.Agreed,
            }, reasons);
    }

    private async Task<RehabDecision> DecideAsync(RehabilitationAuthorisation r, Domain.Registry.Insured insured, RequestContext context, CancellationToken ct)
    {
        var catalog = context.Catalog;
        var today = context.Today;
        switch (r.Service)
        {
            case RehabService.Cnrfr:
                return CnrfrAdmission.Decide(insured, today, r.Start);
            case RehabService.Geriatric when r.Setting == CareSetting.Ambulatory:
                var lookback = catalog.IntParameter("rehab.geriatric.ambulatory.previous_stay_lookback_months", today);
                var known = await db.StationaryStaysAsync(insured.Id, r.Start.AddMonths(-lookback), r.Start, ct);
                var stays = known.Concat(r.DeclaredStays.Select(s => s.ToFact())).ToList();
                return GeriatricAmbulatoryRehab.Decide(insured, new GeriatricAmbulatoryRequest(today, r.Start, r.End!.Value, stays), catalog);
            case RehabService.Geriatric:
                return GeriatricStationaryRehab.Decide(insured, new GeriatricStationaryRequest(today, r.Start, r.Days), catalog);
            case RehabService.Cardiac:
                return CardiacRehab.Decide(insured, new CardiacRehabRequest(today, r.Start, r.End!.Value, r.CardiacEventDate), catalog);
            default:
                return ColpachRehab.Decide(insured, Colpach(r, today), await ColpachHistoryAsync(r, insured.Id, ct), catalog);
        }
    }

    private static ColpachRequest Colpach(RehabilitationAuthorisation r, DateOnly today) =>
        new(r.Service, r.Setting, today, r.Start, r.Days!.Value, r.DifferentPathology, r.StableClinicalState, r.FunctionalLimitationsAttested,
            r.AcuteTherapyEnd, r.IsColpachAmbulatory ? r.End : null);

    /// <summary>REH-04: the person's agreed Colpach stays, read under the lock on the person's history (held to the end of the transaction).</summary>
    private async Task<List<ColpachHistoryEntry>> ColpachHistoryAsync(RehabilitationAuthorisation r, Guid insuredId, CancellationToken ct)
    {
        await locks.LockInsuredHistoryAsync(insuredId, ct);
        return await db.Set<RehabilitationAuthorisation>().AsNoTracking()
            .Where(h => h.InsuredId == insuredId && h.Status == RequestStatus.Agreed && h.Id != r.Id
                        && (h.Service == RehabService.Snrp || h.Service == RehabService.Snrpo)
                        && h.AuthorisedFrom != null && h.AuthorisedTo != null)
            .Select(h => new ColpachHistoryEntry(h.Service, h.Setting, h.AuthorisedFrom!.Value, h.AuthorisedTo!.Value, h.ProviderId == r.ProviderId,
                h.Setting == CareSetting.Ambulatory ? h.Days : null))
            .ToListAsync(ct);
    }

    protected override async Task<VoucherIssue> IssueVoucherAsync(RehabilitationAuthorisation request, int? sessions, RequestContext context, CancellationToken ct)
    {
        if (sessions is not null)
            throw new UnprocessableException("sessions_not_applicable", "A rehabilitation authorisation covers a period of days: agree without 'sessions'.");
        var terms = request.Terms ?? throw new InvalidOperationException("An agreed rehabilitation request carries its terms.");
        // REH-04 when the agreement comes after receipt (its document arrived, a reviewer agrees): another Colpach stay of the
        // person may have been agreed meanwhile, and two requests each within the ceiling alone must not pass it together.
        // On receipt the decision has just read the same history under the same lock.
        if (!context.OnReceipt && request.Service is RehabService.Snrp or RehabService.Snrpo && request.InsuredId is { } insuredId)
        {
            var exceeded = ColpachRehab.Ceiling(Colpach(request, context.Today), await ColpachHistoryAsync(request, insuredId, ct), context.Catalog).ToList();
            if (exceeded.Count > 0)
                return context.Mode == IssueMode.Review
                    ? throw new ConflictException("rehab_days_exceeded",
                        $"Agreeing would pass the yearly ceiling of Colpach days (REH-04: {exceeded[0].Detail}); another stay of the person was agreed since this request was received. Refuse it with REHAB_DAYS_EXCEEDED.")
                    : new VoucherIssue(null, exceeded);
        }
        var actCode = context.Catalog.RehabilitationKind(request.KindCode, request.ReceivedOn)?.ActCode
                      ?? throw new InvalidOperationException($"Rehabilitation kind {request.KindCode} has no billable act.");
        var voucher = await CareVouchers.AddAsync(db, context.Catalog, request, new AuthorisationVoucherTerms(
            VoucherKind.Rehabilitation, request.KindCode, EarliestBillable: terms.From, IssuedOn: context.Today, TreatmentStartBy: terms.From,
            ValidUntil: terms.To, terms.ThirdPartyPayment, actCode, terms.Days, terms.RatePercent), context.Now, ct);
        return VoucherIssue.Issued(voucher);
    }

    protected override string Subject(RehabilitationAuthorisation request) => request.Terms is { } t
        ? $"{request.KindCode} {t.From:yyyy-MM-dd}/{t.To:yyyy-MM-dd} ({t.Days} days)"
        : $"{request.KindCode} from {request.Start:yyyy-MM-dd}";
}
