using System.Globalization;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Vouchers;

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
        if (voucher is null || voucher.ProviderId != providerId) return Reason.Refusal("VOUCHER_UNKNOWN", Rule, "voucherNumber", voucherNumber);
        if (voucher.Matricule != matricule) return Reason.Refusal("VOUCHER_NOT_OWNED", Rule, "voucherNumber");
        return null;
    }
}

/// <summary>BIL-02: third-party payment must be allowed on the voucher.</summary>
public static class ThirdPartyPaymentAllowed
{
    public const string Rule = "BIL-02";

    public static Reason? Check(Voucher voucher) =>
        voucher.ThirdPartyPayment ? null : Reason.Refusal("THIRD_PARTY_NOT_APPLICABLE", Rule, "voucherNumber");
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
            ? Reason.Refusal("TREATMENT_STARTED_TOO_LATE", Rule, "sessionDate", Dates.Iso(voucher.TreatmentStartBy))
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
        if (sessionDate > today) yield return Reason.Refusal("SESSION_DATE_IN_FUTURE", Rule, "sessionDate");
        if (voucher is not null && (sessionDate < voucher.PrescriptionDate || sessionDate > voucher.ValidUntil))
            yield return Reason.Refusal("SESSION_OUTSIDE_VALIDITY", Rule, "sessionDate",
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
        if (act is null) return new(Reason.Refusal("ACT_NOT_VALIDATED", Rule, "actCode", actCode), null, null);
        if (!act.CoveredByCns) return new(Reason.Refusal("NOT_COVERED", Rule, "actCode", actCode), act, null);
        if (voucher is null) return new(null, act, null);
        var service = voucher.Services.FirstOrDefault(s => s.ActCode == actCode);
        return service is null
            ? new(Reason.Refusal("ACT_NOT_VALIDATED", Rule, "actCode", actCode), act, null)
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
            ? Reason.Refusal("SESSIONS_EXHAUSTED", Rule, "voucherNumber", $"{service.SessionsGranted}/{service.SessionsGranted}")
            : null;
}

/// <summary>BIL-07: one act per session — no second paid act for the same insured, provider and date.</summary>
public static class OneActPerSession
{
    public const string Rule = "BIL-07";

    public static Reason? Check(bool otherActPaidThatDay) =>
        otherActPaidThatDay ? Reason.Refusal("ONE_ACT_PER_SESSION", Rule, "sessionDate") : null;
}

/// <summary>BIL-08: the same line (voucher, date, act) is paid once.</summary>
public static class DuplicateLine
{
    public const string Rule = "BIL-08";

    public static Reason? Check(string? alreadyPaidInMemoir) =>
        alreadyPaidInMemoir is null ? null : Reason.Refusal("DUPLICATE_LINE", Rule, null, alreadyPaidInMemoir);
}

/// <summary>BIL-09: the travel allowance (physio act of category <c>travel</c>, ZKD1) is paid only when granted on the voucher service.</summary>
public static class TravelAllowance
{
    public const string Rule = "BIL-09";
    public const string Category = "travel";

    public static ActDefinition? Act(ReferenceCatalog catalog, string domain, DateOnly date) =>
        catalog.Acts.Where(a => a.Domain == domain && a.Category == Category).On(date);

    public static bool Granted(VoucherService? service) => service?.TravelAllowanceGranted == true;

    /// <summary>A refused travel allowance reduces a paid line and is one more refusal on a refused line.</summary>
    public static Reason NotAuthorised(bool lineRefused) =>
        lineRefused ? Reason.Refusal("TRAVEL_NOT_AUTHORISED", Rule, "travel") : Reason.Reduction("TRAVEL_NOT_AUTHORISED", Rule, "travel");
}

/// <summary>
/// BIL-10: CNS pays the coverage rate × the tariff on the session date; a claim above the tariff is cut to the tariff.
/// CNS share = round2(min(claimed, tariff) × rate / 100).
/// </summary>
public static class TariffCap
{
    public const string Rule = "BIL-10";

    public static Reason? Check(decimal claimed, decimal requestedTariff) =>
        claimed > requestedTariff ? Reason.Reduction("AMOUNT_ABOVE_TARIFF", Rule, "claimedAmount", Dates.Amount(requestedTariff)) : null;

    public static decimal CnsShare(decimal claimed, decimal tariff, decimal ratePercent) => Money.Share(Math.Min(claimed, tariff), ratePercent);
}

/// <summary>BIL-11: insured share = tariff − CNS share, stated on each paid line (the provider bills it to the insured).</summary>
public static class InsuredShare
{
    public const string Rule = "BIL-11";

    public static decimal Of(decimal tariff, decimal cnsShare) => Math.Max(0m, tariff - cnsShare);

    public static Reason Statement(decimal share) => Reason.Information("INSURED_SHARE", Rule, "insuredShare", Dates.Amount(share));
}

/// <summary>BIL-12: the insured must be affiliated on the session date.</summary>
public static class InsuredAffiliatedOnSession
{
    public const string Rule = "BIL-12";

    public static Reason? Check(Insured? insured, DateOnly sessionDate) =>
        insured is not null && !insured.IsAffiliatedOn(sessionDate)
            ? Reason.Refusal("INSURED_NOT_AFFILIATED", Rule, "matricule", Dates.Iso(sessionDate))
            : null;
}

/// <summary>BIL-13: no physiotherapy paid on a day the dependency insurance already financed physiotherapy-type care (seed 004).</summary>
public static class NoDoubleFinancing
{
    public const string Rule = "BIL-13";

    public static Reason? Check(Insured? insured, string actDomain, DateOnly sessionDate) =>
        insured is not null && actDomain == "physio" && insured.PhysioCareDeliveredOn(sessionDate)
            ? Reason.Refusal("DOUBLE_FINANCING", Rule, "sessionDate")
            : null;
}

internal static class Dates
{
    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Amount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
