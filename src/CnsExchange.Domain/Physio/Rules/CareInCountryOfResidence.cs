namespace CnsExchange.Domain.Physio.Rules;

/// <summary>VAL-13: a cross-border worker treated in the country of residence goes to the local fund there.</summary>
public static class CareInCountryOfResidence
{
    public const string Rule = "VAL-13";

    public static Reason? Check(Insured? insured, string careCountry) => CompetentFundAbroad.Check(insured, careCountry, Rule, "careCountry");
}
