namespace CnsExchange.Domain.Common;

/// <summary>
/// VAL-13 / HOS-08 / cures and rehabilitation (seed 003 FAQ): a cross-border worker treated in the country of
/// residence is covered only by the local fund there, at its rates and conditions.
/// </summary>
public static class CompetentFundAbroad
{
    public const string Code = CommonReasonCodes.CompetentFundAbroad;

    public static bool Applies(Insured insured, string countryOfCare) =>
        insured.CrossBorderWorker && string.Equals(insured.ResidenceCountry, countryOfCare, StringComparison.OrdinalIgnoreCase);

    public static Reason? Check(Insured? insured, string countryOfCare, string rule, string field = "countryOfCare") =>
        insured is not null && Applies(insured, countryOfCare) ? Reason.Refusal(Code, rule, field, countryOfCare.ToUpperInvariant()) : null;
}

/// <summary>The insured person must be affiliated on the dates the care concerns (VAL-01, REH-01 and the like).</summary>
public static class AffiliationRule
{
    public const string Code = CommonReasonCodes.InsuredNotAffiliated;

    /// <summary>One refusal naming the first date (of those given) on which the insured person is not affiliated.</summary>
    public static Reason? Check(Insured insured, string rule, params DateOnly[] dates)
    {
        foreach (var date in dates.Distinct().Order())
            if (!insured.IsAffiliatedOn(date)) return Reason.Refusal(Code, rule, null, date.ToString("yyyy-MM-dd"));
        return null;
    }
}
