namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-12: third-party payment applies when the physiotherapist requests the validation (always, on this API) and the
/// care is in Luxembourg; it is mandatory for AAA cases. Care abroad: paid in full by the insured, then refunded.
/// </summary>
public static class ThirdPartyPayment
{
    public const string Rule = "VAL-12";

    public static (bool Applies, Reason? Information) Decide(bool requestedByPhysiotherapist, bool careInLuxembourg)
    {
        if (!careInLuxembourg) return (false, Reason.Information(CommonReasonCodes.ThirdPartyNotApplicable, Rule, "careCountry"));
        return (requestedByPhysiotherapist, null);
    }
}
