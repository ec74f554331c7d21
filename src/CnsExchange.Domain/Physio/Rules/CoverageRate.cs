using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Registry;

namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-10: coverage rate 70 % common; 100 % heavy, post-surgical, lymphatic drainage, insured under 18 on the prescription
/// date, and accident-insurance (AAA) cases. Every figure comes from reference parameters; the best applicable rate wins.
/// </summary>
public static class CoverageRate
{
    public const string Rule = "VAL-10";
    public const string MinorAgeParameter = "physio.minor_age";
    public const string MinorRateParameter = "physio.rate.minor";
    public const string AccidentRateParameter = "physio.rate.accident";

    public static string CategoryParameter(PhysioCategory category) => "physio.rate." + category.Code();

    public static decimal For(PhysioCategory effectiveCategory, int ageOnPrescriptionDate, bool accidentCase, DateOnly asOf, ReferenceCatalog catalog)
    {
        var rate = catalog.Parameter(CategoryParameter(effectiveCategory), asOf);
        if (ageOnPrescriptionDate < catalog.Parameter(MinorAgeParameter, asOf))
            rate = Math.Max(rate, catalog.Parameter(MinorRateParameter, asOf));
        if (accidentCase)
            rate = Math.Max(rate, catalog.Parameter(AccidentRateParameter, asOf));
        return rate;
    }

    /// <summary>The open AAA case the prescription refers to, if the insured person has one on the prescription date.</summary>
    public static AccidentCase? AccidentCaseFor(Insured insured, string? reference, DateOnly prescriptionDate) =>
        reference is { Length: > 0 } ? insured.OpenAccidentCase(reference, prescriptionDate) : null;
}
