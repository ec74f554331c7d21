using CnsExchange.Domain.Common;
using CnsExchange.Domain.Registry;

namespace CnsExchange.Domain.Physio.Rules;

/// <summary>VAL-13: a cross-border worker treated in the country of residence is covered by the local fund there.</summary>
public static class CompetentFundAbroad
{
    public const string Rule = "VAL-13";

    public static Reason? Check(Insured? insured, string careCountry) =>
        insured is { CrossBorderWorker: true } && insured.ResidenceCountry != ValidationFacts.Luxembourg && insured.ResidenceCountry == careCountry
            ? Reason.Refusal("COMPETENT_FUND_ABROAD", Rule, "careCountry", careCountry)
            : null;
}
