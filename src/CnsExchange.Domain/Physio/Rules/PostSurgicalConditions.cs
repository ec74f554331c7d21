namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-08: <c>post_surgical</c> needs a surgery date before the prescription date and at most 4 months before it
/// (sandbox assumption, reference parameter).
/// </summary>
public static class PostSurgicalConditions
{
    public const string Rule = "VAL-08";
    public const string MaxMonthsParameter = "physio.post_surgical.max_months_since_surgery";

    public static Reason? Check(PhysioCategory category, DateOnly? surgeryDate, DateOnly prescriptionDate, DateOnly asOf, ReferenceCatalog catalog)
    {
        if (category != PhysioCategory.PostSurgical) return null;
        if (surgeryDate is not { } surgery) return Refuse("missing");
        var maxMonths = (int)catalog.Parameter(MaxMonthsParameter, asOf);
        if (surgery >= prescriptionDate) return Refuse(surgery.ToString("yyyy-MM-dd"));
        if (surgery < prescriptionDate.AddMonths(-maxMonths)) return Refuse(surgery.ToString("yyyy-MM-dd"));
        return null;
    }

    /// <summary>The surgery is before the prescription date and at most the window's months before it (also VAL-10 for lymphatic drainage).</summary>
    public static bool WithinWindow(DateOnly? surgeryDate, DateOnly prescriptionDate, DateOnly asOf, ReferenceCatalog catalog) =>
        surgeryDate is { } surgery && surgery < prescriptionDate
        && surgery >= prescriptionDate.AddMonths(-(int)catalog.Parameter(MaxMonthsParameter, asOf));

    private static Reason Refuse(string detail) => Reason.Refusal(PhysioReasonCodes.PostSurgicalConditionsNotMet, Rule, "surgeryDate", detail);
}
