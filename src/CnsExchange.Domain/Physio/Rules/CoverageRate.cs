namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-10 (seed 000): 70 % for current pathologies, lymphatic drainage included; 100 % for heavy pathology (Annex G),
/// post-surgical rehabilitation, an insured person under 18 on the prescription date, and AAA accident cases (sandbox
/// assumption). A lymphatic drainage is at the heavy or post-surgical rate only with an Annex G code valid on the
/// prescription date or a surgery date within VAL-08's window. Every figure comes from reference parameters; the best
/// applicable rate wins.
/// </summary>
public static class CoverageRate
{
    public const string Rule = "VAL-10";
    public const string MinorAgeParameter = "physio.minor_age";
    public const string MinorRateParameter = "physio.rate.minor";
    public const string AccidentRateParameter = "physio.rate.accident";

    public static string CategoryParameter(PhysioCategory category) => "physio.rate." + category.Code();

    /// <param name="drainageGrounds">For a lymphatic drainage: the Annex G code and surgery date the prescription carries.</param>
    public static decimal For(PhysioCategory effectiveCategory, int ageOnPrescriptionDate, bool accidentCase, DateOnly asOf, ReferenceCatalog catalog,
        DrainageGrounds? drainageGrounds = null)
    {
        var rate = catalog.Parameter(CategoryParameter(effectiveCategory), asOf);
        if (effectiveCategory == PhysioCategory.LymphaticDrainage && drainageGrounds is { } grounds)
        {
            if (grounds.AnnexGCode is { Length: > 0 } code && catalog.IsAnnexG(code, grounds.PrescriptionDate))
                rate = Math.Max(rate, catalog.Parameter(CategoryParameter(PhysioCategory.Heavy), asOf));
            if (PostSurgicalConditions.WithinWindow(grounds.SurgeryDate, grounds.PrescriptionDate, asOf, catalog))
                rate = Math.Max(rate, catalog.Parameter(CategoryParameter(PhysioCategory.PostSurgical), asOf));
        }
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

/// <summary>VAL-10: what may raise a lymphatic drainage above the common rate: a heavy pathology or a recent surgery.</summary>
public sealed record DrainageGrounds(string? AnnexGCode, DateOnly? SurgeryDate, DateOnly PrescriptionDate);
