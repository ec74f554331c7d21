using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Domain.Billing;

/// <summary>
/// One line of a fee memoir as the provider sends it: a session under a voucher (physiotherapy, cure, rehabilitation),
/// or — without a voucher — a doctor's fee for care in a hospital stay (<see cref="HospitalStayId"/>, RULES.md §7).
/// </summary>
public sealed record FeeMemoirLineInput(string? VoucherNumber, string Matricule, DateOnly SessionDate, string ActCode, bool Travel, decimal ClaimedAmount)
{
    /// <summary>HOS-04…HOS-06: the hospital stay the doctor's act belongs to (instead of a voucher).</summary>
    public Guid? HospitalStayId { get; init; }

    /// <summary>HOS-04: the part of <see cref="ClaimedAmount"/> that is the single-room surcharge (0 when none is charged).</summary>
    public decimal SingleRoomSurcharge { get; init; }

    /// <summary>The fee itself: the amount claimed without the single-room surcharge.</summary>
    public decimal FeeClaimed => ClaimedAmount - SingleRoomSurcharge;
}

/// <summary>Everything known about a line when it is adjudicated: the line, the voucher and insured it names, and the billing state.</summary>
public sealed record LineFacts
{
    public required FeeMemoirLineInput Line { get; init; }
    public required Guid ProviderId { get; init; }
    /// <summary>Luxembourg date of receipt.</summary>
    public required DateOnly Today { get; init; }
    public Voucher? Voucher { get; init; }
    public Insured? Insured { get; init; }
    /// <summary>BIL-03: the first session of the treatment under the voucher (see <see cref="TreatmentStartedInTime.FirstSession"/>).</summary>
    public DateOnly? FirstSessionDate { get; init; }
    /// <summary>BIL-06: sessions of the matching voucher service not yet paid.</summary>
    public int? SessionsRemaining { get; init; }
    /// <summary>BIL-08: reference of the memoir that already holds this line paid (same voucher, date, act).</summary>
    public string? DuplicateOfMemoir { get; init; }
    /// <summary>BIL-07: another act is already paid for this insured, provider and date.</summary>
    public bool OtherActSameSession { get; init; }
    /// <summary>Reference of the memoir being adjudicated: a line paid in it is no "earlier memoir" (BIL-07 vs BIL-08).</summary>
    public string? MemoirReference { get; init; }
    /// <summary>BIL-09: the act of the session paid under the voucher on the line's date (this memoir or earlier), if any.</summary>
    public string? SessionActOnDate { get; init; }
    /// <summary>BIL-09: reference of the memoir that already pays a travel allowance under the voucher on that date.</summary>
    public string? TravelPaidInMemoir { get; init; }

    /// <summary>Cure vouchers: the terms of the authorisation behind the voucher (CUR-01, CUR-05).</summary>
    public CureAuthorisationTerms? CureTerms { get; init; }
    /// <summary>
    /// CUR-05 maintenance: sessions of the voucher already paid in the calendar month of the session, counted in the
    /// database while the voucher service is locked (the lock of session consumption, BIL-06).
    /// </summary>
    public int SessionsPaidInMonth { get; init; }
    /// <summary>Rehabilitation vouchers: the authorised period, extensions included (REH-02…REH-04).</summary>
    public AuthorisedRehabilitation? Rehabilitation { get; init; }

    /// <summary>INS-03: the line is a session of a reimbursement claim (the insured's route): third-party payment (BIL-02) is no condition.</summary>
    public bool InsuredRoute { get; init; }
    /// <summary>INS-04: where the session (voucher, date) is already paid on the other route — a memoir reference or a claim id.</summary>
    public string? SessionPaidOnOtherRoute { get; init; }

    /// <summary>Doctor's fee lines: the hospital stay named by <see cref="FeeMemoirLineInput.HospitalStayId"/>, with its operations; null when unknown.</summary>
    public HospitalStay? HospitalStay { get; init; }
    /// <summary>HOS-05: the fee invoice for the stay — fees claimed on this memoir for it, single-room surcharge included.</summary>
    public decimal HospitalFeeInvoice { get; init; }
}

/// <summary>The adjudication of one line.</summary>
public sealed record LineDecision(
    LineOutcome Outcome,
    decimal? TariffAmount,
    decimal? RatePercent,
    decimal CnsAmount,
    decimal InsuredShare,
    IReadOnlyList<Reason> Reasons,
    VoucherService? Service)
{
    /// <summary>CNS pays something for the line, so it consumes a session and must be unique (BIL-06/07/08).</summary>
    public bool Paid => PaidLines.Is(Outcome);

    /// <summary>BIL-09: a travel allowance line (ZKD1): <see cref="Service"/> is the session's, whose rate it takes; it consumes no session.</summary>
    public bool TravelAllowanceLine { get; init; }
}

/// <summary>Adjudicates one fee memoir line (RULES.md §3, BIL-01…BIL-13), reporting every reason found, not only the first.</summary>
public static class LineAdjudication
{
    public static LineDecision Adjudicate(LineFacts facts, ReferenceCatalog catalog)
    {
        var line = facts.Line;
        if (line.HospitalStayId is not null) return HospitalFeeLines.Adjudicate(facts, catalog); // RULES.md §7, HOS-04…HOS-06
        var refusals = new List<Reason>();

        // BIL-01: only a voucher of this provider and insured is looked at any further.
        var ownership = VoucherOwnership.Check(facts.Voucher, line.VoucherNumber, facts.ProviderId, line.Matricule);
        if (ownership is not null) refusals.Add(ownership);
        var voucher = ownership is null ? facts.Voucher : null;
        if (voucher is not null && VoucherCancellation.Check(voucher) is { } cancelled) refusals.Add(cancelled); // LIF-01

        refusals.AddRange(AuthorisedDates.Check(voucher, facts)); // BIL-04, or the cure's / rehabilitation's own dates
        if (TravelAllowance.IsAct(catalog, line.ActCode, line.SessionDate))
        {
            Add(refusals, InsuredAffiliatedOnSession.Check(ownership is null ? facts.Insured : null, line.SessionDate)); // BIL-12
            return TravelAllowance.AdjudicateLine(facts, catalog, voucher, refusals); // BIL-09: the allowance as its own line
        }
        var act = ActCovered.Check(catalog, line.ActCode, line.SessionDate, voucher); // BIL-05
        if (act.Refusal is not null) refusals.Add(act.Refusal);
        var service = act.Service;

        if (voucher is not null)
        {
            if (!facts.InsuredRoute) Add(refusals, ThirdPartyPaymentAllowed.Check(voucher)); // BIL-02
            if (!AuthorisedDates.OwnDates(voucher, facts)) Add(refusals, TreatmentStartedInTime.Check(voucher, facts.FirstSessionDate)); // BIL-03
        }
        if (service is not null) Add(refusals, SessionsAvailable.Check(service, facts.SessionsRemaining)); // BIL-06
        Add(refusals, Reimbursement.SessionPaidOnce.Check(facts.SessionPaidOnOtherRoute)); // INS-04
        var sameLine = DuplicateLine.Check(facts.DuplicateOfMemoir, facts.MemoirReference); // BIL-08, or BIL-07 within one memoir
        Add(refusals, sameLine);
        if (sameLine?.Code != OneActPerSession.Code) Add(refusals, OneActPerSession.Check(facts.OtherActSameSession)); // BIL-07
        var insured = ownership is null ? facts.Insured : null;
        Add(refusals, InsuredAffiliatedOnSession.Check(insured, line.SessionDate)); // BIL-12
        if (act.Act is not null) Add(refusals, NoDoubleFinancing.Check(insured, act.Act.Domain, line.SessionDate)); // BIL-13

        // Tariff on the session date: act, plus the travel allowance when claimed and granted (BIL-09, BIL-10).
        var actTariff = act.Act is null ? (decimal?)null : catalog.TariffOn(act.Act.Code, line.SessionDate);
        var travelAct = line.Travel && act.Act is not null ? TravelAllowance.Act(catalog, act.Act.Domain, line.SessionDate) : null;
        var travelTariff = travelAct is null ? 0m : catalog.TariffOn(travelAct.Code, line.SessionDate) ?? 0m;
        var travelPaidAlready = line.Travel ? DuplicateLine.Check(facts.TravelPaidInMemoir, facts.MemoirReference, ReasonSeverity.Reduction, TravelAllowance.Field) : null;
        var travelRefused = line.Travel && (!TravelAllowance.Granted(service) || travelAct is null || travelPaidAlready is not null);

        if (refusals.Count > 0 || actTariff is null || service is null)
        {
            if (travelRefused && travelPaidAlready is null) refusals.Add(TravelAllowance.NotAuthorised(lineRefused: true));
            // A service not covered by CNS is billed to the insured in full (BIL-05, BIL-11).
            var notCovered = act.Act is { CoveredByCns: false } && actTariff is not null;
            var reasons = new List<Reason>(refusals);
            var toInsured = notCovered ? InsuredShare.Of(line.ClaimedAmount, actTariff!.Value, 0m) : 0m;
            if (notCovered) reasons.Add(InsuredShare.Statement(toInsured));
            return new LineDecision(LineOutcome.Refused, actTariff, service?.RatePercent, 0m, toInsured, reasons, service);
        }

        var reductions = new List<Reason>();
        var requestedTariff = actTariff.Value + (line.Travel ? travelTariff : 0m);
        var tariff = actTariff.Value + (line.Travel && !travelRefused ? travelTariff : 0m);
        if (travelRefused) reductions.Add(travelPaidAlready ?? TravelAllowance.NotAuthorised(lineRefused: false)); // BIL-09, once a day
        Add(reductions, TariffCap.Check(line.ClaimedAmount, requestedTariff)); // BIL-10
        var cns = TariffCap.CnsShare(line.ClaimedAmount, tariff, service.RatePercent);
        var insuredShare = InsuredShare.Of(line.ClaimedAmount, tariff, cns); // BIL-11
        reductions.Add(InsuredShare.Statement(insuredShare));
        var outcome = reductions.Any(r => r.Severity == ReasonSeverity.Reduction) ? LineOutcome.Reduced : LineOutcome.Accepted;
        return new LineDecision(outcome, tariff, service.RatePercent, cns, insuredShare, reductions, service);
    }

    private static void Add(List<Reason> list, Reason? reason)
    {
        if (reason is not null) list.Add(reason);
    }
}

/// <summary>
/// The dates a session under a voucher may have. Physiotherapy: BIL-03 and BIL-04 on the voucher's dates. A cure or a
/// rehabilitation is checked against its authorisation instead: the cure must start within its year of validity and
/// its sessions follow the cure's own window (CUR-01, CUR-05, with the maintenance cap per month); a rehabilitation day
/// lies within the authorised period, extensions included (REH-02…REH-04). A session in the future is never paid.
/// </summary>
public static class AuthorisedDates
{
    /// <summary>The voucher is checked against its authorisation's own dates (BIL-03/BIL-04 on the voucher dates do not apply).</summary>
    public static bool OwnDates(Voucher voucher, LineFacts facts) =>
        (voucher.Kind == VoucherKind.Cure && facts.CureTerms is not null)
        || (voucher.Kind == VoucherKind.Rehabilitation && facts.Rehabilitation is not null);

    public static IEnumerable<Reason> Check(Voucher? voucher, LineFacts facts)
    {
        var session = facts.Line.SessionDate;
        if (voucher is null || !OwnDates(voucher, facts)) return SessionDateAllowed.Check(voucher, session, facts.Today);
        var reasons = SessionDateAllowed.Check(null, session, facts.Today).ToList();
        if (voucher.Kind == VoucherKind.Cure)
            reasons.AddRange(CureSessionRules.Check(facts.CureTerms!, facts.FirstSessionDate ?? session, session, facts.SessionsPaidInMonth));
        else if (RehabilitationDays.Check(facts.Rehabilitation!, session) is { } outside)
            reasons.Add(outside);
        return reasons;
    }
}
