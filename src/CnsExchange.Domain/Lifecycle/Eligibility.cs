namespace CnsExchange.Domain.Lifecycle;

/// <summary>One of the asking provider's own vouchers for the person, still open on the date, with the sessions left on it.</summary>
public sealed record OpenVoucher(string Number, VoucherKind Kind, string Category, DateOnly IssuedOn, DateOnly ValidUntil, bool ThirdPartyPayment, int SessionsLeft);

/// <summary>What LIF-06 lets a provider learn about a person known and affiliated on the date.</summary>
public sealed record EligibleFacts(
    string CompetentFund,
    bool CrossBorderWorker,
    string ResidenceCountry,
    bool UnderEighteen,
    bool OpenAccidentCase,
    bool DependencyPlanWithPhysiotherapy);

/// <summary>
/// The answer to "can I treat this person under third-party payment on this date?" (LIF-06). The facts about the person
/// are given only when the person is known and affiliated on the date (null otherwise); nothing else is disclosed.
/// </summary>
public sealed record EligibilityAssessment(
    DateOnly Date,
    bool Known,
    bool AffiliatedOnDate,
    EligibleFacts? Facts,
    IReadOnlyList<OpenVoucher> OpenVouchers,
    IReadOnlyList<Reason> Reasons)
{
    public bool ThirdPartyPaymentPossible => Facts is not null;
}

/// <summary>
/// LIF-06: what a provider may learn about a person before treating under third-party payment — known, affiliated on the
/// date, competent fund, cross-border worker and country of residence, under 18, an open accident-insurance case (yes/no),
/// a dependency-insurance plan with physiotherapy-type care over the date (yes/no), and its own vouchers for the person
/// that are open on the date (not cancelled (LIF-01), not expired, sessions left). Another provider's vouchers never count.
/// </summary>
public static class Eligibility
{
    public const string Rule = "LIF-06";

    public static EligibilityAssessment Assess(Insured? insured, DateOnly date, Guid providerId, IEnumerable<Voucher> vouchers)
    {
        if (insured is null)
            return new(date, false, false, null, [],
                [Reason.Refusal(CommonReasonCodes.InsuredUnknown, Rule, "matricule")]);

        var open = OpenVouchers(insured, date, providerId, vouchers);
        if (!insured.IsAffiliatedOn(date))
            return new(date, true, false, null, open,
                [Reason.Refusal(CommonReasonCodes.InsuredNotAffiliated, Rule, "date")]);

        return new(date, true, true,
            new EligibleFacts(insured.CompetentFund, insured.CrossBorderWorker, insured.ResidenceCountry, insured.AgeOn(date) < 18,
                insured.OpenAccidentCase(null, date) is not null, insured.HasPhysioCarePlanOverlapping(date, date)),
            open, []);
    }

    /// <summary>The provider's vouchers for the person, not cancelled, whose validity has not ended on the date and that have sessions left.</summary>
    public static IReadOnlyList<OpenVoucher> OpenVouchers(Insured insured, DateOnly date, Guid providerId, IEnumerable<Voucher> vouchers) =>
        vouchers
            .Where(v => v.ProviderId == providerId && v.InsuredId == insured.Id && v.CancelledAt is null && v.ValidUntil >= date)
            .Select(v => new OpenVoucher(v.Number, v.Kind, v.Category, v.IssuedOn, v.ValidUntil, v.ThirdPartyPayment,
                v.Services.Sum(s => Math.Max(0, s.SessionsGranted - s.SessionsBilled))))
            .Where(v => v.SessionsLeft > 0)
            .OrderBy(v => v.ValidUntil).ThenBy(v => v.Number, StringComparer.Ordinal)
            .ToList();
}
