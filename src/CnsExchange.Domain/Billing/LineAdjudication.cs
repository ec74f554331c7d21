using CnsExchange.Domain.Common;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Vouchers;

namespace CnsExchange.Domain.Billing;

/// <summary>One line of a fee memoir as the provider sends it.</summary>
public sealed record FeeMemoirLineInput(string VoucherNumber, string Matricule, DateOnly SessionDate, string ActCode, bool Travel, decimal ClaimedAmount);

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
    public bool Paid => Outcome != LineOutcome.Refused;
}

/// <summary>Adjudicates one fee memoir line (RULES.md §3, BIL-01…BIL-13), reporting every reason found, not only the first.</summary>
public static class LineAdjudication
{
    public static LineDecision Adjudicate(LineFacts facts, ReferenceCatalog catalog)
    {
        var line = facts.Line;
        var refusals = new List<Reason>();

        // BIL-01: only a voucher of this provider and insured is looked at any further.
        var ownership = VoucherOwnership.Check(facts.Voucher, line.VoucherNumber, facts.ProviderId, line.Matricule);
        if (ownership is not null) refusals.Add(ownership);
        var voucher = ownership is null ? facts.Voucher : null;

        refusals.AddRange(SessionDateAllowed.Check(voucher, line.SessionDate, facts.Today)); // BIL-04
        var act = ActCovered.Check(catalog, line.ActCode, line.SessionDate, voucher); // BIL-05
        if (act.Refusal is not null) refusals.Add(act.Refusal);
        var service = act.Service;

        if (voucher is not null)
        {
            Add(refusals, ThirdPartyPaymentAllowed.Check(voucher)); // BIL-02
            Add(refusals, TreatmentStartedInTime.Check(voucher, facts.FirstSessionDate)); // BIL-03
        }
        if (service is not null) Add(refusals, SessionsAvailable.Check(service, facts.SessionsRemaining)); // BIL-06
        Add(refusals, DuplicateLine.Check(facts.DuplicateOfMemoir)); // BIL-08
        Add(refusals, OneActPerSession.Check(facts.OtherActSameSession)); // BIL-07
        var insured = ownership is null ? facts.Insured : null;
        Add(refusals, InsuredAffiliatedOnSession.Check(insured, line.SessionDate)); // BIL-12
        if (act.Act is not null) Add(refusals, NoDoubleFinancing.Check(insured, act.Act.Domain, line.SessionDate)); // BIL-13

        // Tariff on the session date: act, plus the travel allowance when claimed and granted (BIL-09, BIL-10).
        var actTariff = act.Act is null ? (decimal?)null : catalog.TariffOn(act.Act.Code, line.SessionDate);
        var travelAct = line.Travel && act.Act is not null ? TravelAllowance.Act(catalog, act.Act.Domain, line.SessionDate) : null;
        var travelTariff = travelAct is null ? 0m : catalog.TariffOn(travelAct.Code, line.SessionDate) ?? 0m;
        var travelRefused = line.Travel && (!TravelAllowance.Granted(service) || travelAct is null);

        if (refusals.Count > 0 || actTariff is null || service is null)
        {
            if (travelRefused) refusals.Add(TravelAllowance.NotAuthorised(lineRefused: true));
            // A service not covered by CNS is billed to the insured in full (BIL-05, BIL-11).
            var notCovered = act.Act is { CoveredByCns: false } && actTariff is not null;
            var reasons = new List<Reason>(refusals);
            if (notCovered) reasons.Add(InsuredShare.Statement(actTariff!.Value));
            return new LineDecision(LineOutcome.Refused, actTariff, service?.RatePercent, 0m, notCovered ? actTariff!.Value : 0m, reasons, service);
        }

        var reductions = new List<Reason>();
        var requestedTariff = actTariff.Value + (line.Travel ? travelTariff : 0m);
        var tariff = actTariff.Value + (line.Travel && !travelRefused ? travelTariff : 0m);
        if (travelRefused) reductions.Add(TravelAllowance.NotAuthorised(lineRefused: false)); // BIL-09
        Add(reductions, TariffCap.Check(line.ClaimedAmount, requestedTariff)); // BIL-10
        var cns = TariffCap.CnsShare(line.ClaimedAmount, tariff, service.RatePercent);
        var insuredShare = InsuredShare.Of(tariff, cns); // BIL-11
        reductions.Add(InsuredShare.Statement(insuredShare));
        var outcome = reductions.Any(r => r.Severity == ReasonSeverity.Reduction) ? LineOutcome.Reduced : LineOutcome.Accepted;
        return new LineDecision(outcome, tariff, service.RatePercent, cns, insuredShare, reductions, service);
    }

    private static void Add(List<Reason> list, Reason? reason)
    {
        if (reason is not null) list.Add(reason);
    }
}
