using System.Linq.Expressions;
using System.Globalization;

namespace CnsExchange.Domain.Billing;

// The fee memoir rules of RULES.md §3, one small class per rule id. LineAdjudication puts them together.

/// <summary>
/// BIL-01: the voucher must exist, belong to this provider and to the insured of the line. Another provider's voucher
/// is answered exactly like an unknown one: its existence is not disclosed.
/// </summary>
public static class VoucherOwnership
{
    public const string Rule = "BIL-01";

    public static Reason? Check(Voucher? voucher, string? voucherNumber, Guid providerId, string matricule)
    {
        if (voucher is null || voucher.ProviderId != providerId) return Reason.Refusal(BillingReasonCodes.VoucherUnknown, Rule, "voucherNumber", voucherNumber);
        if (voucher.Matricule != matricule) return Reason.Refusal(BillingReasonCodes.VoucherNotOwned, Rule, "voucherNumber");
        return null;
    }
}

/// <summary>BIL-02: third-party payment must be allowed on the voucher.</summary>
public static class ThirdPartyPaymentAllowed
{
    public const string Rule = "BIL-02";

    public static Reason? Check(Voucher voucher) =>
        voucher.ThirdPartyPayment ? null : Reason.Refusal(CommonReasonCodes.ThirdPartyNotApplicable, Rule, "voucherNumber");
}

/// <summary>
/// BIL-03: the first session of the treatment must be on or before <c>treatmentStartBy</c>; otherwise every line
/// of the voucher is refused. The first session is the earliest one already paid under the voucher, or the earliest
/// of the memoir within the voucher's validity.
/// </summary>
public static class TreatmentStartedInTime
{
    public const string Rule = "BIL-03";

    public static Reason? Check(Voucher voucher, DateOnly? firstSession) =>
        firstSession is { } first && first > voucher.TreatmentStartBy
            ? Reason.Refusal(BillingReasonCodes.TreatmentStartedTooLate, Rule, "sessionDate", Dates.Iso(voucher.TreatmentStartBy))
            : null;

    /// <summary>The earliest session that counts as the start of treatment: within validity and not in the future.</summary>
    public static DateOnly? FirstSession(Voucher voucher, DateOnly? firstPaidSession, IEnumerable<DateOnly> memoirSessions, DateOnly today)
    {
        var candidates = memoirSessions.Where(d => d >= voucher.PrescriptionDate && d <= voucher.ValidUntil && d <= today).ToList();
        if (firstPaidSession is { } paid) candidates.Add(paid);
        return candidates.Count == 0 ? null : candidates.Min();
    }
}

/// <summary>
/// BIL-04: the session lies within [prescription date, validUntil] (the first session often comes before the voucher
/// is issued) and not in the future.
/// </summary>
public static class SessionDateAllowed
{
    public const string Rule = "BIL-04";

    public static IEnumerable<Reason> Check(Voucher? voucher, DateOnly sessionDate, DateOnly today)
    {
        if (sessionDate > today) yield return Reason.Refusal(BillingReasonCodes.SessionDateInFuture, Rule, "sessionDate");
        if (voucher is not null && (sessionDate < voucher.PrescriptionDate || sessionDate > voucher.ValidUntil))
            yield return Reason.Refusal(BillingReasonCodes.SessionOutsideValidity, Rule, "sessionDate",
                $"{Dates.Iso(voucher.PrescriptionDate)} – {Dates.Iso(voucher.ValidUntil)}");
    }
}

/// <summary>
/// BIL-05: the act must be one validated on the voucher; acts not covered by CNS (ZKX9, supplements billable to the
/// insured only) are never paid.
/// </summary>
public static class ActCovered
{
    public const string Rule = "BIL-05";

    public sealed record Result(Reason? Refusal, ActDefinition? Act, VoucherService? Service);

    public static Result Check(ReferenceCatalog catalog, string actCode, DateOnly sessionDate, Voucher? voucher)
    {
        var act = catalog.Act(actCode, sessionDate);
        if (act is null) return new(Reason.Refusal(BillingReasonCodes.ActNotValidated, Rule, "actCode", actCode), null, null);
        if (!act.CoveredByCns) return new(Reason.Refusal(CommonReasonCodes.NotCovered, Rule, "actCode", actCode), act, null);
        if (voucher is null) return new(null, act, null);
        var service = voucher.Service(actCode);
        return service is null
            ? new(Reason.Refusal(BillingReasonCodes.ActNotValidated, Rule, "actCode", actCode), act, null)
            : new(null, act, service);
    }
}

/// <summary>
/// BIL-06: sessions paid never exceed sessions granted. The database decides under concurrency (a conditional
/// increment of <c>sessions_billed</c>); this rule states the outcome from the count it reports.
/// </summary>
public static class SessionsAvailable
{
    public const string Rule = "BIL-06";

    public static Reason? Check(VoucherService service, int? sessionsRemaining) =>
        sessionsRemaining is <= 0
            ? Reason.Refusal(BillingReasonCodes.SessionsExhausted, Rule, "voucherNumber", $"{service.SessionsGranted}/{service.SessionsGranted}")
            : null;
}

/// <summary>BIL-07: one act per session — no second paid act for the same insured, provider and date.</summary>
public static class OneActPerSession
{
    public const string Rule = "BIL-07";
    public const string Code = BillingReasonCodes.OneActPerSession;

    /// <summary>The key a paid session is unique by (with <see cref="PaidLines.IsSession"/>): provider, insured, date.</summary>
    public readonly record struct SessionKey(Guid ProviderId, Guid InsuredId, DateOnly SessionDate);

    /// <summary><see cref="SessionKey"/> as the columns of its partial unique index.</summary>
    public static readonly Expression<Func<FeeMemoirLine, object?>> Key = l => new { l.ProviderId, l.InsuredId, l.SessionDate };

    public static Reason? Check(bool otherActPaidThatDay) => otherActPaidThatDay ? Reason.Refusal(Code, Rule, "sessionDate") : null;
}

/// <summary>
/// BIL-08: the same line (voucher, date, act) is paid once. Only a line accepted in an earlier memoir is a duplicate,
/// named in the reason; the same line twice in one memoir is a second act for the session (BIL-07), and the reason never
/// names the memoir itself as "earlier".
/// </summary>
public static class DuplicateLine
{
    public const string Rule = "BIL-08";

    /// <summary>The key a paid line is unique by (with <see cref="PaidLines.Is"/>): voucher, date, act.</summary>
    public readonly record struct LineKey(Guid VoucherId, DateOnly SessionDate, string ActCode);

    /// <summary><see cref="LineKey"/> as the columns of its partial unique index.</summary>
    public static readonly Expression<Func<FeeMemoirLine, object?>> Key = l => new { l.VoucherId, l.SessionDate, l.ActCode };

    /// <param name="alreadyPaidInMemoir">Reference of the memoir that holds the same line paid, if any.</param>
    /// <param name="thisMemoir">Reference of the memoir being adjudicated.</param>
    public static Reason? Check(string? alreadyPaidInMemoir, string? thisMemoir, ReasonSeverity severity = ReasonSeverity.Refusal, string? field = null)
    {
        if (alreadyPaidInMemoir is null) return null;
        return alreadyPaidInMemoir == thisMemoir
            ? new Reason(OneActPerSession.Code, severity, OneActPerSession.Rule, field ?? "sessionDate")
            : new Reason(BillingReasonCodes.DuplicateLine, severity, Rule, field, alreadyPaidInMemoir);
    }
}

/// <summary>
/// BIL-09: the travel allowance (physio act of category <c>travel</c>, ZKD1) is paid only when granted on the voucher
/// service, once per session day: with the <c>travel</c> flag of the session line, or as its own line beside a session
/// of the voucher on that date (same memoir or already accepted), at the session's rate of its own tariff.
/// </summary>
public static class TravelAllowance
{
    public const string Rule = "BIL-09";
    public const string Category = "travel";
    public const string NotAuthorisedCode = BillingReasonCodes.TravelNotAuthorised;
    public const string WithoutSessionCode = BillingReasonCodes.TravelWithoutSession;
    /// <summary>The field of every reason that refuses the travel flag of a session line: such a line paid no allowance.</summary>
    public const string Field = "travel";

    public static ActDefinition? Act(ReferenceCatalog catalog, string domain, DateOnly date) =>
        catalog.Acts.Where(a => a.Domain == domain && a.Category == Category).On(date);

    /// <summary>The act billed is the travel allowance itself (a ZKD1 line).</summary>
    public static bool IsAct(ReferenceCatalog catalog, string actCode, DateOnly date) => catalog.Act(actCode, date) is { Category: Category };

    public static bool Granted(VoucherService? service) => service?.TravelAllowanceGranted == true;

    /// <summary>A refused travel allowance reduces a paid line and is one more refusal on a refused line.</summary>
    public static Reason NotAuthorised(bool lineRefused) =>
        lineRefused ? Reason.Refusal(NotAuthorisedCode, Rule, Field) : Reason.Reduction(NotAuthorisedCode, Rule, Field);

    /// <summary>A travel allowance line needs a session of the voucher on its date (in the memoir or already accepted).</summary>
    public static Reason WithoutSession(DateOnly date) => Reason.Refusal(WithoutSessionCode, Rule, "actCode", Dates.Iso(date));

    /// <summary>
    /// A travel allowance line (ZKD1): BIL-09 on the voucher and the session of the day, paid once per day (BIL-07/08),
    /// at the session's rate of the allowance's own tariff (BIL-10, BIL-11). <paramref name="refusals"/> holds what the
    /// rules common to every line already found (BIL-01, BIL-04, BIL-12).
    /// </summary>
    public static LineDecision AdjudicateLine(LineFacts facts, ReferenceCatalog catalog, Voucher? voucher, List<Reason> refusals)
    {
        var line = facts.Line;
        VoucherService? session = null;
        if (voucher is not null)
        {
            if (ThirdPartyPaymentAllowed.Check(voucher) is { } thirdParty) refusals.Add(thirdParty); // BIL-02
            session = voucher.Service(facts.SessionActOnDate);
            if (!voucher.Services.Any(Granted) || (session is not null && !Granted(session))) refusals.Add(NotAuthorised(lineRefused: true));
            else if (session is null) refusals.Add(WithoutSession(line.SessionDate));
        }
        if (DuplicateLine.Check(facts.TravelPaidInMemoir ?? facts.DuplicateOfMemoir, facts.MemoirReference) is { } paidOnce) refusals.Add(paidOnce);

        var tariff = catalog.TariffOn(line.ActCode, line.SessionDate);
        if (refusals.Count > 0 || tariff is null || session is null)
            return new LineDecision(LineOutcome.Refused, tariff, session?.RatePercent, 0m, 0m, refusals, null);

        var reasons = new List<Reason>();
        if (TariffCap.Check(line.ClaimedAmount, tariff.Value) is { } above) reasons.Add(above); // BIL-10
        var cns = TariffCap.CnsShare(line.ClaimedAmount, tariff.Value, session.RatePercent);
        var insuredShare = InsuredShare.Of(line.ClaimedAmount, tariff.Value, cns); // BIL-11
        reasons.Add(InsuredShare.Statement(insuredShare));
        var outcome = reasons.Any(r => r.Severity == ReasonSeverity.Reduction) ? LineOutcome.Reduced : LineOutcome.Accepted;
        return new LineDecision(outcome, tariff, session.RatePercent, cns, insuredShare, reasons, session) { TravelAllowanceLine = true };
    }
}

/// <summary>
/// BIL-10: CNS pays the coverage rate × the tariff on the session date; a claim above the tariff is cut to the tariff.
/// CNS share = round2(min(claimed, tariff) × rate / 100).
/// </summary>
public static class TariffCap
{
    public const string Rule = "BIL-10";

    public static Reason? Check(decimal claimed, decimal requestedTariff) =>
        claimed > requestedTariff ? Reason.Reduction(BillingReasonCodes.AmountAboveTariff, Rule, "claimedAmount", Dates.Amount(requestedTariff)) : null;

    /// <summary>What the line is paid on: the claim, cut to the tariff.</summary>
    public static decimal Chargeable(decimal claimed, decimal tariff) => Math.Min(claimed, tariff);

    public static decimal CnsShare(decimal claimed, decimal tariff, decimal ratePercent) => Money.Share(Chargeable(claimed, tariff), ratePercent);
}

/// <summary>
/// BIL-11: insured share = min(claimed, tariff) − CNS share, stated on each line (the provider bills it to the insured):
/// never more than was charged, 0 at 100 %. A service CNS does not cover is the insured's in full, up to the tariff.
/// </summary>
public static class InsuredShare
{
    public const string Rule = "BIL-11";

    public static decimal Of(decimal claimed, decimal tariff, decimal cnsShare) => Math.Max(0m, TariffCap.Chargeable(claimed, tariff) - cnsShare);

    public static Reason Statement(decimal share) => Reason.Information(BillingReasonCodes.InsuredShare, Rule, "insuredShare", Dates.Amount(share));
}

/// <summary>BIL-12: the insured must be affiliated on the session date.</summary>
public static class InsuredAffiliatedOnSession
{
    public const string Rule = "BIL-12";

    public static Reason? Check(Insured? insured, DateOnly sessionDate) =>
        insured is not null && !insured.IsAffiliatedOn(sessionDate)
            ? Reason.Refusal(CommonReasonCodes.InsuredNotAffiliated, Rule, "matricule", Dates.Iso(sessionDate))
            : null;
}

/// <summary>BIL-13: no physiotherapy paid on a day the dependency insurance already financed physiotherapy-type care (seed 004).</summary>
public static class NoDoubleFinancing
{
    public const string Rule = "BIL-13";

    public static Reason? Check(Insured? insured, string actDomain, DateOnly sessionDate) =>
        insured is not null && actDomain == "physio" && insured.PhysioCareDeliveredOn(sessionDate)
            ? Reason.Refusal(BillingReasonCodes.DoubleFinancing, Rule, "sessionDate")
            : null;
}

internal static class Dates
{
    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Amount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
