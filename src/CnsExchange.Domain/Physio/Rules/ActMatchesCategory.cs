namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-09: the act must belong to the category (ZK11 common, ZK21 heavy, ZK16/ZK17 lymphatic, ZK31 post-surgical,
/// as listed in the reference acts) and be in force on the prescription date; one act per session.
/// </summary>
public static class ActMatchesCategory
{
    public const string Rule = "VAL-09";

    public static Reason? Check(string actCode, PhysioCategory category, DateOnly prescriptionDate, ReferenceCatalog catalog)
    {
        var act = catalog.Act(actCode, prescriptionDate);
        return act is { Domain: PhysioCategories.ActDomain } && act.Category == category.Code()
            ? null
            : Reason.Refusal(PhysioReasonCodes.ActNotAllowedForCategory, Rule, "actCode", actCode);
    }

    /// <summary>The session act of a category on a date (used when a heavy prescription is treated as common).</summary>
    public static string? SessionActOf(PhysioCategory category, DateOnly date, ReferenceCatalog catalog) =>
        catalog.Acts.Where(a => a.Domain == PhysioCategories.ActDomain && a.Category == category.Code() && a.IsValidOn(date))
            .OrderBy(a => a.Code, StringComparer.Ordinal).FirstOrDefault()?.Code;
}
